/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.stream;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.ProtocolException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierStats;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistChannel;

/**
 * One distribution connection over a {@link ByteStream}: length-prefixed handshake frames,
 * 4-byte frames after {@link #preNodeup()}, and after {@link #handshakeComplete} the
 * controller: input and output platform threads and a virtual tick thread, with one fate. The TCP, Unix-socket and TLS carriers
 * differ only in how the stream is opened and in the handshake's length prefix.
 *
 * <pre>
 *   handshake phase            connection phase (after preNodeup)
 *   +--------+-----------+     +----------------+-----------+
 *   | len:2  | message   |     | len:4 (0=tick) | packet    |
 *   +--------+-----------+     +----------------+-----------+
 *   (len:4 in the handshake phase too for TLS, as inet_tls_dist runs {packet,4} throughout)
 * </pre>
 *
 * <ul>
 *   <li><b>Output</b>: waits in {@link DistChannel#awaitData()}, then takes a batch of up
 *       to {@value #MAX_BATCH} packets (about {@link #OUTPUT_LIMIT} bytes) with one call of
 *       the batch {@code getData} and writes their length prefixes and bodies with one
 *       gathering write (more only when the stream takes part of it), so a queue of small
 *       messages costs one system call, not one each. Runs of small buffers are copied into
 *       one direct staging buffer on the way ({@link #COALESCE}).</li>
 *   <li><b>Direct output</b> ({@link #writeQueued()}): a sender that queued into an empty
 *       queue writes the packet itself when nobody else is writing and its last direct
 *       write is over {@link #DIRECT_GAP_NANOS} ago, which saves the wake-up of the output
 *       thread in a request/reply exchange. Whoever writes takes packets under the write
 *       lock, so they leave in queue order.</li>
 *   <li><b>Direct output from the input thread</b> ({@link #writeQueuedNoWait()}): a reply
 *       that a message handler sends on the input thread, into an empty queue, is the input
 *       thread's to write, with no gap rule: it writes once it has handed over the packets
 *       it has read, before its next read (or spin), or after {@link #FLUSH_PACKETS} more
 *       packets handed over or queued, or before the node hands a message or an outcome to
 *       another thread ({@link #writeDeferred()}), whichever comes first; so a round trip's
 *       reply leaves at once and the replies to a batch of requests leave in one gathering
 *       write, without waking the output thread. It never blocks ({@link ByteStream#writeNoWait}): what the socket does
 *       not take at once is copied aside and written, before anything else, by the next
 *       party that takes the write lock, or by a virtual flusher thread started for it,
 *       which also writes whatever is queued behind it. An input thread blocked in a write
 *       could deadlock two nodes. TLS streams do not write from the input thread.</li>
 *   <li><b>Input</b>: reads through a {@value #READ_BUFFER}-byte buffer, so many small
 *       packets arrive per system call; checks each declared length against the maximum
 *       before allocating anything; gathers each packet of up to {@link #BORROW_LIMIT}
 *       bytes in one reused buffer and lends it with
 *       {@link DistChannel#putBorrowed(ByteBuffer)} (no buffer per packet). A packet of
 *       {@link #LEND_MIN} to {@link #LEND_MAX} bytes (a fragment of a large message) is read
 *       whole into the read buffer (grown to {@link #LARGE_READ_BUFFER} for the first one)
 *       and lent from there, so its bytes are copied once, into the message they belong to.
 *       Larger packets are read straight into a buffer of their own, allocated from the
 *       header within the connection's receive allowance ({@link DistChannel#reserveAhead}),
 *       beyond it into chunks assembled once, and handed over with
 *       {@link DistChannel#putData(ByteBuffer)}; the channel's binaries share that buffer.</li>
 *   <li><b>Tick writer</b>: {@link #tick()} only signals it; it writes an empty packet under
 *       the write lock, so a tick never lands inside a packet, and only when the output party
 *       is not busy anyway. The caller of {@code tick()} never blocks on the stream.</li>
 * </ul>
 *
 * <p>The first failure of any party closes the stream, interrupts the output and tick
 * threads (the input thread wakes from the close), and reports {@link DistChannel#closed}
 * exactly once.
 */
public class StreamConnection implements CarrierConnection {

    private static final System.Logger LOG = System.getLogger(StreamConnection.class.getName());

