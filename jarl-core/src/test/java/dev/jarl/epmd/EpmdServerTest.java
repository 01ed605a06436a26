/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jarl.testing.Await;

/** Jarl's server against Jarl's client and against raw, hand-written bytes. */
class EpmdServerTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);

    private EpmdServer server;
    private EpmdClient client;

    @BeforeEach
    void start() throws IOException {
        server = EpmdServer.start(LOOPBACK, 0, REQUEST_TIMEOUT);
        client = new EpmdClient(LOOPBACK, server.port(), Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Sends raw bytes, returns everything the server sent until it closed the connection. */
    private byte[] exchange(byte... request) throws IOException {
        try (Socket s = new Socket(LOOPBACK, server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(request);
            return s.getInputStream().readAllBytes();
        }
    }

    private static byte[] framed(byte[] body) {
        return ByteBuffer.allocate(2 + body.length).putShort((short) body.length).put(body).array();
    }

    @Test
    void registersLooksUpAndListsNewestFirst() throws Exception {
        try (EpmdRegistration a = client.register("alpha", 1111, false);
             EpmdRegistration b = client.register("beta", 2222, false)) {
            assertEquals(Optional.of(NodeAddress.otp("alpha", 1111)), client.portPlease("alpha"));
            assertEquals(Optional.empty(), client.portPlease("gamma"));
            assertEquals(List.of("beta", "alpha"), server.registeredNames());
            NamesResponse names = client.namesResponse();
            assertEquals(server.port(), names.epmdPort());
            assertEquals(List.of(new NameEntry("beta", 2222), new NameEntry("alpha", 1111)), names.names());
            byte[] raw = exchange(framed(new byte[] {110}));
            byte[] text = "name beta at port 2222\nname alpha at port 1111\n".getBytes(StandardCharsets.US_ASCII);
            assertArrayEquals(ByteBuffer.allocate(4 + text.length).putInt(server.port()).put(text).array(), raw);
            assertTrue(a.isOpen() && b.isOpen());
        }
    }

    @Test
    void portAnswerCarriesWhatWasRegistered() throws Exception {
        NodeAddress odd = new NodeAddress("odd", 7, 72, 1, 6, 6, new byte[] {1, 2, 3});
        try (EpmdRegistration r = client.register(odd, true)) {
            assertTrue(r.isOpen());
            assertEquals(Optional.of(odd), client.portPlease("odd"));
            byte[] raw = exchange(framed(new byte[] {122, 'o', 'd', 'd'}));
            assertArrayEquals(new byte[] {119, 0, 0, 7, 72, 1, 0, 6, 0, 6, 0, 3, 'o', 'd', 'd', 0, 3, 1, 2, 3}, raw);
            assertArrayEquals(new byte[] {119, 1}, exchange(framed(new byte[] {122, 'n', 'o', 0})));
        }
    }

    @Test
    void takenNameIsRefused() throws Exception {
        try (EpmdRegistration r = client.register("dup", 1, false)) {
            assertTrue(r.isOpen());
            EpmdException e = assertThrows(EpmdException.class, () -> client.register("dup", 2, false));
            assertTrue(e.getMessage().contains("name 'dup' refused (result 1)"), e.getMessage());
            assertEquals(1, client.portPlease("dup").orElseThrow().port());
            byte[] raw = exchange(framed(new byte[] {120, 0, 2, 77, 0, 0, 6, 0, 5, 0, 3, 'd', 'u', 'p', 0, 0}));
            assertArrayEquals(new byte[] {118, 1, 0, 0, 0, 99}, raw);
        }
    }

    @Test
    void registrationEndsWhenItsConnectionClosesAndCreationChanges() throws Exception {
        int first;
        try (EpmdRegistration r = client.register("again", 1, false)) {
            first = r.creation();
            assertTrue(Integer.toUnsignedLong(first) >= 4);
        }
        assertEquals(List.of(), server.registeredNames(), "close() returns once the server dropped the name");
        assertEquals(List.of("again"), server.rememberedNames());
        try (EpmdRegistration r = client.register("again", 2, false)) {
            assertEquals(first + 1, r.creation());
        }
        // an abrupt close (no half-close, no waiting) ends it too
        Socket raw = new Socket(LOOPBACK, server.port());
        raw.getOutputStream().write(framed(new byte[] {120, 0, 3, 77, 0, 0, 6, 0, 5, 0, 1, 'z', 0, 0}));
        assertEquals(118, raw.getInputStream().read());
        assertEquals(List.of("z"), server.registeredNames());
        raw.close();
        awaitNames(List.of());
    }

    @Test
    void version5NodesGetTheOldAnswerAndSmallCreations() throws Exception {
        NodeAddress v5 = new NodeAddress("five", 9, 77, 0, 5, 5, new byte[0]);
        int first;
        try (EpmdRegistration r = client.register(v5, false)) {
            first = r.creation();
            assertTrue(first >= 1 && first <= 3, "creation " + first);
        }
        try (EpmdRegistration r = client.register(v5, false)) {
            assertNotEquals(first, r.creation());
            assertTrue(r.creation() >= 1 && r.creation() <= 3);
        }
        try (Socket s = new Socket(LOOPBACK, server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(framed(new byte[] {120, 0, 2, 77, 0, 0, 5, 0, 5, 0, 1, 'q', 0, 0}));
            byte[] raw = s.getInputStream().readNBytes(4);
            assertEquals(121, raw[0]);
            assertEquals(0, raw[1]);
            assertEquals(List.of("q"), server.registeredNames());
        }
    }

    @Test
    void bytesAfterARegistrationEndIt() throws Exception {
        try (Socket raw = new Socket(LOOPBACK, server.port())) {
            raw.setSoTimeout(5000);
            raw.getOutputStream().write(framed(new byte[] {120, 0, 3, 77, 0, 0, 6, 0, 5, 0, 1, 'e', 0, 0}));
            InputStream in = raw.getInputStream();
            assertEquals(6, in.readNBytes(6).length);
            raw.getOutputStream().write(0);
            assertEquals(-1, in.read(), "the server closes the registration");
        }
        awaitNames(List.of());
    }

    @Test
    void namesThatAreNotUtf8OrTooLongAreRefused() throws Exception {
        assertArrayEquals(new byte[] {118, 1, 0, 0, 0, 99},
                exchange(framed(new byte[] {120, 0, 2, 77, 0, 0, 6, 0, 5, 0, 2, (byte) 0xC3, (byte) 0x28, 0, 0})));
        byte[] longName = "n".repeat(256).getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(11 + longName.length + 2);
        b.put((byte) 120).putShort((short) 2).put((byte) 77).put((byte) 0).putShort((short) 5).putShort((short) 5)
                .putShort((short) longName.length).put(longName).putShort((short) 0);
        assertArrayEquals(new byte[] {121, 1, 0, 99}, exchange(framed(b.array())));
        assertEquals(List.of(), server.registeredNames());
    }

    /** Each bad client is closed; meanwhile and afterwards the server answers others. */
    @Test
    void badClientsAreClosedAndOthersServed() throws Exception {
        try (EpmdRegistration keep = client.register("steady", 5, false)) {
            assertTrue(keep.isOpen());
            List<byte[]> bad = List.of(
                    new byte[] {0, 0},                                   // length 0
                    new byte[] {(byte) 0xFF, (byte) 0xFF, 1, 2, 3},      // oversized length
                    new byte[] {0x0B, (byte) 0xF3},                      // 3059: one over epmd's limit
                    framed(new byte[] {42}),                             // unknown tag
                    framed(new byte[] {120, 0, 1, 77, 0, 0, 6, 0, 5, 0x7F, 0x7F, 'x', 0, 0}), // name longer than the packet
                    framed(new byte[] {120, 0, 1, 77, 0, 0, 6, 0, 5, 0, 1, 'x', 0x7F, 0x7F}), // extra longer than the packet
                    framed(new byte[] {120, 0, 1, 77, 0, 0, 6, 0, 5}),   // ALIVE2_REQ too short
                    framed(new byte[] {120, 0, 1, 77, 0, 0, 6, 0, 5, 0, 2, 'a', 0, 0, 0}), // NUL in the name
                    framed(new byte[] {122}),                            // PORT_PLEASE2 without a name
                    framed(new byte[] {122, 'a', 0, 'b'}),               // NUL inside the name
                    framed(new byte[] {115, 's', 't', 'e', 'a', 'd', 'y'})); // STOP_REQ: refused
            for (byte[] request : bad) {
                long t0 = System.nanoTime();
                byte[] answer = exchange(request);
                assertEquals(0, answer.length, "no answer to " + java.util.HexFormat.of().formatHex(request));
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3));
                assertEquals(5, client.portPlease("steady").orElseThrow().port());
            }
            assertEquals(List.of("steady"), server.registeredNames(), "STOP_REQ did not unregister");
        }
    }

    @Test
    void silentAndHalfSendingClientsAreClosedAfterTheTimeout() throws Exception {
        List<byte[]> partial = List.of(new byte[0], new byte[] {0}, new byte[] {0, 5, 122, 'a'});
        List<Socket> sockets = new java.util.ArrayList<>();
        try {
            for (byte[] p : partial) {
                Socket s = new Socket(LOOPBACK, server.port());
                s.setSoTimeout(5000);
                s.getOutputStream().write(p);
                sockets.add(s);
            }
            // while they hang, others are served
            assertEquals(List.of(), client.names());
            long t0 = System.nanoTime();
            for (Socket s : sockets) {
                assertEquals(-1, s.getInputStream().read(), "closed by the server");
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 3000, "closed after " + ms + " ms");
            assertEquals(List.of(), client.names());
        } finally {
            for (Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void killIsRefusedWhileNodesAreRegisteredElseStopsTheServer() throws Exception {
        try (EpmdRegistration r = client.register("live", 1, false)) {
            assertTrue(r.isOpen());
            assertArrayEquals("NO".getBytes(StandardCharsets.US_ASCII), exchange(framed(new byte[] {107})));
            assertFalse(server.isClosed());
        }
        assertArrayEquals("OK".getBytes(StandardCharsets.US_ASCII), exchange(framed(new byte[] {107})));
        assertTrue(server.awaitClosed(Duration.ofSeconds(5)));
        assertThrows(EpmdException.class, client::names);
    }

    @Test
    void dumpListsActiveAndOldNames() throws Exception {
        client.register("gone", 4, false).close();
        try (EpmdRegistration r = client.register("here", 3, false)) {
            assertTrue(r.isOpen());
            byte[] raw = exchange(framed(new byte[] {100}));
            assertEquals(server.port(), ByteBuffer.wrap(raw).getInt());
            String text = new String(raw, 4, raw.length - 4, StandardCharsets.US_ASCII);
            assertTrue(text.matches("active name     <here> at port 3, fd = \\d+\n\0old/unused name <gone>, port = 4, fd = \\d+ \n\0"),
                    text);
        }
    }

    @Test
    void closingTheServerEndsRegistrationsWithoutHanging() throws Exception {
        EpmdRegistration r = client.register("orphan", 1, false);
        CountDownLatch lost = new CountDownLatch(1);
        r.onLost(lost::countDown);
        server.close();
        assertTrue(lost.await(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        r.close();
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1));
        // refused as a rule; under load the freed port may already answer with a reset
        EpmdException e = assertThrows(EpmdException.class, client::names);
        assertTrue(e.getMessage().startsWith("epmd at " + client.endpoint() + ": "), e.getMessage());
    }

    @Test
    void unicodeNamesTravelAsUtf8() throws Exception {
        String name = "j\u00f6r\u00f0_\u6771";
        try (EpmdRegistration r = client.register(name, 6000, false)) {
            assertTrue(r.isOpen());
            assertEquals(6000, client.portPlease(name).orElseThrow().port());
            assertEquals(List.of(new NameEntry(name, 6000)), client.names());
            byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
            byte[] raw = exchange(framed(ByteBuffer.allocate(1 + utf8.length).put((byte) 122).put(utf8).array()));
            assertEquals(119, raw[0]);
            assertEquals(0, raw[1]);
        }
    }

    @Test
    void servesIpv6Loopback() throws Exception {
        InetAddress v6 = InetAddress.getByName("::1");
        EpmdServer six;
        try {
            six = EpmdServer.start(v6, 0, REQUEST_TIMEOUT);
        } catch (IOException noIpv6) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + noIpv6.getMessage());
            return;
        }
        try (six) {
            EpmdClient c6 = new EpmdClient(v6, six.port(), Duration.ofSeconds(5));
            assertEquals("[0:0:0:0:0:0:0:1]:" + six.port(), c6.endpoint());
            assertEquals("[0:0:0:0:0:0:0:1]:" + six.port(), six.endpoint());
            try (EpmdRegistration r = c6.register("six", 66, false)) {
                assertTrue(r.isOpen());
                assertEquals(66, c6.portPlease("six").orElseThrow().port());
            }
        }
    }

    @Test
    void creationCounterWrapsAboveThree() {
        assertEquals(4, EpmdServer.bump(0xFFFF_FFFFL));
        assertEquals(4, EpmdServer.bump(0));
        assertEquals(11, EpmdServer.bump(10));
    }

    @Test
    void startIfAbsentStartsOnceAndDefersToAnExistingEpmd() throws Exception {
        Optional<EpmdServer> none = EpmdServer.startIfAbsent(LOOPBACK, server.port());
        assertEquals(Optional.empty(), none, "our server already answers");
        int port = dev.jarl.testing.Otp.freePort();
        int racers = 4;
        List<Optional<EpmdServer>> results = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < racers; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    results.add(EpmdServer.startIfAbsent(LOOPBACK, port));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(10_000);
        }
        List<EpmdServer> started = results.stream().flatMap(Optional::stream).toList();
        try {
            assertEquals(racers, results.size());
            assertEquals(1, started.size(), "exactly one racer starts a server");
            assertEquals(List.of(), new EpmdClient(LOOPBACK, port, Duration.ofSeconds(2)).names());
        } finally {
            started.forEach(EpmdServer::close);
        }
    }

    @Test
    void startIfAbsentRefusesAPortHeldBySomethingElse() throws Exception {
        try (ServerSocket other = new ServerSocket(0, 5, LOOPBACK);
             FakeEpmd http = FakeEpmd.replying("HTTP/1.0 400 Bad\r\n\r\n".getBytes(StandardCharsets.US_ASCII))) {
            EpmdException e = assertThrows(EpmdException.class, () -> EpmdServer.startIfAbsent(LOOPBACK, http.port()));
            assertTrue(e.getMessage().contains("not as EPMD"), e.getMessage());
            assertTrue(other.isBound());
        }
    }

    private void awaitNames(List<String> expected) throws InterruptedException {
        Await.within(Duration.ofSeconds(5), () -> server.registeredNames().equals(expected));
        assertEquals(expected, server.registeredNames());
    }
    /** A listening socket whose first accepts fail as a full heap and a full file table would. */
    private static final class FailingServerSocket extends java.net.ServerSocket {
        final java.util.concurrent.ConcurrentLinkedQueue<Throwable> faults = new java.util.concurrent.ConcurrentLinkedQueue<>();

        FailingServerSocket() throws IOException {
        }

        @Override
        public Socket accept() throws IOException {
            dev.jarl.testing.Faults.throwNext(faults);
            return super.accept();
        }
    }

    /** Review finding 8: an OutOfMemoryError or a full file table in accept does not end the server. */
    @Test
    void acceptLoopOutlivesFailedAccepts() throws Exception {
        FailingServerSocket socket = new FailingServerSocket();
        socket.faults.add(new OutOfMemoryError("injected into accept"));
        socket.faults.add(new IOException("Too many open files"));
        socket.faults.add(new StackOverflowError("injected into accept"));
        try (EpmdServer failing = EpmdServer.start(socket, LOOPBACK, 0, REQUEST_TIMEOUT)) {
            EpmdClient c = new EpmdClient(LOOPBACK, failing.port(), Duration.ofSeconds(5));
            try (EpmdRegistration r = c.register("survivor", 4242, false)) {
                assertEquals(Optional.of(NodeAddress.otp("survivor", 4242)), c.portPlease("survivor"));
                assertTrue(r.isOpen());
            }
            assertTrue(socket.faults.isEmpty());
            assertFalse(failing.isClosed());
        }
    }
}
