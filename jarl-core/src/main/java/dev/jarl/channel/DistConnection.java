package dev.jarl.channel;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierStats;
import dev.jarl.carrier.DistChannel;
import dev.jarl.handshake.DistFlags;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;

/**
 * One connection to a peer node once the handshake is over: the {@link DistChannel} the
 * carrier drives, the output queue, input decoding and dispatch, and the tick state.
 *
 * <p><b>Output.</b> {@link #send(ControlMessage)} encodes on the caller's thread into one
 * packet and appends it to the output queue; the carrier's output party takes packets with
 * {@link #getData()} and waits with {@link #awaitData()}. Packets leave in the order they were
 * queued, so messages from one sender to one receiver keep their order. Sends never block
 * (Erlang's {@code !} never does); a send on a closed connection is dropped and reported by
 * the return value.
 *
 * <p><b>Input.</b> The carrier's input party calls {@link #putData(ByteBuffer)}: an empty
 * packet is a tick; any other is decoded and handed to the {@link Handler} on that same
 * thread, in order. An operation this node does not know is logged once per operation number
 * and dropped; anything malformed closes the connection with one logged reason.
 *
 * <p><b>Fate.</b> The connection goes down once, whoever notices first (the carrier through
 * {@link #closed(String, Throwable)}, the ticker, bad input, or {@link #close(String)}); the
 * handler's {@link Handler#down} runs exactly once and every waiter is woken.
 *
 * <p>Thread-safe.
 */
public final class DistConnection implements DistChannel {

    private static final Logger LOG = System.getLogger(DistConnection.class.getName());

    /**
     * OTP's default {@code dist_buf_busy_limit}: 1 MiB queued for a connection makes senders
     * wait.
     */
    public static final long DEFAULT_BUSY_LIMIT = 1 << 20;

    /** What the node does with a connection's input and its end. */
    public interface Handler {

        /** A control message arrived; called on the carrier's input thread, in order. */
        void received(DistConnection connection, ControlMessage message);

        /** The connection went down (called once). */
        void down(DistConnection connection, String reason);
    }

    /**
     * What the connection knows of the handshake's outcome.
     *
     * @param self         this node's name
     * @param peer         the peer's name
     * @param peerCreation the peer's creation
     * @param agreedFlags  the flags both sides agreed (this node's offer AND the peer's)
     * @param hidden       true for a hidden connection
     */
    public record Params(NodeName self, NodeName peer, int peerCreation, long agreedFlags, boolean hidden) {
        /** Checks for nulls. */
        public Params {
            Objects.requireNonNull(self, "self");
            Objects.requireNonNull(peer, "peer");
        }
    }

    private final Params params;
    private final CarrierConnection carrier;
    private final Handler handler;
    private final DecodeLimits limits;
    private final long maxMessageSize;
    private final boolean useHeader;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition dataOrClosed = lock.newCondition();
    private final Condition notBusy = lock.newCondition();
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private long queuedBytes;
    private int busyWaiters;
    private boolean closed;
    private volatile long busyLimit = DEFAULT_BUSY_LIMIT;
    private volatile Thread inputHandler;

    private final AtomicBoolean down = new AtomicBoolean();
    private volatile String downReason;
    private final Set<Integer> unknownLogged = ConcurrentHashMap.newKeySet();

    private TickPolicy.State tickState = TickPolicy.State.INITIAL;
    private long sentAtPreviousTick = Long.MIN_VALUE;
    private volatile long packetsIn;

    /**
     * A connection over {@code carrier}; call {@code carrier.handshakeComplete(this)} next.
     *
     * @param maxMessageSize the largest packet accepted, in bytes
     */
    public DistConnection(Params params, CarrierConnection carrier, Handler handler, DecodeLimits limits,
                          long maxMessageSize) {
        this.params = Objects.requireNonNull(params, "params");
        this.carrier = Objects.requireNonNull(carrier, "carrier");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.maxMessageSize = maxMessageSize;
        this.useHeader = (params.agreedFlags() & (DistFlags.FRAGMENTS | DistFlags.DIST_HDR_ATOM_CACHE)) != 0;
    }

    /** The peer's node name. */
    public NodeName peer() {
        return params.peer();
    }

    /** The handshake's outcome as this connection uses it. */
    public Params params() {
        return params;
    }

    /** The flags both sides agreed. */
    public long agreedFlags() {
        return params.agreedFlags();
    }

