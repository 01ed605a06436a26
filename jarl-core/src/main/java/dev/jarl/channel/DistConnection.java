/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierStats;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistChannel;
import dev.jarl.carrier.DistFlags;
import dev.jarl.jfr.SlowDecode;
import dev.jarl.term.Atom;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.NodeName;

/**
 * One connection to a peer node once the handshake is over: the {@link DistChannel} the
 * carrier drives, with the signals going out and coming in, and the tick state.
 *
 * <p><b>Output.</b> {@link #send(Signal)} writes the signal in the form the agreed flags
 * call for ({@link SignalCodec}), encodes the terms on the caller's thread and appends them
 * to the {@link OutputQueue} (lanes, fragments, busy limit); the carrier's output party
 * takes packets with {@link #getData()} and waits with {@link #awaitData()}. The
 * distribution header, with its atom-cache references when DIST_HDR_ATOM_CACHE was agreed,
 * is written as a packet is taken, in output order. Sends never block for long (Erlang's
 * {@code !} never does), but a message waits while the queue is over the busy limit. A send
 * on a closed connection is dropped and reported by the return value.
 *
 * <p><b>Direct output.</b> A sender that queues into an empty queue asks the carrier to
 * write the packet on its own thread ({@link CarrierConnection#writeQueued()}); only if
 * the carrier declines is the output party woken. A round trip so saves a thread hand-off.
 * The input thread (a message handler replying there) writes only through
 * {@link CarrierConnection#writeQueuedNoWait()}, which never blocks: two nodes' input
 * threads blocked in writes to each other would deadlock; a stream carrier makes that write
 * once its input thread has handed over what it read, so the replies to one read leave
 * together. See {@link #directOutput(boolean)}.
 *
 * <p><b>Input.</b> The carrier's input party calls {@link #putData(ByteBuffer)}: an empty
 * packet is a tick; any other is decoded into a {@link Signal}, checked as erts checks every
 * signal ({@link SignalCodec.Identity}) and handed to the {@link Handler} on that same
 * thread, in order ({@link #putBorrowed(ByteBuffer)} likewise, copying out what it keeps).
 * Fragments go to the {@link Reassembler}. An operation this node does not know is logged
 * once per operation number and dropped; anything malformed, and a signal that fails the
 * checks, closes the connection with one logged reason.
 *
 * <p><b>Fate.</b> The connection goes down once, whoever notices first (the carrier through
 * {@link #closed(ConnectionFate)}, the ticker, bad input, or {@link #close(ConnectionFate)}), with
 * one {@link ConnectionFate}; the handler's {@link Handler#down} runs exactly once and every
 * waiter is woken.
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

        /**
         * A signal arrived, and passed the identity checks; called on the carrier's input
         * thread, in order. Also called on a sender's thread with the {@link Signal.UnlinkAck}
         * a peer without UNLINK_ID never sends: its old UNLINK completes when it is sent.
         */
        void received(DistConnection connection, Signal signal);

        /** The connection went down (called once). */
        void down(DistConnection connection, ConnectionFate fate);
    }

    /**
     * What the connection knows of the handshake's outcome.
     *
     * @param self         this node's name
     * @param creation     this node's creation
     * @param peer         the peer's name
     * @param peerCreation the peer's creation
     * @param agreedFlags  the flags both sides agreed (this node's offer AND the peer's)
     * @param hidden       true for a hidden connection: the agreed flags lack PUBLISHED, which they
     *                     do when either end is hidden (a hidden node does not offer it), as
     *                     OTP's connection type; node monitors' {@code node_type} and ticking follow it
     */
    public record Params(NodeName self, int creation, NodeName peer, int peerCreation, long agreedFlags,
                         boolean hidden) {
        /** Checks for nulls. */
        public Params {
            Objects.requireNonNull(self, "self");
            Objects.requireNonNull(peer, "peer");
        }
    }

    private final Params params;
    private final Atom peerAtom;
    /** The ends of this connection, for the identity checks of every signal received. */
    private final SignalCodec.Identity identity;
    private final CarrierConnection carrier;
    private final Handler handler;
    private final DecodeLimits limits;
    private final long maxMessageSize;
    private final DistPacket.Form form;
    private final boolean fragments;

    /** The output queue: lanes, fragment interleaving, the busy limit, headers as packets leave. */
    private final OutputQueue output;
    /** Input party only: the atom cache and the fragmented messages being reassembled (null without FRAGMENTS). */
    private final AtomCacheIn cacheIn;
    private final Reassembler reassembler;
    /** What this connection may allocate ahead of the bytes (see {@link #reserveAhead}). */
    private final long receiveAllowance;
    /** {@link #readSpin(Duration)} in nanoseconds. */
    private volatile long readSpinNanos;
    /** Bytes allocated ahead of the bytes that fill them, by the carrier and by reassembly. */
    private final AtomicLong ahead = new AtomicLong();
    /** True to always hand output to the carrier's output party (see {@link #directOutput}). */
    private volatile boolean directOutputOff;
    private volatile Thread inputHandler;
    /** Input thread only: the carrier took a write to defer, so {@link #DEFERRING} names this connection. */
    private boolean deferring;
    /** On a carrier's input thread whose carrier has deferred a write: its connection. */
    private static final ThreadLocal<DistConnection> DEFERRING = new ThreadLocal<>();

    private final AtomicBoolean down = new AtomicBoolean();
    private volatile ConnectionFate fate;
    private final Set<Integer> unknownLogged = ConcurrentHashMap.newKeySet();

    /** Guards the tick state; the ticker alone checks, one check at a time. */
    private final ReentrantLock tickLock = new ReentrantLock();
    private TickPolicy.State tickState = TickPolicy.State.INITIAL;
    /**
     * The input party is inside {@link #deliver}, which may run a process's message handler
     * on its thread: while it is, nothing is read, so silence is not the peer's.
     */
    private volatile boolean delivering;
    /** Tick checks that found the input party delivering; under {@link #tickLock}. */
    private long checksWhileDelivering;
    private long sentAtPreviousTick = Long.MIN_VALUE;
    private volatile long packetsIn;
    /** Received: ticks, the other packets and their bytes; the input party writes them. */
    private final Counter ticksIn = new Counter();
    private final Counter dataIn = new Counter();
    private final Counter bytesIn = new Counter();
    /** Ticks asked of the carrier, by the ticker and by the input party's echo. */
    private final AtomicLong ticksOut = new AtomicLong();
    /** When the connection came up. */
    private final Instant since = Instant.now();

    /**
     * A connection's counters at one moment, read without stopping traffic (see
     * {@code dev.jarl.node.ConnectionStats} for what each counts).
     *
     * @param packetsIn     packets received, ticks excluded
     * @param bytesIn       bytes of those packets
     * @param packetsOut    packets the carrier took, ticks excluded
     * @param bytesOut      bytes of those packets
     * @param ticksIn       ticks received
     * @param ticksOut      ticks asked of the carrier
     * @param queuedBytes   bytes of encoded messages waiting
     * @param queuedPackets messages waiting
     * @param busyWaits     times a sender waited at the busy limit
     * @param busyNanos     the nanoseconds they waited, added up
     */
    public record Counters(long packetsIn, long bytesIn, long packetsOut, long bytesOut, long ticksIn, long ticksOut,
            long queuedBytes, long queuedPackets, long busyWaits, long busyNanos) {
    }

    /**
     * Bounds on what a peer may make a connection hold in memory.
     *
     * @param receiveAllowance     bytes a connection may allocate from lengths it was told
     *                             before the bytes arrived (a packet's header, a first
     *                             fragment's count); beyond it buffers grow as bytes come
     *                             (default 8 MiB)
     * @param maxFragmentSequences fragmented messages that may be incomplete at once (default
     *                             65 536, far above what many concurrent BEAM senders reach);
     *                             one more closes the connection
     */
    public record InputLimits(long receiveAllowance, int maxFragmentSequences) {

        /** 8 MiB and 65 536 sequences. */
        public static final InputLimits DEFAULT = new InputLimits(DistChannel.DEFAULT_RECEIVE_ALLOWANCE, 65_536);

        /** Checks the values. */
        public InputLimits {
            if (receiveAllowance < 0) {
                throw new IllegalArgumentException("receiveAllowance: " + receiveAllowance + " (expected: at least 0)");
            }
            if (maxFragmentSequences < 1) {
                throw new IllegalArgumentException("maxFragmentSequences: " + maxFragmentSequences
                        + " (expected: at least 1)");
            }
        }
    }

    /**
     * A connection over {@code carrier} with {@link InputLimits#DEFAULT}; call
     * {@code carrier.handshakeComplete(this)} next.
     *
     * @param maxMessageSize the largest packet accepted, in bytes
     */
    public DistConnection(Params params, CarrierConnection carrier, Handler handler, DecodeLimits limits,
                          long maxMessageSize) {
        this(params, carrier, handler, limits, maxMessageSize, InputLimits.DEFAULT);
    }

    /**
     * A connection over {@code carrier}; call {@code carrier.handshakeComplete(this)} next.
     *
     * @param maxMessageSize the largest packet accepted, in bytes
     * @param input          the bounds on buffered input
     */
    public DistConnection(Params params, CarrierConnection carrier, Handler handler, DecodeLimits limits,
                          long maxMessageSize, InputLimits input) {
        this.receiveAllowance = input.receiveAllowance();
        this.params = Objects.requireNonNull(params, "params");
        this.peerAtom = params.peer().atom();
        this.identity = new SignalCodec.Identity(peerAtom, params.self().atom(), params.creation());
        this.carrier = Objects.requireNonNull(carrier, "carrier");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.maxMessageSize = maxMessageSize;
        long f = params.agreedFlags();
        boolean atomCache = (f & DistFlags.DIST_HDR_ATOM_CACHE) != 0;
        this.fragments = (f & DistFlags.FRAGMENTS) != 0;
        this.form = atomCache ? DistPacket.Form.ATOM_CACHE
                : fragments ? DistPacket.Form.HEADER : DistPacket.Form.PASS_THROUGH;
        this.output = new OutputQueue(params.peer().toString(), atomCache ? new AtomCacheOut() : null, DEFAULT_BUSY_LIMIT);
        this.cacheIn = atomCache ? new AtomCacheIn() : null;
        this.reassembler = fragments
                ? new Reassembler(limits, cacheIn, identity, maxMessageSize, input.maxFragmentSequences(), this,
                        params.peer().toString()) : null;
    }

    /** The lane of messages without a sending process. */
    private static final Object NO_SENDER = new Object();

    /** The sending process whose signal order {@code s} must keep, or {@link #NO_SENDER}. */
    private static Object lane(Signal s) {
        Object from = s.sender();
        return from == null ? NO_SENDER : from;
    }

    /** The peer's node name. */
    public NodeName peer() {
        return params.peer();
    }

    /** The peer's node name as it appears in its pids, references and ports. */
    public Atom peerAtom() {
        return peerAtom;
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

    /** The carrier's connection under this one (for its options: {@code mf_setopts}, {@code mf_getopts}). */
    public CarrierConnection transport() {
        return carrier;
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
    public ConnectionFate fate() {
        return fate;
    }

    /**
     * Writes {@code signal} in the form the agreed flags call for ({@link SignalCodec#op}),
     * encodes it on the calling thread and queues it. A sender other than the carrier's input
     * thread waits while the queue is over the busy limit. A signal the peer takes no form of
     * (a monitor without DIST_MONITOR, say), and a message to a pid of another incarnation of
     * the peer, are dropped, as the BEAM drops them.
     *
     * @return false when the connection is closed (the signal is dropped)
     */
    public boolean send(Signal signal) {
        return enqueue(signal, Thread.currentThread() != inputHandler);
    }

    /**
     * As {@link #send(Signal)}, but never waits on the busy limit: for replies sent from the
     * input thread, for signals (which never make their sender wait) and for flushing
     * messages queued while the connection was set up.
     */
    public boolean sendNoWait(Signal signal) {
        return enqueue(signal, false);
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
        output.busyLimit(bytes);
    }

    /**
     * Sets how long the carrier's input thread polls for the next packet before it blocks
     * (default zero); takes effect when the input thread starts, so call it before
     * {@code carrier.handshakeComplete(this)}.
     */
    public void readSpin(Duration spin) {
        if (spin.isNegative()) {
            throw new IllegalArgumentException("read spin: " + spin + " (expected: at least 0)");
        }
        readSpinNanos = spin.toNanos();
    }

    @Override
    public long readSpinNanos() {
        return readSpinNanos;
    }

    /**
     * Whether a sender that queues into an empty queue may write the packet itself when the
     * carrier supports it ({@link CarrierConnection#writeQueued()}); default true. With
     * false, every packet goes through the carrier's output party.
     */
    public void directOutput(boolean on) {
        this.directOutputOff = !on;
    }

    private boolean enqueue(Signal signal, boolean wait) {
        ControlOp op = SignalCodec.op(signal, params.agreedFlags());
        if (op == null) {
            return !down.get();
        }
        if (signal instanceof Signal.Send m && m.to().creation() != params.peerCreation()) {
            LOG.log(Level.DEBUG, "dropping a message to {0}: creation {1} is not the connected incarnation''s {2}",
                    m.to(), Integer.toUnsignedString(m.to().creation()), Integer.toUnsignedString(params.peerCreation()));
            return !down.get();
        }
        if (op == ControlOp.UNLINK && signal instanceof Signal.Unlink u && u.id() != 0) {
            // the old UNLINK has no acknowledgement: the unlink is complete once it is sent
            handler.received(this, new Signal.UnlinkAck(u.id(), u.to(), u.from()));
        }
        DistPacket.Encoded encoded = DistPacket.encode(SignalCodec.control(signal, op), SignalCodec.payload(signal, op), form);
        // the output party may be idle: a sender that queues into an empty queue writes
        // itself when the carrier can (the input thread only without blocking, as its
        // writes could deadlock two nodes)
        boolean onInput = !wait && Thread.currentThread() == inputHandler;
        int queued = output.add(encoded, fragments ? lane(signal) : NO_SENDER, fragments && encoded.large(), wait,
                (wait || onInput) && !directOutputOff);
        boolean deferred = false;
        if (queued == OutputQueue.WRITE_IT) {
            boolean taken;
            if (onInput) {
                taken = deferred = carrier.writeQueuedNoWait();
            } else {
                taken = carrier.writeQueued();
            }
            if (!taken) {
                output.wake();
            }
        } else if (queued == OutputQueue.QUEUED && onInput && !directOutputOff) {
            // behind one the carrier may be holding: it may bound what it holds
            deferred = carrier.writeQueuedNoWait();
        }
        if (deferred && !deferring) {
            deferring = true; // once per input thread: from now on its hand-offs ask the carrier first
            DEFERRING.set(this);
        }
        return queued != OutputQueue.CLOSED;
    }

    /**
     * Called on any thread before it hands something to another thread (a message to a
     * receiver, the outcome of a call): on a carrier's input thread, the carrier makes the
     * writes it defers ({@link CarrierConnection#writeDeferred()}), so what a handler there
     * sent is on its way before the thread it wakes can run; elsewhere it does nothing. Erlang
     * orders signals per pair of processes; this keeps the order a user sees across threads
     * too, such as a call that returns only after its demonitor has left.
     */
    public static void beforeHandOff() {
        DistConnection c = DEFERRING.get();
        if (c != null) {
            c.carrier.writeDeferred();
        }
    }

    @Override
    public ByteBuffer getData() {
        return (ByteBuffer) output.next(null);
    }

    /** Fragments go out as a header buffer and a window on the encoded message, without a copy. */
    @Override
    public int getData(List<ByteBuffer> into) {
        Object r = output.next(into);
        return r == null ? -1 : (Integer) r;
    }

    /** Packets go out a batch at a time: the queue's lock once, then every header after it. */
    @Override
    public int getData(List<ByteBuffer> into, int[] ends, int[] lengths, int maxPackets, long maxBytes) {
        DistChannel.checkBatch(ends, lengths, maxPackets);
        Objects.requireNonNull(into, "into");
        return output.next(into, ends, lengths, maxPackets, maxBytes);
    }

    @Override
    public boolean awaitData() throws InterruptedException {
        return output.await();
    }

    @Override
    public void inputHandler(Thread handler) {
        this.inputHandler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public void putData(ByteBuffer packet) {
        input(packet, false);
    }

    @Override
    public void putBorrowed(ByteBuffer packet) {
        input(packet, true);
    }

    /** One packet; {@code borrowed}: the buffer is reused after this returns, keep copies only. */
    private void input(ByteBuffer packet, boolean borrowed) {
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
            ticksIn.add(1);
            echoTick();
            return;
        }
        dataIn.add(1);
        bytesIn.add(size);
        if (size > maxMessageSize) {
            protocolError("distribution packet: " + size + " bytes (expected: at most " + maxMessageSize + ")");
            return;
        }
        // a decode that takes the SlowDecode threshold (a JFR setting) is recorded; the event
        // costs nothing while no recording has it enabled
        SlowDecode slow = new SlowDecode();
        slow.begin();
        try {
            if (size >= 2 && packet.get(packet.position()) == (byte) DistPacket.VERSION) {
                int tag = packet.get(packet.position() + 1) & 0xFF;
                if (tag == DistPacket.DIST_FRAG_HEADER || tag == DistPacket.DIST_FRAG_CONT) {
                    if (reassembler == null) {
                        throw new DistProtocolException("distribution header: fragment tag " + tag
                                + " (expected: 68, FRAGMENTS was not agreed) at offset 1");
                    }
                    Signal whole = reassembler.fragment(packet, tag, borrowed);
                    if (whole != null) {
                        decoded(slow, size, true);
                        deliver(whole);
                    }
                    return;
                }
            }
            Signal signal = DistPacket.decode(packet, limits, cacheIn, borrowed, identity);
            decoded(slow, size, false);
            deliver(signal);
        } catch (DistProtocolException.UnknownOperation e) {
            if (unknownLogged.add(e.op())) {
                LOG.log(Level.WARNING, "connection to {0}: dropping control operation {1} ({2}); "
                        + "further ones are dropped silently", params.peer(), e.op(), ControlOp.name(e.op()));
            }
        } catch (DistProtocolException.InvalidSignal e) {
            protocolError("invalid distribution message " + e.op() + " from " + params.peer() + ": " + e.problem() + " in "
                    + e.control());
        } catch (DistProtocolException e) {
            protocolError("malformed input from " + params.peer() + ": " + e.getMessage());
        }
    }

    @Override
    public boolean reserveAhead(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("reserveAhead: " + bytes + " bytes (expected: at least 0)");
        }
        for (;;) {
            long now = ahead.get();
            if (now + bytes > receiveAllowance) {
                return false;
            }
            if (ahead.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    @Override
    public void releaseAhead(long bytes) {
        ahead.addAndGet(-bytes);
    }

    /** Bytes allocated ahead of their data right now, by the carrier and reassembly (for tests and metrics). */
    public long reservedAhead() {
        return ahead.get();
    }

    /** Ends {@code slow} after a decode and commits it when it took the threshold. */
    private void decoded(SlowDecode slow, int size, boolean fragmented) {
        slow.end();
        if (slow.shouldCommit()) {
            slow.peer = params.peer().toString();
            slow.bytes = size;
            slow.fragmented = fragmented;
            slow.commit();
        }
    }

    private void deliver(Signal signal) {
        delivering = true;
        try {
            handler.received(this, signal);
        } finally {
            delivering = false;
        }
    }

    private void echoTick() {
        CarrierStats now = carrier.stats();
        long record = TickPolicy.echo(sentAtPreviousTick, now);
        sentAtPreviousTick = record;
        if (record != now.packetsSent()) {
            ticksOut.incrementAndGet();
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
        tickLock.lock();
        try {
            CarrierStats now = carrier.stats();
            if (delivering) {
                // a handler on the input thread holds the reading up: count the check as input
                // (the peer's bytes wait in the transport), so no handler costs a tick timeout
                checksWhileDelivering++;
            }
            if (checksWhileDelivering > 0) {
                now = new CarrierStats(now.packetsReceived() + checksWhileDelivering, now.packetsSent(),
                        now.pendingBytes());
            }
            d = TickPolicy.check(tickState, now, intensity, params.hidden());
            tickState = d.next();
        } finally {
            tickLock.unlock();
        }
        switch (d.action()) {
            case NONE -> {
            }
            case TICK -> {
                ticksOut.incrementAndGet();
                carrier.tick();
            }
            case DOWN -> {
                LOG.log(Level.WARNING, "** Node {0} not responding ** Removing (timedout) connection", params.peer());
                close(new ConnectionFate.TickTimeout());
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
            if (output.isEmpty() && carrier.stats().pendingBytes() == 0) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return false;
    }

    /**
     * Atom-cache references this connection has read from the peer's headers and written in
     * its own (both 0 unless DIST_HDR_ATOM_CACHE was agreed); for diagnostics and tests.
     */
    public long[] atomCacheReferences() {
        return new long[] {cacheIn == null ? 0 : cacheIn.referencesRead(), output.atomCacheReferencesWritten()};
    }

    /** This connection's counters now, read without stopping traffic. */
    public Counters counters() {
        return new Counters(dataIn.get(), bytesIn.get(), output.packetsOut(), output.bytesOut(), ticksIn.get(),
                ticksOut.get(), output.queuedBytes(), output.queuedPackets(), output.busyWaits(), output.busyNanos());
    }

    /** The carrier's own figures ({@link CarrierConnection#figures()}). */
    public Map<String, Long> carrierFigures() {
        return carrier.figures();
    }

    /** When the connection came up (the handshake finished). */
    public Instant since() {
        return since;
    }

    /** Packets (ticks included) this channel received so far. */
    public long packetsReceived() {
        return packetsIn;
    }

    /**
     * Takes the connection down with {@code fate}: closes the transport, drops what is
     * still queued, wakes every waiter and tells the handler once. Idempotent.
     */
    public void close(ConnectionFate fate) {
        closed(fate);
        carrier.close();
    }

    /**
     * Takes the connection down because the peer broke the protocol (what erts calls an
     * invalid distribution message): as {@link #close(ConnectionFate)} with a
     * {@link ConnectionFate.ProtocolError}, logged at WARNING with the peer and {@code reason}.
     */
    public void protocolError(String reason) {
        close(new ConnectionFate.ProtocolError(reason));
    }

    @Override
    public void closed(ConnectionFate why) {
        Objects.requireNonNull(why, "fate");
        boolean first = down.compareAndSet(false, true);
        if (first) {
            fate = why;
        }
        output.close();
        if (first) {
            switch (why) {
                case ConnectionFate.ProtocolError p -> LOG.log(Level.WARNING, "connection to {0} ({1}) closed: {2}",
                        params.peer(), carrier.peerAddress(), why);
                case ConnectionFate.TransportError t ->
                        LOG.log(Level.INFO, "connection to " + params.peer() + " down: " + why, t.cause());
                case ConnectionFate.Closed c -> LOG.log(Level.INFO, "connection to {0} down: {1}", params.peer(), why);
                case ConnectionFate.Disconnected d -> LOG.log(Level.INFO, "connection to {0} down: {1}", params.peer(), why);
                case ConnectionFate.TickTimeout t -> LOG.log(Level.INFO, "connection to {0} down: {1}", params.peer(), why);
                case ConnectionFate.HandshakeFailed h -> LOG.log(Level.INFO, "connection to {0} down: {1}", params.peer(), why);
            }
            carrier.close();
            handler.down(this, why);
        }
    }

    @Override
    public String toString() {
        return "DistConnection[" + params.self() + " <-> " + params.peer() + (down.get() ? ", down: " + fate : "") + "]";
    }
}
