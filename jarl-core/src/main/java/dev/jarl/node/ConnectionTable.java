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
import dev.jarl.carrier.Listener;
import dev.jarl.channel.ControlMessage;
import dev.jarl.channel.DistConnection;
import dev.jarl.handshake.Arbiter;
import dev.jarl.handshake.DistFlags;
import dev.jarl.handshake.Handshake;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.handshake.HandshakeException;
import dev.jarl.handshake.HandshakeResult;
import dev.jarl.node.Peer.Attempt;
import dev.jarl.node.Peer.State;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;

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
 */
final class ConnectionTable implements DistConnection.Handler {

    private static final Logger LOG = System.getLogger(ConnectionTable.class.getName());

    /** What the table needs from its node. */
    interface Host {
        /** A control message arrived on {@code connection}. */
        void received(DistConnection connection, ControlMessage message);

        /** A connection came up. */
        void nodeUp(NodeName peer, DistConnection connection);

        /** A connection went down. */
        void nodeDown(NodeName peer, DistConnection connection, String reason);

        /** An attempt to connect to {@code peer} failed; what was queued for it is dropped. */
        void connectFailed(NodeName peer, String reason);

        /**
         * An UNLINK_ID went to a peer without UNLINK_ID as the old UNLINK, which has no
         * acknowledgement: the sender's unlink is complete now.
         */
        void legacyUnlinked(ControlMessage.UnlinkId unlink);
    }

    private final NodeConfig config;
    private final Carrier carrier;
    private final Host host;
    private final DecodeLimits limits;
    private final ConcurrentHashMap<NodeName, Peer> peers = new ConcurrentHashMap<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile HandshakeConfig handshake;
    private volatile boolean closing;

    ConnectionTable(NodeConfig config, Carrier carrier, Host host) {
        this.config = config;
        this.carrier = carrier;
        this.host = host;
        this.limits = DecodeLimits.DEFAULT.withMaxBinarySize(config.maxMessageSize())
                .withMaxUncompressedSize(config.maxMessageSize()).withMaxDepth(config.maxTermDepth());
    }

    /** Sets what every handshake uses; called once the creation is known. */
    void handshakeConfig(HandshakeConfig handshake) {
        this.handshake = handshake;
    }

    private Peer peer(NodeName name) {
        return peers.computeIfAbsent(name, Peer::new);
    }

    // ------------------------------------------------------------------ sending

    /**
     * Sends {@code message} to node {@code target}, connecting first if needed. Never
     * blocks on the network. A message to a pid whose creation is not the connected
     * incarnation's is dropped, as the BEAM drops it.
     */
    void send(NodeName target, ControlMessage message) {
        if (closing) {
            return;
        }
        Peer p = peer(target);
        DistConnection c;
        p.lock.lock();
        try {
            switch (p.state) {
                case UP, UP_PENDING -> c = p.connection;
                case PENDING -> {
                    p.queued.addLast(message);
                    return;
                }
                case IDLE -> {
                    p.queued.addLast(message);
                    startAttempt(p);
                    return;
                }
                default -> throw new IllegalStateException(p.state.name());
            }
        } finally {
            p.lock.unlock();
        }
        deliverTo(c, message, true);
    }

    private static Pid targetOf(ControlMessage m) {
        return switch (m) {
            case ControlMessage.Send s -> s.to();
            case ControlMessage.SendSender s -> s.to();
            default -> null;
        };
    }

    /**
     * Starts an attempt to {@code target} unless one is pending or a connection is up
     * (what {@code monitor_node/2} does for a node not connected).
     */
    void touch(NodeName target) {
        if (closing) {
            return;
        }
        Peer p = peer(target);
        p.lock.lock();
        try {
            if (p.state == State.IDLE) {
                startAttempt(p);
            }
        } finally {
            p.lock.unlock();
        }
    }

    /**
     * Sends {@code message} on {@code c} in the form the peer agreed to: beyond what
     * {@link DistConnection#adapt} does (SEND, EXIT, EXIT2, MONITOR_P_EXIT without
     * SEND_SENDER or EXIT_PAYLOAD), the old UNLINK to one
     * without UNLINK_ID (its unlink completes at once), no MONITOR_P/DEMONITOR_P to one without
     * DIST_MONITOR (nor by name without DIST_MONITOR_NAME: the monitor stays local and fires
     * only on {@code noconnection}, as the BEAM does), no ALIAS_SEND to one without ALIAS.
     */
    void reply(DistConnection c, ControlMessage message) {
        send(c, message, false);
    }

