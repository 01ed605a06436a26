/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.HandshakeException;
import dev.jarl.carrier.Listener;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.epmd.EpmdClient;
import dev.jarl.epmd.EpmdRegistration;
import dev.jarl.term.NodeName;
import dev.jarl.testing.Await;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * The handshake against real OTP nodes: Jarl dials an {@code erl} node found through a real
 * {@code epmd}, and an {@code erl} node dials a Jarl listener registered there. Only the
 * handshake is under test: the channel and {@code is_auth} belong to the node layer.
 */
class HandshakeInteropTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final String COOKIE = "interop-cookie";

    static RealEpmd epmd;
    static ErlNode erl;
    static NodeName erlName;

    @BeforeAll
    static void startErl() {
        Otp.requireErl();
        epmd = RealEpmd.start();
        erl = ErlNode.start(Otp.uniqueName("hs"), COOKIE, epmd.port());
        erlName = NodeName.parse(erl.name());
    }

    @AfterAll
    static void stopErl() {
        Closeables.closeAll(erl, epmd);
    }

    /** Jarl's default resolver, pointed at the test's real epmd. */
    static AddressResolver resolver() {
        return AddressResolver.epmd(epmd.port());
    }

    static NodeName jarlName(String prefix) {
        return new NodeName(Otp.uniqueName(prefix), Otp.shortHost());
    }

    @Test
    void jarlDialsErl() throws Exception {
        NodeName self = jarlName("jarl_out");
        Carrier carrier = Carriers.tcp(TcpOptions.of(resolver()));
        try (CarrierConnection conn = carrier.connect(erlName, Duration.ofSeconds(5))) {
            HandshakeResult r = Handshake.initiate(conn, HandshakeConfig.of(self, TestCookies.of(COOKIE), 3), erlName,
                    new TestArbiter(Arbiter.Status.OK));
            assertEquals(erlName, r.peer());
            assertTrue((r.peerFlags() & DistFlags.MANDATORY_26) == DistFlags.MANDATORY_26,
                    DistFlags.names(r.peerFlags()).toString());
            assertEquals(DistFlags.DEFAULT_OFFERED & r.peerFlags(), r.agreedFlags());
            assertEquals(DistFlags.DEFAULT_OFFERED, r.agreedFlags(), "OTP 25 offers all that Jarl offers");
            assertFalse(r.published());
            assertTrue(r.peerCreation() != 0);
            assertEquals("true", awaitErl("lists:member('" + self + "', nodes(hidden))"));
        }
    }

    @Test
    void erlDialsJarl() throws Exception {
        NodeName self = jarlName("jarl_in");
        Carrier carrier = Carriers.tcp(TcpOptions.of(resolver()).withBindAddress(LOOPBACK));
        try (Listener listener = carrier.listen(self);
             EpmdRegistration registration = new EpmdClient(LOOPBACK, epmd.port(), Duration.ofSeconds(5))
                     .register(self.alive(), listener.port().orElseThrow(), true)) {
            TestArbiter arbiter = new TestArbiter(Arbiter.Status.OK);
            CompletableFuture<HandshakeResult> accepted = acceptOne(listener,
                    HandshakeConfig.of(self, TestCookies.of(COOKIE), 5), arbiter);
            assertEquals("true", erl.eval("net_kernel:connect_node('" + self + "')"));
            HandshakeResult r = accepted.get(10, TimeUnit.SECONDS);
            assertEquals(erlName, r.peer());
            assertFalse(r.initiatedHere());
            assertTrue((r.peerFlags() & DistFlags.PUBLISHED) != 0, "erl offers PUBLISHED");
            assertFalse(r.published(), "Jarl is hidden unless the node offers PUBLISHED");
            assertEquals(erl.eval("erlang:system_info(creation)"), Integer.toUnsignedString(r.peerCreation()));
            assertEquals("true", erl.eval("lists:member('" + self + "', nodes(hidden))"));
            assertEquals(1, arbiter.marked.size());
            assertTrue(registration.isOpen());
        }
    }

    @Test
    void wrongCookieWhenJarlDials() throws Exception {
        NodeName self = jarlName("jarl_badout");
        Carrier carrier = Carriers.tcp(TcpOptions.of(resolver()));
        try (CarrierConnection conn = carrier.connect(erlName, Duration.ofSeconds(5))) {
            HandshakeException e = org.junit.jupiter.api.Assertions.assertThrows(HandshakeException.class,
                    () -> Handshake.initiate(conn, HandshakeConfig.of(self, TestCookies.of("not-" + COOKIE, "the test's cookie"), 3),
                            erlName, new TestArbiter(Arbiter.Status.OK)));
            // OTP closes without an ack after a bad reply: Jarl says what that most likely means.
            assertEquals(HandshakeException.Reason.DIGEST_REJECTED, e.reason(), e.getMessage());
            assertEquals(erlName + " closed the connection right after receiving our cookie digest: most likely the "
                    + "cookies differ (ours came from the test's cookie)", e.detail());
            assertFalse(e.getMessage().contains(COOKIE), e.getMessage());
        }
        awaitLog("Connection attempt from node " + self + " rejected. Invalid challenge reply.");
    }

    @Test
    void wrongCookieWhenErlDials() throws Exception {
        NodeName self = jarlName("jarl_badin");
        Carrier carrier = Carriers.tcp(TcpOptions.of(resolver()).withBindAddress(LOOPBACK));
        try (Listener listener = carrier.listen(self);
             EpmdRegistration registration = new EpmdClient(LOOPBACK, epmd.port(), Duration.ofSeconds(5))
                     .register(self.alive(), listener.port().orElseThrow(), true)) {
            CompletableFuture<HandshakeResult> accepted = acceptOne(listener,
                    HandshakeConfig.of(self, TestCookies.of("jarls-own-cookie", "file /etc/jarl/cookie"), 5),
                    new TestArbiter(Arbiter.Status.OK));
            assertEquals("false", erl.eval("net_kernel:connect_node('" + self + "')"));
            HandshakeException e = HandshakeAcceptTest.failure(accepted);
            assertEquals(HandshakeException.Reason.BAD_DIGEST, e.reason(), e.getMessage());
            assertEquals(erlName + " sent a cookie digest that does not match our cookie: the cookies differ (ours came "
                    + "from file /etc/jarl/cookie)", e.detail());
            assertFalse(e.getMessage().contains("jarls-own-cookie") || e.getMessage().contains(COOKIE), e.getMessage());
            assertTrue(registration.isOpen());
        }
    }

    @Test
    void erlsAllowListRefusesJarl() throws Exception {
        try (ErlNode strict = ErlNode.start(Otp.uniqueName("hs_strict"), COOKIE, epmd.port())) {
            strict.eval("net_kernel:allow(['nobody@nowhere'])");
            NodeName self = jarlName("jarl_refused");
            NodeName strictName = NodeName.parse(strict.name());
            Carrier carrier = Carriers.tcp(TcpOptions.of(resolver()));
            try (CarrierConnection conn = carrier.connect(strictName, Duration.ofSeconds(5))) {
                HandshakeException e = org.junit.jupiter.api.Assertions.assertThrows(HandshakeException.class,
                        () -> Handshake.initiate(conn, HandshakeConfig.of(self, TestCookies.of(COOKIE), 3), strictName,
                                new TestArbiter(Arbiter.Status.OK)));
                assertEquals(HandshakeException.Reason.NOT_ALLOWED, e.reason(), e.getMessage());
                assertTrue(e.getMessage().contains(strictName.toString()), e.getMessage());
            }
        }
    }

    static CompletableFuture<HandshakeResult> acceptOne(Listener listener, HandshakeConfig config, Arbiter arbiter) {
        return CompletableFuture.supplyAsync(() -> {
            CarrierConnection conn = null;
            try {
                conn = listener.accept();
                return Handshake.accept(conn, config, arbiter);
            } catch (IOException e) {
                if (conn != null) {
                    conn.close();
                }
                throw new java.util.concurrent.CompletionException(e);
            }
        }, HandshakeLoopbackTest.VIRTUAL);
    }

    /** Evaluates until the answer is {@code true} or five seconds pass; returns the last answer. */
    static String awaitErl(String expression) throws InterruptedException {
        String[] answer = {""};
        Await.within(Duration.ofSeconds(5), () -> (answer[0] = erl.eval(expression)).equals("true"));
        return answer[0];
    }

    static void awaitLog(String text) throws InterruptedException {
        Await.within(Duration.ofSeconds(5), () -> erl.log().contains(text));
        assertTrue(erl.log().contains(text), "erl log lacks '" + text + "':\n" + erl.log());
    }
}