    /** Input buffer size; packets up to this size usually arrive many per read. */
    public static final int READ_BUFFER = 64 * 1024;
    /** Most packets in one gathering write. */
    public static final int MAX_BATCH = 512;
    /** Most bytes handed to one read or one buffer of a write, which bounds the JDK's temporary copies. */
    public static final int SLICE = 256 * 1024;
    /**
     * Packets up to this size are gathered in one reused buffer and handed over with
     * {@link DistChannel#putBorrowed(ByteBuffer)}, so the channel copies only what it keeps:
     * no buffer per packet (a fragment is 64 KiB and a bit). Larger ones get a buffer of their own.
     */
    public static final int BORROW_LIMIT = 256 * 1024;
    /** The reused packet buffer's first size; it grows to the largest packet seen, up to {@link #BORROW_LIMIT}. */
    static final int SCRATCH = 4 * 1024;
    /**
     * The first chunk's size for a packet longer than what is left of the connection's
     * receive allowance ({@link DistChannel#reserveAhead}); each next chunk is as large as
     * what came before it, up to {@link #MAX_CHUNK}.
     */
    static final int GROW_FROM = 64 * 1024;
    /** The largest chunk of a packet received beyond the allowance. */
    static final int MAX_CHUNK = 16 << 20;
    /**
     * Packets longer than this and at most {@link #LEND_MAX} (fragments: Jarl's are 256 KiB
     * and a header, the BEAM's 64 KiB and a header) are read whole into the connection's
     * read buffer, grown to {@link #LARGE_READ_BUFFER} for them, and lent from there with
     * {@link DistChannel#putBorrowed(ByteBuffer)}: their bytes are copied once on the way
     * to the message they belong to, not into a packet buffer first.
     */
    static final int LEND_MIN = 32 * 1024;
    /** The largest packet lent from the read buffer; half of it, so a move to its start copies less than the packet. */
    static final int LEND_MAX = 320 * 1024;
    /** The read buffer of a connection once a packet over {@link #LEND_MIN} bytes arrived. */
    static final int LARGE_READ_BUFFER = 2 * LEND_MAX;
    /** The largest handshake message accepted or sent, whatever the length prefix. */
    public static final int MAX_HANDSHAKE = 0xFFFF;

    private final ByteStream stream;
    private final String kind;
    private final int handshakeHeader;
    private final int maxPacketSize;
    private final String peerAddress;

    private volatile boolean packet4;
    private volatile DistChannel channel;
    private volatile Thread outputThread;
    private volatile Thread inputThread;
    private volatile Thread tickThread;
    private volatile boolean draining;

    private final WriteLock writeLock = new WriteLock();
    /** Why the connection ended; set once, by the first failure. */
    private final AtomicReference<ConnectionFate> failure = new AtomicReference<>();
    private final AtomicBoolean reported = new AtomicBoolean();
    private final AtomicBoolean tickRequested = new AtomicBoolean();
    private final Semaphore tickSignal = new Semaphore(0);
    private final AtomicLong packetsIn = new AtomicLong();
    private final AtomicLong packetsOut = new AtomicLong();
    private final AtomicLong pendingBytes = new AtomicLong();
    private final AtomicLong writeCalls = new AtomicLong();

    /**
     * A connection over {@code stream}.
     *
     * @param kind            the carrier's name, for thread names and logs ({@code tcp}, ...)
     * @param handshakeHeader bytes of the length prefix during the handshake: 2 ({@code inet_tcp_dist},
     *                        {@code erl_uds_dist}) or 4 ({@code inet_tls_dist})
     * @param maxPacketSize   the largest packet accepted after the handshake
     */
    public StreamConnection(ByteStream stream, String kind, int handshakeHeader, int maxPacketSize) {
        if (handshakeHeader != 2 && handshakeHeader != 4) {
            throw new IllegalArgumentException("handshakeHeader: " + handshakeHeader + " (expected: 2 or 4)");
        }
        this.stream = stream;
        this.kind = kind;
        this.handshakeHeader = handshakeHeader;
        this.maxPacketSize = maxPacketSize;
        this.peerAddress = stream.peerAddress();
    }

    /** Write calls made on the stream so far; lets tests prove that queued packets share writes. */
    public final AtomicLong writeCalls() {
        return writeCalls;
    }

    // ---- handshake phase: 2- or 4-byte frames, caller's thread ----

