/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.Listener;
import dev.jarl.carrier.udp.Datagram.Close;
import dev.jarl.carrier.udp.Datagram.Initial;
import dev.jarl.carrier.udp.Datagram.Retry;
import dev.jarl.carriers.UdpOptions;

/**
 * A listening UDP socket serving every connection accepted on it, demultiplexed by the
 * connection id each datagram carries and checked against the address the connection was
 * set up from.
 *
 * <p>Connection requests are answered statelessly with a {@link Retry} carrying an HMAC
 * token until a request echoes a valid one: before that the listener keeps no state and
 * sends back fewer bytes than it received, so it cannot amplify traffic toward a spoofed
 * address. Closing the listener stops accepting; the socket stays open until the last
 * accepted connection ends.
 */
final class UdpListener extends Endpoint implements Listener {

    /** The reason a closed listener gives a connection request. */
    static final String REFUSED = "listener closed";
    /** Most accepted connections waiting for {@link #accept()}. */
    static final int BACKLOG = 128;

    private record InitiatorKey(InetSocketAddress address, long id) {
    }

    private final UdpOptions options;
    private final RetryTokens tokens = new RetryTokens();
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, UdpConnection> byId = new ConcurrentHashMap<>();
    private final Map<InitiatorKey, UdpConnection> byInitiator = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<Object> accepted = new LinkedBlockingQueue<>();
    private final Object closedMarker = new Object();
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(Endpoint.RECEIVE_BUFFER);
    private final int port;
    private final long epochAtStart;
    private final long clockAtStart;
    private volatile boolean accepting = true;
    private final InetAddress bound;

    UdpListener(DatagramChannel channel, Link link, UdpOptions options) throws IOException {
        super(channel, link, options.clock());
        this.options = options;
        InetSocketAddress bound = (InetSocketAddress) channel.getLocalAddress();
        this.port = bound.getPort();
        this.bound = bound.getAddress();
        this.epochAtStart = System.currentTimeMillis();
        this.clockAtStart = clock.nanoTime();
    }

    /**
     * The time for retry tokens: milliseconds since the epoch as the carrier's clock counts
     * them from the listener's start, so that a token's lifetime follows the clock as every
     * other timer does.
     */
    private long tokenMillis() {
        return epochAtStart + Math.floorDiv(clock.nanoTime() - clockAtStart, 1_000_000L);
    }

    @Override
    void dispatch(Datagram datagram, InetSocketAddress from) {
        if (datagram instanceof Initial initial) {
            onInitial(initial, from);
            return;
        }
        UdpConnection c = byId.get(datagram.destination());
        if (c == null) {
            drop(from, "connection id: " + Long.toHexString(datagram.destination()) + " (expected: an open connection)");
        } else if (!c.peer().equals(from)) {
            drop(from, "source address: " + from + " (expected: " + c.peer() + " for this connection id)");
        } else {
            c.onDatagram(datagram, scratch);
        }
    }

    private void onInitial(Initial initial, InetSocketAddress from) {
        long now = tokenMillis();
        try {
            if (!accepting) {
                // Refuse at once, as a closed TCP port would; 29 bytes for at least 1200.
                send(new Close(initial.source(), REFUSED), from, scratch);
                return;
            }
            if (initial.token().length == 0) {
                send(new Retry(initial.source(), tokens.issue(from, initial.source(), now)), from, scratch);
                return;
            }
            if (!tokens.valid(initial.token(), from, initial.source(), now)) {
                drop(from, "retry token: invalid or expired (expected: one issued to this address within "
                        + RetryTokens.LIFETIME_MS + " ms)");
                return;
            }
            InitiatorKey key = new InitiatorKey(from, initial.source());
            UdpConnection c = byInitiator.get(key);
            if (c == null) {
                if (accepted.size() >= BACKLOG) {
                    drop(from, "accept backlog: " + accepted.size() + " (expected: below " + BACKLOG + ")");
                    return;
                }
                long id;
                do {
                    id = random.nextLong();
                } while (id == 0 || byId.containsKey(id));
                c = new UdpConnection(this, from, id, initial.source(), false, options);
                byId.put(id, c);
                byInitiator.put(key, c);
                c.startResponder();
                accepted.add(c);
            }
            c.sendAccept(scratch);
        } catch (IOException e) {
            drop(from, "reply failed: " + e);
        }
    }

    @Override
    void forget(UdpConnection connection) {
        byId.remove(connection.localId, connection);
        byInitiator.values().remove(connection);
        if (!accepting && byId.isEmpty()) {
            closeSocket();
        }
    }

    @Override
    public CarrierConnection accept() throws IOException {
        try {
            Object next = accepted.take();
            if (next == closedMarker) {
                accepted.add(closedMarker);
                throw new IOException("udp listener " + local + " closed");
            }
            return (UdpConnection) next;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("accept on udp listener " + local + " interrupted");
        }
    }

    /** Open while accepting on a live socket; false once closed, or when the socket closed underneath. */
    @Override
    public boolean isOpen() {
        return accepting && channel.isOpen();
    }

    @Override
    void receiveEnded() {
        if (!accepting && byId.isEmpty()) {
            return; // closed as it should be
        }
        accepting = false;
        accepted.add(closedMarker);
        for (UdpConnection c : byId.values()) {
            c.fail("listener socket " + local + " closed", null, false);
        }
    }

    @Override
    public OptionalInt port() {
        return OptionalInt.of(port);
    }

    @Override
    public OptionalInt creation() {
        return OptionalInt.empty();
    }

    @Override
    public String address() {
        return local;
    }

    @Override
    public Optional<InetAddress> bindAddress() {
        return bound.isAnyLocalAddress() ? Optional.empty() : Optional.of(bound);
    }

    @Override
    public void close() {
        accepting = false;
        for (Object o; (o = accepted.poll()) != null; ) {
            if (o instanceof UdpConnection c) {
                c.close();
            }
        }
        accepted.add(closedMarker);
        if (byId.isEmpty()) {
            closeSocket();
        }
    }

    /** Connections currently routed through this listener. */
    int connections() {
        return byId.size();
    }

    @Override
    public String toString() {
        return "UdpListener[" + local + "]";
    }
}