    /**
     * Sends in the agreed form; only messages (not signals) may wait for the busy limit, and
     * only when {@code mayWait}: a link, exit or monitor signal never blocks its sender, as
     * it never does on a BEAM node.
     */
    private void send(DistConnection c, ControlMessage message, boolean mayWait) {
        ControlMessage out = adapt(c, message);
        if (out == null) {
            return;
        }
        boolean isMessage = switch (out) {
            case ControlMessage.Send m -> true;
            case ControlMessage.SendSender m -> true;
            case ControlMessage.RegSend m -> true;
            case ControlMessage.AliasSend m -> true;
            default -> false;
        };
        if (mayWait && isMessage) {
            c.send(out);
        } else {
            c.sendNoWait(out);
        }
    }

    private ControlMessage adapt(DistConnection c, ControlMessage m) {
        return switch (m) {
            case ControlMessage.MonitorP e -> monitorAgreed(c, e.toProc()) ? e : null;
            case ControlMessage.DemonitorP e -> monitorAgreed(c, e.toProc()) ? e : null;
            case ControlMessage.AliasSend e -> c.agreed(DistFlags.ALIAS) ? e : null;
            case ControlMessage.UnlinkId e when !c.agreed(DistFlags.UNLINK_ID) -> {
                host.legacyUnlinked(e);
                yield new ControlMessage.Unlink(e.from(), e.to());
            }
            default -> m;
        };
    }

    private static boolean monitorAgreed(DistConnection c, dev.jarl.term.Term proc) {
        return c.agreed(DistFlags.DIST_MONITOR) && (proc instanceof Pid || c.agreed(DistFlags.DIST_MONITOR_NAME));
    }

