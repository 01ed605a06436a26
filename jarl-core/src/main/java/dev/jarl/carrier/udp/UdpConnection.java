/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierStats;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistChannel;
import dev.jarl.carrier.udp.Datagram.Accept;
import dev.jarl.carrier.udp.Datagram.Ack;
import dev.jarl.carrier.udp.Datagram.Close;
import dev.jarl.carrier.udp.Datagram.CloseAck;
import dev.jarl.carrier.udp.Datagram.Data;
import dev.jarl.carrier.udp.Datagram.Initial;
import dev.jarl.carrier.udp.Datagram.Ping;
import dev.jarl.carrier.udp.Datagram.Range;
import dev.jarl.carrier.udp.Datagram.Retry;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.term.Printable;

/**
 * One UDP distribution connection: a reliable, ordered stream of messages over datagrams
 * ({@code docs/udp-carrier.md}).
 *
 * <p>Parties, all virtual threads:
 * <ul>
 *   <li>Writers (the handshake's caller, then the output party draining
 *       {@link DistChannel#getData()}, and {@link #tick()}) frame whole packets into the
 *       open segment under {@link #writeLock}, cut it into segments and queue them; they
 *       wait while the queued and unacknowledged bytes exceed the window.</li>
 *   <li>The pump sends queued segments and retransmissions as the congestion and receive
 *       windows allow, and runs every timer: retransmission timeout, delayed ack,
 *       keepalive, idle timeout. It sleeps in {@link Condition#awaitNanos} until the next
 *       deadline or a signal.</li>
 *   <li>The endpoint's receive thread, which a listener shares among all its connections,
 *       calls {@link #onDatagram}: it processes acks, puts segments in order, acknowledges,
 *       and queues the in-order segments for this connection's input party. It never
 *       decodes or delivers, so one connection whose input is slow (a large message to
 *       decode, a busy handler) or fails cannot delay another's acknowledgements or data.</li>
 *   <li>The input party takes the queued segments, cuts them into packets and hands them to
 *       the channel (or to the handshake inbox before {@link #handshakeComplete}). Whatever
 *       it meets, even an {@code Error}, ends this connection only.</li>
 * </ul>
 *
 * <p><b>Receive window.</b> Segments queued for the input party count against the window
 * this side advertises ({@code window - queued}), so a slow input party slows its sender
 * down instead of growing the queue: in-order data beyond the advertised edge is dropped
 * (the sender never sends it, since the edge it was told never moves back), and the input
 * party announces the room it frees when the sender may be waiting for it.
 *
 * <p>{@link #lock} guards the sender and receiver state and the input queue;
 * {@link #writeLock} keeps packets whole in the stream; {@link #inputLock} orders delivery.
 * The first failure closes the connection and reports it once through
 * {@link DistChannel#closed}.
 */
final class UdpConnection implements CarrierConnection {

    private static final System.Logger LOG = System.getLogger(UdpConnection.class.getName());

    /** A segment is lost once this many datagrams sent after it were acknowledged. */
    static final int PACKET_THRESHOLD = 3;
    /** Congestion window at the start, in segments. */
    static final int INITIAL_CWND = 10;
    /** Most datagrams the pump sends per round. */
    static final int BATCH = 32;
    /** How many times a close is sent before giving up on its acknowledgement. */
    static final int CLOSE_ATTEMPTS = 3;
    /** How long {@link #close()} waits for the first close datagram to leave. */
    static final long CLOSE_WAIT_MS = 200;
    /** Largest handshake message (the TCP carrier's 2-byte frame limit). */
    static final int MAX_HANDSHAKE = 0xFFFF;
    /** Most packets held for the handshake before the node takes the channel. */
    static final int MAX_INBOX = 65_536;

    private final Endpoint endpoint;
    private final InetSocketAddress peer;
    private final String peerText;
    final long localId;
    private final boolean initiator;
    private final int maxPacketSize;
    private final int maxPayload;
    private final int window;
    private final long sendBuffer;
    private final long ackDelay;
    private final long keepalive;
    private final long idle;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Condition space = lock.newCondition();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReentrantLock inputLock = new ReentrantLock();
    private final Condition inboxReady = inputLock.newCondition();

    /** Why the connection ended; set once. */
    private record Failure(String reason, Throwable cause) {
    }

    private volatile Failure failure;
    private final AtomicBoolean reported = new AtomicBoolean();

    // ---- set-up (lock) ----
    private long peerId;
    private boolean established;
    private byte[] token = new byte[0];
    private boolean retryReceived;
    private boolean closeAcked;

