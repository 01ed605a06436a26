/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierStats;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistChannel;
import dev.jarl.carrier.DistFlags;
import dev.jarl.term.Atom;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermDecodeException;
import dev.jarl.term.TermReader;
import dev.jarl.term.TermWriter;

/**
 * One connection to a peer node once the handshake is over: the {@link DistChannel} the
 * carrier drives, the output queue, input decoding and dispatch, and the tick state.
 *
 * <p><b>Output.</b> {@link #send(Signal)} writes the signal in the form the agreed flags
 * call for ({@link SignalCodec}), encodes the terms on the caller's thread
 * ({@link DistPacket#encode(dev.jarl.term.Tuple, Term, DistPacket.Form)}) and appends them to
 * the output queue; the carrier's output party takes packets with {@link #getData()} and waits with
 * {@link #awaitData()}. The distribution header, with its atom-cache references when
 * DIST_HDR_ATOM_CACHE was agreed, is written in {@code getData()}, in output order.
 *
 * <p><b>Direct output.</b> A sender that queues into an empty queue asks the carrier to
 * write the packet on its own thread ({@link CarrierConnection#writeQueued()}); only if
 * the carrier declines is the output party woken. A round trip so saves a thread hand-off.
 * The input thread never writes (two nodes' input threads blocked in writes to each other
 * would deadlock); see {@link #directOutput(boolean)}.
 *
 * <p><b>Fragments.</b> When FRAGMENTS was agreed, a message of more than
 * {@link DistPacket#FRAGMENT_SIZE} bytes leaves in fragments, one per {@code getData()}; after
 * each, the message goes back to the tail of the queue, so other traffic interleaves with it
 * and one huge message does not hold back small ones. Signals from one sender keep their
 * order: while a sender (the control message's sending process, or one shared lane for
 * messages without one) has a fragmented message outstanding, its later messages wait in
 * that sender's lane and join the queue when the last fragment has left. Without fragments
 * queued, the queue is a plain FIFO under one lock.
 *
 * <p><b>Busy limit.</b> Sends never block for long (Erlang's {@code !} never does), but a
 * sender waits while the queue holds at least the busy limit, as the BEAM suspends a
 * process that sends to a busy distribution port. Bytes of fragmented messages count
 * only against senders of fragmented messages, so small messages are not held back behind
 * a huge one. A send on a closed connection is dropped and reported by the return value.
 *
 * <p><b>Input.</b> The carrier's input party calls {@link #putData(ByteBuffer)}: an empty
 * packet is a tick; any other is decoded and handed to the {@link Handler} on that same
 * thread, in order ({@link #putBorrowed(ByteBuffer)} likewise, copying out what it keeps).
 * Fragments are reassembled per sequence id, each copied as it arrives into one array sized
 * from the first fragment and the fragment count, which the message's binaries then share;
 * the bytes buffered for incomplete sequences are limited to the largest message accepted. A first fragment's
 * atom-cache header takes effect when it arrives. An operation this node does not know is
 * logged once per operation number and dropped; anything malformed closes the connection
 * with one logged reason.
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
     * @param hidden       true for a hidden connection
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

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition dataOrClosed = lock.newCondition();
    private final Condition notBusy = lock.newCondition();
    private final ArrayDeque<Out> queue = new ArrayDeque<>();
    /** Lanes with a fragmented message outstanding, and what waits behind it; under the lock. */
    private final Map<Object, ArrayDeque<Out>> lanes = new HashMap<>();
    private long queuedBytes;
    /** The part of {@link #queuedBytes} that belongs to fragmented messages. */
    private long largeBytes;
    private long nextSequence = 1;
    /** Output party only: the atom cache and a writer for headers. */
    private final AtomCacheOut cacheOut;
    private final TermWriter headerScratch = new TermWriter(256);
    /** Input party only: the atom cache and the sequences being reassembled. */
    private final AtomCacheIn cacheIn;
    private final Map<Long, Partial> partials = new HashMap<>();
    /** Bytes of incomplete sequences received so far, plus {@link #PARTIAL_OVERHEAD} for each. */
    private long partialBytes;
    /** What this connection may allocate ahead of the bytes (see {@link #reserveAhead}). */
    private final long receiveAllowance;
    private final int maxFragmentSequences;
    /** Bytes allocated ahead of the bytes that fill them, by the carrier and by reassembly. */
    private final AtomicLong ahead = new AtomicLong();
    private int busyWaiters;
    private boolean closed;
    private volatile long busyLimit = DEFAULT_BUSY_LIMIT;
    /** True to always hand output to the carrier's output party (see {@link #directOutput}). */
    private volatile boolean directOutputOff;
    private volatile Thread inputHandler;

    private final AtomicBoolean down = new AtomicBoolean();
    private volatile ConnectionFate fate;
    private final Set<Integer> unknownLogged = ConcurrentHashMap.newKeySet();

    private TickPolicy.State tickState = TickPolicy.State.INITIAL;
    private long sentAtPreviousTick = Long.MIN_VALUE;
    private volatile long packetsIn;

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
        this.maxFragmentSequences = input.maxFragmentSequences();
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
        this.cacheOut = atomCache ? new AtomCacheOut() : null;
        this.cacheIn = atomCache ? new AtomCacheIn() : null;
    }

    /** One queued message and, once its first fragment has left, how far it got. */
    private static final class Out {
        final DistPacket.Encoded encoded;
        final Object lane;
        final boolean large;
        long sequence;
        long fragmentsLeft;
        int sent;

        Out(DistPacket.Encoded encoded, Object lane, boolean large) {
            this.encoded = encoded;
            this.lane = lane;
            this.large = large;
        }
    }

    /** A fragmented message being reassembled. */
    private static final class Partial {
        final Atom[] refs;
        /** The message so far: fragments are copied in as they come, so the last needs no join. */
        byte[] data;
        int length;
        long nextId;
        /** Bytes of {@link #data} reserved ahead from the connection's allowance. */
        final long reserved;

        Partial(Atom[] refs, long nextId, int capacity, long reserved) {
            this.refs = refs;
            this.nextId = nextId;
            this.data = new byte[capacity];
            this.reserved = reserved;
        }
    }

    /** What an incomplete sequence costs besides its bytes (objects, map entry), counted in {@link #partialBytes}. */
    static final int PARTIAL_OVERHEAD = 128;

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
        this.busyLimit = bytes;
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
        boolean large = fragments && encoded.large();
        Out out = new Out(encoded, fragments ? lane(signal) : NO_SENDER, large);
        long size = encoded.size();
        boolean mayWait = wait;
        boolean interrupted = false;
        boolean direct = false;
        lock.lock();
        try {
            while (mayWait && !closed && (large ? queuedBytes : queuedBytes - largeBytes) >= busyLimit) {
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
            queuedBytes += size;
            if (large) {
                largeBytes += size;
            }
            if (!lanes.isEmpty()) {
                ArrayDeque<Out> waiting = lanes.get(out.lane);
                if (waiting != null) {
                    waiting.addLast(out);
                    return true;
                }
            }
            if (large) {
                lanes.put(out.lane, new ArrayDeque<>());
            }
            queue.addLast(out);
            if (queue.size() == 1) {
                // the output party may be idle: this sender writes itself when the carrier
                // can (not the input thread, whose writes could deadlock two nodes)
                direct = wait && !directOutputOff;
                if (!direct) {
                    dataOrClosed.signalAll();
                }
            }
            return true;
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (direct && !carrier.writeQueued()) {
                wakeOutput();
            }
        }
    }

    private void wakeOutput() {
        lock.lock();
        try {
            dataOrClosed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ByteBuffer getData() {
        return (ByteBuffer) next(null);
    }

    /** Fragments go out as a header buffer and a window on the encoded message, without a copy. */
    @Override
    public int getData(List<ByteBuffer> into) {
        Object r = next(into);
        return r == null ? -1 : (Integer) r;
    }

    /**
     * The output party's piece of work, between taking a packet and building it: one
     * at a time, in output order, so the atom cache and the header writer need no other lock.
     */
    private final ReentrantLock outputLock = new ReentrantLock();
    /** What {@link #take} chose for each packet of a batch, for building outside the queue's lock. */
    private Out[] pieceOut = new Out[1];
    private int[] pieceKind = new int[1];
    private long[] pieceSequence = new long[1];
    private long[] pieceId = new long[1];
    private int[] pieceFrom = new int[1];
    private int[] pieceTo = new int[1];
    private static final int WHOLE = 0;
    private static final int FIRST = 1;
    private static final int CONTINUATION = 2;

    /**
     * The next packet: a buffer, or with {@code into} its buffers added there and its length;
     * null when the queue is empty. The queue's lock is held only to take the packet and do
     * the accounting; the header (atom-cache references included) is written after, under
     * the output lock, so senders queueing meanwhile do not wait on it.
     */
    private Object next(List<ByteBuffer> into) {
        outputLock.lock();
        try {
            lock.lock();
            try {
                Out out = queue.pollFirst();
                if (out == null) {
                    return null;
                }
                take(out, 0);
                signalNotBusy();
            } finally {
                lock.unlock();
            }
            return build(0, into);
        } finally {
            outputLock.unlock();
        }
    }

    /** Packets go out a batch at a time: the queue's lock once, then every header after it. */
    @Override
    public int getData(List<ByteBuffer> into, int[] ends, int[] lengths, int maxPackets, long maxBytes) {
        DistChannel.checkBatch(ends, lengths, maxPackets);
        Objects.requireNonNull(into, "into");
        outputLock.lock();
        try {
            int n = 0;
            lock.lock();
            try {
                long bytes = 0;
                while (n < maxPackets && bytes < maxBytes) {
                    Out out = queue.pollFirst();
                    if (out == null) {
                        break;
                    }
                    if (n == pieceOut.length) {
                        growPieces(Math.min(maxPackets, 2 * n));
                    }
                    bytes += take(out, n);
                    n++;
                }
                if (n > 0) {
                    signalNotBusy();
                }
            } finally {
                lock.unlock();
            }
            for (int i = 0; i < n; i++) {
                lengths[i] = (Integer) build(i, into);
                ends[i] = into.size();
            }
            return n;
        } finally {
            outputLock.unlock();
        }
    }

    /** Room for {@code n} pieces: grown as batches need it, so a quiet connection keeps little. */
    private void growPieces(int n) {
        pieceOut = Arrays.copyOf(pieceOut, n);
        pieceKind = Arrays.copyOf(pieceKind, n);
        pieceSequence = Arrays.copyOf(pieceSequence, n);
        pieceId = Arrays.copyOf(pieceId, n);
        pieceFrom = Arrays.copyOf(pieceFrom, n);
        pieceTo = Arrays.copyOf(pieceTo, n);
    }

    /**
     * Builds the packet {@link #take} chose for slot {@code i}: a buffer, or with {@code into}
     * its buffers added there and its length. Under the output lock, in take order.
     */
    private Object build(int i, List<ByteBuffer> into) {
        Out out = pieceOut[i];
        pieceOut[i] = null;
        DistPacket.Encoded e = out.encoded;
        long seq = pieceSequence[i];
        return switch (pieceKind[i]) {
            case WHOLE -> into == null ? DistPacket.packet(e, cacheOut, headerScratch)
                    : DistPacket.packet(e, cacheOut, headerScratch, into);
            case FIRST -> into == null ? DistPacket.firstFragment(e, seq, cacheOut, headerScratch)
                    : DistPacket.firstFragment(e, seq, cacheOut, headerScratch, into);
            default -> into == null ? DistPacket.continuation(e, seq, pieceId[i], pieceFrom[i], pieceTo[i])
                    : DistPacket.continuation(e, seq, pieceId[i], pieceFrom[i], pieceTo[i], into);
        };
    }

    /**
     * Chooses {@code out}'s next piece (the whole packet, its first fragment or the next
     * continuation), requeues the rest of a fragmented message and does the accounting.
     * Records it in slot {@code i}; returns the bytes of terms taken. Under both locks.
     */
    private long take(Out out, int i) {
        DistPacket.Encoded e = out.encoded;
        pieceOut[i] = out;
        long taken;
        if (!out.large) {
            pieceKind[i] = WHOLE;
            taken = e.size();
        } else {
            int from;
            if (out.fragmentsLeft == 0) {
                out.sequence = nextSequence++;
                out.fragmentsLeft = e.fragments();
                pieceKind[i] = FIRST;
                from = e.start;
                out.sent = e.firstChunkEnd();
            } else {
                pieceKind[i] = CONTINUATION;
                pieceId[i] = out.fragmentsLeft;
                from = out.sent;
                out.sent = Math.min(e.end, from + DistPacket.FRAGMENT_SIZE);
            }
            pieceSequence[i] = out.sequence;
            pieceFrom[i] = from;
            pieceTo[i] = out.sent;
            taken = out.sent - from;
            largeBytes -= taken;
            if (--out.fragmentsLeft > 0) {
                queue.addLast(out);
            } else {
                releaseLane(out.lane);
            }
        }
        queuedBytes -= taken;
        return taken;
    }

    /** Wakes senders waiting on the busy limit if the queue is now under it. Under the queue's lock. */
    private void signalNotBusy() {
        if (busyWaiters > 0 && queuedBytes - largeBytes < busyLimit) {
            notBusy.signalAll();
        }
    }

    /** The last fragment of {@code lane}'s message left: what waited behind it joins the queue. */
    private void releaseLane(Object lane) {
        ArrayDeque<Out> waiting = lanes.remove(lane);
        while (waiting != null && !waiting.isEmpty()) {
            Out next = waiting.pollFirst();
            queue.addLast(next);
            if (next.large) {
                lanes.put(lane, waiting);
                return;
            }
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
            echoTick();
            return;
        }
        if (size > maxMessageSize) {
            protocolError("distribution packet: " + size + " bytes (expected: at most " + maxMessageSize + ")");
            return;
        }
        try {
            if (size >= 2 && packet.get(packet.position()) == (byte) DistPacket.VERSION) {
                int tag = packet.get(packet.position() + 1) & 0xFF;
                if (tag == DistPacket.DIST_FRAG_HEADER || tag == DistPacket.DIST_FRAG_CONT) {
                    fragment(packet, tag, borrowed);
                    return;
                }
            }
            deliver(DistPacket.decode(packet, limits, cacheIn, borrowed, identity));
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

    private void deliver(Signal signal) {
        handler.received(this, signal);
    }

    /** One fragment ({@code tag} 69 or 70): starts, extends or completes a sequence. */
    private void fragment(ByteBuffer packet, int tag, boolean borrowed) throws DistProtocolException {
        if (!fragments) {
            throw new DistProtocolException("distribution header: fragment tag " + tag
                    + " (expected: 68, FRAGMENTS was not agreed) at offset 1");
        }
        if (!packet.hasArray()) {
            packet = ByteBuffer.wrap(new byte[packet.remaining()]).put(packet.duplicate()).flip();
        }
        byte[] data = packet.array();
        int off = packet.arrayOffset() + packet.position();
        TermReader r = new TermReader(data, off + 2, packet.remaining() - 2, limits);
        long sequence;
        long id;
        Atom[] refs = null;
        try {
            sequence = r.readLong("fragment sequence id");
            id = r.readLong("fragment id");
            if (tag == DistPacket.DIST_FRAG_HEADER) {
                refs = AtomCacheIn.readHeader(cacheIn, r);
            }
        } catch (TermDecodeException e) {
            throw new DistProtocolException("fragment header: " + e.getMessage(), e);
        }
        int bodyAt = off + 2 + r.position();
        int bodyLength = packet.remaining() - 2 - r.position();
        if (tag == DistPacket.DIST_FRAG_HEADER) {
            if (id < 1) {
                throw new DistProtocolException("first fragment of sequence " + sequence + ": fragment id " + id
                        + " (expected: the number of fragments, at least 1)");
            }
            if (partials.containsKey(sequence)) {
                throw new DistProtocolException("first fragment of sequence " + sequence
                        + " (expected: none while that sequence is incomplete)");
            }
            if (id == 1) {
                deliver(DistPacket.decodeBody(data, bodyAt, bodyLength, refs, limits, borrowed, identity));
                return;
            }
            if (partials.size() >= maxFragmentSequences) {
                throw new DistProtocolException("fragmented messages: " + (partials.size() + 1)
                        + " sequences incomplete at once (expected: at most " + maxFragmentSequences + ")");
            }
            // sized for all fragments as long as the first (the BEAM's are, but the last) when
            // that fits in the connection's allowance; otherwise grown as fragments come, so a
            // count claimed and never sent costs only what was sent
            long claimed = Math.min(Math.multiplyExact((long) Math.max(1, bodyLength), Math.min(id, Integer.MAX_VALUE)),
                    Math.min(maxMessageSize, MAX_ARRAY));
            long extra = Math.max(0, claimed - bodyLength);
            boolean inPlace = extra > 0 && reserveAhead(extra);
            Partial p = new Partial(refs, id - 1, inPlace ? (int) claimed : bodyLength, inPlace ? extra : 0);
            partials.put(sequence, p);
            partialBytes += PARTIAL_OVERHEAD;
            add(p, data, bodyAt, bodyLength);
            return;
        }
        Partial p = partials.get(sequence);
        if (p == null) {
            throw new DistProtocolException("fragment " + id + " of sequence " + sequence
                    + " (expected: a sequence started by a first fragment)");
        }
        if (id != p.nextId) {
            throw new DistProtocolException("fragment id " + id + " of sequence " + sequence
                    + " (expected: " + p.nextId + ")");
        }
        add(p, data, bodyAt, bodyLength);
        if (--p.nextId > 0) {
            return;
        }
        partials.remove(sequence);
        partialBytes -= p.length + PARTIAL_OVERHEAD;
        releaseAhead(p.reserved);
        // the message owns the array now: its binaries share it
        deliver(DistPacket.decodeBody(p.data, 0, p.length, p.refs, limits, false, identity));
    }

    /** The largest array the JVM reliably allocates. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 8;

    /** Copies a fragment's body into its sequence, within the limit on buffered bytes. */
    private void add(Partial p, byte[] data, int off, int len) throws DistProtocolException {
        partialBytes += len;
        if (partialBytes > maxMessageSize) {
            throw new DistProtocolException("fragmented messages: " + partialBytes
                    + " bytes buffered (expected: at most " + maxMessageSize + ")");
        }
        int need = p.length + len;
        if (need > p.data.length) {
            int grown = (int) Math.min(Math.min(maxMessageSize, MAX_ARRAY),
                    Math.max(need, p.data.length + (long) p.data.length / 2));
            p.data = Arrays.copyOf(p.data, grown);
        }
        System.arraycopy(data, off, p.data, p.length, len);
        p.length = need;
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

    /**
     * Atom-cache references this connection has read from the peer's headers and written in
     * its own (both 0 unless DIST_HDR_ATOM_CACHE was agreed); for diagnostics and tests.
     */
    public long[] atomCacheReferences() {
        return new long[] {cacheIn == null ? 0 : cacheIn.referencesRead(), cacheOut == null ? 0 : cacheOut.referencesWritten()};
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
        lock.lock();
        try {
            closed = true;
            queue.clear();
            lanes.clear();
            queuedBytes = 0;
            largeBytes = 0;
            dataOrClosed.signalAll();
            notBusy.signalAll();
        } finally {
            lock.unlock();
        }
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
