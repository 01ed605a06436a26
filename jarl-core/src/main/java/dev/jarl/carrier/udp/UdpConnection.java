/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierStats;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistChannel;
import dev.jarl.carrier.NanoClock;
import dev.jarl.carrier.udp.Datagram.Accept;
import dev.jarl.carrier.udp.Datagram.Ack;
import dev.jarl.carrier.udp.Datagram.Close;
import dev.jarl.carrier.udp.Datagram.CloseAck;
import dev.jarl.carrier.udp.Datagram.Data;
import dev.jarl.carrier.udp.Datagram.Initial;
import dev.jarl.carrier.udp.Datagram.Ping;
import dev.jarl.carrier.udp.Datagram.Retry;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.term.Printable;

/**
 * One UDP distribution connection: a reliable, ordered stream of messages over datagrams
 * ({@code docs/udp-carrier.md}). This class holds the parties, the locks and the I/O; what
 * to send, acknowledge, retransmit and when is decided by pure code it calls with the time
 * read from its {@link NanoClock}: {@link SendBuffer} (with {@link CongestionControl} and
 * {@link RttEstimator}) and {@link ReceiveBuffer}.
 *
 * <p>Parties, all virtual threads:
 * <ul>
 *   <li>Writers ({@link OutputParty}: the handshake's caller, then the output party
 *       draining {@link DistChannel#getData()}, and {@link #tick()}) frame whole packets
 *       into segments and queue them ({@link #queue}); they wait while the queued and
 *       unacknowledged bytes exceed the window.</li>
 *   <li>The pump sends queued segments and retransmissions as the congestion and receive
 *       windows allow, and runs every timer: retransmission timeout, delayed ack,
 *       keepalive, idle timeout. It sleeps in {@link Condition#awaitNanos} until the next
 *       deadline, a signal, or a jump of the clock.</li>
 *   <li>The endpoint's receive thread, which a listener shares among all its connections,
 *       calls {@link #onDatagram}: it processes acks, puts segments in order, acknowledges,
 *       and queues the in-order segments for this connection's input party. It never
 *       decodes or delivers, so one connection whose input is slow (a large message to
 *       decode, a busy handler) or fails cannot delay another's acknowledgements or data.</li>
 *   <li>The input party ({@link InputParty}) takes the queued segments
 *       ({@link #takeQueued}), cuts them into packets and hands them to the channel (or to
 *       the handshake inbox before {@link #handshakeComplete}). Whatever it meets, even an
 *       {@code Error}, ends this connection only.</li>
 * </ul>
 *
 * <p><b>Receive window.</b> Segments queued for the input party count against the window
 * this side advertises ({@code window - queued}), so a slow input party slows its sender
 * down instead of growing the queue: in-order data beyond the advertised edge is dropped
 * (the sender never sends it, since the edge it was told never moves back), and the input
 * party announces the room it frees when the sender may be waiting for it.
 *
 * <p><b>Locks.</b> {@link #lock} guards the set-up state, {@link #sender},
 * {@link #receiver} and the pump's times. The writers' lock ({@link OutputParty}) and the
 * input party's ({@link InputParty}) may be held when {@code lock} is taken, never the
 * other way round. The first failure closes the connection and reports it once through
 * {@link DistChannel#closed}.
 */
final class UdpConnection implements CarrierConnection {

    private static final System.Logger LOG = System.getLogger(UdpConnection.class.getName());

    /** Most datagrams the pump sends per round. */
    static final int BATCH = 32;
    /** How many times a close is sent before giving up on its acknowledgement. */
    static final int CLOSE_ATTEMPTS = 3;
    /** How long {@link #close()} waits, in real time, for the first close datagram to leave. */
    static final long CLOSE_WAIT_MS = 200;

    private final Endpoint endpoint;
    private final InetSocketAddress peer;
    private final String peerText;
    final long localId;
    private final boolean initiator;
    private final int payload;
    private final long keepalive;
    private final long idle;
    private final NanoClock clock;
    /** Unregisters {@link #wake()} from the clock; run when the connection is forgotten. */
    private final Runnable unwatch;