    // ---- sender (lock) ----
    private final ArrayDeque<Segment> unsent = new ArrayDeque<>();
    private final SegmentRing unacked = new SegmentRing();
    private final ArrayDeque<Segment> lost = new ArrayDeque<>();
    private long nextSeq;
    private long sndUna;
    private long sndNxt;
    private long peerEdge;
    private int inFlight;
    private double cwnd = INITIAL_CWND;
    private double ssthresh = Double.MAX_VALUE;
    private long recoveryEnd = -1;
    private long txCounter;
    private long maxAckedTx = -1;
    private long highestSacked = -1;
    private long bufferedBytes;
    private volatile long unsentBytes;
    private final RttEstimator rtt;
    private long rtoDeadline;
    /** Our clock (microseconds) at the latest timeout not yet judged, or 0. */
    private int timeoutAt;
    private double cwndBeforeTimeout;
    private double ssthreshBeforeTimeout;
    private long lastSent;
    private volatile long lastReceived;

    // ---- receiver (lock) ----
    private long rcvNxt;
    private final byte[][] reorder;
    private int reorderCount;
    private long highestReceived = -1;
    private int unackedReceived;
    private long ackDue;
    private int echo;
    private long echoAt;
    /** In-order segments waiting for the input party; they count against the advertised window. */
    private final ArrayDeque<ByteBuffer> backlog = new ArrayDeque<>();
    private final Condition inputReady = lock.newCondition();
    /** The receive edge ({@code rcvNxt + advertised window}) the peer was last told. */
    private long advertisedEdge;

    // ---- writers (writeLock) ----
    private byte[] open;
    private int openFill;

    // ---- input (inputLock) ----
    private final MessageReader reader;
    private final ArrayDeque<ByteBuffer> inbox = new ArrayDeque<>();
    private volatile DistChannel channel;

    private volatile Thread outputThread;
    private volatile Thread inputThread;

    private final AtomicLong packetsIn = new AtomicLong();
    private final AtomicLong packetsOut = new AtomicLong();
    final AtomicLong datagramsSent = new AtomicLong();
    final AtomicLong retransmissions = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong timeouts = new AtomicLong();
    final AtomicLong spuriousTimeouts = new AtomicLong();
    final AtomicLong lossEvents = new AtomicLong();

    UdpConnection(Endpoint endpoint, InetSocketAddress peer, long localId, long peerId, boolean initiator,
                  UdpOptions options) {
        this.endpoint = endpoint;
        this.peer = peer;
        this.peerText = peer.getAddress().getHostAddress() + ":" + peer.getPort();
        this.localId = localId;
        this.peerId = peerId;
        this.initiator = initiator;
        this.maxPacketSize = options.maxPacketSize();
        this.maxPayload = options.maxDatagramSize() - Datagram.DATA_HEADER;
        this.window = Math.max(4, options.windowBytes() / options.maxDatagramSize());
        this.sendBuffer = options.windowBytes();
        this.rtt = new RttEstimator(options.minRto().toNanos(), options.initialRto().toNanos());
        this.ackDelay = Math.clamp(options.minRto().toNanos() / 4, 200_000L, 25_000_000L);
        this.keepalive = options.keepaliveInterval().toNanos();
        this.idle = options.idleTimeout().toNanos();
        this.reorder = new byte[window][];
        this.reader = new MessageReader(maxPacketSize);
        this.open = new byte[maxPayload];
        this.peerEdge = INITIAL_CWND;
        long now = System.nanoTime();
        this.lastReceived = now;
        this.lastSent = now;
    }

    InetSocketAddress peer() {
        return peer;
    }

    // ---- set-up ----

