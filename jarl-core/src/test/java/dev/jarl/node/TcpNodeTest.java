/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.epmd.EpmdServer;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.Otp;

/**
 * Jarl to Jarl over TCP with the embedded EPMD (started by the first node because none answers
 * on the port): ping, sends both ways, simultaneous connects.
 */
@Timeout(60)
class TcpNodeTest {

    private static Node start(int epmdPort) throws Exception {
        return Node.start(NodeConfig.builder(Otp.uniqueName("tcp") + "@" + Otp.shortHost()).cookie("c")
                .epmdPort(epmdPort).carrier(Otp.loopbackTcp(epmdPort)).build());
    }

    @Test
    void pingSendAndSimultaneousConnects() throws Exception {
        int epmdPort = Otp.freePort();
        try (Node a = start(epmdPort)) {
            try (Node b = start(epmdPort);
                 Mailbox ra = a.createMailbox("r");
                 Mailbox rb = b.createMailbox("r")) {
                assertTrue(a.ping(b.name(), Duration.ofSeconds(5)));
                assertTrue(b.ping(a.name(), Duration.ofSeconds(5)));
                ra.send("r", b.name(), Tuple.of(ra.self(), Atom.of("hi")));
                Tuple t = (Tuple) rb.receive(Duration.ofSeconds(5)).orElseThrow();
                rb.send((Pid) t.get(0), Atom.of("ho"));
                assertEquals(Atom.of("ho"), ra.receive(Duration.ofSeconds(5)).orElseThrow());

                AtomicInteger upsA = new AtomicInteger();
                AtomicInteger upsB = new AtomicInteger();
                a.addNodeListener(new NodeListener() {
                    @Override
                    public void nodeUp(NodeName n) {
                        upsA.incrementAndGet();
                    }
                });
                b.addNodeListener(new NodeListener() {
                    @Override
                    public void nodeUp(NodeName n) {
                        upsB.incrementAndGet();
                    }
                });
                for (int round = 1; round <= 10; round++) {
                    a.disconnect(b.name());
                    Await.within(Duration.ofSeconds(5), () -> a.nodes().isEmpty() && b.nodes().isEmpty());
                    assertTrue(a.nodes().isEmpty() && b.nodes().isEmpty(), "round " + round);
                    CountDownLatch go = new CountDownLatch(1);
                    int r = round;
                    Thread ta = Thread.ofVirtual().start(() -> {
                        awaitQuietly(go);
                        for (int i = 0; i < 50; i++) {
                            ra.send("r", b.name(), Tuple.of(Int.of(r), Int.of(i)));
                        }
                    });
                    Thread tb = Thread.ofVirtual().start(() -> {
                        awaitQuietly(go);
                        for (int i = 0; i < 50; i++) {
                            rb.send("r", a.name(), Tuple.of(Int.of(r), Int.of(i)));
                        }
                    });
                    go.countDown();
                    ta.join();
                    tb.join();
                    for (int i = 0; i < 50; i++) {
                        assertEquals(Tuple.of(Int.of(r), Int.of(i)), rb.receive(Duration.ofSeconds(10)).orElseThrow());
                        assertEquals(Tuple.of(Int.of(r), Int.of(i)), ra.receive(Duration.ofSeconds(10)).orElseThrow());
                    }
                    assertEquals(List.of(b.name()), a.nodes());
                    assertEquals(List.of(a.name()), b.nodes());
                    assertEquals(round, upsA.get(), "nodeups on a");
                    assertEquals(round, upsB.get(), "nodeups on b");
                }
            }
        }
    }

    /**
     * A node bound to one address starts its embedded EPMD on that address only (as the node
     * itself listens), not on every address of the host.
     */
    @Test
    void embeddedEpmdListensOnlyWhereTheNodeListens() throws Exception {
        int epmdPort = Otp.freePort();
        try (Node a = start(epmdPort); Node b = start(epmdPort)) {
            EpmdServer epmd = a.embeddedEpmd();
            assertNotNull(epmd, "no EPMD answered on the port, so the first node starts its own");
            assertEquals(InetAddress.getLoopbackAddress(), epmd.address());
            assertNull(b.embeddedEpmd(), "the second node uses the first one's EPMD");
            assertTrue(b.ping(a.name(), Duration.ofSeconds(5)), "b finds a through that EPMD");
            // another loopback address of this host finds no EPMD there
            InetAddress other = InetAddress.getLoopbackAddress() instanceof Inet4Address
                    ? InetAddress.getByName("127.0.0.2") : null;
            if (other != null) {
                try (Socket s = new Socket()) {
                    assertThrows(ConnectException.class, () -> s.connect(new InetSocketAddress(other, epmdPort), 2000));
                }
            }
        }
    }

    private static void awaitQuietly(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
