/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import static dev.jarl.handshake.HandshakeAcceptTest.assertReason;
import static dev.jarl.handshake.HandshakeAcceptTest.failure;
import static dev.jarl.carrier.HandshakeException.Reason.ALIVE;
import static dev.jarl.carrier.HandshakeException.Reason.BAD_DIGEST;
import static dev.jarl.carrier.HandshakeException.Reason.BAD_NAME;
import static dev.jarl.carrier.HandshakeException.Reason.CLOSED;
import static dev.jarl.carrier.HandshakeException.Reason.DIGEST_REJECTED;
import static dev.jarl.carrier.HandshakeException.Reason.MISSING_FLAGS;
import static dev.jarl.carrier.HandshakeException.Reason.NOK;
import static dev.jarl.carrier.HandshakeException.Reason.NOT_ALLOWED;
import static dev.jarl.carrier.HandshakeException.Reason.PROTOCOL;
import static dev.jarl.carrier.HandshakeException.Reason.TIMEOUT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.HandshakeException;
import dev.jarl.carrier.HandshakeException.Reason;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.term.NodeName;

/** {@link Handshake#initiate} over the TCP carrier against a hand-written acceptor. */
class HandshakeInitiateTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final NodeName JARL = NodeName.parse("jarl@host");
    static final NodeName PEER = NodeName.parse("erl@host");
    static final Secret COOKIE = TestCookies.of("the-cookie");
    static final long OTP25_FLAGS = 0xd07df7fbdL;

    ServerSocket server;
    Carrier carrier;
    HandshakeConfig config = HandshakeConfig.of(JARL, COOKIE, 99).withSetupTime(Duration.ofSeconds(3));

    @BeforeEach
    void start() throws IOException {
        server = new ServerSocket(0, 50, LOOPBACK);
        carrier = Carriers.tcp(TcpOptions.of(AddressResolver.fixed(new InetSocketAddress(LOOPBACK, server.getLocalPort()))));
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
    }

    CompletableFuture<HandshakeResult> initiating(HandshakeConfig cfg, NodeName peer, Arbiter arbiter) {
        return CompletableFuture.supplyAsync(() -> {
            CarrierConnection conn = null;
            try {
                conn = carrier.connect(peer, Duration.ofSeconds(3));
                return Handshake.initiate(conn, cfg, peer, arbiter);
            } catch (IOException | RuntimeException e) {
                if (conn != null) {
                    conn.close();
                }
                throw new java.util.concurrent.CompletionException(e);
            }
        }, HandshakeLoopbackTest.VIRTUAL);
    }

    /** Accepts Jarl's connection and checks its send_name. */
    RawPeer acceptName() throws IOException {
        RawPeer raw = new RawPeer(server.accept());
        ByteBuffer m = ByteBuffer.wrap(raw.read());
        assertEquals('N', m.get());
        assertEquals(config.offeredFlags(), m.getLong());
        assertEquals(99, m.getInt());
        byte[] name = new byte[m.getShort()];
        m.get(name);
        assertEquals("jarl@host", new String(name, StandardCharsets.ISO_8859_1));
        assertFalse(m.hasRemaining());
        return raw;
    }

    /** Plays the acceptor from the challenge on; returns Jarl's reply. */
    static byte[] challengeAndCheckReply(RawPeer raw, long flags, String name, int challenge) throws IOException {
        raw.frame(RawPeer.challenge(flags, challenge, 0x5151, name));
        byte[] reply = raw.read();
        assertEquals(21, reply.length);
        assertEquals('r', reply[0]);
        assertArrayEquals(COOKIE.digest(challenge), Arrays.copyOfRange(reply, 5, 21));
        return reply;
    }

    static int theirChallenge(byte[] reply) {
        return ByteBuffer.wrap(reply, 1, 4).getInt();
    }

    @Test
    void okAndOkSimultaneousCompleteTheHandshake() throws Exception {
        for (String status : List.of("ok", "ok_simultaneous")) {
            var result = initiating(config, PEER, new TestArbiter(Arbiter.Status.OK));
            try (RawPeer raw = acceptName()) {
                raw.frame(RawPeer.status(status));
                byte[] reply = challengeAndCheckReply(raw, OTP25_FLAGS, "erl@host", 123456);
                raw.frame(RawPeer.ack(COOKIE.digest(theirChallenge(reply))));
                HandshakeResult r = result.get(5, TimeUnit.SECONDS);
                assertEquals(PEER, r.peer());
                assertEquals(0x5151, r.peerCreation());
                assertEquals(OTP25_FLAGS, r.peerFlags());
                assertEquals(DistFlags.DEFAULT_OFFERED & OTP25_FLAGS, r.agreedFlags());
                assertTrue(r.initiatedHere());
            }
        }
    }

    @Test
    void refusingStatusesEndTheAttempt() throws Exception {
        record Case(String status, Reason reason) {
        }
        for (Case c : List.of(new Case("nok", NOK), new Case("not_allowed", NOT_ALLOWED),
                new Case("bogus", PROTOCOL), new Case("", PROTOCOL), new Case("named:", PROTOCOL))) {
            var result = initiating(config, PEER, new TestArbiter(Arbiter.Status.OK));
            try (RawPeer raw = acceptName()) {
                raw.frame(RawPeer.status(c.status()));
                HandshakeException e = failure(result);
                assertReason(c.reason(), e);
                assertTrue(raw.closedByOtherSide());
            }
        }
    }

    @Test
    void aliveIsAnsweredFromIsPending() throws Exception {
        TestArbiter pending = new TestArbiter(Arbiter.Status.OK, true);
        var result = initiating(config, PEER, pending);
        try (RawPeer raw = acceptName()) {
            raw.frame(RawPeer.status("alive"));
            assertEquals("true", raw.readStatus());
            byte[] reply = challengeAndCheckReply(raw, OTP25_FLAGS, "erl@host", 1);
            raw.frame(RawPeer.ack(COOKIE.digest(theirChallenge(reply))));
            assertEquals(PEER, result.get(5, TimeUnit.SECONDS).peer());
            assertEquals(List.of(PEER), pending.askedPending);
        }
        TestArbiter stale = new TestArbiter(Arbiter.Status.OK, false);
        var declined = initiating(config, PEER, stale);
        try (RawPeer raw = acceptName()) {
            raw.frame(RawPeer.status("alive"));
            assertEquals("false", raw.readStatus());
            assertReason(ALIVE, failure(declined));
            assertTrue(raw.closedByOtherSide());
        }
    }

    @Test
    void aChallengeFromAnotherNodeIsBadName() throws Exception {
        var result = initiating(config, PEER, new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = acceptName()) {
            raw.frame(RawPeer.status("ok"));
            raw.frame(RawPeer.challenge(OTP25_FLAGS, 1, 1, "impostor@host"));
            HandshakeException e = failure(result);
            assertReason(BAD_NAME, e);
            assertTrue(e.getMessage().contains("impostor@host") && e.getMessage().contains("erl@host"), e.getMessage());
        }
    }

    @Test
    void anAcceptorLackingRequiredFlagsIsAbandoned() throws Exception {
        var result = initiating(config, PEER, new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = acceptName()) {
            raw.frame(RawPeer.status("ok"));
            raw.frame(RawPeer.challenge(DistFlags.MANDATORY_25 & ~DistFlags.BIG_CREATION, 1, 1, "erl@host"));
            HandshakeException e = failure(result);
            assertReason(MISSING_FLAGS, e);
            assertTrue(e.getMessage().contains("[BIG_CREATION]"), e.getMessage());
            assertTrue(raw.closedByOtherSide(), "a reply was sent to a peer missing flags");
        }
    }

    @Test
    void aBadAckIsBadDigestNamingThePeer() throws Exception {
        var result = initiating(config, PEER, new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = acceptName()) {
            raw.frame(RawPeer.status("ok"));
            byte[] reply = challengeAndCheckReply(raw, OTP25_FLAGS, "erl@host", 77);
            raw.frame(RawPeer.ack(TestCookies.of("wrong-cookie").digest(theirChallenge(reply))));
            HandshakeException e = failure(result);
            assertReason(BAD_DIGEST, e);
            assertTrue(e.detail().startsWith("erl@host accepted our digest but its own does not match our cookie: the "
                    + "cookies differ (ours came from Cookie.of"), e.detail());
            assertFalse(e.getMessage().contains("the-cookie") || e.getMessage().contains("wrong-cookie"), e.getMessage());
        }
    }

    @Test
    void aCloseRightAfterOurDigestSaysTheCookiesMostLikelyDiffer() throws Exception {
        HandshakeConfig fromFile = config.withCookie(TestCookies.of("the-cookie", "file /home/app/.erlang.cookie"));
        var result = initiating(fromFile, PEER, new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = acceptName()) {
            raw.frame(RawPeer.status("ok"));
            challengeAndCheckReply(raw, OTP25_FLAGS, "erl@host", 5);
            raw.socket.close(); // what a BEAM node does with a digest that does not match its cookie
            HandshakeException e = failure(result);
            assertReason(DIGEST_REJECTED, e);
            assertEquals("erl@host closed the connection right after receiving our cookie digest: most likely the "
                    + "cookies differ (ours came from file /home/app/.erlang.cookie)", e.detail());
            assertEquals("DIGEST_REJECTED: " + e.detail(), e.getMessage());
            assertInstanceOf(HandshakeException.class, e.getCause(), "the transport's close is kept as the cause");
        }
    }

    @Test
    void everyTruncatedChallengeAndAckIsProtocolOrClosed() throws Exception {
        byte[] challenge = RawPeer.challenge(OTP25_FLAGS, 1, 1, "erl@host");
        for (int k = 0; k < challenge.length; k++) {
            var asFrame = initiating(config, PEER, new TestArbiter(Arbiter.Status.OK));
            try (RawPeer raw = acceptName()) {
                raw.frame(RawPeer.status("ok"));
                raw.frame(Arrays.copyOf(challenge, k));
                assertReason(PROTOCOL, failure(asFrame));
            }
            var cut = initiating(config, PEER, new TestArbiter(Arbiter.Status.OK));
            try (RawPeer raw = acceptName()) {
                raw.frame(RawPeer.status("ok"));
                raw.truncatedFrame(challenge.length, Arrays.copyOf(challenge, k));
                assertReason(CLOSED, failure(cut));
            }
        }
        byte[] ack = RawPeer.ack(new byte[16]);
        for (int k = 0; k < ack.length; k++) {
            var result = initiating(config, PEER, new TestArbiter(Arbiter.Status.OK));
            try (RawPeer raw = acceptName()) {
                raw.frame(RawPeer.status("ok"));
                raw.frame(challenge);
                raw.read();
                raw.frame(Arrays.copyOf(ack, k));
                assertReason(PROTOCOL, failure(result));
            }
        }
        byte[] longAck = Arrays.copyOf(ack, 18);
        var result = initiating(config, PEER, new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = acceptName()) {
            raw.frame(RawPeer.status("ok"));
            raw.frame(challenge);
            raw.read();
            raw.frame(longAck);
            assertReason(PROTOCOL, failure(result));
        }
    }

    @Test
    void interruptingTheThreadCancelsTheAttempt() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Thread> worker = new java.util.concurrent.atomic.AtomicReference<>();
        var result = CompletableFuture.supplyAsync(() -> {
            worker.set(Thread.currentThread());
            try {
                CarrierConnection conn = carrier.connect(PEER, Duration.ofSeconds(3));
                try {
                    return Handshake.initiate(conn, config, PEER, new TestArbiter(Arbiter.Status.OK));
                } finally {
                    conn.close();
                }
            } catch (IOException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        }, HandshakeLoopbackTest.VIRTUAL);
        try (RawPeer raw = acceptName()) {
            worker.get().interrupt();
            HandshakeException e = failure(result);
            assertReason(Reason.SHUTDOWN, e);
            assertTrue(raw.closedByOtherSide());
        }
    }

    @Test
    void aSilentAcceptorTimesOut() throws Exception {
        var result = initiating(config.withSetupTime(Duration.ofMillis(300)), PEER, new TestArbiter(Arbiter.Status.OK));
        try (RawPeer raw = acceptName()) {
            long start = System.nanoTime();
            HandshakeException e = failure(result);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertReason(TIMEOUT, e);
            assertTrue(e.getMessage().contains("erl@host"), e.getMessage());
            assertTrue(millis < 2000, millis + " ms");
            assertTrue(raw.closedByOtherSide());
        }
    }
}
