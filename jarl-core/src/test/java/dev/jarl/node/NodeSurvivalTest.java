/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carriers.MemNetwork;
import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * Review findings 1 and 8: no failure of one accept, one tick check or one message leaves a
 * node half dead. The acceptor outlives failed accepts (a full file table, an
 * {@code OutOfMemoryError}); a listener gone for good stops the node with the reason; the
 * ticker outlives a check that throws; built-in processes outlive a message they fail on.
 */
@Timeout(60)
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class NodeSurvivalTest {

    private final MemNetwork net = new MemNetwork();
    private final List<Node> nodes = new ArrayList<>();

    private Node node(String name, Carrier carrier, Duration ticktime) throws IOException {
        Node n = Node.start(NodeConfig.builder(name + "@mem").cookie("survive").carrier(carrier).netTicktime(ticktime)
                .setupTime(Duration.ofSeconds(3)).build());
        nodes.add(n);
        return n;
    }

    private Node node(String name) throws IOException {
        return node(name, net.carrier(), Duration.ofSeconds(60));
    }

    @AfterEach
    void closeAll() {
        nodes.forEach(Node::close);
    }

    @Test
    void acceptorOutlivesFailedAccepts() throws Exception {
        FaultyCarrier faulty = new FaultyCarrier(net.carrier());
        faulty.acceptFaults.add(new IOException("Too many open files"));
        faulty.acceptFaults.add(new OutOfMemoryError("injected into accept"));
        faulty.acceptFaults.add(new IllegalStateException("injected into accept"));
        Node a = node("a", faulty, Duration.ofSeconds(60));
        Node b = node("b");
        assertTrue(b.ping(a.name(), Duration.ofSeconds(10)), "no connection after failed accepts");
        assertTrue(faulty.acceptFaults.isEmpty());
        assertFalse(a.isClosed());
        assertTrue(node("c").ping(a.name(), Duration.ofSeconds(10)));
    }

    @Test
    void listenerGoneForGoodStopsTheNodeWithTheReason() throws Exception {
        FaultyCarrier faulty = new FaultyCarrier(net.carrier());
        Node a = node("a", faulty, Duration.ofSeconds(60));
        Node b = node("b");
        assertTrue(b.ping(a.name(), Duration.ofSeconds(10)));
        CountDownLatch stopped = new CountDownLatch(1);
        List<String> reasons = new ArrayList<>();
        a.addNodeListener(new NodeListener() {
            @Override
            public void stopped(String reason) {
                reasons.add(reason);
                stopped.countDown();
            }
        });
        faulty.breakListener();
        assertTrue(stopped.await(10, TimeUnit.SECONDS), "the node did not stop without its listener");
        assertTrue(a.isClosed());
        assertEquals(1, reasons.size());
        assertTrue(reasons.get(0).startsWith("listener mem:a@mem failed: "), reasons.get(0));
        assertEquals(reasons.get(0), a.stopReason().orElseThrow());
        assertTrue(b.nodes().isEmpty() || awaitNoNodes(b), "the stopped node's connections stay up");
    }

    private static boolean awaitNoNodes(Node n) throws InterruptedException {
        return Await.within(Duration.ofSeconds(5), () -> n.nodes().isEmpty());
    }

    @Test
    void closeTellsListenersOnce() throws Exception {
        Node a = node("a");
        List<String> reasons = new ArrayList<>();
        a.addNodeListener(new NodeListener() {
            @Override
            public void stopped(String reason) {
                reasons.add(reason);
            }
        });
        assertTrue(a.stopReason().isEmpty());
        a.close();
        a.close();
        assertEquals(List.of("closed"), reasons);
        assertEquals("closed", a.stopReason().orElseThrow());
    }

    @Test
    void tickerOutlivesACheckThatThrows() throws Exception {
        Duration ticktime = Duration.ofMillis(800);
        FaultyCarrier faulty = new FaultyCarrier(net.carrier());
        Node a = node("a", faulty, ticktime);
        Node b = node("b", net.carrier(), ticktime);
        Node c = node("c", net.carrier(), Duration.ofSeconds(60));
        Map<NodeName, String> downs = new ConcurrentHashMap<>();
        CountDownLatch bDown = new CountDownLatch(1);
        CountDownLatch cDown = new CountDownLatch(1);
        a.addNodeListener(new NodeListener() {
            @Override
            public void nodeDown(NodeName n, ConnectionFate fate) {
                downs.put(n, fate.toString());
                (n.equals(b.name()) ? bDown : cDown).countDown();
            }
        });
        assertTrue(a.ping(b.name(), Duration.ofSeconds(5)));
        assertTrue(a.ping(c.name(), Duration.ofSeconds(5)));
        faulty.statsFaultPeer = b.name();
        faulty.statsFault = new OutOfMemoryError("injected into the tick check");
        assertTrue(bDown.await(5, TimeUnit.SECONDS), "the failed check did not close its connection");
        assertTrue(downs.get(b.name()).startsWith("tick check failed: java.lang.OutOfMemoryError"), downs.toString());
        // the ticker still runs: a silent peer is still found out
        net.stall(c.name());
        try {
            assertTrue(cDown.await(5, TimeUnit.SECONDS), "the ticker died with the failed check");
            assertEquals("net_tick_timeout", downs.get(c.name()));
        } finally {
            net.resume(c.name());
        }
    }

    @Test
    void anOutgoingAttemptThatDiesOfAnErrorLeavesNoStuckRow() throws Exception {
        FaultyCarrier faulty = new FaultyCarrier(net.carrier());
        Node a = node("a", faulty, Duration.ofSeconds(60));
        Node b = node("b");
        faulty.connectFaults.add(new OutOfMemoryError("injected into connect"));
        assertFalse(a.ping(b.name(), Duration.ofSeconds(5)), "connected through a failing connect");
        assertTrue(a.ping(b.name(), Duration.ofSeconds(5)), "the failed attempt left its row pending");
    }

    @Test
    void aConnectionThatCannotStartIsClosedNotLeftHalfUp() throws Exception {
        FaultyCarrier faulty = new FaultyCarrier(net.carrier());
        Node a = node("a", faulty, Duration.ofSeconds(60));
        Node b = node("b");
        Map<NodeName, String> downs = new ConcurrentHashMap<>();
        a.addNodeListener(new NodeListener() {
            @Override
            public void nodeDown(NodeName n, ConnectionFate fate) {
                downs.put(n, fate.toString());
            }
        });
        faulty.completeFaults.add(new OutOfMemoryError("unable to create native thread"));
        // (the ping may still get its pong: its message can start a new connection once this one is closed)
        a.ping(b.name(), Duration.ofSeconds(3));
        Await.within(Duration.ofSeconds(2), () -> downs.containsKey(b.name()));
        assertTrue(downs.getOrDefault(b.name(), "").startsWith("could not start the connection: "), downs.toString());
        assertTrue(a.ping(b.name(), Duration.ofSeconds(5)), "no new connection after one that could not start");
    }

    @Test
    void builtInProcessesOutliveMessagesTheyFailOn() throws Exception {
        Node a = node("a");
        Node b = node("b");
        try (Mailbox box = b.createMailbox()) {
            // a caller pid whose node is no node name: answering it fails
            Pid bogus = new Pid(Atom.of("bogus"), 1, 0, 1);
            Tuple call = Tuple.of(Atom.GEN_CALL, Tuple.of(bogus, b.makeRef()), Tuple.of(Atom.of("is_auth"), b.nameAtom()));
            box.send("net_kernel", a.name(), call);
            box.send("rex", a.name(), Tuple.of(bogus, Atom.of("features_request")));
        }
        assertTrue(node("c").ping(a.name(), Duration.ofSeconds(5)), "net_kernel died of a message");
        assertTrue(b.ping(a.name(), Duration.ofSeconds(5)));
        try (Mailbox box = b.createMailbox()) {
            box.send("rex", a.name(), Tuple.of(box.self(), Atom.of("features_request")));
            assertTrue(box.receive(Duration.ofSeconds(5)).isPresent(), "rex died of a message");
        }
    }
}