    /**
     * Initiator: sends connection requests until the responder accepts, answering a retry
     * with its token. Retries double from the initial RTO.
     */
    void dial(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long interval = rtt.rto();
        ByteBuffer scratch = ByteBuffer.allocate(Datagram.MIN_INITIAL);
        boolean resend = true;
        while (true) {
            byte[] t;
            lock.lock();
            try {
                long wait = interval;
                while (!resend && !established && failure == null) {
                    if (retryReceived) {
                        resend = true;
                    } else if (wait <= 0) {
                        interval = Math.min(interval * 2, RttEstimator.MAX_RTO);
                        resend = true;
                    } else {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) {
                            throw new SocketTimeoutException("no answer from " + peerText + " within " + timeout);
                        }
                        long before = System.nanoTime();
                        changed.awaitNanos(Math.min(wait, left));
                        wait -= System.nanoTime() - before;
                    }
                }
                retryReceived = false;
                if (failure != null) {
                    throw new IOException(failure.reason(), failure.cause());
                }
                if (established) {
                    break;
                }
                t = token;
                resend = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("connect to " + peerText + " interrupted");
            } finally {
                lock.unlock();
            }
            endpoint.send(new Initial(localId, t, Datagram.MIN_INITIAL), peer, scratch);
        }
        startPump();
    }

    /** Responder: starts the pump; the listener then sends {@link #sendAccept()}. */
    void startResponder() {
        lock.lock();
        try {
            established = true;
        } finally {
            lock.unlock();
        }
        startPump();
    }

    /** Responder: (re)sends the acceptance, also in answer to a repeated request. */
    void sendAccept(ByteBuffer scratch) {
        try {
            endpoint.send(new Accept(peerId, localId), peer, scratch);
        } catch (IOException e) {
            fail("send failed: " + e.getMessage(), e, false);
        }
    }

    private void startPump() {
        Thread in = Thread.ofVirtual().name("jarl-udp-" + peerText + "-in").unstarted(this::input);
        inputThread = in;
        in.start();
        Thread.ofVirtual().name("jarl-udp-" + peerText + "-pump").start(this::pump);
    }

    // ---- handshake phase ----

    @Override
    public void sendHandshake(byte[] message) throws IOException {
        if (message.length > MAX_HANDSHAKE) {
            throw new IOException("handshake message: " + message.length + " bytes (expected: at most "
                    + MAX_HANDSHAKE + ")");
        }
        writeLock.lock();
        try {
            append(ByteBuffer.wrap(message));
            seal(true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("handshake send to " + peerText + " interrupted");
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public byte[] receiveHandshake(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        inputLock.lock();
        try {
            while (inbox.isEmpty()) {
                Failure f = failure;
                if (f != null) {
                    throw new IOException("connection to " + peerText + " " + f.reason(), f.cause());
                }
                int overLong = reader.overLongBeforeHandshake();
                if (overLong > 0) {
                    String reason = "handshake message: " + overLong + " bytes (expected: at most " + MAX_HANDSHAKE
                            + ") from " + peerText;
                    fail(reason, null, true);
                    throw new IOException(reason);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new SocketTimeoutException("handshake message from " + peerText + " within " + timeout);
                }
                inboxReady.awaitNanos(left);
            }
            ByteBuffer m = inbox.poll();
            byte[] bytes = new byte[m.remaining()];
            m.get(bytes);
            return bytes;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("handshake receive from " + peerText + " interrupted");
        } finally {
            inputLock.unlock();
        }
    }

    @Override
    public void preNodeup() {
        // Nothing changes on the wire: handshake messages and packets share one framing.
    }

    @Override
    public void postNodeup() {
        // Nothing to do.
    }

    @Override
    public void handshakeComplete(DistChannel ch) {
        inputLock.lock();
        try {
            if (channel != null) {
                throw new IllegalStateException("handshakeComplete called twice");
            }
            for (ByteBuffer m; (m = inbox.poll()) != null; ) {
                ch.putData(m);
            }
            reader.authenticated(ch);
            Thread in = inputThread;
            if (in != null) {
                ch.inputHandler(in);
            }
            channel = ch;
        } finally {
            inputLock.unlock();
        }
        if (failure != null) {
            report();
            return;
        }
        Thread t = Thread.ofVirtual().name("jarl-udp-" + peerText + "-out").unstarted(this::output);
        outputThread = t;
        t.start();
        if (failure != null) {
            t.interrupt();
        }
    }

    // ---- writers ----

    private void output() {
        DistChannel ch = channel;
        try {
            while (failure == null) {
                ByteBuffer packet = ch.getData();
                if (packet == null) {
                    if (!ch.awaitData()) {
                        fail("channel closed", null, true);
                        return;
                    }
                    continue;
                }
                writeLock.lock();
                try {
                    int n = 0;
                    do {
                        append(packet);
                        n++;
                    } while (n < 4096 && (packet = ch.getData()) != null);
                    seal(true);
                } finally {
                    writeLock.unlock();
                }
            }
        } catch (InterruptedException e) {
            fail("output interrupted", e, true);
        } catch (IOException e) {
            fail("output failed: " + e.getMessage(), e, true);
        } catch (RuntimeException | Error e) {
            fail("output failed: " + e, e, true);
            throw e;
        }
    }

    /** Frames one packet into the stream: 4-byte length then the bytes. Holds writeLock. */
    private void append(ByteBuffer packet) throws IOException, InterruptedException {
        int length = packet.remaining();
        for (int shift = 24; shift >= 0; shift -= 8) {
            if (openFill == open.length) {
                seal(true);
            }
            open[openFill++] = (byte) (length >>> shift);
        }
        while (packet.hasRemaining()) {
            if (openFill == open.length) {
                seal(true);
            }
            int n = Math.min(packet.remaining(), open.length - openFill);
            packet.get(open, openFill, n);
            openFill += n;
        }
        packetsOut.incrementAndGet();
    }

    /**
     * Cuts the open segment and queues it, waiting for room when {@code wait}.
     *
     * @return false when there was no room and {@code wait} is false (the segment stays open)
     */
    private boolean seal(boolean wait) throws IOException, InterruptedException {
        if (openFill == 0) {
            return true;
        }
        int length = openFill;
        lock.lock();
        try {
            while (bufferedBytes > 0 && bufferedBytes + length > sendBuffer && failure == null) {
                if (!wait) {
                    return false;
                }
                space.await();
            }
            Failure f = failure;
            if (f != null) {
                throw new IOException("connection to " + peerText + " " + f.reason(), f.cause());
            }
            byte[] bytes = length == open.length ? open : Arrays.copyOf(open, length);
            unsent.add(new Segment(nextSeq++, bytes, length));
            bufferedBytes += length;
            unsentBytes += length;
            changed.signal();
            if (bytes == open) {
                open = new byte[maxPayload];
            }
            openFill = 0;
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void tick() {
        if (channel == null || failure != null || !writeLock.tryLock()) {
            return;
        }
        try {
            append(ByteBuffer.allocate(0));
            if (!seal(false)) {
                openFill = 0;
                packetsOut.decrementAndGet();
            }
        } catch (IOException | InterruptedException e) {
            openFill = 0;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            writeLock.unlock();
        }
    }

    // ---- pump: sending and timers ----

    private void pump() {
        ByteBuffer scratch = ByteBuffer.allocateDirect(Math.max(Datagram.DATA_HEADER + maxPayload, 1024));
        List<Segment> batch = new ArrayList<>(BATCH);
        try {
            while (true) {
                batch.clear();
                Ack ack = null;
                boolean ping = false;
                String silent = null;
                long ackNo;
                int advertised;
                int now32;
                lock.lock();
                try {
                    while (true) {
                        if (failure != null) {
                            return;
                        }
                        long now = System.nanoTime();
                        if (now - lastReceived >= idle) {
                            silent = "peer silent for " + Duration.ofNanos(now - lastReceived).toMillis()
                                    + " ms (expected: a datagram within the idle timeout "
                                    + Duration.ofNanos(idle).toMillis() + " ms)";
                            break;
                        }
                        if (rtoDeadline != 0 && now - rtoDeadline >= 0) {
                            onRetransmissionTimeout();
                        }
                        collect(batch, now);
                        if (ackDue != 0 && now - ackDue >= 0) {
                            ack = buildAck(now);
                        }
                        boolean stalled = !unsent.isEmpty() && inFlight == 0 && batch.isEmpty();
                        if (now - lastSent >= keepalive || (stalled && now - lastSent >= rtt.rto())) {
                            ping = batch.isEmpty();
                        }
                        if (!batch.isEmpty() || ack != null || ping) {
                            break;
                        }
                        changed.awaitNanos(nextDeadline(now, stalled) - now);
                    }
                    if (silent == null && !batch.isEmpty()) {
                        lastSent = System.nanoTime();
                        if (reorderCount == 0) {
                            unackedReceived = 0;
                            ackDue = 0;
                        }
                    } else if (ping) {
                        lastSent = System.nanoTime();
                    }
                    ackNo = rcvNxt;
                    advertised = advertise();
                    now32 = micros(System.nanoTime());
                } finally {
                    lock.unlock();
                }
                if (silent != null) {
                    fail(silent, null, false);
                    return;
                }
                long dest = peerId;
                for (Segment s : batch) {
                    endpoint.send(new Data(dest, s.seq, ackNo, advertised, now32, ByteBuffer.wrap(s.bytes, 0, s.length)),
                            peer, scratch);
                }
                datagramsSent.addAndGet(batch.size());
                if (ack != null) {
                    endpoint.send(ack, peer, scratch);
                }
                if (ping) {
                    endpoint.send(new Ping(dest), peer, scratch);
                }
            }
        } catch (InterruptedException e) {
            fail("pump interrupted", e, false);
        } catch (IOException e) {
            fail("send failed: " + e.getMessage(), e, false);
        } catch (RuntimeException | Error e) {
            fail("pump failed: " + e, e, false);
            throw e;
        }
    }

    /** The earliest of the pump's deadlines. Holds lock. */
    private long nextDeadline(long now, boolean stalled) {
        long next = lastReceived + idle;
        next = earlier(next, lastSent + (stalled ? Math.min(keepalive, rtt.rto()) : keepalive));
        if (rtoDeadline != 0) {
            next = earlier(next, rtoDeadline);
        }
        if (ackDue != 0) {
            next = earlier(next, ackDue);
        }
        return next - now <= 0 ? now + 1 : next;
    }

    private static long earlier(long a, long b) {
        return a - b <= 0 ? a : b;
    }

    /** Picks what may be sent now: retransmissions first, then new segments. Holds lock. */
    private void collect(List<Segment> batch, long now) {
        while (batch.size() < BATCH && inFlight < cwnd) {
            Segment s = lost.peek();
            if (s != null) {
                lost.poll();
                s.queued = false;
                if (s.sacked || s.seq < sndUna || s.inFlight) {
                    continue;
                }
                retransmissions.incrementAndGet();
            } else {
                s = unsent.peek();
                if (s == null || s.seq >= peerEdge) {
                    return;
                }
                unsent.poll();
                unsentBytes -= s.length;
                unacked.add(s);
                sndNxt = s.seq + 1;
            }
            s.tx = txCounter++;
            s.sentAt = now;
            s.inFlight = true;
            inFlight++;
            if (rtoDeadline == 0) {
                rtoDeadline = now + rtt.rto();
            }
            batch.add(s);
        }
    }

    /**
     * RFC 6298 timer expiry: every unacknowledged segment is lost, the window collapses to
     * one segment, the timeout doubles. Holds lock.
     */
    private void onRetransmissionTimeout() {
        rtoDeadline = 0;
        boolean any = false;
        for (long seq = sndUna; seq < sndNxt; seq++) {
            Segment s = unacked.get(seq);
            if (s.sacked) {
                continue;
            }
            markLost(s);
            any = true;
        }
        if (any) {
            if (timeoutAt == 0) {
                cwndBeforeTimeout = cwnd;
                ssthreshBeforeTimeout = ssthresh;
            }
            timeoutAt = micros(System.nanoTime());
            ssthresh = Math.max(cwnd / 2, 2);
            cwnd = 1;
            recoveryEnd = sndNxt;
            rtt.backOff();
            timeouts.incrementAndGet();
        }
    }

    private void markLost(Segment s) {
        if (s.inFlight) {
            s.inFlight = false;
            inFlight--;
        }
        if (!s.queued) {
            s.queued = true;
            lost.add(s);
        }
    }

    // ---- receiving ----

    /** Called by the endpoint's receive thread for each datagram of this connection. */
    void onDatagram(Datagram d, ByteBuffer scratch) {
        if (failure != null) {
            switch (d) {
                case Close c -> sendQuietly(new CloseAck(peerId), scratch);
                case CloseAck c -> closeAcked();
                default -> { }
            }
            return;
        }
        lastReceived = System.nanoTime();
        switch (d) {
            case Data data -> onData(data, scratch);
            case Ack a -> {
                lock.lock();
                try {
                    if (established) {
                        onAck(a.ack(), a.window(), a.ranges(), a.echo(), a.delayMicros());
                    }
                } finally {
                    lock.unlock();
                }
            }
            case Ping p -> {
                Ack a;
                lock.lock();
                try {
                    a = buildAck(System.nanoTime());
                } finally {
                    lock.unlock();
                }
                sendQuietly(a, scratch);
            }
            case Close c -> {
                if (!initiator || isEstablished()) {
                    sendQuietly(new CloseAck(peerId), scratch);
                    fail("closed by peer: " + Printable.escape(c.reason()), null, false);
                } else {
                    fail("refused: " + Printable.escape(c.reason()), null, false);
                }
            }
            case CloseAck c -> closeAcked();
            case Accept a -> {
                lock.lock();
                try {
                    if (!initiator || established) {
                        return;
                    }
                    peerId = a.source();
                    established = true;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
            case Retry r -> {
                lock.lock();
                try {
                    if (initiator && !established) {
                        token = r.token();
                        retryReceived = true;
                        changed.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
            }
            case Initial i -> endpoint.drop(peer, "initial on an open connection");
        }
    }

    private boolean isEstablished() {
        lock.lock();
        try {
            return established;
        } finally {
            lock.unlock();
        }
    }

    private void closeAcked() {
        lock.lock();
        try {
            closeAcked = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void onData(Data d, ByteBuffer scratch) {
        Ack ack = null;
        lock.lock();
        try {
            if (!established) {
                endpoint.drop(peer, "data before the connection was accepted");
                return;
            }
            onAck(d.ack(), d.window(), List.of(), 0, 0);
            long now = System.nanoTime();
            long seq = d.sequence();
            boolean ackNow;
            if (seq < rcvNxt) {
                duplicates.incrementAndGet();
                ackNow = true;
            } else if (seq >= rcvNxt + window - backlog.size()) {
                endpoint.drop(peer, "data sequence: " + seq + " (expected: below " + (rcvNxt + window - backlog.size())
                        + ", the receive edge)");
                ackNow = true;
            } else if (seq == rcvNxt) {
                int before = backlog.size();
                backlog.addLast(copy(d.payload()));
                rcvNxt++;
                while (reorderCount > 0) {
                    int slot = (int) (rcvNxt % window);
                    byte[] next = reorder[slot];
                    if (next == null) {
                        break;
                    }
                    reorder[slot] = null;
                    reorderCount--;
                    backlog.addLast(ByteBuffer.wrap(next));
                    rcvNxt++;
                }
                int added = backlog.size() - before;
                if (before == 0) {
                    inputReady.signal();
                }
                echo = d.timestamp();
                echoAt = now;
                unackedReceived += added;
                ackNow = reorderCount > 0 || added > 1 || unackedReceived >= 2;
                if (!ackNow && ackDue == 0) {
                    ackDue = now + ackDelay;
                    changed.signal();
                }
            } else {
                int slot = (int) (seq % window);
                if (reorder[slot] != null) {
                    duplicates.incrementAndGet();
                } else {
                    ByteBuffer p = d.payload();
                    byte[] copy = new byte[p.remaining()];
                    p.get(copy);
                    reorder[slot] = copy;
                    reorderCount++;
                    highestReceived = Math.max(highestReceived, seq);
                    echo = d.timestamp();
                    echoAt = now;
                }
                ackNow = true;
            }
            if (ackNow) {
                ack = buildAck(now);
            }
        } finally {
            lock.unlock();
        }
        if (ack != null) {
            sendQuietly(ack, scratch);
        }
    }

    /** A copy of a payload that lives in the endpoint's reused receive buffer. */
    private static ByteBuffer copy(ByteBuffer payload) {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        return ByteBuffer.wrap(bytes);
    }

    /** The receive window to advertise: what the input party's queue leaves of it. Holds lock. */
    private int advertise() {
        int free = Math.max(0, window - backlog.size());
        advertisedEdge = rcvNxt + free;
        return free;
    }

    /**
     * The input party: takes the segments the receive thread queued, in order, and delivers
     * them. Ends with the connection; anything it meets ends the connection, never more.
     */
    private void input() {
        List<ByteBuffer> chunks = new ArrayList<>();
        try {
            while (true) {
                lock.lock();
                try {
                    while (backlog.isEmpty() && failure == null) {
                        inputReady.await();
                    }
                    if (failure != null) {
                        return;
                    }
                    chunks.addAll(backlog);
                    backlog.clear();
                    // the sender may be waiting at the edge it was told: announce the room now
                    if (rcvNxt + window - advertisedEdge >= Math.max(1, window / 2) && ackDue == 0) {
                        ackDue = System.nanoTime();
                        changed.signal();
                    }
                } finally {
                    lock.unlock();
                }
                deliver(chunks);
                chunks.clear();
            }
        } catch (InterruptedException e) {
            fail("input interrupted", e, true);
        } catch (Throwable e) { // an Error in one connection's input must end that connection only
            fail("input failed: " + e, e, true);
        }
    }

    /** An acknowledgement of everything received so far. Holds lock. */
    private Ack buildAck(long now) {
        unackedReceived = 0;
        ackDue = 0;
        List<Range> ranges = List.of();
        if (reorderCount > 0) {
            ranges = new ArrayList<>();
            long start = -1;
            long top = Math.min(highestReceived, rcvNxt + window - 1);
            for (long seq = rcvNxt + 1; seq <= top + 1 && ranges.size() < Datagram.MAX_RANGES; seq++) {
                boolean have = seq <= top && reorder[(int) (seq % window)] != null;
                if (have && start < 0) {
                    start = seq;
                } else if (!have && start >= 0) {
                    ranges.add(new Range(start, seq));
                    start = -1;
                }
            }
        }
        int delay = echoAt == 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (now - echoAt) / 1000);
        return new Ack(peerId, rcvNxt, advertise(), echo, delay, ranges);
    }

    /**
     * Processes a cumulative ack and selective ranges: frees acknowledged segments, samples
     * the round trip, grows the congestion window, detects losses. Holds lock.
     */
    private void onAck(long ack, int peerWindow, List<Range> ranges, int echoed, int delayMicros) {
        if (ack < sndUna || ack > sndNxt) {
            return;
        }
        peerEdge = Math.max(peerEdge, ack + Math.max(0, peerWindow));
        int newly = 0;
        long largestTx = -1;
        boolean freed = false;
        while (sndUna < ack) {
            Segment s = unacked.poll();
            sndUna++;
            if (s.inFlight) {
                inFlight--;
                s.inFlight = false;
            }
            if (!s.sacked) {
                newly++;
                largestTx = Math.max(largestTx, s.tx);
            }
            bufferedBytes -= s.length;
            freed = true;
        }
        for (Range r : ranges) {
            for (long seq = Math.max(r.start(), sndUna); seq < Math.min(r.end(), sndNxt); seq++) {
                Segment s = unacked.get(seq);
                if (!s.sacked) {
                    s.sacked = true;
                    if (s.inFlight) {
                        inFlight--;
                        s.inFlight = false;
                    }
                    newly++;
                    largestTx = Math.max(largestTx, s.tx);
                    highestSacked = Math.max(highestSacked, seq);
                }
            }
        }
        if (newly == 0) {
            if (freed) {
                space.signalAll();
            }
            changed.signal();
            return;
        }
        long now = System.nanoTime();
        if (timeoutAt != 0 && echoed != 0) {
            // Eifel-style check: the first acknowledgement after a timeout echoes a segment
            // sent before it, so the timeout was spurious (a delay, not a loss): undo the cut.
            if (echoed - timeoutAt < 0) {
                cwnd = cwndBeforeTimeout;
                ssthresh = ssthreshBeforeTimeout;
                recoveryEnd = -1;
                spuriousTimeouts.incrementAndGet();
            }
            timeoutAt = 0;
        }
        if (echoed != 0) {
            long sample = ((micros(now) - echoed) & 0xFFFF_FFFFL) - (delayMicros & 0xFFFF_FFFFL);
            if (sample > 0 && sample < 60_000_000L) {
                rtt.sample(sample * 1000);
            }
        }
        if (sndUna > recoveryEnd) {
            for (int i = 0; i < newly; i++) {
                cwnd += cwnd < ssthresh ? 1 : 1 / cwnd;
            }
        }
        rtoDeadline = inFlight > 0 ? now + rtt.rto() : 0;
        if (largestTx > maxAckedTx) {
            maxAckedTx = largestTx;
            boolean lostAny = false;
            long top = Math.min(highestSacked, sndNxt);
            for (long seq = sndUna; seq < top; seq++) {
                Segment s = unacked.get(seq);
                if (!s.sacked && s.inFlight && s.tx + PACKET_THRESHOLD <= maxAckedTx) {
                    markLost(s);
                    lostAny = true;
                }
            }
            if (lostAny && sndUna >= recoveryEnd) {
                ssthresh = Math.max(cwnd / 2, 2);
                cwnd = ssthresh;
                recoveryEnd = sndNxt;
                lossEvents.incrementAndGet();
            }
        }
        if (freed) {
            space.signalAll();
        }
        changed.signal();
    }

    /** Cuts the in-order chunks into packets and hands them on. Input party only. */
    private void deliver(List<ByteBuffer> chunks) {
        List<ByteBuffer> packets = new ArrayList<>();
        String error = null;
        Throwable cause = null;
        inputLock.lock();
        try {
            try {
                for (ByteBuffer chunk : chunks) {
                    reader.feed(chunk, packets);
                }
            } catch (IllegalArgumentException e) {
                error = e.getMessage() + " from " + peerText;
                cause = new ProtocolException(error);
            }
            DistChannel ch = channel;
            for (ByteBuffer p : packets) {
                packetsIn.incrementAndGet();
                if (ch != null) {
                    ch.putData(p);
                } else {
                    inbox.add(p);
                }
            }
            if (ch == null && reader.overLongBeforeHandshake() > 0) {
                inboxReady.signalAll();
            }
            if (ch == null && !packets.isEmpty()) {
                inboxReady.signalAll();
                if (inbox.size() > MAX_INBOX) {
                    error = "packets before the handshake completed: " + inbox.size() + " (expected: at most "
                            + MAX_INBOX + ") from " + peerText;
                    cause = new ProtocolException(error);
                }
            }
        } catch (RuntimeException e) {
            error = "input failed: " + e;
            cause = e;
        } finally {
            inputLock.unlock();
        }
        if (error != null) {
            fail(error, cause, true);
        }
    }

    private void sendQuietly(Datagram d, ByteBuffer scratch) {
        try {
            endpoint.send(d, peer, scratch);
        } catch (IOException e) {
            fail("send failed: " + e.getMessage(), e, false);
        }
    }

    private static int micros(long nanos) {
        int us = (int) (nanos / 1000);
        return us == 0 ? 1 : us;
    }

    // ---- tick, stats, close ----

    @Override
    public CarrierStats stats() {
        return new CarrierStats(packetsIn.get(), packetsOut.get(), Math.max(0, unsentBytes));
    }

    @Override
    public String peerAddress() {
        return peerText;
    }

    @Override
    public void close() {
        fail("closed locally", null, true);
    }

    /**
     * The one fate: the first caller records the reason, wakes every party, tells the peer
     * when {@code notifyPeer} (a close sent up to {@value #CLOSE_ATTEMPTS} times), releases
     * the endpoint and reports to the channel.
     */
    void fail(String reason, Throwable cause, boolean notifyPeer) {
        boolean tellPeer;
        lock.lock();
        try {
            if (failure != null) {
                return;
            }
            failure = new Failure(reason, cause);
            tellPeer = notifyPeer && established;
            changed.signalAll();
            space.signalAll();
            inputReady.signalAll();
        } finally {
            lock.unlock();
        }
        inputLock.lock();
        try {
            inboxReady.signalAll();
        } finally {
            inputLock.unlock();
        }
        LOG.log(Level.DEBUG, "udp connection {0}: {1}", peerText, reason);
        // Only the output party is interrupted (it may wait in the channel's awaitData). The
        // pump wakes from the signal above: interrupting a thread inside a DatagramChannel
        // operation would close the socket, which a listener shares with other connections.
        Thread out = outputThread;
        if (out != null && out != Thread.currentThread()) {
            out.interrupt();
        }
        if (tellPeer) {
            // The close goes out from a thread of its own, which nobody interrupts (an interrupt
            // inside a send would close the socket); the caller waits briefly for the first
            // one, so that a process which exits right after close() still tells its peer.
            CountDownLatch first = new CountDownLatch(1);
            Thread.ofVirtual().name("jarl-udp-" + peerText + "-close").start(() -> sendClose(reason, first));
            boolean interrupted = false;
            try {
                first.await(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } else {
            endpoint.forget(this);
        }
        report();
    }

    private void sendClose(String reason, CountDownLatch first) {
        ByteBuffer scratch = ByteBuffer.allocate(Datagram.HEADER + 2 + Datagram.MAX_REASON * 4);
        try {
            for (int i = 0; i < CLOSE_ATTEMPTS; i++) {
                endpoint.send(new Close(peerId, reason), peer, scratch);
                first.countDown();
                lock.lock();
                try {
                    long wait = rtt.rto();
                    while (!closeAcked && wait > 0) {
                        wait = changed.awaitNanos(wait);
                    }
                    if (closeAcked) {
                        return;
                    }
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "udp connection {0}: close not sent: {1}", peerText, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            first.countDown();
            endpoint.forget(this);
        }
    }

    private void report() {
        DistChannel ch = channel;
        Failure f = failure;
        if (ch != null && f != null && reported.compareAndSet(false, true)) {
            ch.closed(ConnectionFate.of(f.reason(), f.cause()));
        }
    }

    /** The local address of the socket this connection uses. */
    java.net.SocketAddress endpointAddress() throws IOException {
        return endpoint.channel.getLocalAddress();
    }

    /** Whether the connection has ended. */
    boolean isClosed() {
        return failure != null;
    }

    @Override
    public String toString() {
        return "UdpConnection[" + peerText + (initiator ? ", initiator" : ", responder") + "]";
    }
}