    @Override
    public void sendHandshake(byte[] message) throws IOException {
        if (packet4) {
            throw new IllegalStateException("handshake message after preNodeup");
        }
        writeFully(new ByteBuffer[] {HandshakeFrames.frame(handshakeHeader, message)});
    }

    @Override
    public byte[] receiveHandshake(Duration timeout) throws IOException {
        if (packet4) {
            throw new IllegalStateException("handshake message after preNodeup");
        }
        return HandshakeFrames.read(stream, handshakeHeader, timeout, peerAddress);
    }

    @Override
    public void preNodeup() throws IOException {
        packet4 = true;
    }

    @Override
    public void postNodeup() throws IOException {
        // Nothing to do: framing switched in preNodeup.
    }

    // ---- connection phase: 4-byte frames, controller threads ----

    @Override
    public void handshakeComplete(DistChannel distChannel) {
        if (!packet4) {
            throw new IllegalStateException("handshakeComplete before preNodeup");
        }
        if (channel != null) {
            throw new IllegalStateException("handshakeComplete called twice");
        }
        channel = distChannel;
        if (failure.get() != null) {
            report();
            return;
        }
        String name = "jarl-" + kind + "-" + peerAddress;
        // platform threads for the data paths: a blocked read wakes straight from the kernel
        // rather than through the virtual-thread poller and scheduler (two hand-offs instead of
        // one); measured side by side (docs/benchmarks.md), RTT fell from 150-320 us to 70-95 us
        outputThread = Thread.ofPlatform().daemon().name(name + "-out").unstarted(this::output);
        tickThread = Thread.ofVirtual().name(name + "-tick").unstarted(this::ticker);
        Thread input = Thread.ofPlatform().daemon().name(name + "-in").unstarted(this::input);
        inputThread = input;
        outputThread.start();
        tickThread.start();
        input.start();
    }