    /** True when both sides agreed on {@code flag}. */
    public boolean agreed(long flag) {
        return (params.agreedFlags() & flag) == flag;
    }

    /** The peer's transport address, for logs. */
    public String peerAddress() {
        return carrier.peerAddress();
    }

    /** True once the connection is down. */
    public boolean isDown() {
        return down.get();
    }

    /** Why the connection went down, or null while it is up. */
    public String downReason() {
        return downReason;
    }

    /**
     * Encodes {@code message} on the calling thread and queues it, in the form the agreed
     * flags allow (see {@link #adapt(ControlMessage)}).
     *
     * @return false when the connection is closed (the message is dropped)
     */
    public boolean send(ControlMessage message) {
        return enqueue(DistPacket.encode(adapt(message), useHeader), Thread.currentThread() != inputHandler);
    }

    /**
     * As {@link #send(ControlMessage)}, but never waits on the busy limit: for replies sent
     * from the input thread and for flushing messages queued while the connection was set up.
     */
    public boolean sendNoWait(ControlMessage message) {
        return enqueue(DistPacket.encode(adapt(message), useHeader), false);
    }

    /**
     * The form of {@code message} this peer agreed to: SEND_SENDER(_TT) becomes SEND(_TT)
     * without SEND_SENDER, and the PAYLOAD_ exits become EXIT, EXIT2 and their _TT forms
     * without EXIT_PAYLOAD, as the BEAM sends them (PAYLOAD_MONITOR_P_EXIT becomes
     * MONITOR_P_EXIT). Other operations are the caller's choice.
     */
    public ControlMessage adapt(ControlMessage message) {
        long f = params.agreedFlags();
        boolean sender = (f & DistFlags.SEND_SENDER) != 0;
        boolean payload = (f & DistFlags.EXIT_PAYLOAD) != 0;
        return switch (message) {
            case ControlMessage.SendSender m when !sender -> new ControlMessage.Send(m.to(), m.message());
            case ControlMessage.SendSenderTT m when !sender -> new ControlMessage.SendTT(m.to(), m.token(), m.message());
            case ControlMessage.PayloadExit m when !payload -> new ControlMessage.Exit(m.from(), m.to(), m.reason());
            case ControlMessage.PayloadExitTT m when !payload -> new ControlMessage.ExitTT(m.from(), m.to(), m.token(), m.reason());
            case ControlMessage.PayloadExit2 m when !payload -> new ControlMessage.Exit2(m.from(), m.to(), m.reason());
            case ControlMessage.PayloadExit2TT m when !payload -> new ControlMessage.Exit2TT(m.from(), m.to(), m.token(), m.reason());
            case ControlMessage.PayloadMonitorPExit m when !payload ->
                    new ControlMessage.MonitorPExit(m.fromProc(), m.to(), m.ref(), m.reason());
            default -> message;
        };
    }

    /**
     * Sends {@code message} from {@code from} (may be null) to {@code to} with the operation
     * the agreed flags call for: SEND_SENDER when agreed, else SEND.
     *
     * @return false when the connection is closed (the message is dropped)
     */
    public boolean sendMessage(Pid from, Pid to, Term message) {
        return send(from != null ? new ControlMessage.SendSender(from, to, message) : new ControlMessage.Send(to, message));
    }

