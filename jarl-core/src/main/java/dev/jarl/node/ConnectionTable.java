/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.HandshakeException;
import dev.jarl.carrier.Listener;
import dev.jarl.channel.DistConnection;
import dev.jarl.channel.Signal;
import dev.jarl.handshake.Handshake;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.handshake.HandshakeResult;
import dev.jarl.node.Peer.Attempt;
import dev.jarl.node.Peer.State;
import dev.jarl.term.Atom;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.NodeName;

/**
 * The duties of OTP's {@code net_kernel} for one node: the connection table, auto-connect on
 * the first send, arbitration of attempts that meet (OTP's {@code accept_pending},
 * {@code is_pending}, {@code wait_pending}), the acceptor, and nodeup/nodedown.
 *
 * <p><b>Rows.</b> One {@link Peer} per peer node, with its own lock; a row is IDLE, PENDING
 * (an attempt owns it and messages queue in it), UP, or UP_PENDING (up, with an incoming
 * attempt waiting to replace the connection).
 *
 * <p><b>Arbitration</b>, for an incoming attempt from {@code P} (as {@code net_kernel}):
 * IDLE &rarr; {@code ok}; PENDING and {@code self > P} in atom order &rarr; {@code nok} (our
 * attempt wins, the peer's acceptor answers ours with {@code ok_simultaneous}); PENDING and
 * {@code self < P} &rarr; cancel the pending attempt, hand the row (and its queued messages)
 * to the incoming one, {@code ok_simultaneous}; UP &rarr; {@code alive} (if the initiator
 * says {@code true}, the old connection is closed and the new one takes over); UP_PENDING
 * &rarr; stop. An outgoing attempt answered {@code nok} keeps the row for up to the setup
 * time, waiting for the peer's own attempt to take it over, so no queued message is lost.
 * A PENDING row whose attempt failed and is failing what waited on it is taken over by no
 * one: the incoming attempt waits until the row is free and is then arbitrated as above.
 */
final class ConnectionTable implements DistConnection.Handler {

    private static final Logger LOG = System.getLogger(ConnectionTable.class.getName());

    /** What the table needs from its node. */
    interface Host {
        /** A signal arrived on {@code connection}. */
        void received(DistConnection connection, Signal signal);

        /** A connection came up. */
        void nodeUp(NodeName peer, DistConnection connection);

        /**
         * The connection to {@code peer} is going down: what refers to it (links, monitors,
         * node monitors) fails now, while the row still holds it, so that nothing made after
         * {@link ConnectionTable#nodes()} stops listing the peer is failed by this connection.
         */
        void connectionLost(NodeName peer);

        /** A connection went down (after {@link #connectionLost}). */
        void nodeDown(NodeName peer, DistConnection connection, ConnectionFate fate);

        /**
         * An attempt to connect to {@code peer} failed; what was queued for it is dropped.
         * What refers to it (node monitors, links, monitors) fails now, while the row still
         * holds the attempt, so that nothing made once the row is free is failed by it.
         */
        void connectFailed(NodeName peer, ConnectionFate fate);

        /** The node cannot go on serving (its listener failed for good): stop it, with the reason. */
        void stop(String reason, Throwable cause);
    }

    private final NodeConfig config;
    private final Carrier carrier;
    private final Host host;
    private final DecodeLimits limits;
    private final ConcurrentHashMap<NodeName, Peer> peers = new ConcurrentHashMap<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile HandshakeConfig handshake;
    private volatile boolean closing;
    private final PendingHandshakes pending;

    ConnectionTable(NodeConfig config, Carrier carrier, Host host) {
        this.config = config;
        this.carrier = carrier;
        this.host = host;
        this.pending = new PendingHandshakes(config);
        this.limits = DecodeLimits.DEFAULT.withMaxBinarySize(config.maxMessageSize())
                .withMaxUncompressedSize(config.maxMessageSize()).withMaxDepth(config.maxTermDepth());
    }

    NodeConfig config() {
        return config;
    }

    /** True once the node is stopping: no new attempts. */
    boolean closing() {
        return closing;
    }

