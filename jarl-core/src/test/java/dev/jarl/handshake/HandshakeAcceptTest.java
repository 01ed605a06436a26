/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import static dev.jarl.carrier.HandshakeException.Reason.ALIVE;
import static dev.jarl.carrier.HandshakeException.Reason.BAD_DIGEST;
import static dev.jarl.carrier.HandshakeException.Reason.BAD_NAME;
import static dev.jarl.carrier.HandshakeException.Reason.CLOSED;
import static dev.jarl.carrier.HandshakeException.Reason.MISSING_FLAGS;
import static dev.jarl.carrier.HandshakeException.Reason.NOK;
import static dev.jarl.carrier.HandshakeException.Reason.NOT_ALLOWED;
import static dev.jarl.carrier.HandshakeException.Reason.PROTOCOL;
import static dev.jarl.carrier.HandshakeException.Reason.SHUTDOWN;
import static dev.jarl.carrier.HandshakeException.Reason.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.HandshakeException;
import dev.jarl.carrier.HandshakeException.Reason;
import dev.jarl.carrier.Listener;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.term.NodeName;
import dev.jarl.testing.Pace;

/** {@link Handshake#accept} over the TCP carrier against hand-written initiator frames. */
class HandshakeAcceptTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final NodeName JARL = NodeName.parse("jarl@host");
    static final String PEER = "erl@host";
    static final Secret COOKIE = TestCookies.of("the-cookie");
    static final long OTP25_FLAGS = 0xd07df7fbdL;

    Listener listener;
    HandshakeConfig config = HandshakeConfig.of(JARL, COOKIE, 4242).withSetupTime(Duration.ofSeconds(3));

    @BeforeEach
    void listen() throws IOException {
        listener = Carriers.tcp(TcpOptions.of(AddressResolver.fixed(null)).withBindAddress(LOOPBACK)).listen(JARL);
    }

    @AfterEach
    void stop() throws IOException {
        listener.close();
    }

    /** Starts {@link Handshake#accept} for the next connection; the connection closes on failure. */
    CompletableFuture<HandshakeResult> accepting(HandshakeConfig cfg, Arbiter arbiter) {
        return CompletableFuture.supplyAsync(() -> {
            CarrierConnection conn = null;
            try {
                conn = listener.accept();
                return Handshake.accept(conn, cfg, arbiter);
            } catch (IOException | RuntimeException e) {
                if (conn != null) {
                    conn.close();
                }
                throw new java.util.concurrent.CompletionException(e);
            }
        }, HandshakeLoopbackTest.VIRTUAL);
    }

    RawPeer dial() throws IOException {
        return new RawPeer(new Socket(LOOPBACK, listener.port().orElseThrow()));
    }

    /** The handshake's failure; fails the test on success or on any other exception type. */
    static HandshakeException failure(CompletableFuture<HandshakeResult> f) throws Exception {
        try {
            HandshakeResult r = f.get(10, TimeUnit.SECONDS);
            throw new AssertionError("handshake succeeded: " + r);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HandshakeException h) {
                return h;
            }
            throw new AssertionError("expected HandshakeException, got " + e.getCause(), e.getCause());
        }
    }

    static void assertReason(Reason expected, HandshakeException e) {
        assertEquals(expected, e.reason(), e.getMessage());
    }

    /** Plays a well-behaved initiator after the status; returns the acceptor's challenge. */
    static RawPeer.Challenge finish(RawPeer raw, Secret cookie, int ours) throws IOException {
        RawPeer.Challenge c = RawPeer.Challenge.parse(raw.read());
        raw.frame(RawPeer.reply(ours, cookie.digest(c.challenge())));
        return c;
    }

    @Test
    void okHandshakeWithAnOtp25Initiator() throws Exception {
        TestArbiter arbiter = new TestArbiter(Arbiter.Status.OK);
        var result = accepting(config, arbiter);
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.sendName(OTP25_FLAGS, 0x1234, PEER));
            assertEquals("ok", raw.readStatus());
            RawPeer.Challenge c = finish(raw, COOKIE, -7);
            assertEquals("jarl@host", c.name());
            assertEquals(4242, c.creation());
            assertEquals(DistFlags.DEFAULT_OFFERED, c.flags());
            byte[] ack = raw.read();
            assertEquals('a', ack[0]);
            assertArrayEquals(COOKIE.digest(-7), Arrays.copyOfRange(ack, 1, 17));
            HandshakeResult r = result.get(5, TimeUnit.SECONDS);
            assertEquals(NodeName.parse(PEER), r.peer());
            assertEquals(0x1234, r.peerCreation());
            assertEquals(OTP25_FLAGS, r.peerFlags());
            assertEquals(DistFlags.DEFAULT_OFFERED & OTP25_FLAGS, r.agreedFlags());
            assertFalse(r.initiatedHere());
            assertEquals(List.of(NodeName.parse(PEER)), arbiter.marked);
        }
    }

    @Test
    void digestOnlyFlagsAreEnough() throws Exception {
        var result = accepting(config, new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.sendName(0x7000000L, 1, PEER));
            assertEquals("ok", raw.readStatus());
            finish(raw, COOKIE, 1);
            assertEquals('a', raw.read()[0]);
            assertEquals(DistFlags.MANDATORY_25 | 0x7000000L, result.get(5, TimeUnit.SECONDS).peerFlags());
        }
    }

    @Test
    void missingMandatoryFlagsAreRefusedWithTheirNames() throws Exception {
        TestArbiter arbiter = new TestArbiter(Arbiter.Status.OK);
        var result = accepting(config, arbiter);
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.sendName(DistFlags.MANDATORY_25 & ~DistFlags.HANDSHAKE_23 & ~DistFlags.MAP_TAG, 1, PEER));
            assertEquals("not_allowed", raw.readStatus());
            HandshakeException e = failure(result);
            assertReason(MISSING_FLAGS, e);
            assertTrue(e.getMessage().contains("[MAP_TAG, HANDSHAKE_23]") && e.getMessage().contains(PEER), e.getMessage());
            assertTrue(arbiter.marked.isEmpty());
            assertTrue(raw.closedByOtherSide());
        }
    }

    @Test
    void badDigestNamesThePeerNotTheCookie() throws Exception {
        var result = accepting(config, new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.sendName(OTP25_FLAGS, 1, PEER));
            assertEquals("ok", raw.readStatus());
            finish(raw, TestCookies.of("other-cookie"), 5);
            HandshakeException e = failure(result);
            assertReason(BAD_DIGEST, e);
            assertEquals(PEER + " sent a cookie digest that does not match our cookie: the cookies differ (ours came from "
                    + "Cookie.of)", e.detail());
            assertFalse(e.getMessage().contains("the-cookie") || e.getMessage().contains("other-cookie"), e.getMessage());
            assertTrue(raw.closedByOtherSide(), "an ack was sent after a bad digest");
        }
    }

    @Test
    void everyArbiterVerdictBecomesItsStatus() throws Exception {
        record Case(Arbiter.Status verdict, String status, Reason reason) {
        }
        for (Case c : List.of(new Case(Arbiter.Status.NOK, "nok", NOK),
                new Case(Arbiter.Status.NOT_ALLOWED, "not_allowed", NOT_ALLOWED))) {
            var result = accepting(config, new TestArbiter(c.verdict()));
            try (RawPeer raw = dial()) {
                raw.frame(RawPeer.sendName(OTP25_FLAGS, 1, PEER));
                assertEquals(c.status(), raw.readStatus());
                assertReason(c.reason(), failure(result));
                assertTrue(raw.closedByOtherSide());
            }
        }
        var simultaneous = accepting(config, new TestArbiter(Arbiter.Status.OK_SIMULTANEOUS));
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.sendName(OTP25_FLAGS, 1, PEER));
            assertEquals("ok_simultaneous", raw.readStatus());
            finish(raw, COOKIE, 3);
            assertEquals('a', raw.read()[0]);
            assertEquals(NodeName.parse(PEER), simultaneous.get(5, TimeUnit.SECONDS).peer());
        }
        var upPending = accepting(config, new TestArbiter(Arbiter.Status.UP_PENDING));
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.sendName(OTP25_FLAGS, 1, PEER));
            assertReason(SHUTDOWN, failure(upPending));
            assertTrue(raw.closedByOtherSide(), "a status was sent for UP_PENDING");
        }
    }

    @Test
    void aliveConfirmedWaitsForTheOldConnectionBeforeTheAck() throws Exception {
        TestArbiter arbiter = new TestArbiter(Arbiter.Status.ALIVE);
        var result = accepting(config, arbiter);
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.sendName(OTP25_FLAGS, 1, PEER));
            assertEquals("alive", raw.readStatus());
            raw.frame(RawPeer.status("true"));
            finish(raw, COOKIE, 9);
            assertEquals('a', raw.read()[0]);
            result.get(5, TimeUnit.SECONDS);
            assertEquals(1, arbiter.awaitedDown.get());
        }
        TestArbiter refused = new TestArbiter(Arbiter.Status.ALIVE);
        var declined = accepting(config, refused);
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.sendName(OTP25_FLAGS, 1, PEER));
            assertEquals("alive", raw.readStatus());
            raw.frame(RawPeer.status("false"));
            assertReason(ALIVE, failure(declined));
            assertEquals(0, refused.awaitedDown.get());
        }
        var garbage = accepting(config, new TestArbiter(Arbiter.Status.ALIVE));
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.sendName(OTP25_FLAGS, 1, PEER));
            assertEquals("alive", raw.readStatus());
            raw.frame(RawPeer.status("maybe"));
            HandshakeException e = failure(garbage);
            assertReason(PROTOCOL, e);
            assertTrue(e.getMessage().contains("'maybe' (expected: true or false)"), e.getMessage());
        }
    }

    @Test
    void disallowedPeerGetsNotAllowedBeforeTheNodeIsAsked() throws Exception {
        TestArbiter arbiter = new TestArbiter(Arbiter.Status.OK);
        var result = accepting(config.withAllowed(n -> !n.alive().equals("erl")), arbiter);
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.sendName(OTP25_FLAGS, 1, PEER));
            assertEquals("not_allowed", raw.readStatus());
            assertReason(NOT_ALLOWED, failure(result));
            assertTrue(arbiter.marked.isEmpty());
        }
    }

    @Test
    void invalidNamesAndNameMeAreRefused() throws Exception {
        for (String bad : List.of("no-at-sign", "two@at@signs", "@host", "name@")) {
            var result = accepting(config, new TestArbiter(Arbiter.Status.OK));
            try (RawPeer raw = dial()) {
                raw.frame(RawPeer.sendName(OTP25_FLAGS, 1, bad));
                HandshakeException e = failure(result);
                assertReason(BAD_NAME, e);
            }
        }
        var nameMe = accepting(config, new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.sendName(OTP25_FLAGS | DistFlags.NAME_ME, 0, "host"));
            assertEquals("not_allowed", raw.readStatus());
            assertReason(NOT_ALLOWED, failure(nameMe));
        }
    }

    /**
     * Review finding 11: a name with a control character is refused at recv_name, before the
     * arbiter hears of it and without an answer, as dist_util closes on an invalid name; the
     * failure shows the name escaped.
     */
    @Test
    void aNameWithAControlCharacterIsRefusedAtRecvName() throws Exception {
        for (String bad : List.of("x\njarl: FAKE@host", "esc\u001b[31m@host", "c1\u009b@host", "del@ho\u007fst")) {
            TestArbiter arbiter = new TestArbiter(Arbiter.Status.OK);
            var result = accepting(config, arbiter);
            try (RawPeer raw = dial()) {
                raw.frame(RawPeer.sendName(OTP25_FLAGS, 1, bad));
                HandshakeException e = failure(result);
                assertReason(BAD_NAME, e);
                assertTrue(e.getMessage().contains("recv_name.Name: node name: '"), e.getMessage());
                assertTrue(e.getMessage().chars().noneMatch(Character::isISOControl), e.getMessage());
                assertTrue(raw.closedByOtherSide(), "answered a name with a control character");
                assertEquals(List.of(), arbiter.marked);
            }
        }
    }

    @Test
    void legacyNameAndComplementFromOtp23() throws Exception {
        TestArbiter arbiter = new TestArbiter(Arbiter.Status.OK);
        var result = accepting(config, arbiter);
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.oldSendName(5, (int) (DistFlags.MANDATORY_25 | DistFlags.UNLINK_ID), PEER));
            assertEquals("ok", raw.readStatus());
            RawPeer.Challenge c = RawPeer.Challenge.parse(raw.read());
            raw.frame(RawPeer.complement((int) (DistFlags.V4_NC >>> 32), 77));
            raw.frame(RawPeer.reply(11, COOKIE.digest(c.challenge())));
            byte[] ack = raw.read();
            assertArrayEquals(COOKIE.digest(11), Arrays.copyOfRange(ack, 1, 17));
            HandshakeResult r = result.get(5, TimeUnit.SECONDS);
            assertEquals(77, r.peerCreation());
            assertEquals(DistFlags.MANDATORY_25 | DistFlags.UNLINK_ID | DistFlags.V4_NC, r.peerFlags());
        }
    }

    @Test
    void legacyNameMustBeVersion5WithHandshake23() throws Exception {
        var noFlag = accepting(config, new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.oldSendName(5, (int) (DistFlags.MANDATORY_25 & ~DistFlags.HANDSHAKE_23), PEER));
            assertEquals("not_allowed", raw.readStatus());
            HandshakeException e = failure(noFlag);
            assertReason(MISSING_FLAGS, e);
            assertTrue(e.getMessage().contains("HANDSHAKE_23"), e.getMessage());
        }
        var version = accepting(config, new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.oldSendName(4, (int) DistFlags.MANDATORY_25, PEER));
            HandshakeException e = failure(version);
            assertReason(PROTOCOL, e);
            assertTrue(e.getMessage().contains("Version: 4 (expected: 5) at offset 1"), e.getMessage());
        }
    }

    @Test
    void legacyComplementMissingRequiredHighFlagsIsRefused() throws Exception {
        var result = accepting(config.withRequiredFlags(DistFlags.MANDATORY_26), new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.oldSendName(5, (int) (DistFlags.MANDATORY_25 | DistFlags.UNLINK_ID), PEER));
            assertEquals("ok", raw.readStatus());
            raw.read();
            raw.frame(RawPeer.complement(0, 77));
            HandshakeException e = failure(result);
            assertReason(MISSING_FLAGS, e);
            assertTrue(e.getMessage().contains("[V4_NC]"), e.getMessage());
        }
    }

    @Test
    void everyTruncatedNameIsProtocolOrClosed() throws Exception {
        byte[] name = RawPeer.sendName(OTP25_FLAGS, 1, PEER);
        for (int k = 0; k < name.length; k++) {
            byte[] prefix = Arrays.copyOf(name, k);
            var asFrame = accepting(config, new TestArbiter(Arbiter.Status.OK));
            try (RawPeer raw = dial()) {
                raw.frame(prefix);
                HandshakeException e = failure(asFrame);
                assertReason(PROTOCOL, e);
                assertTrue(e.getMessage().contains("at offset"), e.getMessage());
            }
            var cutFrame = accepting(config, new TestArbiter(Arbiter.Status.OK));
            try (RawPeer raw = dial()) {
                raw.truncatedFrame(name.length, prefix);
                assertReason(CLOSED, failure(cutFrame));
            }
        }
        var headerOnly = accepting(config, new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = dial()) {
            raw.out.write(0);
            raw.socket.shutdownOutput();
            assertReason(CLOSED, failure(headerOnly));
        }
    }

    @Test
    void everyTruncatedReplyAndComplementIsProtocol() throws Exception {
        byte[] reply = RawPeer.reply(1, new byte[16]);
        for (int k = 0; k < reply.length; k++) {
            var result = accepting(config, new TestArbiter(Arbiter.Status.OK));
            try (RawPeer raw = dial()) {
                raw.frame(RawPeer.sendName(OTP25_FLAGS, 1, PEER));
                raw.readStatus();
                raw.read();
                raw.frame(Arrays.copyOf(reply, k));
                assertReason(PROTOCOL, failure(result));
            }
        }
        byte[] complement = RawPeer.complement(0, 1);
        for (int k = 0; k < complement.length; k++) {
            var result = accepting(config, new TestArbiter(Arbiter.Status.OK));
            try (RawPeer raw = dial()) {
                raw.frame(RawPeer.oldSendName(5, (int) DistFlags.MANDATORY_25, PEER));
                raw.readStatus();
                raw.read();
                raw.frame(Arrays.copyOf(complement, k));
                assertReason(PROTOCOL, failure(result));
            }
        }
    }

    @Test
    void aPeerThatStopsMidHandshakeTimesOutWithinTheSetupTime() throws Exception {
        HandshakeConfig quick = config.withSetupTime(Duration.ofMillis(300));
        var result = accepting(quick, new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = dial()) {
            raw.frame(RawPeer.sendName(OTP25_FLAGS, 1, PEER));
            assertEquals("ok", raw.readStatus());
            long start = System.nanoTime();
            raw.read();
            HandshakeException e = failure(result);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertReason(TIMEOUT, e);
            assertTrue(millis >= 250 && millis < 2000, millis + " ms");
        }
    }

    /** A handshake step sent 250 ms late. */
    private static void late(Pace.Step step) throws Exception {
        Thread.sleep(250); // real time: the subject is the setup timer
        step.run();
    }

    @Test
    void theTimerRestartsForEachStep() throws Exception {
        HandshakeConfig quick = config.withSetupTime(Duration.ofMillis(400));
        var result = accepting(quick, new TestArbiter(Arbiter.Status.ALIVE));
        try (RawPeer raw = dial()) {
            // each step 250 ms late of a 400 ms timer, 750 ms in all: only a timer restarted per step lets it pass
            late(() -> raw.frame(RawPeer.sendName(OTP25_FLAGS, 1, PEER)));
            assertEquals("alive", raw.readStatus());
            late(() -> raw.frame(RawPeer.status("true")));
            RawPeer.Challenge c = RawPeer.Challenge.parse(raw.read());
            late(() -> raw.frame(RawPeer.reply(2, COOKIE.digest(c.challenge()))));
            assertEquals('a', raw.read()[0]);
            assertEquals(NodeName.parse(PEER), result.get(5, TimeUnit.SECONDS).peer());
        }
    }
}
