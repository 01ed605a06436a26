/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.uds;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.Listener;
import dev.jarl.carrier.stream.NewConnectionOptions;
import dev.jarl.carrier.stream.SocketChannelStream;
import dev.jarl.carrier.stream.StreamConnection;
import dev.jarl.carriers.UdsOptions;
import dev.jarl.term.NodeName;
import dev.jarl.term.Printable;

/** The Unix domain socket carrier; see the package comment. Thread-safe and stateless beyond its options. */
public final class UdsCarrier implements Carrier {

    /** The longest socket path Linux accepts ({@code sun_path} is 108 bytes with the NUL). */
    static final int MAX_PATH_BYTES = 107;

    /** The socket options {@link Listener#setOption} takes for new Unix-socket connections. */
    public static final Set<SocketOption<?>> OPTIONS = Set.of(StandardSocketOptions.SO_SNDBUF,
            StandardSocketOptions.SO_RCVBUF);

    private final UdsOptions options;
    private final NewConnectionOptions newConnections = new NewConnectionOptions(OPTIONS);

    /** A carrier with these options. */
    public UdsCarrier(UdsOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public String name() {
        return "uds";
    }

    /**
     * Listens on the socket file named after {@code self}'s alive part, as
     * {@code erl_uds_dist:listen/1} does: a stale socket that nobody answers on is replaced,
     * one another node listens on is refused, and anything else at that path is left alone.
     */
    @Override
    public Listener listen(NodeName self) throws IOException {
        return UdsListener.open(self, socketPath(self, "listen for " + self), options, newConnections);
    }

    /** Connects to the socket file named after {@code peer}'s alive part; the host part is ignored, as OTP does. */
    @Override
    public CarrierConnection connect(NodeName peer, Duration timeout) throws IOException {
        Path path = socketPath(peer, "connect to " + peer);
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(path));
            StreamConnection connection = new StreamConnection(new SocketChannelStream(channel), "uds", 2,
                    options.maxPacketSize());
            connection.apply(newConnections);
            return connection;
        } catch (IOException e) {
            channel.close();
            String why = Files.notExists(path) ? "no such socket (expected: a node listening in " + options.directory() + ")"
                    : e.getMessage();
            throw new IOException("uds connect to " + peer + " at " + path + ": " + why, e);
        }
    }

    /**
     * True for a node whose alive part names a socket file in the directory: the host part
     * does not matter to Unix sockets, as in {@code erl_uds_dist:select/1}.
     */
    @Override
    public boolean select(NodeName node) {
        return fileNameProblem(node.alive()) == null;
    }

    /**
     * Why {@code alive} cannot be a file name in the socket directory ({@code /} or NUL in
     * it, {@code .} or {@code ..}: a peer could make this node dial any socket on the host),
     * or null when it can.
     */
    static String fileNameProblem(String alive) {
        if (alive.indexOf('/') >= 0) {
            return "contains '/'";
        }
        if (alive.indexOf('\0') >= 0) {
            return "contains NUL";
        }
        if (alive.equals(".") || alive.equals("..")) {
            return "is '" + alive + "'";
        }
        return null;
    }

    /**
     * The socket file of {@code node}: its alive part in the options' directory. An alive
     * part that is no plain file name is refused here, before any system call.
     */
    Path socketPath(NodeName node, String action) throws IOException {
        String problem = fileNameProblem(node.alive());
        if (problem != null) {
            throw new IOException("uds " + action + ": alive part '" + Printable.escape(node.alive()) + "' " + problem
                    + " (expected: a file name in " + options.directory() + ", not '.' or '..')");
        }
        Path path = options.directory().resolve(node.alive());
        int bytes = path.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_PATH_BYTES) {
            throw new IOException("uds " + action + ": socket path length: " + bytes + " bytes (expected: at most "
                    + MAX_PATH_BYTES + ") for " + path);
        }
        return path;
    }

    @Override
    public String toString() {
        return "UdsCarrier" + options;
    }
}
