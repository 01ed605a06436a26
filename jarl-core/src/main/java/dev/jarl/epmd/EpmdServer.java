/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.term.Printable;

/**
 * A small EPMD that real {@code erl} nodes and Jarl nodes register with, answering as OTP's
 * {@code epmd} does ({@code erts/epmd/src/epmd_srv.c}).
 *
 * <ul>
 * <li>{@code ALIVE2_REQ} registers a name for as long as its connection stays open; the answer
 *     is {@code ALIVE2_X_RESP} when the node's highest version is 6 or more, else
 *     {@code ALIVE2_RESP}. A name already registered is refused (result 1, creation 99), as is
 *     a name that is not 1 to 255 characters of UTF-8. Only local peers (loopback, or the
 *     address the connection arrived on) may register. The registration ends when its
 *     connection closes or the node sends anything more on it.</li>
 * <li>Creation numbers follow epmd: each name keeps a 32-bit counter, started from the clock
 *     in seconds when the name is first seen and bumped by one (never below 4) on every new
 *     registration, so a re-registered name always gets a new creation. Nodes of version 5 get
 *     the counter mod 3 plus 1. Up to 1000 unregistered names are remembered.</li>
 * <li>{@code PORT_PLEASE2_REQ}, {@code NAMES_REQ} and {@code DUMP_REQ} are answered byte for
 *     byte as epmd answers them ({@code NAMES_RESP} lists the newest registration first).</li>
 * <li>{@code KILL_REQ} is answered as epmd without {@code -relaxed_command_check}: {@code NO}
 *     while any node is registered, else {@code OK} and the server closes.
 *     {@code STOP_REQ} is refused (the connection is closed without an answer).</li>
 * </ul>
 *
 * <p>Each connection has its own virtual thread. A request must arrive complete within the
 * request timeout (60 s by default, epmd's {@code CLOSE_TIMEOUT}); a request with a length
 * outside 1 to 3057 bytes, a malformed request, a silent client or a half-sent request closes
 * that connection with one log line, and the server goes on serving everyone else.
 *
 * <p>Which address to bind is the caller's choice. OTP's epmd listens on all interfaces so
 * nodes on other hosts can look up the nodes of this one; {@link #startIfAbsent(int)} does the
 * same. Tests bind loopback.
 *
 * <p>Closing the server closes every connection, registrations included: each registered node
 * sees its registration connection close at once (an {@link EpmdRegistration} reports it as
 * lost) and no client is left waiting.
 */