    private final ReentrantLock lock = new ReentrantLock();
    /** Wakes the pump, and set-up and close waits: something to send, an answer, a jump of the clock. */
    private final Condition changed = lock.newCondition();
    /** Wakes writers waiting for room in the send buffer. */
    private final Condition space = lock.newCondition();
    /** Wakes the input party: segments queued for it. */
    private final Condition inputReady = lock.newCondition();

    /** Why the connection ended; set once. */
    private record Failure(String reason, Throwable cause) {
    }

    private volatile Failure failure;
    private final AtomicBoolean reported = new AtomicBoolean();

    // ---- set-up and the pump's times (lock) ----
    private long peerId;
    private boolean established;
    private byte[] token = new byte[0];
    private boolean retryReceived;
    private boolean closeAcked;
    private long lastSent;
    /** When the latest datagram of this connection arrived; written by the receive thread. */
    private volatile long lastReceived;

    // ---- the stream's two halves (lock) ----
    private final SendBuffer sender;
    private final ReceiveBuffer receiver;

    // ---- the parties ----
    private final OutputParty output;
    private final InputParty input;

    /**
     * Called by {@link UdpCarrier#connect} (initiator, {@code peerId} 0 until accepted) and by
     * the listener's receive thread (responder).
     */
    UdpConnection(Endpoint endpoint, InetSocketAddress peer, long localId, long peerId, boolean initiator,
                  UdpOptions options) {
        this.endpoint = endpoint;
        this.peer = peer;
        this.peerText = peer.getAddress().getHostAddress() + ":" + peer.getPort();
        this.localId = localId;
        this.peerId = peerId;
        this.initiator = initiator;
        this.payload = options.maxDatagramSize() - Datagram.DATA_HEADER;
        int window = Math.max(4, options.windowBytes() / options.maxDatagramSize());
        long minRto = options.minRto().toNanos();
        this.sender = new SendBuffer(options.windowBytes(), minRto, options.initialRto().toNanos(), peerText);
        this.receiver = new ReceiveBuffer(window, Math.clamp(minRto / 4, 200_000L, 25_000_000L));
        this.keepalive = options.keepaliveInterval().toNanos();
        this.idle = options.idleTimeout().toNanos();
        this.output = new OutputParty(this, payload, "jarl-udp-" + peerText + "-out");
        this.input = new InputParty(this, options.maxPacketSize(), "jarl-udp-" + peerText + "-in");
        this.clock = options.clock();
        long now = clock.nanoTime();
        this.lastReceived = now;
        this.lastSent = now;
        this.unwatch = clock.onJump(this::wake);
    }

    /** The peer's address, fixed at set-up. Any thread. */
    InetSocketAddress peer() {
        return peer;
    }

    // ---- set-up ----

