package dev.jarl.carrier;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Options of the Unix domain socket carrier ({@link Carriers#uds(UdsOptions)}), which follows
 * OTP's {@code erl_uds_dist} example: a node named {@code alive@host} listens on the socket
 * file {@code alive} in {@code directory} and keeps its creation in {@code alive.uds} beside
 * it; there is no EPMD.
 *
 * @param directory     where the socket files live; {@code erl_uds_dist} uses the current
 *                      working directory, so nodes meet only when they share it
 * @param maxPacketSize the largest packet accepted after the handshake, in bytes; a longer
 *                      declared length closes the connection before anything is allocated
 */
public record UdsOptions(Path directory, int maxPacketSize) {

    /** Checks the values and makes {@code directory} absolute. */
    public UdsOptions {
        Objects.requireNonNull(directory, "directory");
        directory = directory.toAbsolutePath().normalize();
        if (maxPacketSize < 1) {
            throw new IllegalArgumentException("maxPacketSize: " + maxPacketSize + " (expected: positive)");
        }
    }

    /** Sockets in the current working directory, as {@code erl_uds_dist}; 512 MiB packets. */
    public static UdsOptions defaults() {
        return of(Path.of(""));
    }

    /** Sockets in {@code directory}; 512 MiB packets. */
    public static UdsOptions of(Path directory) {
        return new UdsOptions(directory, TcpOptions.DEFAULT_MAX_PACKET_SIZE);
    }

    /** These options with another maximum packet size. */
    public UdsOptions withMaxPacketSize(int bytes) {
        return new UdsOptions(directory, bytes);
    }
}
