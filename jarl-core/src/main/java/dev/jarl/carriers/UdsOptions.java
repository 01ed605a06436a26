/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carriers;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Options of the Unix domain socket carrier ({@link Carriers#uds(UdsOptions)}), which follows
 * OTP's {@code erl_uds_dist} example: a node named {@code alive@host} listens on the socket
 * file {@code alive} in {@code directory}; there is no EPMD.
 *
 * <p>Creation: the example as built on OTP 23 and later (whose {@code dist.hrl} defines
 * {@code ERL_DIST_VER_6}) draws a random creation in 4..2<sup>32</sup>-1 on every listen, and
 * so does this carrier by default. Built against older headers, the example instead steps a
 * creation of 1..3 kept as one digit in the file {@code alive.uds} beside the socket;
 * {@code creationFile} selects that.
 *
 * @param directory     where the socket files live; {@code erl_uds_dist} uses the current
 *                      working directory, so nodes meet only when they share it
 * @param maxPacketSize the largest packet accepted after the handshake, in bytes; a longer
 *                      declared length closes the connection before anything is allocated
 * @param creationFile  keep the creation in {@code alive.uds} (1..3) instead of drawing it
 */
public record UdsOptions(Path directory, int maxPacketSize, boolean creationFile) {

    /** Checks the values and makes {@code directory} absolute. */
    public UdsOptions {
        Objects.requireNonNull(directory, "directory");
        directory = directory.toAbsolutePath().normalize();
        if (maxPacketSize < 1) {
            throw new IllegalArgumentException("maxPacketSize: " + maxPacketSize + " (expected: positive)");
        }
    }

    /** Sockets in the current working directory, as {@code erl_uds_dist}; 512 MiB packets; random creations. */
    public static UdsOptions defaults() {
        return of(Path.of(""));
    }

    /** Sockets in {@code directory}; 512 MiB packets; random creations. */
    public static UdsOptions of(Path directory) {
        return new UdsOptions(directory, TcpOptions.DEFAULT_MAX_PACKET_SIZE, false);
    }

    /** These options with another maximum packet size. */
    public UdsOptions withMaxPacketSize(int bytes) {
        return new UdsOptions(directory, bytes, creationFile);
    }

    /** These options keeping the creation in a file ({@code true}) or drawing it at random. */
    public UdsOptions withCreationFile(boolean file) {
        return new UdsOptions(directory, maxPacketSize, file);
    }
}