    private void deliverTo(DistConnection c, ControlMessage message, boolean mayWait) {
        Pid pid = targetOf(message);
        if (pid != null && pid.creation() != c.params().peerCreation()) {
            LOG.log(Level.DEBUG, "dropping {0} to {1}: creation {2} is not the connected incarnation''s {3}",
                    message.opName(), pid, Integer.toUnsignedString(pid.creation()),
                    Integer.toUnsignedString(c.params().peerCreation()));
            return;
        }
        send(c, message, mayWait);
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
            HandshakeResult result = Handshake.initiate(transport, hs, p.name, new OutgoingArbiter(a));
            up(a, transport, result);
        } catch (HandshakeException e) {
            if (e.reason() == HandshakeException.Reason.NOK) {
                awaitTakeOver(a, transport);
                return;
            }
            failed(a, transport, e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            failed(a, transport, e.getMessage() == null ? e.toString() : e.getMessage(), e);
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
        failed(a, null, "connection attempt to " + p.name + " refused (nok) and the peer did not connect back", null);
    }

    private void failed(Attempt a, CarrierConnection transport, String reason, Exception cause) {
        if (transport != null) {
            transport.close();
        }
        Peer p = a.peer;
        if (p == null) {
            return;
        }
        int dropped = 0;
        p.lock.lock();
        try {
            if (p.owner == a && p.state == State.PENDING) {
                dropped = p.queued.size();
                p.queued.clear();
                p.owner = null;
                p.state = State.IDLE;
                p.failures++;
                p.lastFailure = reason;
                p.lastFailureCause = cause;
                p.changed.signalAll();
            } else if (p.pendingOwner == a) {
                p.pendingOwner = null;
                if (p.state == State.UP_PENDING) {
                    p.state = State.UP;
                }
                p.changed.signalAll();
                return;
            } else {
                return;
            }
        } finally {
            p.lock.unlock();
        }
        host.connectFailed(p.name, reason);
        if (!closing) {
            LOG.log(Level.INFO, "{0} to {1} failed: {2}{3}", a.outgoing ? "connection attempt" : "incoming connection",
                    p.name, reason, dropped > 0 ? "; dropped " + dropped + " queued message(s)" : "");
        }
    }

    /** A handshake succeeded: publish the connection if the attempt still owns the row. */
    private void up(Attempt a, CarrierConnection transport, HandshakeResult result) {
        Peer p = a.peer;
        DistConnection.Params params = new DistConnection.Params(config.name(), result.peer(), result.peerCreation(),
                result.agreedFlags(), !result.published());
        DistConnection connection = new DistConnection(params, transport, this, limits, config.maxMessageSize(),
                config.inputLimits());
        connection.busyLimit(config.busyLimit());
        p.lock.lock();
        try {
            if (p.owner != a || p.state != State.PENDING || closing) {
                transport.close();
                return;
            }
            p.owner = null;
            p.connection = connection;
            p.state = State.UP;
            for (ControlMessage m; (m = p.queued.pollFirst()) != null; ) {
                deliverTo(connection, m, false);
            }
            p.changed.signalAll();
        } finally {
            p.lock.unlock();
        }
        LOG.log(Level.DEBUG, "connection to {0} up ({1})", p.name, result);
        // nodeup before the first input, so listeners hear of a node before its messages
        host.nodeUp(p.name, connection);
        transport.handshakeComplete(connection);
    }

    // ------------------------------------------------------------------ accepting

    /** Runs the acceptor on a virtual thread until the listener closes. */
    void startAcceptor(Listener listener) {
        Thread t = Thread.ofVirtual().name("jarl-acceptor-" + config.name()).unstarted(() -> {
            try {
                while (!closing) {
                    CarrierConnection transport = listener.accept();
                    if (closing) {
                        transport.close();
                        break;
                    }
                    Thread h = Thread.ofVirtual().name("jarl-accept-" + transport.peerAddress())
                            .unstarted(() -> runIncoming(transport));
                    track(h);
                    h.start();
                }
            } catch (IOException e) {
                if (!closing) {
                    LOG.log(Level.ERROR, "acceptor of " + config.name() + " stopped: " + e.getMessage(), e);
                }
            } finally {
                untrack(Thread.currentThread());
            }
        });
        track(t);
        t.start();
    }

    private void runIncoming(CarrierConnection transport) {
        Attempt a = new Attempt(false, null);
        a.transport = transport;
        try {
            HandshakeResult result = Handshake.accept(transport, handshake, new IncomingArbiter(a));
            up(a, transport, result);
        } catch (HandshakeException e) {
            failed(a, transport, e.getMessage(), e);
            if (a.peer == null && !closing) {
                LOG.log(Level.INFO, "incoming connection from {0} failed: {1}", transport.peerAddress(), e.getMessage());
            }
        } catch (RuntimeException e) {
            failed(a, transport, e.toString(), e);
        } finally {
            untrack(Thread.currentThread());
        }
    }

    /** The arbiter of an outgoing attempt: answers {@code is_pending}. */
    private static final class OutgoingArbiter implements Arbiter {
        private final Attempt attempt;

        OutgoingArbiter(Attempt attempt) {
            this.attempt = attempt;
        }

        @Override
        public Status markPending(NodeName peer, long peerFlags, int peerCreation) {
            throw new IllegalStateException("markPending on an outgoing attempt to " + peer);
        }

        @Override
        public boolean isPending(NodeName peer) {
            Peer p = attempt.peer;
            p.lock.lock();
            try {
                return p.owner == attempt && p.state == State.PENDING && !attempt.cancelled;
            } finally {
                p.lock.unlock();
            }
        }

        @Override
        public void awaitPreviousDown(NodeName peer, Duration timeout) {
            throw new IllegalStateException("awaitPreviousDown on an outgoing attempt to " + peer);
        }
    }

    /** A fresh incoming attempt's arbiter, as the acceptor makes one (for tests of the decisions). */
    Arbiter incomingArbiter() {
        return new IncomingArbiter(new Attempt(false, null));
    }

    /** The arbiter of an incoming attempt: OTP's {@code accept_pending} and {@code wait_pending}. */
    private final class IncomingArbiter implements Arbiter {
        private final Attempt attempt;

        IncomingArbiter(Attempt attempt) {
            this.attempt = attempt;
        }

        @Override
        public Status markPending(NodeName name, long peerFlags, int peerCreation) {
            if (closing) {
                return Status.NOT_ALLOWED;
            }
            if (name.equals(config.name())) {
                return Status.NOT_ALLOWED;
            }
            if (name.isLongName() != config.name().isLongName()) {
                LOG.log(Level.WARNING, "refusing {0}: {1} names cannot talk to {2} names", name,
                        name.isLongName() ? "long" : "short", config.name().isLongName() ? "long" : "short");
                return Status.NOT_ALLOWED;
            }
            Peer p = peer(name);
            attempt.peer = p;
            Attempt cancel = null;
            Status status;
            p.lock.lock();
            try {
                switch (p.state) {
                    case IDLE -> {
                        p.state = State.PENDING;
                        p.owner = attempt;
                        status = Status.OK;
                    }
                    case PENDING -> {
                        if (atomCompare(config.name().toString(), name.toString()) > 0) {
                            status = Status.NOK;
                        } else {
                            cancel = p.owner;
                            p.owner = attempt;
                            status = Status.OK_SIMULTANEOUS;
                        }
                    }
                    case UP -> {
                        p.state = State.UP_PENDING;
                        p.pendingOwner = attempt;
                        status = Status.ALIVE;
                    }
                    case UP_PENDING -> status = Status.UP_PENDING;
                    default -> throw new IllegalStateException(p.state.name());
                }
                p.changed.signalAll();
            } finally {
                p.lock.unlock();
            }
            if (cancel != null) {
                cancel.cancel();
            }
            return status;
        }

        @Override
        public boolean isPending(NodeName peer) {
            throw new IllegalStateException("isPending on an incoming attempt from " + peer);
        }

        @Override
        public void awaitPreviousDown(NodeName name, Duration timeout) throws HandshakeException {
            Peer p = attempt.peer;
            DistConnection old;
            p.lock.lock();
            try {
                old = p.connection;
            } finally {
                p.lock.unlock();
            }
            if (old != null) {
                old.close("replaced by a new connection from the restarted peer (wait_pending)");
            }
            long left = timeout.toNanos();
            p.lock.lock();
            try {
                while (p.pendingOwner == attempt && p.state == State.UP_PENDING) {
                    if (closing) {
                        throw new HandshakeException(HandshakeException.Reason.SHUTDOWN, "node " + config.name() + " stopping");
                    }
                    if (left <= 0) {
                        throw new HandshakeException(HandshakeException.Reason.TIMEOUT,
                                "old connection to " + name + " did not go down within " + timeout);
                    }
                    left = p.changed.awaitNanos(left);
                }
                if (p.owner != attempt) {
                    throw new HandshakeException(HandshakeException.Reason.SHUTDOWN,
                            "attempt from " + name + " was superseded");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HandshakeException(HandshakeException.Reason.SHUTDOWN, "interrupted", e);
            } finally {
                p.lock.unlock();
            }
        }
    }

    /** Erlang's atom order: by code points. */
    static int atomCompare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    // ------------------------------------------------------------------ connection events

    @Override
    public void received(DistConnection connection, ControlMessage message) {
        host.received(connection, message);
    }

    @Override
    public void down(DistConnection connection, String reason) {
        Peer p = peers.get(connection.peer());
        if (p == null) {
            return;
        }
        boolean wasCurrent;
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
            }
        } finally {
            p.lock.unlock();
        }
        if (wasCurrent) {
            host.nodeDown(p.name, connection, reason);
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
        Peer p = peer(name);
        long left = timeout.toNanos();
        p.lock.lockInterruptibly();
        try {
            long failuresBefore = p.failures;
            if (p.state == State.IDLE) {
                startAttempt(p);
            }
            while (true) {
                if (p.state == State.UP || p.state == State.UP_PENDING) {
                    return p.connection;
                }
                if (p.failures != failuresBefore) {
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
            p.lock.unlock();
        }
    }

    /**
     * The exception for a failed attempt: a handshake failure as its sentence for people
     * ({@link HandshakeException#detail()}), which names the node, with the handshake
     * exception (and its reason) as the cause.
     */
    private static IOException connectFailure(NodeName name, String reason, Exception cause) {
        if (cause instanceof HandshakeException h) {
            String detail = h.detail();
            return new IOException(detail.startsWith(name.toString()) ? detail : "cannot connect to " + name + ": " + detail, h);
        }
        return new IOException("cannot connect to " + name + ": " + reason, cause);
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
        List<DistConnection> up = new ArrayList<>();
        for (Peer p : peers.values()) {
            p.lock.lock();
            try {
                if (p.connection != null) {
                    up.add(p.connection);
                }
            } finally {
                p.lock.unlock();
            }
        }
        return up;
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
        c.close("disconnected");
        return true;
    }

    /** Marks the table as stopping: no new attempts, failures are not logged. */
    void stopping() {
        closing = true;
    }

    /** Stops: cancels attempts, closes connections, waits briefly for the threads. */
    void close() {
        closing = true;
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
            c.close("node stopping");
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