    /**
     * Initiator: sends connection requests until the responder accepts, answering a retry
     * with its token; retries double from the RTO, the wait follows the clock. Called by
     * {@link UdpCarrier#connect} once, before anyone else uses the connection.
     */
    void dial(Duration timeout) throws IOException {
        long deadline = clock.nanoTime() + timeout.toNanos();
        long interval = sender.rto();
        long next = deadline;
        ByteBuffer scratch = ByteBuffer.allocate(Datagram.MIN_INITIAL);
        boolean resend = true;
        while (true) {
            byte[] t;
            lock.lock();
            try {
                while (!resend && !established && failure == null) {
                    long now = clock.nanoTime();
                    if (retryReceived) {
                        resend = true;
                    } else if (now - next >= 0) {
                        interval = Math.min(interval * 2, RttEstimator.MAX_RTO);
                        resend = true;
                    } else if (now - deadline >= 0) {
                        throw new SocketTimeoutException("no answer from " + peerText + " within " + timeout);
                    } else {
                        changed.awaitNanos(Math.min(next, deadline) - now);
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
                next = clock.nanoTime() + interval;
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

    /** Responder: starts the pump; the listener then sends {@link #sendAccept}. Listener's receive thread. */
    void startResponder() {
        lock.lock();
        try {
            established = true;
        } finally {
            lock.unlock();
        }
        startPump();
    }

    /** Responder: (re)sends the acceptance, also in answer to a repeated request. Listener's receive thread. */
    void sendAccept(ByteBuffer scratch) {
        sendQuietly(new Accept(peerId, localId), scratch);
    }

    /** Starts the input party and the pump once the connection is established: {@link #dial} or {@link #startResponder}. */
    private void startPump() {
        input.start();
        Thread.ofVirtual().name("jarl-udp-" + peerText + "-pump").start(this::pump);
    }

    // ---- handshake phase ----

    /** Called by the handshake's thread: one message into the stream ({@link OutputParty#sendHandshake}). */
    @Override
    public void sendHandshake(byte[] message) throws IOException {
        if (message.length > MessageReader.MAX_HANDSHAKE) {
            throw new IOException("handshake message: " + message.length + " bytes (expected: at most "
                    + MessageReader.MAX_HANDSHAKE + ")");
        }
        output.sendHandshake(message);
    }

    /**
     * Called by the handshake's thread: the next message the input party put into the inbox,
     * waiting until {@code timeout} has passed on the clock ({@link InputParty#receiveHandshake}).
     */
    @Override
    public byte[] receiveHandshake(Duration timeout) throws IOException {
        return input.receiveHandshake(timeout, clock);
    }

    /**
     * Called by the handshake's thread once it succeeded. Nothing changes on the wire:
     * handshake messages and packets share one framing.
     */
    @Override
    public void preNodeup() {
        // Nothing to do.
    }

    /** Called by the handshake's thread right after {@link #preNodeup()}; nothing to do. */
    @Override
    public void postNodeup() {
        // Nothing to do.
    }

    /**
     * Called once by the node's thread that completed the handshake: hands over the inbox
     * and every later packet to {@code ch}, and starts the output party.
     */
    @Override
    public void handshakeComplete(DistChannel ch) {
        input.handOver(ch);
        if (failure != null) {
            report();
            return;
        }
        output.start(ch);
        if (failure != null) {
            output.interrupt();
        }
    }

    /** Called by the node's ticker: an empty packet, unless the line is busy ({@link OutputParty#tick}). Never blocks. */
    @Override
    public void tick() {
        output.tick();
    }

    // ---- writers and the input party ----

    /**
     * A writer, holding the writers' lock: queues the next segment, the first {@code length}
     * bytes of {@code bytes} (which the connection now owns), waiting for room when
     * {@code wait}. Takes {@link #lock}.
     *
     * @return false when there was no room and {@code wait} is false
     * @throws IOException when the connection has failed
     */
    boolean queue(byte[] bytes, int length, boolean wait) throws IOException, InterruptedException {
        lock.lock();
        try {
            while (!sender.hasRoom(length) && failure == null) {
                if (!wait) {
                    return false;
                }
                space.await();
            }
            checkOpen();
            sender.queue(bytes, length);
            changed.signal();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The input party: waits until in-order segments are queued and takes them all into
     * {@code into}. Takes {@link #lock}.
     *
     * @return false, taking nothing, once the connection has failed
     */
    boolean takeQueued(List<ByteBuffer> into) throws InterruptedException {
        lock.lock();
        try {
            while (receiver.nothingQueued() && failure == null) {
                inputReady.await();
            }
            if (failure != null) {
                return false;
            }
            if (receiver.takeQueued(into, clock.nanoTime())) {
                changed.signal(); // the sender may wait at the edge it was told: announce the room now
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Any party: throws, with the reason, when the connection has failed. */
    void checkOpen() throws IOException {
        Failure f = failure;
        if (f != null) {
            throw new IOException("connection to " + peerText + " " + f.reason(), f.cause());
        }
    }

    // ---- pump: sending and timers ----

    /**
     * The pump: each round, under {@link #lock}, asks the send and receive buffers what is
     * due at the clock's {@code now}, then sends it without the lock; sleeps until the next
     * deadline when nothing is due. Declares the peer down after {@link #idle} of silence.
     */
    private void pump() {
        ByteBuffer scratch = ByteBuffer.allocateDirect(Math.max(Datagram.DATA_HEADER + payload, 1024));
        List<Segment> batch = new ArrayList<>(BATCH);
        try {
            while (true) {
                batch.clear();
                Ack ack = null;
                boolean ping = false;
                String silent = null;
                long now;
                long ackNo;
                int advertised;
                lock.lock();
                try {
                    while (true) {
                        if (failure != null) {
                            return;
                        }
                        now = clock.nanoTime();
                        if (now - lastReceived >= idle) {
                            silent = "peer silent for " + Duration.ofNanos(now - lastReceived).toMillis()
                                    + " ms (expected: a datagram within the idle timeout "
                                    + Duration.ofNanos(idle).toMillis() + " ms)";
                            break;
                        }
                        if (sender.timerExpired(now)) {
                            sender.onRetransmissionTimeout(now);
                        }
                        sender.collect(batch, BATCH, now);
                        if (receiver.ackDue(now)) {
                            ack = receiver.ack(peerId, now);
                        }
                        boolean stalled = batch.isEmpty() && sender.stalled();
                        if (now - lastSent >= keepalive || (stalled && now - lastSent >= sender.rto())) {
                            ping = batch.isEmpty();
                        }
                        if (!batch.isEmpty() || ack != null || ping) {
                            break;
                        }
                        changed.awaitNanos(nextDeadline(now, stalled) - now);
                    }
                    if (silent == null && !batch.isEmpty()) {
                        lastSent = now;
                        receiver.acknowledgedByData();
                    } else if (ping) {
                        lastSent = now;
                    }
                    ackNo = receiver.next();
                    advertised = receiver.advertise();
                } finally {
                    lock.unlock();
                }
                if (silent != null) {
                    fail(silent, null, false);
                    return;
                }
                long dest = peerId;
                int stamp = Data.timestamp(now);
                for (Segment s : batch) {
                    endpoint.send(new Data(dest, s.seq, ackNo, advertised, stamp, ByteBuffer.wrap(s.bytes, 0, s.length)),
                            peer, scratch);
                }
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

    /** The earliest of the pump's deadlines, after {@code now}. The pump, holding {@link #lock}. */
    private long nextDeadline(long now, boolean stalled) {
        long next = lastReceived + idle;
        next = earlier(next, lastSent + (stalled ? Math.min(keepalive, sender.rto()) : keepalive));
        if (sender.timerRunning()) {
            next = earlier(next, sender.deadline());
        }
        if (receiver.ackPending()) {
            next = earlier(next, receiver.ackDeadline());
        }
        return next - now <= 0 ? now + 1 : next;
    }

    /** The earlier of two readings of the clock (which may wrap). */
    private static long earlier(long a, long b) {
        return a - b <= 0 ? a : b;
    }

    /**
     * Called by the clock after it jumped (a test advancing it): every party that waits for a
     * deadline looks again. Any thread; takes {@link #lock}, then the input party's.
     */
    private void wake() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        input.wake();
    }

    // ---- receiving ----

    /**
     * Called by the endpoint's receive thread for each datagram of this connection; takes
     * {@link #lock} for what it changes, never a party's lock.
     */
    void onDatagram(Datagram d, ByteBuffer scratch) {
        if (failure != null) {
            switch (d) {
                case Close c -> sendQuietly(new CloseAck(peerId), scratch);
                case CloseAck c -> closeAcked();
                default -> { }
            }
            return;
        }
        long now = clock.nanoTime();
        lastReceived = now;
        switch (d) {
            case Data data -> onData(data, now, scratch);
            case Ack a -> {
                lock.lock();
                try {
                    if (established) {
                        onAck(a.ack(), a.window(), a.ranges(), a.echo(), a.delayMicros(), now);
                    }
                } finally {
                    lock.unlock();
                }
            }
            case Ping p -> {
                Ack a;
                lock.lock();
                try {
                    a = receiver.ack(peerId, now);
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

    /** The receive thread: whether the responder accepted (always, for a responder). Takes {@link #lock}. */
    private boolean isEstablished() {
        lock.lock();
        try {
            return established;
        } finally {
            lock.unlock();
        }
    }

    /** The receive thread: a close was acknowledged, {@link #sendClose} may stop. Takes {@link #lock}. */
    private void closeAcked() {
        lock.lock();
        try {
            closeAcked = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The receive thread: a segment, and the acknowledgement it carries. Takes {@link #lock}. */
    private void onData(Data d, long now, ByteBuffer scratch) {
        Ack ack = null;
        lock.lock();
        try {
            if (!established) {
                endpoint.drop(peer, "data before the connection was accepted");
                return;
            }
            onAck(d.ack(), d.window(), List.of(), 0, 0, now);
            int result = receiver.onData(d.sequence(), d.payload(), d.timestamp(), now);
            if ((result & ReceiveBuffer.BEYOND_EDGE) != 0) {
                endpoint.drop(peer, "data sequence: " + d.sequence() + " (expected: below " + receiver.edge()
                        + ", the receive edge)");
            }
            if ((result & ReceiveBuffer.INPUT_READY) != 0) {
                inputReady.signal();
            }
            if ((result & ReceiveBuffer.ACK_LATER) != 0) {
                changed.signal();
            }
            if ((result & ReceiveBuffer.ACK_NOW) != 0) {
                ack = receiver.ack(peerId, now);
            }
        } finally {
            lock.unlock();
        }
        if (ack != null) {
            sendQuietly(ack, scratch);
        }
    }

    /** The receive thread, holding {@link #lock}: hands an acknowledgement to the sender and wakes whom it concerns. */
    private void onAck(long ack, int window, List<Datagram.Range> ranges, int echoed, int delayMicros, long now) {
        int result = sender.onAck(ack, window, ranges, echoed, delayMicros, now);
        if ((result & SendBuffer.FREED) != 0) {
            space.signalAll();
        }
        if (result != SendBuffer.IGNORED) {
            changed.signal();
        }
    }

    /** Any party: sends one datagram; a failure to send ends the connection. */
    private void sendQuietly(Datagram d, ByteBuffer scratch) {
        try {
            endpoint.send(d, peer, scratch);
        } catch (IOException e) {
            fail("send failed: " + e.getMessage(), e, false);
        }
    }

    // ---- stats, close ----

    /** Called by the node (its ticker, statistics) from any thread, without a lock. */
    @Override
    public CarrierStats stats() {
        return new CarrierStats(input.packets(), output.packets(), Math.max(0, sender.unsentBytes()));
    }

    /**
     * The sender's figures, read without the lock: {@code rtt_us} (smoothed), {@code rto_us},
     * {@code retransmissions}, {@code timeouts}, {@code loss_events}, {@code window}
     * (congestion window, segments), {@code in_flight}, {@code datagrams_sent}.
     */
    @Override
    public Map<String, Long> figures() {
        return sender.figures();
    }

    /** Any thread: the peer's address for logs, fixed at set-up. */
    @Override
    public String peerAddress() {
        return peerText;
    }

    /** Called by the node from any thread: ends the connection, telling the peer. */
    @Override
    public void close() {
        fail("closed locally", null, true);
    }

    /**
     * The one fate, from any party or thread: the first caller records the reason, wakes
     * every party, tells the peer when {@code notifyPeer} (a close sent up to
     * {@value #CLOSE_ATTEMPTS} times), releases the endpoint and reports to the channel.
     * Takes {@link #lock}, then the input party's lock; the caller holds no lock of the
     * connection but, perhaps, a party's.
     */
    void fail(String reason, Throwable cause, boolean notifyPeer) {
        boolean tellPeer;
        Snapshot last;
        lock.lock();
        try {
            if (failure != null) {
                return;
            }
            failure = new Failure(reason, cause);
            tellPeer = notifyPeer && established;
            last = snapshotLocked();
            changed.signalAll();
            space.signalAll();
            inputReady.signalAll();
        } finally {
            lock.unlock();
        }
        input.wake();
        LOG.log(Level.DEBUG, "udp connection {0}: {1} ({2})", peerText, reason, last);
        // Only the output party is interrupted (it may wait in the channel's awaitData). The
        // pump wakes from the signal above: interrupting a thread inside a DatagramChannel
        // operation would close the socket, which a listener shares with other connections.
        output.interrupt();
        if (tellPeer) {
            // The close goes out from a thread of its own, which nobody interrupts (an interrupt
            // inside a send would close the socket); the caller waits briefly, in real time, for
            // the first one, so that a process which exits right after close() still tells its peer.
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
            forget();
        }
        report();
    }

    /**
     * The close party, a thread {@link #fail} starts: sends the close, again after each RTO
     * on the clock until acknowledged, then forgets the connection. Takes {@link #lock} to wait.
     */
    private void sendClose(String reason, CountDownLatch first) {
        ByteBuffer scratch = ByteBuffer.allocate(Datagram.HEADER + 2 + Datagram.MAX_REASON * 4);
        try {
            for (int i = 0; i < CLOSE_ATTEMPTS; i++) {
                endpoint.send(new Close(peerId, reason), peer, scratch);
                first.countDown();
                lock.lock();
                try {
                    long until = clock.nanoTime() + sender.rto();
                    for (long left; !closeAcked && (left = until - clock.nanoTime()) > 0; ) {
                        changed.awaitNanos(left);
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
            forget();
        }
    }

    /**
     * {@link #fail} (no close to send) or the close party (done): the connection is over, the
     * endpoint stops routing to it and the clock stops waking it.
     */
    private void forget() {
        unwatch.run();
        endpoint.forget(this);
    }

    /**
     * Reports the failure to the channel once, whoever comes first: {@link #fail} or
     * {@link #handshakeComplete} (a connection that failed before it had a channel). No lock.
     */
    private void report() {
        DistChannel ch = input.channel();
        Failure f = failure;
        if (ch != null && f != null && reported.compareAndSet(false, true)) {
            ch.closed(ConnectionFate.of(f.reason(), f.cause()));
        }
    }

    /** The local address of the socket this connection uses. Any thread (tests). */
    java.net.SocketAddress endpointAddress() throws IOException {
        return endpoint.channel.getLocalAddress();
    }

    /** Whether the connection has ended. Any thread. */
    boolean isClosed() {
        return failure != null;
    }

    /**
     * What the connection counted and where its control loops stand: for the log line of
     * its end, tests and benchmarks. Any thread; takes {@link #lock}.
     */
    Snapshot snapshot() {
        lock.lock();
        try {
            return snapshotLocked();
        } finally {
            lock.unlock();
        }
    }

    /** {@link #snapshot()} and {@link #fail}, holding {@link #lock}. */
    private Snapshot snapshotLocked() {
        return new Snapshot(sender.snapshot(), receiver.duplicates(), lastReceived);
    }

    /**
     * A connection's counters at one moment.
     *
     * @param sender       the sending half's counters and state
     * @param duplicates   duplicate segments received and discarded
     * @param lastReceived when the latest datagram arrived, on the connection's clock
     */
    record Snapshot(SendBuffer.Snapshot sender, long duplicates, long lastReceived) {
    }

    @Override
    public String toString() {
        return "UdpConnection[" + peerText + (initiator ? ", initiator" : ", responder") + "]";
    }
}