    /** The bound on unauthenticated incoming connections. */
    PendingHandshakes pending() {
        return pending;
    }

    /** Sets what every handshake uses; called once the creation is known. */
    void handshakeConfig(HandshakeConfig handshake) {
        this.handshake = handshake;
    }

    /**
     * The row for {@code name}, made when missing, returned with its lock held and still in
     * the table (a row that was just removed is passed over for a fresh one).
     */
    Peer lockedPeer(NodeName name) {
        while (true) {
            Peer p = peers.computeIfAbsent(name, Peer::new);
            p.lock.lock();
            if (!p.removed) {
                return p;
            }
            p.lock.unlock();
        }
    }

    /**
     * Removes {@code p} from the table when it is IDLE and nothing refers to it (no attempt,
     * connection, queued message or waiter), so that nothing of a failed attempt or a closed
     * connection stays behind (net_kernel deletes such a row too). With the row's lock held.
     */
    private void dropIfIdle(Peer p) {
        if (p.state == State.IDLE && p.owner == null && p.pendingOwner == null && p.connection == null
                && p.queued.isEmpty() && p.waiters == 0 && !p.removed) {
            p.removed = true;
            peers.remove(p.name, p);
        }
    }

    /** True while {@code p}'s attempt failed and fails what waited on it ({@link #release}); with the row's lock held. */
    static boolean failing(Peer p) {
        return p.state == State.PENDING && p.owner != null && p.owner.failing;
    }

    /** Rows in the table now (for tests: a failed attempt must leave none behind). */
    int rows() {
        return peers.size();
    }

    /** Callers waiting in {@link #connect} for {@code name} now (for tests). */
    int waiters(NodeName name) {
        Peer p = peers.get(name);
        if (p == null) {
            return 0;
        }
        p.lock.lock();
        try {
            return p.waiters;
        } finally {
            p.lock.unlock();
        }
    }

    // ------------------------------------------------------------------ sending

    /**
     * Sends {@code signal} to node {@code target}, connecting first if needed: queued in the
     * row while an attempt is under way, then in order on the connection, which writes it in
     * the form the peer agreed ({@link DistConnection#send}). Never blocks on the network.
     */
    void send(NodeName target, Signal signal) {
        if (closing) {
            return;
        }
        Peer p = lockedPeer(target);
        DistConnection c;
        try {
            c = switch (p.state) {
                case UP, UP_PENDING -> p.connection;
                case PENDING, IDLE -> null;
            };
            if (c == null) {
                p.queued.addLast(signal);
                if (p.state == State.IDLE) {
                    startAttempt(p);
                }
                return;
            }
        } finally {
            p.lock.unlock();
        }
        send(c, signal, true);
    }

    /**
     * Starts an attempt to {@code target} unless one is pending or a connection is up
     * (what {@code monitor_node/2} does for a node not connected).
     */
    void touch(NodeName target) {
        if (closing) {
            return;
        }
        Peer p = lockedPeer(target);
        try {
            if (p.state == State.IDLE) {
                startAttempt(p);
            } else if (failing(p)) {
                p.retry = true;
            }
        } finally {
            p.lock.unlock();
        }
    }

    /**
     * Sends on {@code c}; only messages (not signals) may wait for the busy limit, and only
     * when {@code mayWait} and not from a {@link MessageHandler} (which must not block): a
     * link, exit or monitor signal never blocks its sender, as it never does on a BEAM node.
     */
    private static void send(DistConnection c, Signal signal, boolean mayWait) {
        if (mayWait && signal.isMessage() && !Processes.inHandler()) {
            c.send(signal);
        } else {
            c.sendNoWait(signal);
        }
    }

    /** Starts an outgoing attempt for an IDLE row; called with the row's lock held. */
    private void startAttempt(Peer p) {
        Attempt a = new Attempt(true, p);
        p.state = State.PENDING;
        p.owner = a;
        p.changed.signalAll();
        Thread t = Thread.ofVirtual().name("jarl-connect-" + p.name).unstarted(() -> runOutgoing(a));
        track(t);
        t.start();
    }

