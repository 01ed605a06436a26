/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A client of one EPMD: registers a node, looks nodes up and lists them.
 *
 * <p>Each call opens its own TCP connection, as OTP's {@code erl_epmd} does, and is bounded by
 * the timeout twice over: once to connect and once for the whole reply. Every failure is an
 * {@link EpmdException} whose message names the EPMD's host and port and what went wrong,
 * for example {@code epmd at 127.0.0.1:4369: connection refused} or
 * {@code epmd at 127.0.0.1:4369: no reply within 5 s}. Interrupting the calling thread cancels
 * the call with an {@link InterruptedIOException} and leaves the interrupt status set.
 *
 * <p>Instances are immutable and may be shared between threads.
 */
public final class EpmdClient {

    /** The timeout {@link #EpmdClient(String, int)} and {@link #local()} use. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    /** Largest {@code NAMES_RESP} the client reads: far more than any real EPMD holds. */
    static final int MAX_NAMES_RESPONSE = 4 << 20;

    private final String hostName;
    private final InetAddress address;
    private final int port;
    private final Duration timeout;

    /**
     * A client of the EPMD on {@code host} (a name or an IP address, resolved on each call) and
     * {@code port}, with the {@linkplain #DEFAULT_TIMEOUT default timeout}.
     */
    public EpmdClient(String host, int port) {
        this(Objects.requireNonNull(host, "host"), null, port, DEFAULT_TIMEOUT);
    }

    /** A client of the EPMD at {@code host} and {@code port}, each call bounded by {@code timeout}. */
    public EpmdClient(InetAddress host, int port, Duration timeout) {
        this(null, Objects.requireNonNull(host, "host"), port, timeout);
    }

