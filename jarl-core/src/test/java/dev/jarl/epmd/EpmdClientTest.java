/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jarl.testing.Await;
import dev.jarl.testing.Otp;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The client against scripted servers: exact request bytes, every kind of bad answer. */
class EpmdClientTest {

    private static final Duration SHORT = Duration.ofMillis(400);

    @Test
    void registerSendsWhatOtp25Sends() throws Exception {
        try (FakeEpmd fake = FakeEpmd.silentAfter((byte) 118, (byte) 0, (byte) 0x12, (byte) 0x34, (byte) 0x56, (byte) 0x78);
             EpmdRegistration r = fake.client(SHORT).register("abc", 0x1234, false)) {
            byte[] expected = {120, 0x12, 0x34, 77, 0, 0, 6, 0, 5, 0, 3, 'a', 'b', 'c', 0, 0};
            assertArrayEquals(expected, fake.requests.take());
            assertEquals(0x12345678, r.creation());
            assertEquals("abc", r.alive());
            assertTrue(r.isOpen());
        }
    }

    @Test
    void hiddenRegistersAsOtpDoes() throws Exception {
        try (FakeEpmd fake = FakeEpmd.silentAfter((byte) 118, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 9);
             EpmdRegistration r = fake.client(SHORT).register("h", 1, true)) {
            assertEquals(77, fake.requests.take()[3]);
            assertTrue(r.hidden());
        }
    }

    @Test
    void acceptsTheOld16BitAnswer() throws Exception {
        try (FakeEpmd fake = FakeEpmd.silentAfter((byte) 121, (byte) 0, (byte) 0, (byte) 3);
             EpmdRegistration r = fake.client(SHORT).register("old", 1, false)) {
            assertEquals(3, r.creation());
        }
    }

    @Test
    void refusedNameIsAnError() throws Exception {
        try (FakeEpmd fake = FakeEpmd.replying((byte) 118, (byte) 1, (byte) 0, (byte) 0, (byte) 0, (byte) 99)) {
            EpmdException e = assertThrows(EpmdException.class, () -> fake.client(SHORT).register("taken", 1, false));
            assertTrue(e.getMessage().startsWith("epmd at 127.0.0.1:" + fake.port() + ": name 'taken' refused"), e.getMessage());
        }
    }

    @Test
    void registrationLostWhenEpmdCloses() throws Exception {
        FakeEpmd fake = FakeEpmd.silentAfter((byte) 118, (byte) 0, (byte) 0, (byte) 0, (byte) 0, (byte) 5);
        try (EpmdRegistration r = fake.client(SHORT).register("lose", 1, false)) {
            java.util.concurrent.CountDownLatch fired = new java.util.concurrent.CountDownLatch(1);
            r.onLost(fired::countDown);
            fake.close();
            assertTrue(fired.await(5, java.util.concurrent.TimeUnit.SECONDS));
            assertFalse(r.isOpen());
            assertTrue(r.isLost());
            java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();
            r.onLost(() -> late.set(true));
            assertTrue(late.get(), "an action added after the loss runs at once");
        }
    }

    @Test
    void portPleaseDecodesTheAnswer() throws Exception {
        byte[] reply = {119, 0, 0x30, 0x39, 77, 0, 0, 6, 0, 5, 0, 2, 'n', '1', 0, 2, 7, 8};
        try (FakeEpmd fake = FakeEpmd.replying(reply)) {
            Optional<NodeAddress> a = fake.client(SHORT).portPlease("n1");
            assertEquals(Optional.of(new NodeAddress("n1", 12345, 77, 0, 6, 5, new byte[] {7, 8})), a);
            assertArrayEquals(new byte[] {122, 'n', '1'}, fake.requests.take());
        }
    }

    @Test
    void portPleaseNotFound() throws Exception {
        try (FakeEpmd fake = FakeEpmd.replying((byte) 119, (byte) 1)) {
            assertEquals(Optional.empty(), fake.client(SHORT).portPlease("none"));
        }
    }

    @Test
    void namesParsesLikeErlEpmd() throws Exception {
        byte[] text = "name a at port 1\nname b at port 65535\ngarbage\nname c at port x\nname d at port 9".getBytes();
        byte[] reply = new byte[4 + text.length];
        reply[2] = 0x11;
        reply[3] = 0x11;
        System.arraycopy(text, 0, reply, 4, text.length);
        try (FakeEpmd fake = FakeEpmd.replying(reply)) {
            NamesResponse r = fake.client(SHORT).namesResponse();
            assertEquals(0x1111, r.epmdPort());
            assertEquals(List.of(new NameEntry("a", 1), new NameEntry("b", 65535)), r.names());
            assertArrayEquals(new byte[] {110}, fake.requests.take());
        }
    }

    @Test
    void refusedConnectionNamesHostAndPort() {
        int port = Otp.freePort();
        EpmdClient c = new EpmdClient(InetAddress.getLoopbackAddress(), port, SHORT);
        EpmdException e = assertThrows(EpmdException.class, c::names);
        assertEquals("epmd at 127.0.0.1:" + port + ": connection refused", e.getMessage());
    }

    @Test
    void unknownHost() {
        EpmdClient c = new EpmdClient("no-such-host.invalid", 4369);
        EpmdException e = assertThrows(EpmdException.class, () -> c.portPlease("x"));
        assertEquals("epmd at no-such-host.invalid:4369: unknown host", e.getMessage());
    }

