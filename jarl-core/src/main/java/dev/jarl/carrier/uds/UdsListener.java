/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.uds;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.net.SocketOption;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.Listener;
import dev.jarl.carrier.stream.NewConnectionOptions;
import dev.jarl.carrier.stream.SocketChannelStream;
import dev.jarl.carrier.stream.StreamConnection;
import dev.jarl.carriers.UdsOptions;
import dev.jarl.term.NodeName;

/**
 * A listening Unix domain socket with a creation drawn at random, or kept in
 * {@code <socket>.uds}, as {@code erl_uds_dist} does depending on the headers it was built with.
 */
final class UdsListener implements Listener {

    private static final System.Logger LOG = System.getLogger(UdsListener.class.getName());

    private final ServerSocketChannel server;
    private final Path path;
    private final int creation;
    private final int maxPacketSize;
    private final NewConnectionOptions options;

    private UdsListener(ServerSocketChannel server, Path path, int creation, int maxPacketSize,
            NewConnectionOptions options) {
        this.options = options;
        this.server = server;
        this.path = path;
        this.creation = creation;
        this.maxPacketSize = maxPacketSize;
    }

    static UdsListener open(NodeName self, Path path, UdsOptions options, NewConnectionOptions newConnections)
            throws IOException {
        String what = "uds listen for " + self + " at " + path;
        clearStaleSocket(path, what);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            server.close();
            throw new IOException(what + ": " + describe(e), e);
        }
        int creation = options.creationFile() ? nextCreation(path) : randomCreation();
        return new UdsListener(server, path, creation, options.maxPacketSize(), newConnections);
    }

    /**
     * Makes room for the socket as {@code erl_uds_dist:listen/1} does when the path is taken:
     * a socket that answers belongs to a running node (refused); one that does not is a
     * leftover of a crash (removed). Unlike the example, a file that is not a socket is never
     * removed.
     */
    private static void clearStaleSocket(Path path, String what) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new IOException(what + ": " + describe(e), e);
        }
        if (!attributes.isOther()) {
            String kind = attributes.isDirectory() ? "a directory" : attributes.isSymbolicLink() ? "a symbolic link" : "a regular file";
            throw new IOException(what + ": path: " + kind + " (expected: a Unix socket or nothing); not removing it");
        }
        boolean answered;
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            answered = probe.connect(UnixDomainSocketAddress.of(path));
        } catch (IOException e) {
            answered = false; // nobody answers: a socket left behind by a node that died
        }
        if (answered) {
            throw new IOException(what + ": duplicate name: another node is listening on this socket");
        }
        try {
            Files.deleteIfExists(path);
            LOG.log(Level.DEBUG, "uds: removed stale socket {0}", path);
        } catch (IOException e) {
            throw new IOException(what + ": stale socket cannot be removed: " + describe(e), e);
        }
    }

    /**
     * A creation in 4..2<sup>32</sup>-1 (as an unsigned int), as {@code erl_uds_dist} built on
     * OTP 23 or later draws one: 0 is the wildcard and 1..3 belong to the old small creations.
     */
    static int randomCreation() {
        return (int) ThreadLocalRandom.current().nextLong(4, 0x1_0000_0000L);
    }

    /**
     * The next creation, kept as one ASCII digit in {@code <socket>.uds}: {@code '1'} and
     * {@code '2'} step to the next digit, anything else (or nothing) starts at {@code '1'};
     * when the file cannot be used, a random creation in 1..3. This is {@code erl_uds_dist}'s
     * rule (built without {@code ERL_DIST_VER_6}), so Jarl and OTP nodes sharing a name step
     * through the same sequence.
     */
    static int nextCreation(Path socket) {
        Path file = socket.resolveSibling(socket.getFileName() + ".uds");
        try (FileChannel f = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            int n = f.read(one, 0);
            int previous = n == 1 ? one.get(0) : -1;
            int next = previous == '1' || previous == '2' ? previous + 1 : '1';
            f.write(ByteBuffer.wrap(new byte[] {(byte) next}), 0);
            return next - '0';
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "uds: creation file {0} not usable ({1}); random creation", file, e.toString());
            return 1 + ThreadLocalRandom.current().nextInt(3);
        }
    }

    private static String describe(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }

    @Override
    public boolean isOpen() {
        return server.isOpen();
    }

    /**
     * Waits for the next peer. A connection that fails while it is being set up is logged and
     * skipped; only the listener's own failure ends the loop.
     */
    @Override
    public CarrierConnection accept() throws IOException {
        while (true) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (ClosedChannelException e) {
                throw new IOException("uds listener at " + path + " closed", e);
            }
            try {
                StreamConnection connection = new StreamConnection(new SocketChannelStream(channel), "uds", 2,
                        maxPacketSize);
                connection.apply(options);
                return connection;
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "uds: accepted connection at {0} failed: {1}", path, e.toString());
                channel.close();
            }
        }
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return options.supported();
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) {
        options.set(option, value);
    }

    @Override
    public <T> T getOption(SocketOption<T> option) {
        return options.get(option);
    }

    @Override
    public OptionalInt port() {
        return OptionalInt.empty();
    }

    @Override
    public OptionalInt creation() {
        return OptionalInt.of(creation);
    }

    @Override
    public String address() {
        return path.toString();
    }

    /** Stops accepting and removes the socket file, as {@code erl_uds_dist:close/1} does. */
    @Override
    public void close() throws IOException {
        try {
            server.close();
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