    /**
     * Sets the busy limit: while at least this many bytes wait in the output queue, senders
     * wait (as the BEAM suspends a process that sends to a busy distribution port), except
     * the carrier's input thread, whose replies never wait. Default {@link #DEFAULT_BUSY_LIMIT}.
     */
    public void busyLimit(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("busy limit: " + bytes + " (expected: positive)");
        }
        this.busyLimit = bytes;
    }

    private boolean enqueue(ByteBuffer packet, boolean wait) {
        boolean mayWait = wait;
        boolean interrupted = false;
        lock.lock();
        try {
            while (mayWait && !closed && queuedBytes >= busyLimit) {
                busyWaiters++;
                try {
                    notBusy.await();
                } catch (InterruptedException e) {
                    // cancels the wait, not the send: the message goes out and the flag stays set
                    interrupted = true;
                    mayWait = false;
                } finally {
                    busyWaiters--;
                }
            }
            if (closed) {
                return false;
            }
            queue.addLast(packet);
            queuedBytes += packet.remaining();
            if (queue.size() == 1) {
                dataOrClosed.signalAll();
            }
            return true;
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public ByteBuffer getData() {
        lock.lock();
        try {
            ByteBuffer b = queue.pollFirst();
            if (b != null) {
                queuedBytes -= b.remaining();
                if (busyWaiters > 0 && queuedBytes < busyLimit) {
                    notBusy.signalAll();
                }
            }
            return b;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean awaitData() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                dataOrClosed.await();
            }
            return !queue.isEmpty() || !closed;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void inputHandler(Thread handler) {
        this.inputHandler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public void putData(ByteBuffer packet) {
        Thread expected = inputHandler;
        if (expected != null && expected != Thread.currentThread()) {
            throw new IllegalStateException("putData from " + Thread.currentThread()
                    + " (expected: the registered input handler " + expected + ")");
        }
        packetsIn++;
        if (down.get()) {
            return;
        }
        int size = packet.remaining();
        if (size == 0) {
            echoTick();
            return;
        }
        if (size > maxMessageSize) {
            close("distribution packet: " + size + " bytes (expected: at most " + maxMessageSize + ")");
            return;
        }
        ControlMessage message;
        try {
            message = DistPacket.decode(packet, limits);
        } catch (DistProtocolException.UnknownOperation e) {
            if (unknownLogged.add(e.op())) {
                LOG.log(Level.WARNING, "connection to {0}: dropping control operation {1} ({2}); "
                        + "further ones are dropped silently", params.peer(), e.op(), ControlMessage.name(e.op()));
            }
            return;
        } catch (DistProtocolException e) {
            close("malformed input from " + params.peer() + ": " + e.getMessage());
            return;
        }
        handler.received(this, message);
    }

    private void echoTick() {
        CarrierStats now = carrier.stats();
        long record = TickPolicy.echo(sentAtPreviousTick, now);
        sentAtPreviousTick = record;
        if (record != now.packetsSent()) {
            carrier.tick();
        }
    }

    /**
     * One periodic tick check (see {@link TickPolicy}); the node's ticker calls it once per
     * tick interval. Writes a tick or closes the connection with {@code net_tick_timeout} as
     * the policy says.
     *
     * @param intensity checks per {@code net_ticktime}
     * @return false when the connection is (now) down
     */
    public boolean tickCheck(int intensity) {
        if (down.get()) {
            return false;
        }
        TickPolicy.Decision d;
        lock.lock();
        try {
            d = TickPolicy.check(tickState, carrier.stats(), intensity, params.hidden());
            tickState = d.next();
        } finally {
            lock.unlock();
        }
        switch (d.action()) {
            case NONE -> {
            }
            case TICK -> carrier.tick();
            case DOWN -> {
                LOG.log(Level.WARNING, "** Node {0} not responding ** Removing (timedout) connection", params.peer());
                close("net_tick_timeout");
                return false;
            }
        }
        return true;
    }

    /**
     * Waits until everything queued so far has been handed to the carrier and the carrier
     * reports nothing pending, or {@code timeout} passes, or the connection goes down.
     * Used before an orderly close so that the last signals (exits on node stop) leave.
     *
     * @return true when drained
     */
    public boolean awaitDrained(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!down.get()) {
            boolean empty;
            lock.lock();
            try {
                empty = queue.isEmpty();
            } finally {
                lock.unlock();
            }
            if (empty && carrier.stats().pendingBytes() == 0) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /** Packets (ticks included) this channel received so far. */
    public long packetsReceived() {
        return packetsIn;
    }

    /**
     * Takes the connection down with {@code reason}: closes the transport, drops what is
     * still queued, wakes every waiter and tells the handler once. Idempotent.
     */
    public void close(String reason) {
        closed(reason, null);
        carrier.close();
    }

    @Override
    public void closed(String reason, Throwable cause) {
        boolean first = down.compareAndSet(false, true);
        if (first) {
            downReason = reason == null ? "closed" : reason;
        }
        lock.lock();
        try {
            closed = true;
            queue.clear();
            queuedBytes = 0;
            dataOrClosed.signalAll();
            notBusy.signalAll();
        } finally {
            lock.unlock();
        }
        if (first) {
            if (cause != null) {
                LOG.log(Level.INFO, "connection to " + params.peer() + " down: " + downReason, cause);
            } else {
                LOG.log(Level.INFO, "connection to {0} down: {1}", params.peer(), downReason);
            }
            carrier.close();
            handler.down(this, downReason);
        }
    }

    @Override
    public String toString() {
        return "DistConnection[" + params.self() + " <-> " + params.peer() + (down.get() ? ", down: " + downReason : "") + "]";
    }
}