    private void runOutgoing(Attempt a) {
        Peer p = a.peer;
        CarrierConnection transport = null;
        try {
            HandshakeConfig hs = handshake;
            if (!carrier.select(p.name)) {
                throw new IOException("carrier " + carrier.name() + " cannot reach " + p.name);
            }
            transport = carrier.connect(p.name, config.setupTime());
            a.transport = transport;
            if (a.cancelled) {
                throw new HandshakeException(HandshakeException.Reason.SHUTDOWN, "attempt to " + p.name + " cancelled");
            }
            HandshakeResult result = Handshake.initiate(transport, hs.with(transport.flagRules()), p.name,
                    new OutgoingArbiter(a));
            up(a, transport, result);
        } catch (HandshakeException e) {
            if (e.reason() == HandshakeException.Reason.NOK) {
                awaitTakeOver(a, transport);
                return;
            }
            failed(a, transport, ConnectionFate.HandshakeFailed.of(e), levelOf(e), e);
        } catch (IOException | RuntimeException e) {
            failed(a, transport, new ConnectionFate.TransportError(e.getMessage() == null ? e.toString() : e.getMessage(), e),
                    Level.INFO, e);
        } catch (Error e) { // an attempt that died without clearing its row would leave it PENDING for ever
            failed(a, transport, new ConnectionFate.TransportError(describe(e), e), Level.WARNING, null);
        } finally {
            untrack(Thread.currentThread());
        }
    }

