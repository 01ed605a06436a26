/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.HandshakeException;
import dev.jarl.carrier.Listener;
import dev.jarl.carriers.MemNetwork;
import dev.jarl.channel.DistConnection;
import dev.jarl.channel.Signal;
import dev.jarl.handshake.Arbiter;
import dev.jarl.handshake.Arbiter.Status;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.testing.Await;
import dev.jarl.testing.Closeables;

/** The connection table's answers to incoming attempts, state by state (OTP's accept_pending). */
@Timeout(30)
class ArbiterTest {

    private final MemNetwork net = new MemNetwork();
    private Node node;
    private Node other;

    /** A mem carrier whose outgoing connects block until released, so our attempt stays pending. */
    private static final class SlowCarrier implements Carrier {
        private final Carrier inner;
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch dialing = new CountDownLatch(1);
        /** Outgoing connects so far; once released, each fails at once. */
        final AtomicInteger dials = new AtomicInteger();

        SlowCarrier(Carrier inner) {
            this.inner = inner;
        }

        @Override public String name() { return "slow"; }
        @Override public Listener listen(NodeName self) throws IOException { return inner.listen(self); }
        @Override public boolean select(NodeName n) { return true; }

        @Override
        public CarrierConnection connect(NodeName peer, Duration timeout) throws IOException {
            dials.incrementAndGet();
            dialing.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            throw new IOException("slow carrier: released without connecting");
        }
    }

    @AfterEach
    void close() {
        Closeables.closeAll(node, other);
    }

    /** A fresh incoming attempt's arbiter, as the acceptor makes one. */
    private Arbiter incoming() {
        return new IncomingArbiter(node.table(), new Peer.Attempt(false, null));
    }

    private Node start(String name, Carrier carrier) throws IOException {
        return Node.start(NodeConfig.builder(name).cookie("c").carrier(carrier).setupTime(Duration.ofSeconds(2)).build());
    }

    @Test
    void idlePeerIsOk() throws Exception {
        node = start("m@mem", net.carrier());
        Arbiter a = incoming();
        assertEquals(Status.OK, a.markPending(NodeName.parse("p@mem"), DistFlags.DEFAULT_OFFERED, 5));
        // the row is now pending for that attempt: a second incoming attempt meets a pending row
        assertEquals(Status.OK_SIMULTANEOUS, incoming()
                .markPending(NodeName.parse("p@mem"), DistFlags.DEFAULT_OFFERED, 5));
    }

    @Test
    void pendingOwnAttemptWinsWhenOurNameSortsAfter() throws Exception {
        SlowCarrier slow = new SlowCarrier(net.carrier());
        node = start("z@mem", slow);
        Mailbox box = node.createMailbox();
        box.send("x", NodeName.parse("a@mem"), Int.of(1)); // starts our attempt
        assertTrue(slow.dialing.await(5, TimeUnit.SECONDS));
        assertEquals(Status.NOK, incoming().markPending(NodeName.parse("a@mem"), DistFlags.DEFAULT_OFFERED, 5));
        slow.release.countDown();
    }

    @Test
    void pendingOwnAttemptYieldsWhenOurNameSortsBefore() throws Exception {
        SlowCarrier slow = new SlowCarrier(net.carrier());
        node = start("a@mem", slow);
        Mailbox box = node.createMailbox();
        box.send("x", NodeName.parse("z@mem"), Int.of(1));
        assertTrue(slow.dialing.await(5, TimeUnit.SECONDS));
        assertEquals(Status.OK_SIMULTANEOUS,
                incoming().markPending(NodeName.parse("z@mem"), DistFlags.DEFAULT_OFFERED, 5));
        slow.release.countDown();
        // the cancelled attempt does not take the row back (it would clear and drop it when it fails):
        // still pending for the incoming one
        Await.holdsFor(Duration.ofMillis(100), () -> node.table().rows() == 1, () -> "the row went");
        assertEquals(Status.OK_SIMULTANEOUS,
                incoming().markPending(NodeName.parse("z@mem"), DistFlags.DEFAULT_OFFERED, 5));
    }

