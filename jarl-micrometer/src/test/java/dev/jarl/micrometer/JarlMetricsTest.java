/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carriers.MemNetwork;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.node.RpcException;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The meters of two nodes talking over the in-JVM carrier move with their traffic. */
@Timeout(60)
class JarlMetricsTest {

    private static final Duration T = Duration.ofSeconds(10);
    private final MemNetwork net = new MemNetwork();
    private final List<Node> nodes = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private Node node(String name) throws IOException {
        Node n = Node.start(NodeConfig.builder(name + "@mem").cookie("c").carrier(net.carrier()).build());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void closeAll() {
        nodes.forEach(Node::close);
        registry.close();
    }

    private double counter(String name, String peer) {
        FunctionCounter c = registry.find(name).tags("peer", peer, "carrier", "mem").functionCounter();
        assertNotNull(c, name + " for " + peer + " in " + registry.getMetersAsString());
        return c.count();
    }

    @Test
    void connectionMetersFollowTheTrafficAndTheConnection() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox inbox = b.createMailbox("inbox");
        JarlMetrics metrics = new JarlMetrics(a, Tags.of("app", "test"), Duration.ZERO);
        metrics.bindTo(registry);
        assertNull(registry.find("jarl.connection.packets.out").functionCounter(), "no connection yet");
        assertTrue(a.ping(b.name(), T));
        Await.until(T, () -> registry.find("jarl.connection.packets.out").functionCounter() != null,
                () -> "meters of the new connection");
        double packetsBefore = counter("jarl.connection.packets.out", "b@mem");
        double bytesBefore = counter("jarl.connection.bytes.out", "b@mem");
        try (Mailbox box = a.createMailbox()) {
            for (int i = 0; i < 50; i++) {
                box.send("inbox", b.name(), Tuple.of(Int.of(i), Binary.of(new byte[2000])));
            }
        }
        for (int i = 0; i < 50; i++) {
            inbox.receive(T).orElseThrow();
        }
        assertEquals(packetsBefore + 50, counter("jarl.connection.packets.out", "b@mem"));
        assertTrue(counter("jarl.connection.bytes.out", "b@mem") >= bytesBefore + 50 * 2000);
        FunctionCounter bytesOut = registry.find("jarl.connection.bytes.out").functionCounter();
        assertEquals("bytes", bytesOut.getId().getBaseUnit());
        assertEquals("test", bytesOut.getId().getTag("app"));
        assertEquals(0.0, registry.find("jarl.connection.queued.bytes").tags("peer", "b@mem").gauge().value());
        FunctionTimer busy = registry.find("jarl.connection.busy").tags("peer", "b@mem").functionTimer();
        assertEquals(0.0, busy.count());
        assertEquals(1.0, registry.find("jarl.node.connections").gauge().value());
        Gauge processes = registry.find("jarl.node.processes").tags("app", "test").gauge();
        assertTrue(processes.value() >= 3, "the system processes at least: " + processes.value());

        assertTrue(a.disconnect(b.name()));
        Await.until(T, () -> registry.find("jarl.connection.packets.out").functionCounter() == null,
                () -> "meters removed on nodedown");
        assertEquals(0.0, registry.find("jarl.node.connections").gauge().value());
        metrics.close();
        assertEquals(List.of(), registry.getMeters(), "close removes every meter");
    }

    @Test
    void rpcMetersCountWhatTheNodeServes() throws Exception {
        Node a = node("a");
        Node b = node("b");
        new JarlMetrics(b, Tags.empty(), Duration.ZERO).bindTo(registry);
        a.rpc(b.name(), "jarl", "stats", List.of(), T);
        assertThrows(RpcException.Raised.class, () -> a.rpc(b.name(), "nosuch", "f", List.of(), T));
        assertEquals(2.0, registry.find("jarl.node.rpcs.served").functionCounter().count());
        assertEquals(1.0, registry.find("jarl.node.rpcs.failed").functionCounter().count());
        assertTrue(registry.find("jarl.node.registered.names").gauge().value() >= 3);
        assertEquals("mem", registry.find("jarl.connection.bytes.in").functionCounter().getId().getTag("carrier"));
    }
}