public final class EpmdServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EpmdServer.class.getName());

    /** How long a client may take to send its request: epmd's {@code CLOSE_TIMEOUT}. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Connections served at once; more are closed on arrival. */
    public static final int MAX_CONNECTIONS = 8192;
    /** Unregistered names remembered for their creation counters, as epmd's {@code MAX_UNREG_COUNT}. */
    static final int MAX_UNREGISTERED = 1000;
    private static final int BACKLOG = 511;

    private final ServerSocket listener;
    private final Duration requestTimeout;
    private final ReentrantLock lock = new ReentrantLock();
    /** Registered names in registration order; guarded by {@link #lock}. */
    private final LinkedHashMap<String, Registered> registered = new LinkedHashMap<>();
    /** Names no longer registered, oldest first, with their counters; guarded by {@link #lock}. */
    private final LinkedHashMap<String, Slot> unregistered = new LinkedHashMap<>();
    private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connectionIds = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean closing;

    private record Registered(NodeAddress node, long counter, int connection) {
    }

    private record Slot(long counter, int port, int connection) {
    }

    private EpmdServer(ServerSocket listener, Duration requestTimeout) {
        this.listener = listener;
        this.requestTimeout = requestTimeout;
    }

    /**
     * Starts a server on {@code bind} (null for all interfaces) and {@code port} (0 for any
     * free port) with the default request timeout.
     *
     * @throws BindException when the port is taken
     */
    public static EpmdServer start(InetAddress bind, int port) throws IOException {
        return start(bind, port, DEFAULT_REQUEST_TIMEOUT);
    }

    /**
     * Starts a server as {@link #start(InetAddress, int)}, allowing each client
     * {@code requestTimeout} to send its request.
     */
    public static EpmdServer start(InetAddress bind, int port, Duration requestTimeout) throws IOException {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout: " + requestTimeout + " (expected: positive)");
        }
        return start(new ServerSocket(), bind, port, requestTimeout);
    }

    /** Binds {@code listener} (a plain {@link ServerSocket}, or one a test made fail) and serves on it. */
    static EpmdServer start(ServerSocket listener, InetAddress bind, int port, Duration requestTimeout)
            throws IOException {
        try {
            listener.setReuseAddress(true);
            listener.bind(bind == null ? new InetSocketAddress(port) : new InetSocketAddress(bind, port), BACKLOG);
        } catch (IOException e) {
            listener.close();
            if (e instanceof BindException) {
                BindException b = new BindException("epmd: cannot listen on " + where(bind, port) + ": " + e.getMessage());
                b.initCause(e);
                throw b;
            }
            throw e;
        }
        EpmdServer server = new EpmdServer(listener, requestTimeout);
        Thread.ofVirtual().name("epmd-accept-" + listener.getLocalPort()).start(server::acceptLoop);
        LOG.log(Level.DEBUG, "epmd: listening on {0}", server.endpoint());
        return server;
    }

    /**
     * The embedded default: starts a server on all interfaces and {@code port} unless an EPMD
     * already answers there on this host.
     *
     * <p>The server lives in this process: when the node that owns it stops, it must close
     * it, and the EPMD of this host goes away with it. Every node registered through it then
     * sees its registration connection close at once ({@link EpmdRegistration#onLost} runs);
     * none hangs. OTP 25 nodes retry their registration every 2 s, so they register again with
     * whichever EPMD starts next on the port.
     *
     * @return the new server, which the caller owns and closes when its node stops; or empty
     *         when another EPMD (OTP's or another process's) already serves this host
     * @throws EpmdException when something that is not EPMD holds the port
     */
    public static Optional<EpmdServer> startIfAbsent(int port) throws IOException {
        return startIfAbsent(null, port);
    }

    /**
     * As {@link #startIfAbsent(int)}, binding {@code bind} (null for all interfaces).
     *
     * <p>It first asks the port on loopback for {@code NAMES}. A refused connection means no
     * EPMD: it starts one and logs it. If two processes race, one bind fails; the loser asks
     * again, finds the winner's EPMD and returns empty.
     */
    public static Optional<EpmdServer> startIfAbsent(InetAddress bind, int port) throws IOException {
        if (port < 1 || port > 0xFFFF) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        EpmdClient probe = new EpmdClient(InetAddress.getLoopbackAddress(), port, Duration.ofSeconds(2));
        if (answersAsEpmd(probe)) {
            return Optional.empty();
        }
        try {
            EpmdServer server = start(bind, port);
            LOG.log(Level.INFO, "epmd: none answered on port {0}; started the embedded EPMD on {1}",
                    port, server.endpoint());
            return Optional.of(server);
        } catch (BindException lostTheRace) {
            if (answersAsEpmd(probe)) {
                return Optional.empty();
            }
            throw new EpmdException("epmd at " + probe.endpoint() + ": port taken, but nothing answers as EPMD", lostTheRace);
        }
    }

    /** True when an EPMD answers; false when the connection is refused; else an error. */
    private static boolean answersAsEpmd(EpmdClient probe) throws EpmdException {
        try {
            NamesResponse r = probe.namesResponse();
            if (r.epmdPort() != probe.port()) {
                throw new EpmdException("epmd at " + probe.endpoint() + ": the port answers, but not as EPMD (it reported port "
                        + Integer.toUnsignedString(r.epmdPort()) + ")");
            }
            return true;
        } catch (EpmdException e) {
            if (e.getCause() instanceof ConnectException) {
                return false;
            }
            throw e;
        } catch (IOException e) {
            throw new EpmdException("epmd at " + probe.endpoint() + ": " + e.getMessage(), e);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return listener.getLocalPort();
    }

    /** The address the server listens on (the wildcard address for all interfaces). */
    public InetAddress address() {
        return listener.getInetAddress();
    }

    /** {@code address:port} as the logs print it. */
    public String endpoint() {
        return where(address(), port());
    }

    private static String where(InetAddress a, int port) {
        String h = a == null ? "0.0.0.0" : a.getHostAddress();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + port;
    }

    /** The registered alive names, newest first, as {@code NAMES_RESP} lists them. */
    public List<String> registeredNames() {
        return registered().stream().map(NodeAddress::name).toList();
    }

    /** What each registered node registered, newest first. */
    public List<NodeAddress> registered() {
        lock.lock();
        try {
            return registered.sequencedValues().reversed().stream().map(Registered::node).toList();
        } finally {
            lock.unlock();
        }
    }

    /** Connections open right now, registrations included. */
    int openConnections() {
        return connections.size();
    }

    /** True once the server is closed (by {@link #close()} or by a {@code KILL_REQ}). */
    public boolean isClosed() {
        return closed.getCount() == 0;
    }

    /** Waits until the server is closed; true if it closed within {@code timeout}. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops listening and closes every connection; registered nodes see their connection close. Idempotent. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : connections) {
            EpmdClient.closeQuietly(s);
        }
        lock.lock();
        try {
            registered.clear();
        } finally {
            lock.unlock();
        }
        closed.countDown();
        LOG.log(Level.DEBUG, "epmd: closed {0}", endpoint());
    }

    /** The first pause after a failed accept; doubled while accepts fail in a row. */
    static final long ACCEPT_PAUSE_MIN_MS = 5;
    /** The longest pause after a failed accept. */
    static final long ACCEPT_PAUSE_MAX_MS = 1000;
    private static final long LOG_INTERVAL_MS = 10_000;

    /**
     * Accepts until the server closes. Nothing one accept meets ends it, an
     * {@code OutOfMemoryError} included: it pauses (5 ms, doubling up to 1 s while accepts
     * fail in a row, e.g. out of file descriptors) and accepts again. Only a listening socket
     * closed underneath ends it, and then the server closes, so registered nodes learn of it.
     */
    private void acceptLoop() {
        long pause = 0;
        long failed = 0;
        long lastLog = 0;
        while (!closing) {
            Socket s;
            try {
                s = listener.accept();
            } catch (Throwable e) { // an Error too: a dead accept loop would be an EPMD that answers nobody
                if (closing) {
                    return;
                }
                if (listener.isClosed()) {
                    LOG.log(Level.ERROR, "epmd: listening socket " + endpoint() + " closed underneath; closing", e);
                    close();
                    return;
                }
                failed++;
                pause = Math.clamp(pause * 2, ACCEPT_PAUSE_MIN_MS, ACCEPT_PAUSE_MAX_MS);
                long now = System.currentTimeMillis();
                if (failed == 1 || now - lastLog >= LOG_INTERVAL_MS) {
                    lastLog = now;
                    LOG.log(Level.WARNING, "epmd: accept failed on {0} ({1} in a row), next try in {2} ms: {3}",
                            endpoint(), failed, pause, e.toString());
                }
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException stop) {
                    close();
                    return;
                }
                continue;
            }
            failed = 0;
            pause = 0;
            try {
                admit(s);
            } catch (Throwable e) {
                EpmdClient.closeQuietly(s);
                connections.remove(s);
                LOG.log(Level.WARNING, "epmd: could not serve a connection from " + s.getRemoteSocketAddress(), e);
            }
        }
    }

    private void admit(Socket s) {
        if (connections.size() >= MAX_CONNECTIONS) {
            LOG.log(Level.WARNING, "epmd: closing connection from {0}: {1} connections open (expected: at most {2})",
                    s.getRemoteSocketAddress(), connections.size(), MAX_CONNECTIONS);
            EpmdClient.closeQuietly(s);
            return;
        }
        connections.add(s);
        if (closing) {
            EpmdClient.closeQuietly(s); // close() may have missed it
        }
        Thread.ofVirtual().name("epmd-conn").start(() -> serve(s));
    }

    /** Why a connection is closed without (or after) an answer. */
    private static final class Drop extends Exception {
        private static final long serialVersionUID = 1L;
        final Level level;

        Drop(String message) {
            this(message, Level.WARNING);
        }

        Drop(String message, Level level) {
            super(message, null, false, false);
            this.level = level;
        }
    }

    private void serve(Socket s) {
        int id = connectionIds.incrementAndGet();
        try {
            s.setTcpNoDelay(true);
            long deadline = System.nanoTime() + requestTimeout.toNanos();
            InputStream in = s.getInputStream();
            int length = ByteBuffer.wrap(readRequest(s, in, 2, deadline, true)).getShort() & 0xFFFF;
            if (length < 1 || length > EpmdCodec.MAX_REQUEST) {
                throw new Drop("request length: " + length + " (expected: 1-" + EpmdCodec.MAX_REQUEST + ")");
            }
            byte[] body = readRequest(s, in, length, deadline, false);
            EpmdRequest request;
            try {
                request = EpmdCodec.decodeRequest(body);
            } catch (EpmdCodec.Malformed m) {
                if (m.refuseWithVersion >= 0 && isLocal(s)) {
                    s.getOutputStream().write(aliveAnswer(m.refuseWithVersion, 1, 99));
                }
                throw new Drop("malformed request: " + m.getMessage());
            }
            handle(s, id, request);
        } catch (Drop d) {
            LOG.log(d.level, "epmd: closing connection from {0}: {1}", s.getRemoteSocketAddress(), d.getMessage());
        } catch (IOException e) {
            if (!closing) {
                LOG.log(Level.DEBUG, "epmd: connection from {0} failed: {1}", s.getRemoteSocketAddress(), e.getMessage());
            }
        } catch (RuntimeException | Error e) { // ends this connection only
            if (!closing) {
                LOG.log(Level.WARNING, "epmd: connection from " + s.getRemoteSocketAddress() + " failed", e);
            }
        } finally {
            connections.remove(s);
            EpmdClient.closeQuietly(s);
        }
    }

    private byte[] readRequest(Socket s, InputStream in, int n, long deadline, boolean first) throws IOException, Drop {
        byte[] buf = new byte[n];
        int got = 0;
        try {
            while (got < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException();
                }
                s.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
                int r = in.read(buf, got, n - got);
                if (r < 0) {
                    throw new EOFException();
                }
                got += r;
            }
            return buf;
        } catch (SocketTimeoutException e) {
            throw new Drop("no complete request within " + EpmdClient.format(requestTimeout) + " (got "
                    + (first ? got : 2 + got) + " bytes)");
        } catch (EOFException e) {
            if (first && got == 0) {
                throw new Drop("closed without a request", Level.DEBUG);
            }
            throw new Drop("closed in the middle of a request (got " + (first ? got : 2 + got) + " of "
                    + (first ? 2 : n + 2) + " bytes)");
        }
    }

    private static boolean isLocal(Socket s) {
        InetAddress peer = s.getInetAddress();
        return peer != null && (peer.isLoopbackAddress() || peer.equals(s.getLocalAddress()));
    }

    private void handle(Socket s, int id, EpmdRequest request) throws IOException, Drop {
        OutputStream out = s.getOutputStream();
        switch (request) {
            case EpmdRequest.Alive2Request(NodeAddress node) -> {
                requireLocal(s, "ALIVE2_REQ");
                alive(s, id, node);
            }
            case EpmdRequest.PortPlease2Request(String name) -> out.write(portAnswer(name));
            case EpmdRequest.NamesRequest() -> out.write(namesAnswer());
            case EpmdRequest.DumpRequest() -> {
                requireLocal(s, "DUMP_REQ");
                out.write(dumpAnswer());
            }
            case EpmdRequest.KillRequest() -> {
                requireLocal(s, "KILL_REQ");
                boolean live;
                lock.lock();
                try {
                    live = !registered.isEmpty();
                } finally {
                    lock.unlock();
                }
                out.write((live ? "NO" : "OK").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (!live) {
                    LOG.log(Level.INFO, "epmd: KILL_REQ from {0}: closing {1}", s.getRemoteSocketAddress(), endpoint());
                    close();
                }
            }
            case EpmdRequest.StopRequest(String name) -> {
                requireLocal(s, "STOP_REQ");
                throw new Drop("STOP_REQ refused (OTP's epmd allows it only with -relaxed_command_check)", Level.INFO);
            }
        }
    }

    private static void requireLocal(Socket s, String what) throws Drop {
        if (!isLocal(s)) {
            throw new Drop(what + " from a non-local peer (expected: loopback or this host's address)");
        }
    }

    private void alive(Socket s, int id, NodeAddress node) throws IOException, Drop {
        String name = node.name();
        Registered entry;
        lock.lock();
        try {
            if (registered.containsKey(name) || closing) {
                entry = null;
            } else {
                Slot old = unregistered.remove(name);
                long counter = bump(old != null ? old.counter() : System.currentTimeMillis() / 1000);
                entry = new Registered(node, counter, id);
                registered.put(name, entry);
            }
        } finally {
            lock.unlock();
        }
        if (entry == null) {
            s.getOutputStream().write(aliveAnswer(node.highestVersion(), 1, 99));
            throw new Drop("ALIVE2_REQ for '" + Printable.escape(name) + "' refused: name already registered", Level.INFO);
        }
        String why;
        try {
            s.getOutputStream().write(aliveAnswer(node.highestVersion(), 0, creation(entry)));
            LOG.log(Level.DEBUG, "epmd: registered ''{0}'' port {1} creation {2}", Printable.escape(name), node.port(),
                    Integer.toUnsignedString(creation(entry)));
            s.setSoTimeout(0); // a registration lasts as long as the node
            int b = s.getInputStream().read();
            why = b < 0 ? "connection closed" : "unexpected byte " + b + " on the registration connection";
        } catch (IOException e) {
            why = "connection failed: " + e.getMessage();
        } finally {
            unregister(name, entry);
        }
        LOG.log(Level.DEBUG, "epmd: unregistered ''{0}'': {1}", Printable.escape(name), why);
    }

    private void unregister(String name, Registered entry) {
        lock.lock();
        try {
            if (registered.remove(name, entry)) {
                unregistered.remove(name);
                unregistered.put(name, new Slot(entry.counter(), entry.node().port(), entry.connection()));
                if (unregistered.size() > MAX_UNREGISTERED) {
                    unregistered.pollFirstEntry();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The next creation counter: one more, as an unsigned 32-bit number, never below 4. */
    static long bump(long counter) {
        long next = (counter + 1) & 0xFFFF_FFFFL;
        return next < 4 ? 4 : next;
    }

    private static int creation(Registered r) {
        return r.node().highestVersion() >= 6 ? (int) r.counter() : (int) (r.counter() % 3 + 1);
    }

    /**
     * The answer to {@code ALIVE2_REQ}.
     *
     * <pre>
     * ALIVE2_X_RESP:  118 | Result:8 | Creation:32     (highest version 6 or more)
     * ALIVE2_RESP:    121 | Result:8 | Creation:16
     * </pre>
     */
    static byte[] aliveAnswer(int highestVersion, int result, int creation) {
        if (highestVersion >= 6) {
            return ByteBuffer.allocate(6).put((byte) EpmdCodec.ALIVE2_X_RESP).put((byte) result).putInt(creation).array();
        }
        return ByteBuffer.allocate(4).put((byte) EpmdCodec.ALIVE2_RESP).put((byte) result).putShort((short) creation).array();
    }

    /** {@code PORT2_RESP}: {@code 119 | Result:8}, and on success a {@link NodeAddress}. */
    private byte[] portAnswer(String name) {
        NodeAddress node;
        lock.lock();
        try {
            Registered r = registered.get(name);
            node = r == null ? null : r.node();
        } finally {
            lock.unlock();
        }
        if (node == null) {
            return new byte[] {(byte) EpmdCodec.PORT2_RESP, 1};
        }
        byte[] request = EpmdCodec.encode(new EpmdRequest.Alive2Request(node));
        // the same layout as ALIVE2_REQ after its length and tag
        ByteBuffer b = ByteBuffer.allocate(request.length - 1);
        b.put((byte) EpmdCodec.PORT2_RESP).put((byte) 0).put(request, 3, request.length - 3);
        return b.array();
    }

    /** {@code NAMES_RESP}: {@code EPMDPort:32}, then {@code name N at port P\n} per node, newest first. */
    private byte[] namesAnswer() {
        StringBuilder text = new StringBuilder();
        for (NodeAddress n : registered()) {
            text.append("name ").append(n.name()).append(" at port ").append(n.port()).append('\n');
        }
        byte[] lines = text.toString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + lines.length).putInt(port()).put(lines).array();
    }

    /** {@code DUMP_RESP}: {@code EPMDPort:32}, then one NUL-terminated line per node, active then old. */
    private byte[] dumpAnswer() {
        StringBuilder text = new StringBuilder();
        lock.lock();
        try {
            for (Registered r : registered.sequencedValues().reversed()) {
                text.append("active name     <").append(r.node().name()).append("> at port ").append(r.node().port())
                        .append(", fd = ").append(r.connection()).append("\n\0");
            }
            for (Map.Entry<String, Slot> e : unregistered.entrySet()) {
                text.append("old/unused name <").append(e.getKey()).append(">, port = ").append(e.getValue().port())
                        .append(", fd = ").append(e.getValue().connection()).append(" \n\0");
            }
        } finally {
            lock.unlock();
        }
        byte[] lines = text.toString().getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + lines.length).putInt(port()).put(lines).array();
    }

    @Override
    public String toString() {
        return "EpmdServer[" + endpoint() + (isClosed() ? ", closed" : "") + ", " + registeredNames().size() + " registered]";
    }

    /** For tests: the unregistered names remembered, oldest first. */
    List<String> rememberedNames() {
        lock.lock();
        try {
            return new ArrayList<>(unregistered.keySet());
        } finally {
            lock.unlock();
        }
    }
}