    private void output() {
        DistChannel ch = channel;
        Batch batch = new Batch();
        try {
            while (failure.get() == null) {
                int wrote;
                // packets are taken under the write lock: a sender writing directly takes
                // the next ones, and must not write them before these
                writeLock.lock();
                try {
                    flushLeftover();
                    wrote = writeBatch(ch, batch, OUTPUT_LIMIT);
                } finally {
                    writeLock.unlock();
                }
                if (wrote < 0 && !ch.awaitData()) {
                    fail("channel closed", null);
                    return;
                }
            }
        } catch (InterruptedException e) {
            fail("output interrupted", e);
        } catch (IOException e) {
            fail("write failed: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            fail("output failed: " + e, e);
            throw e;
        }
    }

    /** The buffers of one gathering write, reused by whichever party writes. */
    private static final class Batch {
        final List<ByteBuffer> pieces = new ArrayList<>();
        final List<ByteBuffer> buffers = new ArrayList<>();
        // start small and double when a batch fills them, so a quiet connection keeps little
        int[] ends = new int[16];
        int[] lengths = new int[16];
        ByteBuffer headers = ByteBuffer.allocate(4 * 16);

        void grow() {
            int n = Math.min(MAX_BATCH, 2 * ends.length);
            ends = new int[n];
            lengths = new int[n];
            headers = ByteBuffer.allocate(4 * n);
        }
    }

    private volatile long lastDirect;

    /** Used by senders writing directly, under the write lock. */
    private final Batch directBatch = new Batch();

    /**
     * Bytes the input thread's non-blocking write left unwritten, copied; whoever takes the
     * write lock next writes them first. Under the write lock.
     */
    private ByteBuffer[] leftover;
    /** The write in progress must not block (the input thread writes); under the write lock. */
    private boolean noWait;

    /**
     * Writes what the channel has queued, up to {@value #MAX_BATCH} packets and about
     * {@code maxBytes}, taken in one batch ({@link DistChannel#getData(List, int[], int[], int, long)})
     * and written with one gathering write; caller holds the write lock.
     *
     * @return -1 when nothing was queued, 1 when a limit stopped the batch (more may be
     *         queued), 0 when the queue was drained
     */
    private int writeBatch(DistChannel ch, Batch batch, long maxBytes) throws IOException {
        List<ByteBuffer> pieces = batch.pieces;
        List<ByteBuffer> buffers = batch.buffers;
        pieces.clear();
        int max = batch.ends.length;
        int n = ch.getData(pieces, batch.ends, batch.lengths, max, maxBytes);
        if (n == 0) {
            return -1;
        }
        draining = true;
        long bytes = 0;
        long terms = 0;
        try {
            buffers.clear();
            int from = 0;
            for (int i = 0; i < n; i++) {
                buffers.add(batch.headers.slice(4 * i, 4).putInt(0, batch.lengths[i]));
                for (int j = from; j < batch.ends[i]; j++) {
                    buffers.add(pieces.get(j));
                }
                from = batch.ends[i];
                bytes += 4L + batch.lengths[i];
                terms += batch.lengths[i];
            }
            pendingBytes.addAndGet(bytes);
            writeCoalesced(buffers);
            packetsOut.addAndGet(n);
        } finally {
            buffers.clear();
            pieces.clear();
            draining = false;
        }
        if (n == max && max < MAX_BATCH) {
            batch.grow();
        }
        return n == max || terms >= maxBytes ? 1 : 0;
    }

    /**
     * Buffers of at most this many bytes are copied into the staging buffer rather than
     * written from where they are: the JDK would copy each heap buffer into a temporary
     * direct one anyway, and per buffer costs (an iovec, a cache lookup, a copy call) are
     * what a batch of small packets spends its time on.
     */
    static final int COALESCE = 8 * 1024;
    /** The direct buffer small pieces are copied into, allocated with the first write. */
    static final int STAGING = 64 * 1024;

    /** Under the write lock. */
    private ByteBuffer staging;
    private final List<ByteBuffer> gather = new ArrayList<>();

    /**
     * Writes {@code buffers} in order: runs of small ones as one region of the staging
     * buffer, larger ones as they are (cut to {@link #SLICE}); the staging buffer is
     * written out and reused whenever it fills. Caller holds the write lock.
     */
    private void writeCoalesced(List<ByteBuffer> buffers) throws IOException {
        ByteBuffer stage = staging;
        if (stage == null) {
            stage = staging = ByteBuffer.allocateDirect(STAGING);
        }
        List<ByteBuffer> out = gather;
        out.clear();
        stage.clear();
        int runStart = 0;
        try {
            for (ByteBuffer b : buffers) {
                int n = b.remaining();
                if (n > COALESCE) {
                    if (stage.position() > runStart) {
                        out.add(stage.slice(runStart, stage.position() - runStart));
                        runStart = stage.position();
                    }
                    slice(b, out);
                    continue;
                }
                if (stage.remaining() < n) {
                    if (stage.position() > runStart) {
                        out.add(stage.slice(runStart, stage.position() - runStart));
                    }
                    writeFully(out.toArray(ByteBuffer[]::new));
                    out.clear();
                    stage.clear();
                    runStart = 0;
                }
                stage.put(b.duplicate());
            }
            if (stage.position() > runStart) {
                out.add(stage.slice(runStart, stage.position() - runStart));
            }
            if (!out.isEmpty()) {
                writeFully(out.toArray(ByteBuffer[]::new));
            }
        } finally {
            out.clear();
        }
    }

    /**
     * Bytes the output thread puts in one gathering write: enough for many small packets,
     * few enough that a queue of fragments does not delay a small packet queued behind them
     * by a whole 32 MB write.
     */
    static final long OUTPUT_LIMIT = 1 << 20;

    /** Bytes a sender writes on its own thread before it leaves the rest to the output thread. */
    static final long DIRECT_LIMIT = 256 * 1024;

    /**
     * A sender (other than the input thread) writes directly only if the last direct write
     * is at least this long ago. A request and its reply are further apart than this, so
     * they go out at once; a sender streaming messages in a loop is faster than this, and
     * its messages then gather in the queue for the output thread's batched writes (one
     * system call per direct write would halve the small-message rate). The input thread's
     * writes are batched by its reads instead ({@link #writeQueuedNoWait()}).
     */
    static final long DIRECT_GAP_NANOS = 30_000;

    /** Bytes the input thread writes directly at most, taken in one batch. */
    static final long NO_WAIT_LIMIT = STAGING;

    /**
     * Packets the input thread hands over, and packets its handlers queue, while it owes a
     * write before it writes anyway: so neither a long read batch nor a handler that sends
     * many messages holds them back until its end.
     */
    static final int FLUSH_PACKETS = 64;

    /** Batches the input thread writes in one go before it leaves the rest to a flusher. */
    static final int NO_WAIT_BATCHES = 8;

    /** Input thread only: it owes the write of what a handler queued ({@link #writeQueuedNoWait()}). */
    private boolean owed;
    /** Input thread only: packets handed over and queued since {@link #owed} was set. */
    private int sinceOwed;
    /** Input thread only: a write error met while a sender (where no connection may fail), for {@link #flushOwed()}. */
    private IOException writeError;

    /**
     * Called by the channel on the input thread (a handler's reply queued): takes the write
     * as the input thread's debt (class comment, "Direct output from the input thread").
     * Declines (the channel wakes the output thread) on a stream without non-blocking writes
     * (TLS) or when called from another thread.
     */
    @Override
    public boolean writeQueuedNoWait() {
        if (!stream.canWriteNoWait() || Thread.currentThread() != inputThread || channel == null
                || failure.get() != null) {
            return false;
        }
        if (!owed) {
            owed = true;
        } else if (++sinceOwed >= FLUSH_PACKETS) {
            payOwed();
        }
        return true;
    }

    @Override
    public void writeDeferred() {
        if (owed && Thread.currentThread() == inputThread) {
            payOwed();
        }
    }

    /** Input thread, after handing over a packet: pays once {@link #FLUSH_PACKETS} packets passed. */
    private void handedOver() {
        if (owed && ++sinceOwed >= FLUSH_PACKETS) {
            flushOwed();
        }
    }

    /** Input thread, between packets (no lock held): pays what it owes, or fails on a write error met meanwhile. */
    private void flushOwed() {
        IOException e = writeError;
        if (e != null) {
            writeError = null;
            fail("write failed: " + e.getMessage(), e);
        } else if (owed) {
            payOwed();
        }
    }

    /**
     * Input thread, also while it sends (perhaps under a node's lock, so a write error is
     * only noted for {@link #flushOwed()}): makes the write it owes, never blocking. What the stream does not take
     * at once is copied to {@link #leftover} and a flusher writes it, and anything queued
     * after it; so does a flusher when more is queued than {@link #NO_WAIT_BATCHES} batches
     * take, or when another party holds the write lock (unless that party is the output
     * thread, which looks at the queue again before it waits). On a failed connection the
     * debt lapses: the channel drops what is queued and has been told why.
     */
    private void payOwed() {
        if (!owed) {
            return;
        }
        owed = false;
        sinceOwed = 0;
        DistChannel ch = channel;
        if (failure.get() != null) {
            return;
        }
        if (!writeLock.tryLock()) {
            if (writeLock.owner() != outputThread) {
                startFlusher();
            }
            return;
        }
        try {
            if (leftover != null) {
                return; // a flusher is due: it writes the leftover, then what is queued
            }
            int result = 1;
            for (int i = 0; i < NO_WAIT_BATCHES && result > 0 && leftover == null; i++) {
                noWait = true;
                try {
                    result = writeBatch(ch, directBatch, NO_WAIT_LIMIT);
                } finally {
                    noWait = false;
                }
            }
            if (result > 0 || leftover != null) {
                startFlusher();
            }
        } catch (IOException e) {
            writeError = e;
        } catch (RuntimeException | Error e) {
            fail("output failed: " + e, e);
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    /** A direct write by a sender other than the input thread (it may block). */
    @Override
    public boolean writeQueued() {
        DistChannel ch = channel;
        if (ch == null || failure.get() != null) {
            return false;
        }
        long now = System.nanoTime();
        if (now - lastDirect < DIRECT_GAP_NANOS) {
            lastDirect = now;
            return false;
        }
        if (!writeLock.tryLock()) {
            return false;
        }
        lastDirect = now;
        try {
            flushLeftover();
            return writeBatch(ch, directBatch, DIRECT_LIMIT) <= 0;
        } catch (IOException e) {
            fail("write failed: " + e.getMessage(), e);
            return true;
        } catch (RuntimeException | Error e) {
            fail("output failed: " + e, e);
            throw e;
        } finally {
            writeLock.unlock();
        }
    }

    /** Writes {@link #leftover} (blocking) if there is any; caller holds the write lock and may block. */
    private void flushLeftover() throws IOException {
        ByteBuffer[] rest = leftover;
        if (rest != null) {
            leftover = null;
            writeFully(rest);
        }
    }

    /** A flusher is started and has not yet looked at the queue: it will write what is queued now. */
    private final AtomicBoolean flusherDue = new AtomicBoolean();

    /**
     * Starts a virtual thread that takes the write lock (waiting for it), writes
     * {@link #leftover} and then everything queued, blocking as the output thread would;
     * unless one is due already.
     */
    private void startFlusher() {
        if (!flusherDue.compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("jarl-flush-" + peerAddress).start(() -> {
            writeLock.lock();
            try {
                if (failure.get() == null) {
                    flushLeftover();
                }
                // cleared before the queue is looked at: a packet queued before this is
                // written below, one queued after it finds no flusher due and starts one
                flusherDue.set(false);
                DistChannel ch = channel;
                while (failure.get() == null && writeBatch(ch, directBatch, OUTPUT_LIMIT) >= 0) {
                    // until the queue is empty
                }
            } catch (IOException e) {
                fail("write failed: " + e.getMessage(), e);
            } catch (RuntimeException | Error e) {
                fail("output failed: " + e, e);
            } finally {
                writeLock.unlock();
            }
        });
    }

    /** The write lock, which tells who holds it. */
    private static final class WriteLock extends ReentrantLock {
        private static final long serialVersionUID = 1L;

        Thread owner() {
            return getOwner();
        }
    }

    /** Adds {@code packet} to {@code into} as pieces of at most {@link #SLICE} bytes. */
    private static void slice(ByteBuffer packet, List<ByteBuffer> into) {
        if (packet.remaining() <= SLICE) {
            into.add(packet);
            return;
        }
        for (int at = packet.position(); at < packet.limit(); at += SLICE) {
            into.add(packet.slice(at, Math.min(SLICE, packet.limit() - at)));
        }
    }

    private void ticker() {
        ByteBuffer tick = ByteBuffer.allocate(4);
        try {
            while (true) {
                tickSignal.acquire();
                if (failure.get() != null) {
                    return;
                }
                tickRequested.set(false);
                if (draining) {
                    continue;
                }
                writeLock.lock();
                try {
                    if (!draining && failure.get() == null) {
                        flushLeftover();
                        pendingBytes.addAndGet(4);
                        writeFully(new ByteBuffer[] {tick.clear()});
                        packetsOut.incrementAndGet();
                    }
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (InterruptedException e) {
            fail("tick writer interrupted", e);
        } catch (IOException e) {
            fail("write failed: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) { // a tick writer that died silently would leave a connection that never ticks
            fail("tick writer failed: " + e, e);
        }
    }

    private void input() {
        DistChannel ch = channel;
        ch.inputHandler(Thread.currentThread());
        ByteBuffer buffer = stream.readBuffer(READ_BUFFER).flip();
        PacketReader reader = new PacketReader(stream, this::fail, ch.readSpinNanos(), this::flushOwed);
        byte[] scratch = new byte[0]; // allocated with the first packet, so an idle connection has none
        try {
            while (true) {
                if (!reader.fill(buffer, 4)) {
                    fail("connection closed by peer", null);
                    return;
                }
                int length = buffer.getInt();
                if (length < 0 || length > maxPacketSize) {
                    String reason = "packet length: " + Integer.toUnsignedString(length) + " bytes (expected: at most "
                            + maxPacketSize + ") from " + peerAddress;
                    fail(reason, new ProtocolException(reason));
                    return;
                }
                if (length > LEND_MIN && length <= LEND_MAX) {
                    // a fragment: read whole into the read buffer and lent from there, so the
                    // channel copies its bytes once, into the message they belong to
                    if (buffer.capacity() < LARGE_READ_BUFFER) {
                        buffer = stream.readBuffer(LARGE_READ_BUFFER).put(buffer).flip();
                    }
                    if (!reader.fillWhole(buffer, length)) {
                        fail("connection closed by peer inside a packet (" + buffer.remaining() + " of " + length
                                + " bytes)", null);
                        return;
                    }
                    int at = buffer.position();
                    packetsIn.incrementAndGet();
                    ch.putBorrowed(buffer.slice(at, length));
                    buffer.position(at + length);
                    handedOver();
                    continue;
                }
                if (length <= BORROW_LIMIT) {
                    if (scratch.length < length) {
                        scratch = new byte[Math.min(BORROW_LIMIT, Math.max(Math.max(length, SCRATCH), 2 * scratch.length))];
                    }
                    int got = reader.gather(buffer, scratch, length);
                    if (got < length) {
                        fail("connection closed by peer inside a packet (" + got + " of " + length + " bytes)", null);
                        return;
                    }
                    packetsIn.incrementAndGet();
                    ch.putBorrowed(ByteBuffer.wrap(scratch, 0, length));
                    handedOver();
                    continue;
                }
                ByteBuffer packet = reader.large(ch, buffer, length);
                if (packet == null) {
                    return;
                }
                packetsIn.incrementAndGet();
                ch.putData(packet);
                handedOver();
            }
        } catch (IOException e) {
            fail("read failed: " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            fail("input failed: " + e, e);
            throw e;
        }
    }

    /** Writes every byte of {@code buffers}, counting down the pending bytes. */
    private void writeFully(ByteBuffer[] buffers) throws IOException {
        if (noWait) {
            writeOrKeep(buffers);
            return;
        }
        int first = 0;
        while (first < buffers.length) {
            long n = stream.write(buffers, first, Math.min(buffers.length - first, 1024));
            writeCalls.incrementAndGet();
            pendingBytes.addAndGet(-n);
            while (first < buffers.length && !buffers[first].hasRemaining()) {
                first++;
            }
        }
    }

    /**
     * Writes what the stream takes of {@code buffers} without blocking and copies the rest
     * to {@link #leftover} (everything, once something is left: bytes stay in order);
     * caller holds the write lock.
     */
    private void writeOrKeep(ByteBuffer[] buffers) throws IOException {
        int first = 0;
        if (leftover == null) {
            while (first < buffers.length) {
                long n = stream.writeNoWait(buffers, first, Math.min(buffers.length - first, 1024));
                writeCalls.incrementAndGet();
                pendingBytes.addAndGet(-n);
                while (first < buffers.length && !buffers[first].hasRemaining()) {
                    first++;
                }
                if (n == 0) {
                    break;
                }
            }
            if (first == buffers.length) {
                return;
            }
        }
        // the buffers are the staging buffer and queued packets, reused after this returns
        long rest = 0;
        for (int i = first; i < buffers.length; i++) {
            rest += buffers[i].remaining();
        }
        ByteBuffer copy = ByteBuffer.allocate(Math.toIntExact(rest));
        for (int i = first; i < buffers.length; i++) {
            copy.put(buffers[i]);
        }
        ByteBuffer[] kept = leftover == null ? new ByteBuffer[1] : Arrays.copyOf(leftover, leftover.length + 1);
        kept[kept.length - 1] = copy.flip();
        leftover = kept;
    }

    @Override
    public void tick() {
        if (channel != null && failure.get() == null && tickRequested.compareAndSet(false, true)) {
            tickSignal.release();
        }
    }

    @Override
    public CarrierStats stats() {
        return new CarrierStats(packetsIn.get(), packetsOut.get(), Math.max(0, pendingBytes.get()));
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return stream.supportedOptions();
    }

    @Override
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        stream.setOption(option, value);
    }

    @Override
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return stream.getOption(option);
    }

    /** Applies the carrier's options for new connections to this one; the carrier calls it once, before the handshake. */
    public void apply(NewConnectionOptions options) throws IOException {
        options.applyTo(stream);
    }

    @Override
    public String peerAddress() {
        return peerAddress;
    }

    @Override
    public void close() {
        fail("closed locally", null);
    }

    /**
     * The one fate: first caller closes the stream, wakes the others and reports. No cause is
     * an orderly close, a {@link ProtocolException} the peer's framing error
     * ({@link ConnectionFate#of}).
     */
    private void fail(String reason, Throwable cause) {
        writeDeferred(); // on the input thread: what a handler sent before the end leaves before it
        if (!failure.compareAndSet(null, ConnectionFate.of(reason, cause))) {
            return;
        }
        LOG.log(Level.DEBUG, "{0} connection {1}: {2}", kind, peerAddress, reason);
        try {
            stream.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "{0} connection {1}: close failed: {2}", kind, peerAddress, e);
        }
        Thread self = Thread.currentThread();
        Thread out = outputThread;
        if (out != null && out != self) {
            out.interrupt();
        }
        Thread ticker = tickThread;
        if (ticker != null && ticker != self) {
            ticker.interrupt();
        }
        report();
    }

    private void report() {
        DistChannel ch = channel;
        ConnectionFate f = failure.get();
        if (ch != null && f != null && reported.compareAndSet(false, true)) {
            ch.closed(f);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + kind + " " + peerAddress + "]";
    }
}