    /**
     * Our attempt was answered {@code nok}: the peer's attempt to us wins and will arrive;
     * keep the row (and its queue) for it, at most the setup time.
     */
    private void awaitTakeOver(Attempt a, CarrierConnection transport) {
        if (transport != null) {
            transport.close();
        }
        Peer p = a.peer;
        long left = config.setupTime().toNanos();
        p.lock.lock();
        try {
            while (p.owner == a && left > 0 && !closing) {
                left = p.changed.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            p.lock.unlock();
        }
        failed(a, null, new ConnectionFate.HandshakeFailed(HandshakeException.Reason.NOK, "connection attempt to "
                + p.name + " refused (nok) and the peer did not connect back"), Level.INFO, null);
    }

    /**
     * An outgoing attempt failed: clears its row and logs why (a protocol violation at
     * WARNING). {@code cause}, when an exception ended the attempt, reaches the callers
     * waiting in {@link #connect} ({@link #connectFailure}).
     */
    private void failed(Attempt a, CarrierConnection transport, ConnectionFate fate, Level level, Exception cause) {
        Events.handshakeFailure(config.name(), a.peer.name, transport == null ? null : transport.peerAddress(), true, fate);
        int dropped = release(a, transport, fate, cause);
        if (dropped >= 0 && !closing) {
            LOG.log(level, "connection attempt to {0} failed: {1}{2}", a.peer.name, fate,
                    dropped > 0 ? "; dropped " + dropped + " queued message(s)" : "");
        }
    }

    /**
     * Closes {@code transport} and clears what {@code a} held in its row. A PENDING row: what
     * was queued for the attempt is dropped; what waited on it (node monitors, links,
     * monitors) fails while the row still holds the failing attempt, as erts aborts a pending
     * connection before the node can connect again, so that nothing made once the row is free
     * is failed by this attempt; then the row goes back to IDLE (and leaves the table unless a
     * caller waits on it, so the waiter still reads the reason and its cause), or to the next
     * attempt if something asked for one meanwhile. An incoming attempt that arrives while the
     * attempt fails waits for the row ({@link IncomingArbiter}) rather than taking it over.
     * Returns how many queued messages were dropped, or -1 when {@code a} owned no row.
     */
    private int release(Attempt a, CarrierConnection transport, ConnectionFate fate, Exception cause) {
        if (transport != null) {
            transport.close();
        }
        Peer p = a.peer;
        if (p == null) {
            return -1;
        }
        int dropped;
        p.lock.lock();
        try {
            if (p.owner == a && p.state == State.PENDING) {
                // what is queued from now on is for the next attempt
                dropped = p.queued.size();
                p.queued.clear();
                p.failures++;
                p.lastFailure = fate;
                p.lastFailureCause = cause;
                a.failing = true;
            } else if (p.pendingOwner == a) {
                p.pendingOwner = null;
                if (p.state == State.UP_PENDING) {
                    p.state = State.UP;
                }
                p.changed.signalAll();
                return -1;
            } else {
                return -1;
            }
        } finally {
            p.lock.unlock();
        }
        try {
            host.connectFailed(p.name, fate);
        } finally {
            p.lock.lock();
            try {
                a.failing = false;
                if (p.owner == a) {
                    p.owner = null;
                    p.state = State.IDLE;
                    if (p.retry || !p.queued.isEmpty()) {
                        p.retry = false;
                        if (closing) {
                            p.queued.clear();
                        } else {
                            startAttempt(p);
                        }
                    }
                    p.changed.signalAll();
                    dropIfIdle(p);
                }
            } finally {
                p.lock.unlock();
            }
        }
        return dropped;
    }

    /**
     * WARNING for a handshake the peer broke (malformed, a bad name, missing flags), else
     * INFO: a refusal, a cookie mismatch (ours or theirs), a timeout or a closed transport
     * is the peer's or the operator's business, not a violation.
     */
    private static Level levelOf(HandshakeException e) {
        return switch (e.reason()) {
            case PROTOCOL, BAD_NAME, MISSING_FLAGS -> Level.WARNING;
            case NOT_ALLOWED, NOK, ALIVE, BAD_DIGEST, DIGEST_REJECTED, TIMEOUT, CLOSED, SHUTDOWN -> Level.INFO;
        };
    }

    /** A handshake succeeded: publish the connection if the attempt still owns the row. */
    private void up(Attempt a, CarrierConnection transport, HandshakeResult result) {
        Peer p = a.peer;
        DistConnection.Params params = new DistConnection.Params(config.name(), handshake.creation(), result.peer(),
                result.peerCreation(), result.agreedFlags(), !result.published());
        DistConnection connection = new DistConnection(params, transport, this, limits, config.maxMessageSize(),
                config.inputLimits());
        connection.busyLimit(config.busyLimit());
        connection.readSpin(config.readSpin());
        p.lock.lock();
        try {
            if (p.owner != a || p.state != State.PENDING || closing) {
                transport.close();
                return;
            }
            p.owner = null;
            p.connection = connection;
            p.state = State.UP;
            for (Signal m; (m = p.queued.pollFirst()) != null; ) {
                connection.sendNoWait(m);
            }
            p.changed.signalAll();
        } finally {
            p.lock.unlock();
        }
        LOG.log(Level.DEBUG, "connection to {0} up ({1})", p.name, result);
        // nodeup before the first input, so listeners hear of a node before its messages
        host.nodeUp(p.name, connection);
        Events.connectionUp(config.name(), carrier.name(), connection, a.outgoing, params.hidden() || config.hidden());
        try {
            transport.handshakeComplete(connection);
        } catch (Throwable e) { // no I/O threads (out of memory, say): a connection that looks up but is not
            connection.close(new ConnectionFate.TransportError("could not start the connection: " + e, e));
            LOG.log(Level.WARNING, "connection to " + p.name + " could not start", e);
        }
    }

    // ------------------------------------------------------------------ accepting

    /** The first pause after a failed accept; it doubles with each failure in a row. */
    static final long ACCEPT_PAUSE_MIN_NANOS = 5_000_000L;
    /** The longest pause after a failed accept. */
    static final long ACCEPT_PAUSE_MAX_NANOS = 1_000_000_000L;

    /**
     * Runs the acceptor on a virtual thread until the node stops, and the timer that closes
     * incoming connections not authenticated within {@link NodeConfig#pendingHandshakeTime()}.
     *
     * <p>The acceptor survives any failure of one accept: it pauses (5 ms, doubling up to
     * 1 s while accepts fail in a row, so a node out of file descriptors neither spins nor
     * floods its log) and accepts again, as {@code net_kernel} starts a new acceptor. Only a
     * listener that is no longer {@link Listener#isOpen() open} ends it, and with it the
     * node ({@link Host#stop}), since nobody could connect any more.
     */
    void startAcceptor(Listener listener) {
        Thread t = Thread.ofVirtual().name("jarl-acceptor-" + config.name()).unstarted(() -> {
            try {
                acceptLoop(listener);
            } finally {
                untrack(Thread.currentThread());
            }
        });
        track(t);
        Thread timer = Thread.ofVirtual().name("jarl-handshake-timer-" + config.name()).unstarted(() -> {
            try {
                pending.expireLoop();
            } finally {
                untrack(Thread.currentThread());
            }
        });
        track(timer);
        t.start();
        timer.start();
    }

    private void acceptLoop(Listener listener) {
        long pause = 0;
        long failed = 0;
        long lastLog = 0;
        while (!closing) {
            Throwable failure;
            try {
                CarrierConnection transport = listener.accept();
                if (failed > 0) {
                    LOG.log(Level.WARNING, "acceptor of {0} accepting again after {1} failed accept(s)", config.name(),
                            failed);
                    failed = 0;
                    pause = 0;
                }
                if (closing) {
                    transport.close();
                    return;
                }
                startIncoming(transport);
                continue;
            } catch (Throwable e) { // an OutOfMemoryError, say, must not end the acceptor
                failure = e;
            }
            if (closing || Thread.currentThread().isInterrupted()) {
                return;
            }
            if (!listener.isOpen()) {
                host.stop("listener " + listener.address() + " failed: " + describe(failure), failure);
                return;
            }
            failed++;
            pause = Math.clamp(pause * 2, ACCEPT_PAUSE_MIN_NANOS, ACCEPT_PAUSE_MAX_NANOS);
            long now = System.nanoTime();
            if (failed == 1 || now - lastLog >= LOG_INTERVAL_NANOS) {
                lastLog = now;
                String text = "acceptor of " + config.name() + ": accept failed (" + failed + " in a row), next try in "
                        + pause / 1_000_000 + " ms: " + describe(failure);
                if (failed == 1) {
                    LOG.log(Level.ERROR, text, failure);
                } else {
                    LOG.log(Level.ERROR, text);
                }
            }
            try {
                Thread.sleep(Duration.ofNanos(pause));
            } catch (InterruptedException stopping) {
                return;
            }
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.toString() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Admits a new incoming connection within the bound and runs its handshake on a thread of its own. */
    private void startIncoming(CarrierConnection transport) {
        Attempt a = new Attempt(false, null);
        a.transport = transport;
        pending.admit(a);
        try {
            Thread h = Thread.ofVirtual().name("jarl-accept-" + transport.peerAddress()).unstarted(() -> runIncoming(a));
            track(h);
            try {
                h.start();
            } catch (Throwable e) {
                untrack(h);
                throw e;
            }
        } catch (Throwable e) {
            pending.settle(a);
            transport.close();
            throw e;
        }
    }

    private void runIncoming(Attempt a) {
        CarrierConnection transport = a.transport;
        try {
            HandshakeResult result = Handshake.accept(transport, handshake.with(transport.flagRules()),
                    new IncomingArbiter(this, a));
            pending.settle(a);
            up(a, transport, result);
        } catch (HandshakeException e) {
            pending.settle(a);
            // closed by the bound or the timer: a waiting caller reads that, not the broken read it caused
            String closedBecause = a.closedBecause;
            String text = closedBecause != null ? closedBecause + " (" + e.getMessage() + ")" : e.getMessage();
            ConnectionFate fate = closedBecause != null
                    ? new ConnectionFate.HandshakeFailed(e.reason(), text) : ConnectionFate.HandshakeFailed.of(e);
            Peer named = a.peer;
            Events.handshakeFailure(config.name(), named == null ? null : named.name, transport.peerAddress(), false, fate);
            int dropped = release(a, transport, fate, closedBecause != null ? new IOException(text, e) : e);
            if (!closing) {
                logIncomingFailure(a, transport, text, closedBecause != null ? Level.DEBUG : levelOf(e), dropped);
            }
        } catch (Throwable e) { // one connection's failure, even an Error, must not reach further
            pending.settle(a);
            release(a, transport, new ConnectionFate.TransportError(describe(e), e), e instanceof Exception x ? x : null);
            if (!closing) {
                LOG.log(Level.WARNING, "incoming connection from " + transport.peerAddress() + " failed", e);
            }
        } finally {
            untrack(Thread.currentThread());
        }
    }

    /**
     * Logs a failed incoming handshake with the peer's address (and name, once known) and the
     * reason: a protocol violation at WARNING, the rest at INFO, connections the table closed
     * itself (bound or time) at DEBUG, as {@link PendingHandshakes} summarizes
     * them. A peer can fail handshakes as fast as it likes, so the lines are rate-limited.
     */
    private void logIncomingFailure(Attempt a, CarrierConnection transport, String reason, Level level, int dropped) {
        long suppressed = level == Level.DEBUG ? 0 : (level == Level.WARNING ? warnings : incomingFailures).allow();
        if (suppressed < 0) {
            return;
        }
        Peer p = a.peer;
        LOG.log(level, "incoming connection from {0}{1} failed: {2}{3}{4}", transport.peerAddress(),
                p == null ? "" : " (" + p.name + ")", reason,
                dropped > 0 ? "; dropped " + dropped + " queued message(s)" : "", LogLimit.more(suppressed));
    }

    // ------------------------------------------------------------------ log limits

    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    /** Protocol violations of unauthenticated peers: a few lines per interval, then a count. */
    private final LogLimit warnings = new LogLimit(LOG_INTERVAL_NANOS, 10);
    /** Other failed incoming handshakes, likewise. */
    private final LogLimit incomingFailures = new LogLimit(LOG_INTERVAL_NANOS, 10);

    /**
     * True when this node's own pending attempt beats an incoming one from {@code peer}: the
     * greater name in Erlang's atom order wins, as in {@code net_kernel} ({@link Atom}'s order).
     */
    static boolean ourAttemptWins(NodeName self, NodeName peer) {
        return self.atom().compareTo(peer.atom()) > 0;
    }

    // ------------------------------------------------------------------ connection events

    @Override
    public void received(DistConnection connection, Signal signal) {
        host.received(connection, signal);
    }

    @Override
    public void down(DistConnection connection, ConnectionFate fate) {
        Peer p = peers.get(connection.peer());
        if (p == null) {
            return;
        }
        boolean wasCurrent;
        p.lock.lock();
        try {
            wasCurrent = p.connection == connection;
        } finally {
            p.lock.unlock();
        }
        if (!wasCurrent) {
            return;
        }
        // as erts clears a connection's links and monitors before the node can connect again:
        // a ping, link or monitor made once nodes() drops the peer is for the next connection
        host.connectionLost(p.name);
        p.lock.lock();
        try {
            wasCurrent = p.connection == connection;
            if (wasCurrent) {
                p.connection = null;
                if (p.state == State.UP_PENDING && p.pendingOwner != null) {
                    p.state = State.PENDING;
                    p.owner = p.pendingOwner;
                    p.pendingOwner = null;
                } else {
                    p.state = State.IDLE;
                }
                p.changed.signalAll();
                dropIfIdle(p);
            }
        } finally {
            p.lock.unlock();
        }
        if (wasCurrent) {
            Events.connectionDown(config.name(), carrier.name(), connection, fate);
            host.nodeDown(p.name, connection, fate);
        }
    }

    // ------------------------------------------------------------------ queries and control

    /**
     * Connects to {@code name} unless connected, waiting at most {@code timeout}.
     *
     * @throws IOException naming the node and the reason when the attempt fails
     */
    DistConnection connect(NodeName name, Duration timeout) throws IOException, InterruptedException {
        if (closing) {
            throw new IOException("node " + config.name() + " is stopping");
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("connect to " + name + " interrupted");
        }
        Peer p = lockedPeer(name);
        long left = timeout.toNanos();
        p.waiters++;
        try {
            long failuresBefore = p.failures;
            if (p.state == State.IDLE) {
                startAttempt(p);
            }
            while (true) {
                if (p.state == State.UP || p.state == State.UP_PENDING) {
                    return p.connection;
                }
                // an attempt that failed is done failing what waited on it before its callers hear;
                // a caller that came meanwhile waits for the next attempt
                if (p.failures != failuresBefore && !failing(p)) {
                    throw connectFailure(name, p.lastFailure, p.lastFailureCause);
                }
                if (p.state == State.IDLE) {
                    startAttempt(p);
                }
                if (left <= 0) {
                    throw new IOException("cannot connect to " + name + ": no connection within " + timeout);
                }
                left = p.changed.awaitNanos(left);
            }
        } finally {
            p.waiters--;
            dropIfIdle(p);
            p.lock.unlock();
        }
    }

    /**
     * The exception for a failed attempt: a handshake failure as its sentence for people
     * ({@link HandshakeException#detail()}), which names the node, with the handshake
     * exception (and its reason) as the cause.
     */
    private static IOException connectFailure(NodeName name, ConnectionFate fate, Exception cause) {
        if (cause instanceof HandshakeException h) {
            String detail = h.detail();
            return new IOException(detail.startsWith(name.toString()) ? detail : "cannot connect to " + name + ": " + detail, h);
        }
        return new IOException("cannot connect to " + name + ": " + fate, cause);
    }

    /** The nodes with a connection up now. */
    List<NodeName> nodes() {
        List<NodeName> up = new ArrayList<>();
        for (Peer p : peers.values()) {
            p.lock.lock();
            try {
                if (p.state == State.UP || p.state == State.UP_PENDING) {
                    up.add(p.name);
                }
            } finally {
                p.lock.unlock();
            }
        }
        return up;
    }

    /** The connections up now. */
    List<DistConnection> connections() {
        return connectionStates().stream().map(Up::connection).toList();
    }

    /** A connection up, and whether a new incoming one waits to replace it (UP_PENDING). */
    record Up(DistConnection connection, boolean replacing) {
    }

    /** The connections up now, with their state. */
    List<Up> connectionStates() {
        List<Up> up = new ArrayList<>();
        for (Peer p : peers.values()) {
            p.lock.lock();
            try {
                if (p.connection != null) {
                    up.add(new Up(p.connection, p.state == State.UP_PENDING));
                }
            } finally {
                p.lock.unlock();
            }
        }
        return up;
    }

    /** The carrier's name ({@code tcp}, {@code udp}, ...). */
    String carrierName() {
        return carrier.name();
    }

    /** The connection to {@code name} if it is up. */
    DistConnection connection(NodeName name) {
        Peer p = peers.get(name);
        if (p == null) {
            return null;
        }
        p.lock.lock();
        try {
            return p.connection;
        } finally {
            p.lock.unlock();
        }
    }

    /** Closes the connection to {@code name}, if any ({@code erlang:disconnect_node/1}). */
    boolean disconnect(NodeName name) {
        DistConnection c = connection(name);
        if (c == null) {
            return false;
        }
        c.close(new ConnectionFate.Disconnected());
        return true;
    }

    /** Marks the table as stopping: no new attempts, failures are not logged. */
    void stopping() {
        closing = true;
    }

    /** Stops: cancels attempts, closes connections, waits briefly for the threads. */
    void close() {
        closing = true;
        pending.close().forEach(Attempt::cancel);
        List<Attempt> attempts = new ArrayList<>();
        for (Peer p : peers.values()) {
            p.lock.lock();
            try {
                if (p.owner != null) {
                    attempts.add(p.owner);
                }
                if (p.pendingOwner != null) {
                    attempts.add(p.pendingOwner);
                }
                p.queued.clear();
                p.changed.signalAll();
            } finally {
                p.lock.unlock();
            }
        }
        attempts.forEach(Attempt::cancel);
        List<DistConnection> open = connections();
        long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
        for (DistConnection c : open) {
            try {
                c.awaitDrained(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (DistConnection c : open) {
            c.close(new ConnectionFate.Closed("node stopping"));
        }
        for (Thread t : threads) {
            if (t != Thread.currentThread()) {
                t.interrupt();
            }
        }
        for (Thread t : threads) {
            if (t != Thread.currentThread()) {
                try {
                    t.join(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void track(Thread t) {
        threads.add(t);
    }

    private void untrack(Thread t) {
        threads.remove(t);
    }
}
