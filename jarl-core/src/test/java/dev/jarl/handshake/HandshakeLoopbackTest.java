/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.HandshakeException;
import dev.jarl.term.NodeName;

/** Jarl against Jarl over a socket pair: both roles of {@link Handshake} meet. */
class HandshakeLoopbackTest {

    static final NodeName A = NodeName.parse("a@host");
    static final NodeName B = NodeName.parse("b@host");
    /** Each task on its own virtual thread (the common pool may have one thread only). */
    static final java.util.concurrent.Executor VIRTUAL = r -> Thread.ofVirtual().start(r);

    @Test
    void bothSidesAgreeOnFlagsAndCreations() throws Exception {
        SocketConnection[] pair = SocketConnection.pair();
        try (SocketConnection ca = pair[0]; SocketConnection cb = pair[1]) {
            HandshakeConfig ha = HandshakeConfig.of(A, TestCookies.of("c"), 11).withOfferedFlags(DistFlags.DEFAULT_OFFERED | DistFlags.PUBLISHED);
            HandshakeConfig hb = HandshakeConfig.of(B, TestCookies.of("c"), 22);
            TestArbiter arbiter = new TestArbiter(Arbiter.Status.OK);
            CompletableFuture<HandshakeResult> accepted = CompletableFuture.supplyAsync(() -> call(() -> Handshake.accept(cb, hb, arbiter)), VIRTUAL);
            HandshakeResult initiated = Handshake.initiate(ca, ha, B, arbiter);
            HandshakeResult other = accepted.get(10, TimeUnit.SECONDS);

            assertEquals(B, initiated.peer());
            assertEquals(22, initiated.peerCreation());
            assertTrue(initiated.initiatedHere());
            assertEquals(DistFlags.DEFAULT_OFFERED, initiated.agreedFlags());
            assertFalse(initiated.published());
            assertEquals(A, other.peer());
            assertEquals(11, other.peerCreation());
            assertFalse(other.initiatedHere());
            assertEquals(DistFlags.DEFAULT_OFFERED | DistFlags.PUBLISHED, other.peerFlags());
            assertEquals(DistFlags.DEFAULT_OFFERED, other.agreedFlags());
            assertEquals(1, ca.preNodeup.get());
            assertEquals(1, ca.postNodeup.get());
            assertEquals(1, cb.preNodeup.get());
            assertEquals(1, cb.postNodeup.get());
            assertEquals(A, arbiter.marked.get(0));
        }
    }

    @Test
    void wrongCookieFailsBothSidesNamingTheNode() throws Exception {
        SocketConnection[] pair = SocketConnection.pair();
        try (SocketConnection ca = pair[0]; SocketConnection cb = pair[1]) {
            HandshakeConfig ha = HandshakeConfig.of(A, TestCookies.of("secret-one"), 1).withSetupTime(Duration.ofSeconds(2));
            HandshakeConfig hb = HandshakeConfig.of(B, TestCookies.of("secret-two"), 2).withSetupTime(Duration.ofSeconds(2));
            TestArbiter arbiter = new TestArbiter(Arbiter.Status.OK);
            CompletableFuture<HandshakeException> accepted = CompletableFuture.supplyAsync(
                    () -> assertThrows(HandshakeException.class, () -> Handshake.accept(cb, hb, arbiter)), VIRTUAL);
            CompletableFuture<HandshakeException> initiated = CompletableFuture.supplyAsync(
                    () -> assertThrows(HandshakeException.class, () -> Handshake.initiate(ca, ha, B, arbiter)), VIRTUAL);
            HandshakeException acceptorSide = accepted.get(10, TimeUnit.SECONDS);
            cb.socket.close();
            HandshakeException initiatorSide = initiated.get(10, TimeUnit.SECONDS);

            assertEquals(HandshakeException.Reason.BAD_DIGEST, acceptorSide.reason());
            assertTrue(acceptorSide.getMessage().contains("a@host"), acceptorSide.getMessage());
            assertFalse(acceptorSide.getMessage().contains("secret"), acceptorSide.getMessage());
            assertEquals(HandshakeException.Reason.DIGEST_REJECTED, initiatorSide.reason());
            assertTrue(initiatorSide.getMessage().contains("b@host closed the connection right after receiving our "
                    + "cookie digest"), initiatorSide.getMessage());
            assertFalse(initiatorSide.getMessage().contains("secret"), initiatorSide.getMessage());
            assertEquals(0, ca.preNodeup.get());
            assertEquals(0, cb.preNodeup.get());
        }
    }

    interface Call<T> {
        T run() throws Exception;
    }

    static <T> T call(Call<T> c) {
        try {
            return c.run();
        } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
        }
    }
}