    private EpmdClient(String hostName, InetAddress address, int port, Duration timeout) {
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("epmd port: " + port + " (expected: 1-65535)");
        }
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: positive)");
        }
        this.hostName = hostName;
        this.address = address;
        this.port = port;
        this.timeout = timeout;
    }

    /** The EPMD of this host: loopback, on the port {@link Epmd#portFromEnvironment()} gives. */
    public static EpmdClient local() {
        return new EpmdClient(InetAddress.getLoopbackAddress(), Epmd.portFromEnvironment(), DEFAULT_TIMEOUT);
    }

    /** The EPMD's port. */
    public int port() {
        return port;
    }

    /** The bound on connecting, and separately on each reply. */
    public Duration timeout() {
        return timeout;
    }

    /** {@code host:port} as messages print it. */
    public String endpoint() {
        String host = hostName != null ? hostName : address.getHostAddress();
        if (host.indexOf(':') >= 0 || address instanceof Inet6Address) {
            host = "[" + host + "]";
        }
        return host + ":" + port;
    }

    /**
     * Registers a node with {@code ALIVE2_REQ} and keeps the connection open, as long as the
     * node should be findable; closing the returned registration unregisters the node.
     *
     * <p>The request is the one OTP 25 sends: node type 77, protocol 0 (TCP/IPv4), highest
     * version 6, lowest 5, no extra. OTP registers type 77 for hidden nodes too (its
     * {@code erl_epmd:do_register_node/3} has no other case), so {@code hidden} changes nothing
     * on the wire; it is kept on the registration for the caller. Either answer is accepted:
     * {@code ALIVE2_X_RESP} (32-bit creation) or the older {@code ALIVE2_RESP} (16-bit).
     *
     * @param alive      the alive part of the node name (1 to 255 characters, no {@code @})
     * @param listenPort the port the node accepts distribution connections on
     * @param hidden     whether the node is hidden (recorded, see above)
     * @throws EpmdException when no EPMD answers in time, it answers with garbage, or it refuses
     *                       the name (most likely because a node already has it)
     */
    public EpmdRegistration register(String alive, int listenPort, boolean hidden) throws IOException {
        EpmdCodec.checkAlive(alive);
        if (listenPort < 0 || listenPort > 0xFFFF) {
            throw new IllegalArgumentException("listen port: " + listenPort + " (expected: 0-65535)");
        }
        return register(NodeAddress.otp(alive, listenPort), hidden);
    }

    /**
     * Registers exactly {@code node} (its type, versions and extra as given). Otherwise as
     * {@link #register(String, int, boolean)}.
     */
    public EpmdRegistration register(NodeAddress node, boolean hidden) throws IOException {
        Objects.requireNonNull(node, "node");
        EpmdCodec.checkAlive(node.name());
        Exchange x = open();
        boolean kept = false;
        try {
            x.send(new EpmdRequest.Alive2Request(node));
            int tag = x.readByte("ALIVE2_X_RESP");
            int result;
            int creation;
            switch (tag) {
                case EpmdCodec.ALIVE2_X_RESP -> {
                    ByteBuffer b = x.read(5, "ALIVE2_X_RESP");
                    result = b.get() & 0xFF;
                    creation = b.getInt();
                }
                case EpmdCodec.ALIVE2_RESP -> {
                    ByteBuffer b = x.read(3, "ALIVE2_RESP");
                    result = b.get() & 0xFF;
                    creation = b.getShort() & 0xFFFF;
                }
                default -> throw x.malformed("ALIVE2_X_RESP", "tag: " + tag + " (expected: 118 or 121) at offset 0");
            }
            if (result != 0) {
                throw new EpmdException(x.label + ": name '" + node.name() + "' refused (result " + result
                        + "): a node of that name is already registered, or the name is invalid");
            }
            EpmdRegistration registration = new EpmdRegistration(x.socket, node, hidden, creation, endpoint(), timeout);
            kept = true;
            return registration;
        } finally {
            if (!kept) {
                x.close();
            }
        }
    }

    /**
     * Looks a node up with {@code PORT_PLEASE2_REQ}.
     *
     * @param alive the alive part of the node name
     * @return what the node registered, or empty when no node of that name is registered
     * @throws EpmdException when no EPMD answers in time or it answers with garbage
     */
    public Optional<NodeAddress> portPlease(String alive) throws IOException {
        EpmdCodec.checkAlive(alive);
        try (Exchange x = open()) {
            x.send(new EpmdRequest.PortPlease2Request(alive));
            int tag = x.readByte("PORT2_RESP");
            if (tag != EpmdCodec.PORT2_RESP) {
                throw x.malformed("PORT2_RESP", "tag: " + tag + " (expected: 119) at offset 0");
            }
            int result = x.readByte("PORT2_RESP");
            if (result != 0) {
                return Optional.empty();
            }
            ByteBuffer head = x.read(EpmdCodec.NODE_HEAD, "PORT2_RESP");
            int nameLength = head.getShort(EpmdCodec.NODE_HEAD - 2) & 0xFFFF;
            if (nameLength > EpmdCodec.MAX_NAME_BYTES) {
                throw x.malformed("PORT2_RESP", "name length: " + nameLength + " (expected: at most "
                        + EpmdCodec.MAX_NAME_BYTES + ") at offset 10");
            }
            ByteBuffer name = x.read(nameLength + 2, "PORT2_RESP");
            int extraLength = name.getShort(nameLength) & 0xFFFF;
            if (extraLength > EpmdCodec.MAX_EXTRA) {
                throw x.malformed("PORT2_RESP", "extra length: " + extraLength + " (expected: at most "
                        + EpmdCodec.MAX_EXTRA + ") at offset " + (12 + nameLength));
            }
            ByteBuffer extra = x.read(extraLength, "PORT2_RESP");
            ByteBuffer all = ByteBuffer.allocate(EpmdCodec.NODE_HEAD + nameLength + 2 + extraLength)
                    .put(head).put(name).put(extra).flip();
            try {
                return Optional.of(EpmdCodec.decodeNode(all, "PORT2_RESP", 2, -1));
            } catch (EpmdCodec.Malformed e) {
                throw x.malformed("PORT2_RESP", e.getMessage().substring("PORT2_RESP ".length()));
            }
        }
    }

    /**
     * Lists the registered nodes with {@code NAMES_REQ}.
     *
     * @throws EpmdException when no EPMD answers in time or it answers with garbage
     */
    public List<NameEntry> names() throws IOException {
        return namesResponse().names();
    }

    /**
     * Lists the registered nodes with {@code NAMES_REQ}, keeping the port the EPMD reported.
     * Lines that are not {@code name N at port P} are skipped, as OTP's {@code erl_epmd} skips
     * them.
     *
     * @throws EpmdException when no EPMD answers in time or it answers with garbage
     */
    public NamesResponse namesResponse() throws IOException {
        try (Exchange x = open()) {
            x.send(new EpmdRequest.NamesRequest());
            int epmdPort = x.read(4, "NAMES_RESP").getInt();
            byte[] text = x.readToEnd(MAX_NAMES_RESPONSE, "NAMES_RESP");
            return new NamesResponse(epmdPort, parseNames(new String(text, StandardCharsets.UTF_8)));
        }
    }

    /** Parses the text of a {@code NAMES_RESP}; see {@link #namesResponse()}. */
    static List<NameEntry> parseNames(String text) {
        List<NameEntry> names = new ArrayList<>();
        int start = 0;
        while (true) {
            int end = text.indexOf('\n', start);
            if (end < 0) {
                break; // as erl_epmd: an unterminated last line is not a name
            }
            String line = text.substring(start, end);
            start = end + 1;
            if (!line.startsWith("name ")) {
                continue;
            }
            int space = line.indexOf(' ', 5);
            if (space < 0 || !line.startsWith(" at port ", space)) {
                continue;
            }
            try {
                int p = Integer.parseInt(line.substring(space + " at port ".length()));
                if (p >= 0 && p <= 0xFFFF) {
                    names.add(new NameEntry(line.substring(5, space), p));
                }
            } catch (NumberFormatException notAName) {
                // skipped, as erl_epmd skips it
            }
        }
        return names;
    }

    private Exchange open() throws IOException {
        String label = "epmd at " + endpoint();
        InetAddress target = address;
        if (target == null) {
            try {
                target = InetAddress.getByName(hostName);
            } catch (UnknownHostException e) {
                throw new EpmdException(label + ": unknown host", e);
            }
        }
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(target, port), millis(timeout));
            return new Exchange(socket, label, System.nanoTime() + timeout.toNanos());
        } catch (IOException e) {
            closeQuietly(socket);
            throw failure(label, "connect", e);
        }
    }

    private IOException failure(String label, String phase, IOException e) {
        if (Thread.currentThread().isInterrupted()) {
            InterruptedIOException i = new InterruptedIOException(label + ": interrupted");
            i.initCause(e);
            return i;
        }
        if (e instanceof EpmdException epmd) {
            return epmd;
        }
        if (e instanceof ConnectException) {
            String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
            return new EpmdException(label + ": " + (m.contains("refused") ? "connection refused" : m), e);
        }
        if (e instanceof SocketTimeoutException) {
            return new EpmdException(label + ": " + (phase.equals("connect") ? "no connection" : "no reply")
                    + " within " + format(timeout), e);
        }
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new EpmdException(label + ": " + phase + " failed: " + m, e);
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    private static int millis(Duration d) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
    }

    static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing: nothing left to report
        }
    }

    /** One request and its reply on one connection, under one deadline. */
    private final class Exchange implements AutoCloseable {
        final Socket socket;
        final String label;
        final long deadline;

        Exchange(Socket socket, String label, long deadline) {
            this.socket = socket;
            this.label = label;
            this.deadline = deadline;
        }

        void send(EpmdRequest request) throws IOException {
            try {
                socket.getOutputStream().write(EpmdCodec.encode(request));
                socket.getOutputStream().flush();
            } catch (IOException e) {
                throw failure(label, "send", e);
            }
        }

        int readByte(String what) throws IOException {
            return read(1, what).get() & 0xFF;
        }

        /** Reads exactly {@code n} bytes (n is already checked against a limit). */
        ByteBuffer read(int n, String what) throws IOException {
            byte[] buf = new byte[n];
            int got = 0;
            try {
                InputStream in = socket.getInputStream();
                while (got < n) {
                    arm();
                    int r = in.read(buf, got, n - got);
                    if (r < 0) {
                        throw new EOFException();
                    }
                    got += r;
                }
            } catch (EOFException e) {
                throw new EpmdException(label + ": connection closed " + (got == 0 ? "before" : "in the middle of")
                        + " " + what + " (got " + got + " of " + n + " bytes)", e);
            } catch (IOException e) {
                throw failure(label, "read", e);
            }
            return ByteBuffer.wrap(buf);
        }

        byte[] readToEnd(int limit, String what) throws IOException {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            try {
                InputStream in = socket.getInputStream();
                while (true) {
                    arm();
                    int r = in.read(buf);
                    if (r < 0) {
                        return out.toByteArray();
                    }
                    if (out.size() + r > limit) {
                        throw malformed(what, "length: more than " + limit + " bytes (expected: at most " + limit + ")");
                    }
                    out.write(buf, 0, r);
                }
            } catch (IOException e) {
                throw failure(label, "read", e);
            }
        }

        /** Sets the read timeout to what is left of the deadline. */
        private void arm() throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException();
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
        }

        EpmdException malformed(String what, String detail) {
            return new EpmdException(label + ": malformed " + what + ": " + detail);
        }

        @Override
        public void close() {
            closeQuietly(socket);
        }
    }

    @Override
    public String toString() {
        return "EpmdClient[" + endpoint() + ", timeout " + format(timeout) + "]";
    }
}