    @Test
    void silentServerTimesOut() throws Exception {
        try (FakeEpmd fake = FakeEpmd.silentAfter()) {
            for (ThrowingCall call : List.<ThrowingCall>of(c -> c.names(), c -> c.portPlease("x"), c -> c.register("x", 1, false))) {
                long t0 = System.nanoTime();
                EpmdException e = assertThrows(EpmdException.class, () -> call.run(fake.client(SHORT)));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals("epmd at 127.0.0.1:" + fake.port() + ": no reply within 400 ms", e.getMessage());
                assertTrue(ms >= 350 && ms < 3000, "took " + ms + " ms");
            }
        }
    }

    @Test
    void interruptCancelsACall() throws Exception {
        try (FakeEpmd fake = FakeEpmd.silentAfter()) {
            java.util.concurrent.atomic.AtomicReference<Throwable> thrown = new java.util.concurrent.atomic.AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean stillInterrupted = new java.util.concurrent.atomic.AtomicBoolean();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    fake.client(Duration.ofSeconds(30)).names();
                } catch (IOException e) {
                    thrown.set(e);
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                }
            });
            Await.blocked(t, Duration.ofSeconds(5));
            long t0 = System.nanoTime();
            t.interrupt();
            t.join(5000);
            assertFalse(t.isAlive());
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
            assertTrue(thrown.get() instanceof java.io.InterruptedIOException, String.valueOf(thrown.get()));
            assertEquals("epmd at 127.0.0.1:" + fake.port() + ": interrupted", thrown.get().getMessage());
            assertTrue(stillInterrupted.get(), "the interrupt status stays set");
        }
    }

    @Test
    void halfAnswerThenSilenceTimesOut() throws Exception {
        try (FakeEpmd fake = FakeEpmd.silentAfter((byte) 119, (byte) 0, (byte) 1)) {
            EpmdException e = assertThrows(EpmdException.class, () -> fake.client(SHORT).portPlease("x"));
            assertTrue(e.getMessage().endsWith("no reply within 400 ms"), e.getMessage());
        }
    }

    @Test
    void garbageAnswers() throws Exception {
        try (FakeEpmd fake = FakeEpmd.replying((byte) 'H', (byte) 'T', (byte) 'T', (byte) 'P')) {
            EpmdException e = assertThrows(EpmdException.class, () -> fake.client(SHORT).portPlease("x"));
            assertEquals("epmd at 127.0.0.1:" + fake.port() + ": malformed PORT2_RESP: tag: 72 (expected: 119) at offset 0",
                    e.getMessage());
            e = assertThrows(EpmdException.class, () -> fake.client(SHORT).register("x", 1, false));
            assertEquals("epmd at 127.0.0.1:" + fake.port() + ": malformed ALIVE2_X_RESP: tag: 72 (expected: 118 or 121) at offset 0",
                    e.getMessage());
        }
    }

    @Test
    void oversizedNameInAnswerIsRefusedBeforeReading() throws Exception {
        try (FakeEpmd fake = FakeEpmd.replying((byte) 119, (byte) 0, (byte) 0, (byte) 1, (byte) 77, (byte) 0,
                (byte) 0, (byte) 6, (byte) 0, (byte) 5, (byte) 0xFF, (byte) 0xFF)) {
            EpmdException e = assertThrows(EpmdException.class, () -> fake.client(SHORT).portPlease("x"));
            assertTrue(e.getMessage().endsWith("malformed PORT2_RESP: name length: 65535 (expected: at most 1020) at offset 10"),
                    e.getMessage());
        }
    }

    @Test
    void truncatedAnswer() throws Exception {
        try (FakeEpmd fake = FakeEpmd.replying((byte) 118, (byte) 0, (byte) 1)) {
            EpmdException e = assertThrows(EpmdException.class, () -> fake.client(SHORT).register("x", 1, false));
            assertTrue(e.getMessage().endsWith("connection closed in the middle of ALIVE2_X_RESP (got 2 of 5 bytes)"),
                    e.getMessage());
        }
    }

    @Test
    void badArgumentsAreRejectedBeforeAnyIo() {
        EpmdClient c = new EpmdClient(InetAddress.getLoopbackAddress(), 1, SHORT);
        assertThrows(IllegalArgumentException.class, () -> c.register("", 1, false));
        assertThrows(IllegalArgumentException.class, () -> c.register("a@b", 1, false));
        assertThrows(IllegalArgumentException.class, () -> c.register("x".repeat(256), 1, false));
        assertThrows(IllegalArgumentException.class, () -> c.register("x", 70000, false));
        assertThrows(IllegalArgumentException.class, () -> new EpmdClient("h", 0));
    }

    @Test
    void portFromEnvironmentValue() {
        assertEquals(4369, Epmd.portFrom(null));
        assertEquals(4369, Epmd.portFrom(""));
        assertEquals(1234, Epmd.portFrom("1234"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Epmd.portFrom("epmd"));
        assertEquals("ERL_EPMD_PORT: 'epmd' (expected: a port number 1-65535)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Epmd.portFrom("70000"));
    }

    @Test
    void resolvesShortLongAndIpHosts() throws Exception {
        assertEquals(InetAddress.getByName("127.0.0.1"), Epmd.resolveHost(dev.jarl.term.NodeName.parse("a@127.0.0.1")));
        assertEquals(InetAddress.getByName("::1"), Epmd.resolveHost(dev.jarl.term.NodeName.parse("a@::1")));
        assertEquals(InetAddress.getByName("localhost"), Epmd.resolveHost(dev.jarl.term.NodeName.parse("a@localhost")));
        String shortHost = Otp.shortHost();
        assertEquals(InetAddress.getByName(shortHost), Epmd.resolveHost(dev.jarl.term.NodeName.parse("a@" + shortHost)));
    }

    @FunctionalInterface
    interface ThrowingCall {
        Object run(EpmdClient c) throws IOException;
    }
}
