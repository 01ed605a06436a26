/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import dev.jarl.carrier.tls.TlsTestCerts;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.handshake.Handshake;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.handshake.Secret;
import dev.jarl.handshake.TestCookies;
import dev.jarl.term.NodeName;
import dev.jarl.testing.Await;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * The carrier contract: what the seed demands of every carrier, run against each one.
 *
 * <p>Two carrier connections are set up through the carrier's listener and its
 * {@link Carrier#connect}, the real {@link Handshake} runs over them, and each side is handed
 * a {@link QueueChannel}. The tests then check that every packet one channel's
 * {@code getData} hands out reaches the other's {@code putData} unchanged, in order, exactly
 * once (with concurrent senders, ticks in between, and 16 MB packets); that ticks arrive as
 * empty packets and are counted; that a close from either side, the node shutting its
 * channel, and a broken transport each take the connection down and are reported once on
 * each side; and that closing the listener stops accepting but leaves connections up.
 *
 * <p><b>Adding a carrier is one line in {@link #carriers()}</b>. A carrier that finds peers
 * through an {@link AddressResolver} and publishes {@link Listener#port()} needs no fixture
 * of its own, for example UDP:
 * <pre>{@code
 * CarrierFixture.resolved("udp", r -> Carriers.udp(UdpOptions.of(r).withBindAddress(CarrierFixture.LOOPBACK))),
 * }</pre>
 * ({@link CarrierFixture#resolvedOverTcp} instead for a carrier over TCP, whose connections a
 * TCP relay can cut). Others implement {@link CarrierFixture}; to take part in the
 * transport-failure test a fixture implements {@link CarrierFixture#cuttableDialer} and
 * {@link CarrierFixture#cut()}.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("carriers")
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class CarrierContractTest {

    /** Every carrier under the contract: one line each. */
    static Stream<CarrierFixture> carriers() throws IOException {
        return Stream.of(
                CarrierFixture.resolvedOverTcp("tcp", r -> Carriers.tcp(TcpOptions.of(r).withBindAddress(CarrierFixture.LOOPBACK))),
                CarrierFixture.uds(),
                CarrierFixture.mem(),
                CarrierFixture.resolvedOverTcp("tls", r -> Carriers.tls(TlsTestCerts.shared().options(r))),
                CarrierFixture.resolved("udp", r -> Carriers.udp(UdpOptions.of(r).withBindAddress(CarrierFixture.LOOPBACK))));
    }

    static final NodeName SERVER = NodeName.parse("server@localhost");
    static final NodeName CLIENT = NodeName.parse("client@localhost");
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    static final Executor VIRTUAL = r -> Thread.ofVirtual().start(r);

    @Parameter
    CarrierFixture fixture;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    Listener listen() throws IOException {
        Listener listener = fixture.carrier(SERVER).listen(SERVER);
        toClose.add(listener);
        return listener;
    }

    /** Connects {@code dialer} to {@code listener}, runs both sides of the handshake and hands both connections a channel. */
    CarrierPair connect(Carrier dialer, Listener listener) throws Exception {
        HandshakeConfig serverConfig = HandshakeConfig.of(SERVER, TestCookies.of("contract"), listener.creation().orElse(7))
                .withSetupTime(TIMEOUT);
        HandshakeConfig clientConfig = HandshakeConfig.of(CLIENT, TestCookies.of("contract"), 9).withSetupTime(TIMEOUT);
        CarrierPair p = CarrierPair.connect(dialer, clientConfig, listener, serverConfig);
        toClose.add(p);
        return p;
    }

    CarrierPair connect() throws Exception {
        Listener listener = listen();
        return connect(fixture.dialer(CLIENT, listener), listener);
    }

    @Test
    void handshakeRunsOverTheCarrier() throws Exception {
        Listener listener = listen();
        CarrierPair p = connect(fixture.dialer(CLIENT, listener), listener);
        assertEquals(SERVER, p.clientResult().peer());
        assertEquals(CLIENT, p.serverResult().peer());
        assertEquals(listener.creation().orElse(7), p.clientResult().peerCreation());
        assertEquals(9, p.serverResult().peerCreation());
        assertTrue(!p.client().peerAddress().isEmpty() && !p.server().peerAddress().isEmpty());
    }

    @Test
    void packetsArriveUnchangedInOrderBothWays() throws Exception {
        CarrierPair p = connect();
        Random random = new Random(1);
        int count = 5000;
        List<byte[]> toServer = packets(random, count, 3000);
        List<byte[]> toClient = packets(random, count, 3000);
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> toServer.forEach(p.clientChannel()::send), VIRTUAL);
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> toClient.forEach(p.serverChannel()::send), VIRTUAL);
        a.get();
        b.get();
        for (int i = 0; i < count; i++) {
            assertArrayEquals(toServer.get(i), p.serverChannel().nextData(TIMEOUT.toMillis()), "packet " + i + " to server");
            assertArrayEquals(toClient.get(i), p.clientChannel().nextData(TIMEOUT.toMillis()), "packet " + i + " to client");
        }
        Await.until(TIMEOUT, () -> p.client().stats().packetsSent() >= count
                && p.server().stats().packetsReceived() >= count, () -> "every packet counted on both ends");
        assertEquals(0, p.serverChannel().closedReasons.size() + p.clientChannel().closedReasons.size());
    }

    @Test
    void concurrentSendersLoseNothingAndKeepEachSendersOrder() throws Exception {
        CarrierPair p = connect();
        int senders = 8;
        int each = 1500;
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            running.add(CompletableFuture.runAsync(() -> {
                for (int seq = 0; seq < each; seq++) {
                    p.clientChannel().send(tagged(sender, seq));
                    if (seq % 100 == 0) {
                        p.client().tick();
                    }
                }
            }, VIRTUAL));
        }
        int[] expected = new int[senders];
        for (int i = 0; i < senders * each; i++) {
            byte[] packet = p.serverChannel().nextData(TIMEOUT.toMillis());
            int sender = packet[0];
            int seq = ByteBuffer.wrap(packet).getInt(1);
            assertEquals(expected[sender], seq, "sender " + sender);
            assertArrayEquals(tagged(sender, seq), packet, "sender " + sender + " packet " + seq);
            expected[sender]++;
        }
        for (CompletableFuture<Void> r : running) {
            r.get();
        }
        assertTrue(p.serverChannel().received.stream().allMatch(b -> !b.hasRemaining()), "more data than was sent");
    }

    @Test
    void sixteenMegabytePacketsBothWays() throws Exception {
        CarrierPair p = connect();
        byte[] big = new byte[16 << 20];
        new Random(16).nextBytes(big);
        p.clientChannel().send(big);
        p.clientChannel().send(new byte[] {1});
        p.serverChannel().send(big);
        p.serverChannel().send(new byte[] {2});
        assertArrayEquals(big, p.serverChannel().nextData(TIMEOUT.toMillis()));
        assertArrayEquals(new byte[] {1}, p.serverChannel().nextData(TIMEOUT.toMillis()));
        assertArrayEquals(big, p.clientChannel().nextData(TIMEOUT.toMillis()));
        assertArrayEquals(new byte[] {2}, p.clientChannel().nextData(TIMEOUT.toMillis()));
    }

    @Test
    void ticksArriveAsEmptyPacketsAndAreCounted() throws Exception {
        CarrierPair p = connect();
        long sentBefore = p.client().stats().packetsSent();
        for (int i = 1; i <= 3; i++) {
            p.client().tick();
            assertEquals(0, p.serverChannel().next(TIMEOUT.toMillis()).length, "tick " + i + " arrived as data");
        }
        assertEquals(3, p.serverChannel().ticks.get());
        Await.until(TIMEOUT, () -> p.client().stats().packetsSent() >= sentBefore + 3, () -> "three ticks counted as sent");
        assertTrue(p.server().stats().packetsReceived() >= 3, p.server().stats().toString());
        assertEquals(0, p.clientChannel().ticks.get());
    }

    @Test
    void closeFromTheDialerIsReportedOnceOnEachSide() throws Exception {
        CarrierPair p = connect();
        p.client().close();
        assertClosedOnce(p);
    }

    @Test
    void closeFromTheAcceptorIsReportedOnceOnEachSide() throws Exception {
        CarrierPair p = connect();
        p.server().close();
        assertClosedOnce(p);
    }

    @Test
    void channelShutByTheNodeClosesTheConnection() throws Exception {
        CarrierPair p = connect();
        p.clientChannel().shut();
        assertClosedOnce(p);
    }

    @Test
    void transportFailureTakesTheConnectionDownOnce() throws Exception {
        Listener listener = listen();
        Carrier dialer = fixture.cuttableDialer(CLIENT, listener).orElse(null);
        Assumptions.assumeTrue(dialer != null, fixture.name() + ": this fixture cannot break a transport");
        CarrierPair p = connect(dialer, listener);
        p.clientChannel().send(new byte[] {42});
        assertArrayEquals(new byte[] {42}, p.serverChannel().nextData(TIMEOUT.toMillis()));
        fixture.cut();
        assertClosedOnce(p);
    }

    @Test
    void closedListenerStopsAcceptingAndLeavesConnectionsUp() throws Exception {
        Listener listener = listen();
        CarrierPair p = connect(fixture.dialer(CLIENT, listener), listener);
        CompletableFuture<Thread> acceptor = new CompletableFuture<>();
        CompletableFuture<CarrierConnection> blocked = CompletableFuture.supplyAsync(() -> {
            acceptor.complete(Thread.currentThread());
            return call(listener::accept);
        }, VIRTUAL);
        Thread waiting = acceptor.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        Await.until(TIMEOUT, () -> waiting.getState() == Thread.State.WAITING
                || waiting.getState() == Thread.State.TIMED_WAITING, () -> "accept blocked");
        listener.close();
        CompletionException e = assertThrows(CompletionException.class, () -> {
            try {
                blocked.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException x) {
                throw new CompletionException(x.getCause());
            }
        });
        assertTrue(e.getCause() instanceof IOException, e.toString());
        assertThrows(IOException.class, () -> fixture.dialer(CLIENT, listener).connect(SERVER, Duration.ofSeconds(2)));
        p.clientChannel().send(new byte[] {7});
        p.serverChannel().send(new byte[] {8});
        assertArrayEquals(new byte[] {7}, p.serverChannel().nextData(TIMEOUT.toMillis()));
        assertArrayEquals(new byte[] {8}, p.clientChannel().nextData(TIMEOUT.toMillis()));
    }

    @Test
    void handshakeReceiveTimesOut() throws Exception {
        Listener listener = listen();
        CompletableFuture<Throwable> serverSide = CompletableFuture.supplyAsync(() -> call(() -> {
            try (CarrierConnection c = listener.accept()) {
                return assertThrows(IOException.class, () -> c.receiveHandshake(Duration.ofMillis(300)));
            }
        }), VIRTUAL);
        try (CarrierConnection client = fixture.dialer(CLIENT, listener).connect(SERVER, TIMEOUT)) {
            Throwable t = serverSide.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertTrue(t instanceof SocketTimeoutException, t.toString());
            assertTrue(client.peerAddress() != null);
        }
    }

    // ---- helpers ----

    /** Both channels report the close exactly once, and nothing more comes after further closes and ticks. */
    static void assertClosedOnce(CarrierPair p) throws InterruptedException {
        assertTrue(p.clientChannel().awaitClosed(TIMEOUT.toMillis()), "client side: closed not reported");
        assertTrue(p.serverChannel().awaitClosed(TIMEOUT.toMillis()), "server side: closed not reported");
        p.client().close();
        p.server().close();
        p.client().tick();
        p.server().tick();
        QueueChannel.watchForLateReports();
        assertEquals(1, p.clientChannel().closedReasons.size(), p.clientChannel().closedReasons.toString());
        assertEquals(1, p.serverChannel().closedReasons.size(), p.serverChannel().closedReasons.toString());
    }

    static List<byte[]> packets(Random random, int count, int maxSize) {
        List<byte[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] p = new byte[1 + random.nextInt(maxSize)];
            random.nextBytes(p);
            out.add(p);
        }
        return out;
    }

    /** A packet that names its sender and sequence number, with a body derived from both. */
    static byte[] tagged(int sender, int seq) {
        byte[] p = new byte[5 + (seq * 31 + sender * 7) % 700];
        ByteBuffer b = ByteBuffer.wrap(p).put((byte) sender).putInt(seq);
        while (b.hasRemaining()) {
            b.put((byte) (b.position() * sender + seq));
        }
        return p;
    }

    interface Call<T> {
        T run() throws Exception;
    }

    static <T> T call(Call<T> c) {
        try {
            return c.run();
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }
}