    /** A node's side of a table: nothing to do, except that a failed attempt's failure waits for {@link #proceed}. */
    private static final class HeldHost implements ConnectionTable.Host {
        final CountDownLatch failing = new CountDownLatch(1);
        final CountDownLatch proceed = new CountDownLatch(1);

        @Override public void received(DistConnection connection, Signal signal) { }
        @Override public void nodeUp(NodeName peer, DistConnection connection) { }
        @Override public void connectionLost(NodeName peer) { }
        @Override public void nodeDown(NodeName peer, DistConnection connection, ConnectionFate fate) { }
        @Override public void stop(String reason, Throwable cause) { }

        @Override
        public void connectFailed(NodeName peer, ConnectionFate fate) {
            failing.countDown();
            try {
                proceed.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A table of node a@mem whose attempt to {@code peer} failed and is held while it fails
     * what waited on it ({@link HeldHost}); the caller closes it.
     */
    private static ConnectionTable failingAttempt(SlowCarrier slow, HeldHost host, NodeName peer) throws Exception {
        ConnectionTable table = new ConnectionTable(NodeConfig.builder("a@mem").cookie("c").carrier(slow)
                .setupTime(Duration.ofSeconds(2)).build(), slow, host);
        try {
            table.touch(peer); // our attempt
            assertTrue(slow.dialing.await(5, TimeUnit.SECONDS));
            slow.release.countDown(); // it fails, and its failure is held
            assertTrue(host.failing.await(5, TimeUnit.SECONDS));
            return table;
        } catch (Throwable e) {
            host.proceed.countDown();
            table.close();
            throw e;
        }
    }

    /**
     * An incoming attempt that arrives while our failed attempt still fails what waited on it
     * (node monitors, links, monitors: held here) does not take that attempt over, which would
     * let the failure reach what the new connection is to serve: it waits until the row is
     * free, then is answered as for an idle row.
     */
    @Test
    void incomingAttemptWaitsForAFailingAttemptThenFindsTheRowIdle() throws Exception {
        SlowCarrier slow = new SlowCarrier(net.carrier());
        HeldHost host = new HeldHost();
        NodeName peer = NodeName.parse("z@mem"); // sorts after a: an incoming attempt would take ours over
        ConnectionTable table = failingAttempt(slow, host, peer);
        try {
            CompletableFuture<Status> answer = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    answer.complete(new IncomingArbiter(table, new Peer.Attempt(false, null))
                            .markPending(peer, DistFlags.DEFAULT_OFFERED, 5));
                } catch (Throwable e) {
                    answer.completeExceptionally(e);
                }
            });
            Await.holdsFor(Duration.ofMillis(200), () -> !answer.isDone(),
                    () -> "answered while our attempt was failing: " + answer.getNow(null));
            host.proceed.countDown();
            assertEquals(Status.OK, answer.get(5, TimeUnit.SECONDS));
        } finally {
            host.proceed.countDown();
            table.close();
        }
    }

    /**
     * What asks for a connection while a failed attempt still fails what waited on it is for
     * the next attempt: a node monitor's connect request starts one once the row is free, and
     * a caller of connect then waits for that one instead of reading the held failure.
     */
    @Test
    void whatAsksForAConnectionWhileAnAttemptFailsGetsTheNextAttempt() throws Exception {
        SlowCarrier slow = new SlowCarrier(net.carrier());
        HeldHost host = new HeldHost();
        NodeName peer = NodeName.parse("z@mem");
        CompletableFuture<Integer> dialsWhenConnectFailed = new CompletableFuture<>();
        ConnectionTable table = failingAttempt(slow, host, peer);
        try {
            table.touch(peer); // as monitor_node does for a node not connected
            Thread.ofVirtual().start(() -> {
                try {
                    table.connect(peer, Duration.ofSeconds(5));
                    dialsWhenConnectFailed.completeExceptionally(new AssertionError("connected"));
                } catch (IOException e) {
                    dialsWhenConnectFailed.complete(slow.dials.get());
                } catch (Throwable e) {
                    dialsWhenConnectFailed.completeExceptionally(e);
                }
            });
            assertTrue(Await.within(Duration.ofSeconds(5), () -> table.waiters(peer) == 1), () -> "connect: " + dialsWhenConnectFailed);
            assertEquals(1, slow.dials.get());
            host.proceed.countDown();
            // the next attempt fails too (the carrier connects nowhere), and only then does connect give up
            assertEquals(2, dialsWhenConnectFailed.get(5, TimeUnit.SECONDS));
            assertTrue(Await.within(Duration.ofSeconds(5), () -> table.rows() == 0), "the row stayed");
        } finally {
            host.proceed.countDown();
            table.close();
        }
    }

