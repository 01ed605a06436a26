/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.jfr.BusyLimitWait;
import dev.jarl.jfr.FragmentedMessage;
import dev.jarl.term.TermWriter;

/**
 * A connection's output: the encoded messages waiting for the carrier's output party, the
 * lanes that keep one sender's signals in order around its fragmented messages, fragment
 * interleaving, the busy limit, and the headers (with atom-cache references) written as
 * packets leave.
 *
 * <p><b>Fragments.</b> A {@link DistPacket.Encoded#large() large} message leaves in
 * fragments, one per packet taken; after each, the message goes back to the tail of the
 * queue, so other traffic interleaves with it and one huge message does not hold back small
 * ones. Signals from one sender keep their order: while a sender (its lane) has a fragmented
 * message outstanding, its later messages wait in that lane and join the queue when the last
 * fragment has left. Without fragments queued, the queue is a plain FIFO under one lock.
 *
 * <p><b>Busy limit.</b> A sender that may wait does so while the queue holds at least the
 * busy limit, as the BEAM suspends a process that sends to a busy distribution port. Bytes of
 * fragmented messages count only against senders of fragmented messages, so small messages
 * are not held back behind a huge one.
 *
 * <p>Threading: senders call {@link #add} on their own threads; the output party (or a
 * sender writing directly) takes packets with {@link #next} and {@link #next(List, int[],
 * int[], int, long)}. One lock guards the queue; taking a packet holds it only for the
 * accounting, and the header is written after, under a second lock that keeps packets in
 * take order, so senders queueing meanwhile do not wait on it.
 *
 * <p>Statistics ({@link #packetsOut()}, {@link #queuedBytes()}, {@link #busyWaits()}, ...) are
 * {@link Counter}s written under one of the two locks and read without either.
 */
final class OutputQueue {

    /** {@link #add}: the queue is closed; nothing was queued. */
    static final int CLOSED = -1;
    /** {@link #add}: queued, and the output party knows (or will find it). */
    static final int QUEUED = 0;
    /**
     * {@link #add}: queued into an empty queue and the output party not woken: the caller
     * writes it itself ({@link dev.jarl.carrier.CarrierConnection#writeQueued()}) or calls
     * {@link #wake()}.
     */
    static final int WRITE_IT = 1;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition dataOrClosed = lock.newCondition();
    private final Condition notBusy = lock.newCondition();
    private final ArrayDeque<Out> queue = new ArrayDeque<>();
    /** Lanes with a fragmented message outstanding, and what waits behind it; under the lock. */
    private final Map<Object, ArrayDeque<Out>> lanes = new HashMap<>();
    private long queuedBytes;
    /** What {@link #queuedBytes} and the rest show to readers without the lock. */
    private final Counter queuedBytesSeen = new Counter();
    /** Messages queued (a fragmented one until its last fragment left); under the lock. */
    private final Counter queuedPackets = new Counter();
    private final Counter busyWaits = new Counter();
    private final Counter busyNanos = new Counter();
    /** Packets and their bytes taken by the carrier; under the output lock. */
    private final Counter packetsOut = new Counter();
    private final Counter bytesOut = new Counter();
    /** The peer's name, for JFR events. */
    private final String peer;
    /** The part of {@link #queuedBytes} that belongs to fragmented messages. */
    private long largeBytes;
    private long nextSequence = 1;
    private int busyWaiters;
    private boolean closed;
    private volatile long busyLimit;

    /**
     * The output party's piece of work, between taking a packet and building it: one
     * at a time, in output order, so the atom cache and the header writer need no other lock.
     */
    private final ReentrantLock outputLock = new ReentrantLock();
    /** The atom cache of the output party, or null without DIST_HDR_ATOM_CACHE; under the output lock. */
    private final AtomCacheOut cacheOut;
    private final TermWriter headerScratch = new TermWriter(256);
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
     * An empty queue.
     *
     * @param peer      the peer's node name, for JFR events
     * @param cacheOut  the output atom cache, or null when DIST_HDR_ATOM_CACHE was not agreed
     * @param busyLimit the first busy limit, in bytes
     */
    OutputQueue(String peer, AtomCacheOut cacheOut, long busyLimit) {
        this.peer = peer;
        this.cacheOut = cacheOut;
        this.busyLimit = busyLimit;
    }

    /** One queued message and, once its first fragment has left, how far it got. */
    private static final class Out {
        final DistPacket.Encoded encoded;
        final Object lane;
        final boolean large;
        long sequence;
        long fragmentsLeft;
        int sent;
        /** A fragmented message's JFR event while a recording wants it, else null. */
        FragmentedMessage event;

        Out(DistPacket.Encoded encoded, Object lane, boolean large) {
            this.encoded = encoded;
            this.lane = lane;
            this.large = large;
        }
    }

    /** Sets the busy limit (positive). */
    void busyLimit(long bytes) {
        this.busyLimit = bytes;
    }

