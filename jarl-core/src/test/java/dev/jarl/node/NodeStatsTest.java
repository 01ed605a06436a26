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
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.MemNetwork;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.TermMap;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.Jfr;
import dev.jarl.testing.Otp;
import jdk.jfr.consumer.RecordedEvent;

/**
 * {@link Node#stats()} after known traffic between two nodes over the in-JVM carrier: the
 * sender's counts out equal the receiver's counts in, packet for packet and byte for byte;
 * mailbox depths, RPCs served and failed, {@code jarl:stats/0}; and the connection table's JFR
 * events (up, down with the reason, a failed handshake with the reason).
 */
@Timeout(60)
class NodeStatsTest {

    private static final Duration T = Duration.ofSeconds(10);
    private final MemNetwork net = new MemNetwork();
    private final List<Node> nodes = new ArrayList<>();

    private Node node(String name, String cookie) throws IOException {
        Node n = Node.start(NodeConfig.builder(name + "@mem").cookie(cookie).carrier(net.carrier())
                .setupTime(Duration.ofSeconds(3)).build());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void closeAll() {
        nodes.forEach(Node::close);
    }

    @Test
    void countsOutOnOneSideAreCountsInOnTheOther() throws Exception {
        Node a = node("a", "c");
        Node b = node("b", "c");
        assertTrue(a.ping(b.name(), T));
        Mailbox inbox = b.createMailbox("inbox");
        ConnectionStats aBefore = a.connectionStats(b.name()).orElseThrow();
        ConnectionStats bBefore = b.connectionStats(a.name()).orElseThrow();
        int n = 100;
        try (Mailbox box = a.createMailbox()) {
            for (int i = 0; i < n; i++) {
                box.send("inbox", b.name(), Tuple.of(Int.of(i), Binary.of(new byte[1000])));
            }
        }
        Await.until(T, () -> b.connectionStats(a.name()).orElseThrow().packetsIn() - bBefore.packetsIn() == n,
                () -> "100 packets in");
        ConnectionStats aAfter = a.connectionStats(b.name()).orElseThrow();
        ConnectionStats bAfter = b.connectionStats(a.name()).orElseThrow();
        assertEquals(n, aAfter.packetsOut() - aBefore.packetsOut());
        assertEquals(n, bAfter.packetsIn() - bBefore.packetsIn());
        long sent = aAfter.bytesOut() - aBefore.bytesOut();
        assertEquals(sent, bAfter.bytesIn() - bBefore.bytesIn());
        assertTrue(sent >= n * 1000L && sent < n * 1200L, "bytes of 100 messages of 1000 bytes: " + sent);
        assertEquals(0, aAfter.queuedBytes());
        assertEquals(0, aAfter.queuedPackets());
        assertEquals("mem", aAfter.carrier());
        assertEquals(ConnectionStats.State.UP, aAfter.state());
        assertEquals(b.name(), aAfter.peer());
        assertTrue(aAfter.hidden(), "nodes are hidden by default");
        assertTrue(!aAfter.since().isAfter(Instant.now()));
        assertTrue(aAfter.flagNames().contains("FRAGMENTS"), aAfter.flagNames().toString());

        NodeStats s = b.stats();
        assertEquals(List.of(a.name()), s.connections().stream().map(ConnectionStats::peer).toList());
        assertEquals(n, s.mailboxHighWater());
        MailboxStats deepest = s.deepestMailboxes().get(0);
        assertEquals(new MailboxStats(inbox.self(), Optional.of("inbox"), n, n), deepest);
        assertTrue(s.processes() >= 4, "net_kernel, rex, global_name_server and the inbox: " + s);
        assertTrue(s.registeredNames() >= 4, s.toString());
        inbox.receive(T);
        inbox.close();
        // a mailbox that is gone keeps its mark in the node's high-water mark
        NodeStats later = b.stats();
        assertEquals(n, later.mailboxHighWater());
        assertTrue(later.deepestMailboxes().stream().noneMatch(m -> m.pid().equals(inbox.self())));
    }

    @Test
    void udpConnectionsReportTheCarriersFigures() throws Exception {
        int epmdPort = Otp.freePort();
        AddressResolver viaEpmd = AddressResolver.epmd(epmdPort);
        Node[] pair = new Node[2];
        for (int i = 0; i < 2; i++) {
            pair[i] = Node.start(NodeConfig.builder(Otp.uniqueName("udp") + "@localhost").cookie("c").epmdPort(epmdPort)
                    .carrier(Carriers.udp(UdpOptions.of(viaEpmd).withBindAddress(InetAddress.getLoopbackAddress())))
                    .build());
            nodes.add(pair[i]);
        }
        Node a = pair[0];
        Node b = pair[1];
        Mailbox inbox = b.createMailbox("inbox");
        try (Mailbox box = a.createMailbox()) {
            for (int i = 0; i < 20; i++) {
                box.send("inbox", b.name(), Int.of(i));
            }
        }
        for (int i = 0; i < 20; i++) {
            inbox.receive(T).orElseThrow();
        }
        ConnectionStats c = a.connectionStats(b.name()).orElseThrow();
        assertEquals("udp", c.carrier());
        Map<String, Long> f = c.carrierFigures();
        assertEquals(Set.of("rtt_us", "rto_us", "retransmissions", "timeouts", "loss_events", "window", "in_flight",
                "datagrams_sent"), f.keySet());
        assertTrue(f.get("datagrams_sent") >= 1, f.toString());
        assertTrue(f.get("window") >= 1, f.toString());
        assertTrue(f.get("rto_us") > 0, f.toString());
        assertTrue(c.packetsOut() >= 20, c.toString());
        TermMap term = b.stats().toTerm();
        TermMap bc = (TermMap) ((TermList) term.get(Atom.of("connections"))).get(0);
        assertTrue(((TermMap) bc.get(Atom.of("carrier_stats"))).containsKey(Atom.of("rtt_us")), bc.toString());
    }

    @Test
    void rpcsServedAndFailedAndJarlStatsForErlang() throws Exception {
        Node a = node("a", "c");
        Node b = node("b", "c");
        Term t = a.rpc(b.name(), "jarl", "stats", List.of(), T);
        TermMap m = (TermMap) t;
        assertEquals(Atom.of(b.name().toString()), m.get(Atom.of("node")));
        assertEquals(Atom.of("jarl"), m.get(Atom.of("kind")));
        assertEquals(List.of("node", "kind", "time", "uptime_ms", "processes", "registered_names", "mailbox_high_water",
                "deepest_mailboxes", "rpcs_served", "rpcs_failed", "connections"),
                m.keys().stream().map(k -> ((Atom) k).name()).toList());
        TermMap c = (TermMap) ((TermList) m.get(Atom.of("connections"))).get(0);
        assertEquals(Atom.of(a.name().toString()), c.get(Atom.of("peer")));
        assertEquals(Atom.of("mem"), c.get(Atom.of("carrier")));
        assertTrue(((Int) c.get(Atom.of("packets_in"))).longValue() >= 1, c.toString());
        assertEquals(Binary.of(b.connectionStats(a.name()).orElseThrow().since().toString()), c.get(Atom.of("since")));
        assertThrows(RpcException.Raised.class, () -> a.rpc(b.name(), "nosuch", "f", List.of(), T));
        NodeStats s = b.stats();
        assertEquals(2, s.rpcsServed());
        assertEquals(1, s.rpcsFailed());
        assertEquals(0, a.stats().rpcsServed(), "calls made are not calls served");
    }

    @Test
    void connectionsUpAndDownAndFailedHandshakesAreRecorded() throws Exception {
        Node a = node("a", "c");
        Node b = node("b", "c");
        Node wrong = node("w", "another");
        List<RecordedEvent> events = Jfr.record(() -> {
            assertTrue(a.ping(b.name(), T));
            assertTrue(a.disconnect(b.name()));
            Await.until(T, () -> b.nodes().isEmpty() && a.nodes().isEmpty(), () -> "both sides down");
            assertFalse(wrong.ping(b.name(), T));
        }, "dev.jarl.ConnectionUp", "dev.jarl.ConnectionDown", "dev.jarl.HandshakeFailure");
        List<RecordedEvent> up = Jfr.named(events, "dev.jarl.ConnectionUp");
        assertEquals(2, up.size(), events.toString());
        RecordedEvent aUp = up.stream().filter(e -> e.getString("node").equals("a@mem")).findFirst().orElseThrow();
        assertEquals("b@mem", aUp.getString("peer"));
        assertEquals("mem", aUp.getString("carrier"));
        assertTrue(aUp.getBoolean("outgoing"));
        assertTrue(aUp.getBoolean("hidden"));
        RecordedEvent bUp = up.stream().filter(e -> e.getString("node").equals("b@mem")).findFirst().orElseThrow();
        assertFalse(bUp.getBoolean("outgoing"));
        List<RecordedEvent> down = Jfr.named(events, "dev.jarl.ConnectionDown");
        assertEquals(2, down.size(), events.toString());
        RecordedEvent aDown = down.stream().filter(e -> e.getString("node").equals("a@mem")).findFirst().orElseThrow();
        assertEquals("disconnect", aDown.getString("reason"));
        assertTrue(aDown.getLong("packetsOut") >= 1, aDown.toString());
        RecordedEvent bDown = down.stream().filter(e -> e.getString("node").equals("b@mem")).findFirst().orElseThrow();
        assertEquals("connection_closed", bDown.getString("reason"));
        List<RecordedEvent> failed = Jfr.named(events, "dev.jarl.HandshakeFailure");
        assertFalse(failed.isEmpty(), events.toString());
        assertTrue(failed.stream().anyMatch(e -> e.getString("node").equals("b@mem") && !e.getBoolean("outgoing")
                && e.getString("reason").equals("BAD_DIGEST")), failed.toString());
    }
}