    /** A node monitor made while an attempt fails (its connect request alone) gets the next attempt. */
    @Test
    void aConnectRequestWhileAnAttemptFailsStartsTheNextOnceTheRowIsFree() throws Exception {
        SlowCarrier slow = new SlowCarrier(net.carrier());
        HeldHost host = new HeldHost();
        NodeName peer = NodeName.parse("z@mem");
        ConnectionTable table = failingAttempt(slow, host, peer);
        try {
            table.touch(peer);
            host.proceed.countDown();
            assertTrue(Await.within(Duration.ofSeconds(5), () -> slow.dials.get() == 2), "no next attempt");
        } finally {
            host.proceed.countDown();
            table.close();
        }
    }

    @Test
    void upConnectionIsAliveThenUpPendingAndTheOldOneGoesDown() throws Exception {
        node = start("m@mem", net.carrier());
        other = start("p@mem", net.carrier());
        assertTrue(node.ping(other.name(), Duration.ofSeconds(5)));
        Arbiter first = incoming();
        assertEquals(Status.ALIVE, first.markPending(other.name(), DistFlags.DEFAULT_OFFERED, 5));
        assertEquals(Status.UP_PENDING, incoming().markPending(other.name(), DistFlags.DEFAULT_OFFERED, 5));
        first.awaitPreviousDown(other.name(), Duration.ofSeconds(5));
        assertEquals(List.of(), node.nodes());
    }

    @Test
    void awaitPreviousDownTimesOutWhenNotReplacing() throws Exception {
        node = start("m@mem", net.carrier());
        other = start("p@mem", net.carrier());
        assertTrue(node.ping(other.name(), Duration.ofSeconds(5)));
        Arbiter first = incoming();
        assertEquals(Status.ALIVE, first.markPending(other.name(), DistFlags.DEFAULT_OFFERED, 5));
        Arbiter second = incoming();
        assertEquals(Status.UP_PENDING, second.markPending(other.name(), DistFlags.DEFAULT_OFFERED, 5));
        // the refused attempt has no claim: waiting is an error for it
        assertThrows(HandshakeException.class, () -> second.awaitPreviousDown(other.name(), Duration.ofMillis(100)));
    }

    @Test
    void selfAndOtherNamingModesAreNotAllowed() throws Exception {
        node = start("m@mem", net.carrier());
        assertEquals(Status.NOT_ALLOWED, incoming().markPending(node.name(), DistFlags.DEFAULT_OFFERED, 5));
        assertEquals(Status.NOT_ALLOWED,
                incoming().markPending(NodeName.parse("p@host.example.com"), DistFlags.DEFAULT_OFFERED, 5));
        assertFalse(node.nodes().contains(node.name()));
    }

    @Test
    void atomOrderDecidesSimultaneousConnects() {
        assertTrue(ConnectionTable.ourAttemptWins(NodeName.parse("b@h"), NodeName.parse("a@h")));
        assertFalse(ConnectionTable.ourAttemptWins(NodeName.parse("a@h"), NodeName.parse("ab@h")));
        assertFalse(ConnectionTable.ourAttemptWins(NodeName.parse("x@h"), NodeName.parse("x@h")));
        assertFalse(ConnectionTable.ourAttemptWins(NodeName.parse("Z@h"), NodeName.parse("a@h")));
        // the one atom order (Term's): by code point, not UTF-16 unit, so U+1F600 sorts after U+FFFD
        assertTrue(Atom.of("\uD83D\uDE00@h").compareTo(Atom.of("\uFFFD@h")) > 0);
    }
}