    /**
     * Queues {@code encoded} in {@code lane} (its sender's; any object for messages without
     * one), as fragments when {@code large}.
     *
     * @param mayWait true to wait while the queue is over the busy limit; an interrupt ends
     *                the wait, not the send (the message is queued and the flag stays set)
     * @param direct  true when the caller may write the packet itself should the queue be
     *                empty: then {@link #WRITE_IT} says so instead of waking the output party
     * @return {@link #CLOSED}, {@link #QUEUED} or {@link #WRITE_IT}
     */
    int add(DistPacket.Encoded encoded, Object lane, boolean large, boolean mayWait, boolean direct) {
        Out out = new Out(encoded, lane, large);
        long size = encoded.size();
        if (large) {
            FragmentedMessage e = new FragmentedMessage();
            if (e.isEnabled()) {
                e.begin();
                out.event = e;
            }
        }
        boolean waiting = mayWait;
        boolean interrupted = false;
        long waitStart = 0;
        BusyLimitWait waitEvent = null;
        lock.lock();
        try {
            while (waiting && !closed && (large ? queuedBytes : queuedBytes - largeBytes) >= busyLimit) {
                if (waitStart == 0) {
                    waitStart = System.nanoTime();
                    waitEvent = new BusyLimitWait();
                    waitEvent.begin();
                    waitEvent.queuedBytes = queuedBytes;
                }
                busyWaiters++;
                try {
                    notBusy.await();
                } catch (InterruptedException e) {
                    interrupted = true;
                    waiting = false;
                } finally {
                    busyWaiters--;
                }
            }
            if (waitStart != 0) {
                busyWaits.add(1);
                busyNanos.add(Math.max(1, System.nanoTime() - waitStart));
            }
            if (closed) {
                return CLOSED;
            }
            queuedBytes += size;
            queuedBytesSeen.set(queuedBytes);
            queuedPackets.add(1);
            if (large) {
                largeBytes += size;
            }
            if (!lanes.isEmpty()) {
                ArrayDeque<Out> behind = lanes.get(lane);
                if (behind != null) {
                    behind.addLast(out);
                    return QUEUED;
                }
            }
            if (large) {
                lanes.put(lane, new ArrayDeque<>());
            }
            queue.addLast(out);
            if (queue.size() == 1) {
                if (direct) {
                    return WRITE_IT;
                }
                dataOrClosed.signalAll();
            }
            return QUEUED;
        } finally {
            lock.unlock();
            if (waitEvent != null) {
                waitEvent.end();
                if (waitEvent.shouldCommit()) {
                    waitEvent.peer = peer;
                    waitEvent.busyLimit = busyLimit;
                    waitEvent.messageBytes = size;
                    waitEvent.commit();
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Wakes the output party (after {@link #WRITE_IT} when the caller did not write). */
    void wake() {
        lock.lock();
        try {
            dataOrClosed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Blocks until a packet is queued or the queue is closed.
     *
     * @return true when data is available, false when closed and empty
     */
    boolean await() throws InterruptedException {
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

    /** True when no packet waits. */
    boolean isEmpty() {
        lock.lock();
        try {
            return queue.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is queued, refuses what comes, and wakes every waiter. Idempotent. */
    void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            lanes.clear();
            queuedBytes = 0;
            queuedBytesSeen.set(0);
            queuedPackets.set(0);
            largeBytes = 0;
            dataOrClosed.signalAll();
            notBusy.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The next packet: a buffer, or with {@code into} its buffers added there and its length;
     * null when the queue is empty. The queue's lock is held only to take the packet and do
     * the accounting; the header (atom-cache references included) is written after, under
     * the output lock, so senders queueing meanwhile do not wait on it.
     */
    Object next(List<ByteBuffer> into) {
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
            Object packet = build(0, into);
            packetsOut.add(1);
            bytesOut.add(packet instanceof ByteBuffer b ? b.remaining() : (Integer) packet);
            return packet;
        } finally {
            outputLock.unlock();
        }
    }

    /**
     * Up to {@code maxPackets} packets (stopping once they add up to {@code maxBytes}), as
     * {@link dev.jarl.carrier.DistChannel#getData(List, int[], int[], int, long)} describes:
     * the queue's lock once, then every header after it.
     */
    int next(List<ByteBuffer> into, int[] ends, int[] lengths, int maxPackets, long maxBytes) {
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
            long bytes = 0;
            for (int i = 0; i < n; i++) {
                lengths[i] = (Integer) build(i, into);
                ends[i] = into.size();
                bytes += lengths[i];
            }
            packetsOut.add(n);
            bytesOut.add(bytes);
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
            queuedPackets.add(-1);
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
                queuedPackets.add(-1);
                releaseLane(out.lane);
                if (out.event != null) {
                    out.event.finish(peer, "out", e.size(), e.fragments());
                }
            }
        }
        queuedBytes -= taken;
        queuedBytesSeen.set(queuedBytes);
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

    /** Packets the carrier took so far (fragments one each, ticks not among them). */
    long packetsOut() {
        return packetsOut.get();
    }

    /** Bytes of the packets the carrier took so far. */
    long bytesOut() {
        return bytesOut.get();
    }

    /** Bytes of encoded messages waiting now. */
    long queuedBytes() {
        return queuedBytesSeen.get();
    }

    /** Messages waiting now, a fragmented one until its last fragment left. */
    long queuedPackets() {
        return queuedPackets.get();
    }

    /** Times a sender waited at the busy limit. */
    long busyWaits() {
        return busyWaits.get();
    }

    /** Nanoseconds senders spent waiting at the busy limit, added up. */
    long busyNanos() {
        return busyNanos.get();
    }

    /** Atom-cache references written so far (0 without the cache). */
    long atomCacheReferencesWritten() {
        return cacheOut == null ? 0 : cacheOut.referencesWritten();
    }
}
