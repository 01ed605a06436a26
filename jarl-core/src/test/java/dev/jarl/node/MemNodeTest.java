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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carriers.MemNetwork;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.Pace;
import dev.jarl.testing.NotReleaseSpecific;

/** Jarl to Jarl over the in-JVM carrier: connect, ping, send, order, simultaneous connects, ticks. */
@Timeout(60)
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class MemNodeTest {

    /** Rounds of close and reconnect: one in three runs failed within 300 before the fix. */
    private static final int RECONNECT_ROUNDS = 300;

    private final MemNetwork net = new MemNetwork();
    private final List<Node> nodes = new ArrayList<>();

    private Node node(String name) throws IOException {
        return node(name, "cookie", Duration.ofSeconds(60));
    }

    private Node node(String name, String cookie, Duration ticktime) throws IOException {
        Node n = Node.start(NodeConfig.builder(name + "@mem").cookie(cookie).carrier(net.carrier())
                .netTicktime(ticktime).setupTime(Duration.ofSeconds(3)).build());
        nodes.add(n);
        return n;
    }

    private Node node(String name, Carrier carrier) throws IOException {
        Node n = Node.start(NodeConfig.builder(name + "@mem").cookie("cookie").carrier(carrier)
                .netTicktime(Duration.ofSeconds(60)).setupTime(Duration.ofSeconds(3)).build());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void closeAll() {
        nodes.forEach(Node::close);
    }

    @Test
    void pingAndNodes() throws Exception {
        Node a = node("a");
        Node b = node("b");
        assertTrue(a.ping(b.name(), Duration.ofSeconds(5)));
        assertEquals(List.of(b.name()), a.nodes());
        assertEquals(List.of(a.name()), b.nodes());
        assertTrue(b.ping(a.name(), Duration.ofSeconds(5)));
        assertFalse(a.ping(NodeName.parse("nobody@mem"), Duration.ofSeconds(2)));
    }

    @Test
    void sendToPidAndNameBothWays() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox boxA = a.createMailbox("inbox");
        Mailbox boxB = b.createMailbox("inbox");
        boxA.send("inbox", b.name(), Term.tuple(boxA.self(), "hello"));
        Tuple got = (Tuple) boxB.receive(Duration.ofSeconds(5)).orElseThrow();
        assertEquals(boxA.self(), got.get(0));
        Pid back = (Pid) got.get(1 - 1);
        boxB.send(back, Atom.of("world"));
        assertEquals(Atom.of("world"), boxA.receive(Duration.ofSeconds(5)).orElseThrow());
        boxB.send("inbox", a.name(), Int.of(7));
        assertEquals(Int.of(7), boxA.receive(Duration.ofSeconds(5)).orElseThrow());
    }

    @Test
    void manyMessagesInOrder() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox src = a.createMailbox();
        Mailbox dst = b.createMailbox("dst");
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            src.send("dst", b.name(), Int.of(i));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(Int.of(i), dst.receive(Duration.ofSeconds(10)).orElseThrow(), "message " + i);
        }
    }

    @Test
    void wrongCookieFailsConnect() throws Exception {
        Node a = node("a", "one", Duration.ofSeconds(60));
        Node b = node("b", "two", Duration.ofSeconds(60));
        IOException e = assertThrows(IOException.class, () -> a.connect(b.name()));
        assertTrue(e.getMessage().contains("b@mem"), e.getMessage());
        assertFalse(e.getMessage().contains("one") || e.getMessage().contains("two"), e.getMessage());
        assertFalse(a.ping(b.name(), Duration.ofSeconds(2)));
    }

    @Test
    void simultaneousConnectsResolveToOneConnection() throws Exception {
        for (int round = 0; round < 20; round++) {
            Node a = node("sa" + round);
            Node b = node("sb" + round);
            List<String> ups = new CopyOnWriteArrayList<>();
            a.addNodeListener(new NodeListener() {
                @Override
                public void nodeUp(NodeName n) {
                    ups.add("a:" + n);
                }
            });
            b.addNodeListener(new NodeListener() {
                @Override
                public void nodeUp(NodeName n) {
                    ups.add("b:" + n);
                }
            });
            Mailbox ra = a.createMailbox("r");
            Mailbox rb = b.createMailbox("r");
            CountDownLatch go = new CountDownLatch(1);
            Thread ta = Thread.ofVirtual().start(() -> {
                await(go);
                for (int i = 0; i < 50; i++) {
                    ra.send("r", b.name(), Int.of(i));
                }
            });
            Thread tb = Thread.ofVirtual().start(() -> {
                await(go);
                for (int i = 0; i < 50; i++) {
                    rb.send("r", a.name(), Int.of(i));
                }
            });
            go.countDown();
            ta.join();
            tb.join();
            for (int i = 0; i < 50; i++) {
                assertEquals(Int.of(i), rb.receive(Duration.ofSeconds(10)).orElseThrow(), "round " + round + " b msg " + i);
                assertEquals(Int.of(i), ra.receive(Duration.ofSeconds(10)).orElseThrow(), "round " + round + " a msg " + i);
            }
            assertEquals(0, ra.queued());
            assertEquals(0, rb.queued());
            assertEquals(List.of(b.name()), a.nodes());
            assertEquals(List.of(a.name()), b.nodes());
            assertEquals(2, ups.size(), "round " + round + ": " + ups);
            a.close();
            b.close();
        }
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void stalledPeerIsDeclaredDownInsideTheWindow() throws Exception {
        Duration ticktime = Duration.ofMillis(1200);
        Node a = node("a", "cookie", ticktime);
        Node b = node("b", "cookie", Duration.ofSeconds(60));
        CountDownLatch down = new CountDownLatch(1);
        List<ConnectionFate> fates = new CopyOnWriteArrayList<>();
        a.addNodeListener(new NodeListener() {
            @Override
            public void nodeDown(NodeName n, ConnectionFate fate) {
                fates.add(fate);
                down.countDown();
            }
        });
        Mailbox watcher = a.createMailbox();
        watcher.monitorNodes(true, true);
        assertTrue(a.ping(b.name(), Duration.ofSeconds(5)));
        long frozen = System.nanoTime();
        net.stall(b.name());
        assertTrue(down.await(5, TimeUnit.SECONDS));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozen);
        // b itself never ticks within its 60 s ticktime; a's echo rule keeps nothing alive
        // once b is frozen, so silence starts now: down after T - D .. T + D
        assertTrue(ms >= 900 - 50 && ms <= 1500 + 300, "declared down after " + ms + " ms");
        // the typed fate reaches listeners, and monitor_nodes gets OTP's nodedown_reason for it
        assertEquals(List.of(new ConnectionFate.TickTimeout()), fates);
        Atom bAtom = Atom.of(b.name().toString());
        Term nodedown = watcher.receive(m -> m instanceof Tuple t && t.isTagged(Atom.of("nodedown"), 3), Duration.ofSeconds(5))
                .orElseThrow();
        assertEquals(Tuple.of(Atom.of("nodedown"), bAtom, TermList.of(Tuple.of(Atom.of("node_type"), Atom.of("hidden")),
                Tuple.of(Atom.of("nodedown_reason"), Atom.of("net_tick_timeout")))), nodedown);
        net.resume(b.name());
    }

    @Test
    void busyConnectionStaysUp() throws Exception {
        Duration ticktime = Duration.ofMillis(800);
        Node a = node("a", "cookie", ticktime);
        Node b = node("b", "cookie", ticktime);
        List<String> downs = new CopyOnWriteArrayList<>();
        a.addNodeListener(new NodeListener() {
            @Override
            public void nodeDown(NodeName n, ConnectionFate fate) {
                downs.add(fate.toString());
            }
        });
        Mailbox src = a.createMailbox();
        Mailbox dst = b.createMailbox("dst");
        int[] next = {0};
        int i = Pace.during(Duration.ofMillis(2500), Duration.ofMillis(5), () -> src.send("dst", b.name(), Int.of(next[0]++)));
        Await.holdsFor(Duration.ofMillis(1500), downs::isEmpty, () -> "went down: " + downs);
        assertEquals(List.of(b.name()), a.nodes());
        assertEquals(i, dst.queued());
    }

    @Test
    void reconnectAfterRestartDropsOldPids() throws Exception {
        Node a = node("a");
        Node b1 = node("b");
        Mailbox boxA = a.createMailbox();
        Mailbox old = b1.createMailbox("x");
        Pid oldPid = old.self();
        boxA.send(oldPid, Atom.of("first"));
        assertEquals(Atom.of("first"), old.receive(Duration.ofSeconds(5)).orElseThrow());
        CountDownLatch down = new CountDownLatch(1);
        a.addNodeListener(new NodeListener() {
            @Override
            public void nodeDown(NodeName n, ConnectionFate fate) {
                down.countDown();
            }
        });
        b1.close();
        assertTrue(down.await(5, TimeUnit.SECONDS));
        Node b2 = node("b");
        assertTrue(b2.creation() != b1.creation());
        Mailbox fresh = b2.createMailbox("x");
        // same id and serial as the old pid, but the new incarnation
        Pid reused = new Pid(oldPid.node(), oldPid.id(), oldPid.serial(), b2.creation());
        boxA.send(oldPid, Atom.of("stale"));
        boxA.send("x", b2.name(), Atom.of("fresh"));
        assertEquals(Atom.of("fresh"), fresh.receive(Duration.ofSeconds(5)).orElseThrow());
        assertEquals(0, fresh.queued());
        assertTrue(reused.creation() == b2.creation());
    }

    @Test
    void closedNodeIsDown() throws Exception {
        Node a = node("a");
        Node b = node("b");
        assertTrue(a.ping(b.name(), Duration.ofSeconds(5)));
        CountDownLatch down = new CountDownLatch(1);
        a.addNodeListener(new NodeListener() {
            @Override
            public void nodeDown(NodeName n, ConnectionFate fate) {
                down.countDown();
            }
        });
        b.close();
        assertTrue(down.await(5, TimeUnit.SECONDS));
        assertEquals(List.of(), a.nodes());
    }

    @Test
    void threeNodesRelayInOrder() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Node c = node("c");
        Mailbox relay = b.createMailbox("relay");
        Mailbox sink = c.createMailbox("sink");
        Mailbox src = a.createMailbox();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 1000; i++) {
                    relay.send("sink", c.name(), relay.receive());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 1000; i++) {
            src.send("relay", b.name(), Int.of(i));
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(Int.of(i), sink.receive(Duration.ofSeconds(5)).orElseThrow());
        }
        t.join();
        assertEquals(List.of(b.name()), a.nodes());
        assertEquals(2, b.nodes().size());
        assertEquals(List.of(b.name()), c.nodes());
    }

    @Test
    void cutConnectionGoesDownOnceAndTheNextSendReconnects() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox src = a.createMailbox();
        Mailbox dst = b.createMailbox("dst");
        List<String> downs = new CopyOnWriteArrayList<>();
        CountDownLatch down = new CountDownLatch(1);
        a.addNodeListener(new NodeListener() {
            @Override
            public void nodeDown(NodeName n, ConnectionFate fate) {
                downs.add(fate.toString());
                down.countDown();
            }
        });
        src.send("dst", b.name(), Int.of(1));
        assertEquals(Int.of(1), dst.receive(Duration.ofSeconds(5)).orElseThrow());
        net.cut(a.name(), b.name());
        assertTrue(down.await(5, TimeUnit.SECONDS));
        Await.holdsFor(Duration.ofMillis(100), () -> downs.size() == 1, downs::toString);
        src.send("dst", b.name(), Int.of(2));
        assertEquals(Int.of(2), dst.receive(Duration.ofSeconds(5)).orElseThrow());
    }

    @Test
    void delayedNetworkKeepsOrder() throws Exception {
        Node a = node("a");
        Node b = node("b");
        net.delay(Duration.ofMillis(20));
        Mailbox src = a.createMailbox();
        Mailbox dst = b.createMailbox("dst");
        for (int i = 0; i < 200; i++) {
            src.send("dst", b.name(), Int.of(i));
        }
        for (int i = 0; i < 200; i++) {
            assertEquals(Int.of(i), dst.receive(Duration.ofSeconds(5)).orElseThrow());
        }
        net.delay(Duration.ZERO);
    }

    /**
     * Once {@link Node#nodes()} no longer lists a peer, what the lost connection leaves behind
     * ({@code nodedown}, noconnection) has been delivered, as erts clears a connection's node
     * monitors, links and monitors before the node can connect again: a ping made then belongs
     * to the next connection and is not failed by the old one's {@code nodedown}.
     */
    @Test
    void aPingRightAfterTheConnectionWentDownIsAnsweredOnTheNextConnection() throws Exception {
        Node a = node("a");
        Node b = node("b");
        for (int i = 0; i < RECONNECT_ROUNDS; i++) {
            assertTrue(b.ping(a.name(), Duration.ofSeconds(5)), "ping " + i + " before the close");
            assertTrue(a.disconnect(b.name()));
            Await.until(Duration.ofSeconds(5), () -> !b.nodes().contains(a.name()), () -> b + " still lists " + a.name());
            assertTrue(b.ping(a.name(), Duration.ofSeconds(5)), "ping " + i + " right after b saw the close");
            b.disconnect(a.name());
            Await.until(Duration.ofSeconds(5), () -> !b.nodes().contains(a.name()), () -> b + " still lists " + a.name());
        }
    }

    /** As above for node monitors: the old connection's nodedown is in the queue, none for a new monitor. */
    @Test
    void aNodeMonitorMadeAfterTheConnectionWentDownGetsNoStaleNodedown() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox watcher = b.createMailbox();
        Tuple nodedown = Tuple.of(Atom.of("nodedown"), Atom.of(a.name().toString()));
        for (int i = 0; i < RECONNECT_ROUNDS; i++) {
            assertTrue(b.ping(a.name(), Duration.ofSeconds(5)));
            watcher.monitorNode(a.name(), true);
            assertTrue(a.disconnect(b.name()));
            Await.until(Duration.ofSeconds(5), () -> !b.nodes().contains(a.name()), () -> b + " still lists " + a.name());
            assertEquals(nodedown, watcher.receive(Duration.ZERO).orElse(null), "round " + i);
            watcher.monitorNode(a.name(), true);
            assertTrue(b.ping(a.name(), Duration.ofSeconds(5)), "round " + i);
            assertEquals(null, watcher.receive(Duration.ZERO).orElse(null), "round " + i + ": a stale nodedown");
            watcher.monitorNode(a.name(), false);
        }
    }

    /**
     * A failed connection attempt fails what waited on it (node monitors, links, monitors)
     * before the row is free for the next attempt, as erts aborts a pending connection: once
     * {@link Node#connect} has thrown for the failed attempt, a node monitor and a ping made
     * then belong to the next attempt and get no {@code nodedown} of the failed one.
     */
    @Test
    void aPingAndNodeMonitorRightAfterAFailedAttemptAreNotFailedByIt() throws Exception {
        FaultyCarrier faulty = new FaultyCarrier(net.carrier());
        Node a = node("a");
        Node b = node("b", faulty);
        // bystanders, so failing the attempt's node monitors, links and monitors takes a while
        for (int i = 0; i < 500; i++) {
            b.createMailbox();
        }
        Mailbox watcher = b.createMailbox();
        for (int i = 0; i < RECONNECT_ROUNDS; i++) {
            faulty.connectFaults.add(new IOException("injected into connect " + i));
            assertThrows(IOException.class, () -> b.connect(a.name(), Duration.ofSeconds(5)), "round " + i);
            watcher.monitorNode(a.name(), true);
            assertTrue(b.ping(a.name(), Duration.ofSeconds(5)), "round " + i + ": ping failed by the failed attempt");
            assertEquals(null, watcher.receive(Duration.ZERO).orElse(null), "round " + i + ": a stale nodedown");
            watcher.monitorNode(a.name(), false);
            assertTrue(b.disconnect(a.name()));
            assertTrue(Await.within(Duration.ofSeconds(5), () -> !b.nodes().contains(a.name())));
        }
    }
}
