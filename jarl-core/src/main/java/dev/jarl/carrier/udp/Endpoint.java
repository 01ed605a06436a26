/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.atomic.AtomicLong;

import dev.jarl.carrier.NanoClock;
import dev.jarl.carrier.udp.Datagram.MalformedDatagramException;

/**
 * One UDP socket and the virtual thread that receives from it and hands each datagram to
 * its connection. A listener's endpoint serves many connections; an initiator's serves one.
 * Datagrams that do not belong (garbage, wrong connection id, wrong source address) are
 * dropped and counted, with at most one log line every {@value #LOG_INTERVAL_MS} ms.
 *
 * <p>The receive thread outlives anything one datagram meets, even an {@code Error} (it
 * pauses briefly when failures come in a row), since every connection of the socket depends
 * on it; it ends only when the socket closes, and then tells the endpoint
 * ({@link #receiveEnded()}).
 */
abstract class Endpoint {

    private static final System.Logger LOG = System.getLogger(Endpoint.class.getName());
    static final long LOG_INTERVAL_MS = 10_000;
    private static final long LOG_INTERVAL_NANOS = LOG_INTERVAL_MS * 1_000_000;
    /** Larger than any UDP payload. */
    static final int RECEIVE_BUFFER = 65_536;
    /** Kernel socket buffers asked for (the kernel may grant less). */
    static final int SOCKET_BUFFER = 4 * 1024 * 1024;

    final DatagramChannel channel;
    final Link link;
    final String local;
    /** The carrier's clock, which paces the drop log. */
    final NanoClock clock;
    final AtomicLong dropped = new AtomicLong();
    private final AtomicLong lastLog;
    private long droppedAtLastLog;

    Endpoint(DatagramChannel channel, Link link, NanoClock clock) throws IOException {
        this.channel = channel;
        this.link = link;
        this.clock = clock;
        this.lastLog = new AtomicLong(clock.nanoTime() - LOG_INTERVAL_NANOS);
        this.lastFailureLog = lastLog.get();
        channel.configureBlocking(true);
        channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
        channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
        InetSocketAddress address = (InetSocketAddress) channel.getLocalAddress();
        this.local = address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** Starts the receiving thread. */
    void start() {
        Thread.ofVirtual().name("jarl-udp-" + local + "-in").start(this::receive);
    }

    /** The first pause after a failure of the receive loop; doubled while failures come in a row. */
    static final long PAUSE_MIN_MS = 1;
    /** The longest such pause. */
    static final long PAUSE_MAX_MS = 100;

    private void receive() {
        try {
            ByteBuffer buffer = ByteBuffer.allocateDirect(RECEIVE_BUFFER);
            long pause = 0;
            while (channel.isOpen()) {
                try {
                    receiveOne(buffer);
                    pause = 0;
                } catch (ClosedChannelException e) {
                    return;
                } catch (Throwable e) { // a bug or an OutOfMemoryError must not end this thread
                    pause = Math.clamp(pause * 2, PAUSE_MIN_MS, PAUSE_MAX_MS);
                    long now = clock.nanoTime();
                    long last = lastFailureLog;
                    if (now - last >= LOG_INTERVAL_NANOS) {
                        lastFailureLog = now;
                        LOG.log(Level.WARNING, "udp " + local + ": handling a datagram failed; receiving goes on", e);
                    }
                    Thread.sleep(pause); // a breather for the machine, in real time, not a protocol timer
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            receiveEnded();
        }
    }

    private volatile long lastFailureLog;

    /** Receives one datagram and routes it. */
    private void receiveOne(ByteBuffer buffer) throws ClosedChannelException {
        buffer.clear();
        InetSocketAddress from;
        try {
            from = (InetSocketAddress) channel.receive(buffer);
        } catch (ClosedChannelException e) {
            throw e;
        } catch (IOException e) {
            // An ICMP error reported on a connected socket, for example: the peer's
            // silence is what counts, so keep receiving.
            drop(null, "receive failed: " + e);
            return;
        }
        if (from == null) {
            return;
        }
        buffer.flip();
        try {
            dispatch(Datagram.decode(buffer), from);
        } catch (MalformedDatagramException e) {
            drop(from, e.getMessage());
        }
    }

    /**
     * The receive thread ended: the socket closed, as the endpoint closed it or underneath
     * it. A connection or listener that still needed the socket must end now, not later.
     */
    abstract void receiveEnded();

    /** Routes one well-formed datagram to its connection, or drops it. */
    abstract void dispatch(Datagram datagram, InetSocketAddress from);

    /** The connection ended: stop routing to it (and close the socket when nothing else uses it). */
    abstract void forget(UdpConnection connection);

    /** Encodes {@code datagram} into {@code scratch} and sends it to {@code target}. */
    void send(Datagram datagram, InetSocketAddress target, ByteBuffer scratch) throws IOException {
        scratch.clear();
        datagram.encode(scratch);
        link.send(channel, scratch.flip(), target);
    }

    /** Counts a dropped datagram; logs at most once per interval. */
    void drop(InetSocketAddress from, String why) {
        long n = dropped.incrementAndGet();
        long now = clock.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(last, now)) {
            long since = n - droppedAtLastLog;
            droppedAtLastLog = n;
            LOG.log(Level.INFO, "udp {0}: dropped datagram from {1}: {2} ({3} dropped since the last report)",
                    local, from, why, since);
        }
    }

    void closeSocket() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "udp {0}: close failed: {1}", local, e);
        }
    }
}
