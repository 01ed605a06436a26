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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.HandshakeException;
import dev.jarl.carrier.Listener;
import dev.jarl.carriers.MemNetwork;
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

        SlowCarrier(Carrier inner) {
            this.inner = inner;
        }

        @Override public String name() { return "slow"; }
        @Override public Listener listen(NodeName self) throws IOException { return inner.listen(self); }
        @Override public boolean select(NodeName n) { return true; }

        @Override
        public CarrierConnection connect(NodeName peer, Duration timeout) throws IOException {
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
