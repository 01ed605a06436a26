/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.Carrier;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.epmd.EpmdServer;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * Two Jarl nodes over the UDP carrier, finding each other through EPMD (Jarl's embedded
 * server on a private port): the UDP listener's port is what each node registers.
 */
@Timeout(60)
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class UdpNodeTest {

    private final List<AutoCloseable> open = new ArrayList<>();
    private EpmdServer epmd;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Node node(String name, Link link, int datagramSize) throws IOException {
        if (epmd == null) {
            epmd = EpmdServer.start(UdpPair.LOOPBACK, 0);
            open.add(epmd);
        }
        UdpOptions options = UdpOptions.of(AddressResolver.epmd(epmd.port())).withBindAddress(UdpPair.LOOPBACK)
                .withDatagrams(datagramSize, 4 << 20)
                .withRto(Duration.ofMillis(10), Duration.ofMillis(100));
        Carrier carrier = new UdpCarrier(options, link);
        Node n = Node.start(NodeConfig.builder(name + "@localhost").cookie("udp").carrier(carrier)
                .useEpmd(true).epmdPort(epmd.port()).setupTime(Duration.ofSeconds(5)).build());
        open.add(n);
        return n;
    }

    @Test
    void pingAndMessagesBothWays() throws Exception {
        Node a = node("a", Link.DIRECT, UdpOptions.LOOPBACK_DATAGRAM_SIZE);
        Node b = node("b", Link.DIRECT, UdpOptions.LOOPBACK_DATAGRAM_SIZE);
        assertTrue(a.ping(b.name(), Duration.ofSeconds(5)));
        assertEquals(List.of(b.name()), a.nodes());
        assertEquals(List.of(a.name()), b.nodes());
        Mailbox boxA = a.createMailbox("inbox");
        Mailbox boxB = b.createMailbox("inbox");
        boxA.send("inbox", b.name(), Term.tuple(boxA.self(), "hello"));
        Tuple got = (Tuple) boxB.receive(Duration.ofSeconds(5)).orElseThrow();
        boxB.send((Pid) got.get(0), Atom.of("world"));
        assertEquals(Atom.of("world"), boxA.receive(Duration.ofSeconds(5)).orElseThrow());
        for (int i = 0; i < 20_000; i++) {
            boxB.send("inbox", a.name(), Int.of(i));
        }
        for (int i = 0; i < 20_000; i++) {
            assertEquals(Int.of(i), boxA.receive(Duration.ofSeconds(10)).orElseThrow(), "message " + i);
        }
    }

    @Test
    void nodesKeepTheContractOverALossyLink() throws Exception {
        long seed = UdpFaultInjectionTest.SEED;
        FaultyLink la = new FaultyLink(seed, 0.10, 0.05, 0.05, 0);
        FaultyLink lb = new FaultyLink(seed + 1, 0.10, 0.05, 0.05, 0);
        open.add(la);
        open.add(lb);
        Node a = node("fa", la, 8192);
        Node b = node("fb", lb, 8192);
        Mailbox src = a.createMailbox();
        Mailbox dst = b.createMailbox("dst");
        byte[] big = new byte[32 << 20];
        new Random(seed).nextBytes(big);
        int n = 200_000;
        Thread sender = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < n; i++) {
                src.send("dst", b.name(), Int.of(i));
                if (i == n / 2) {
                    src.send("dst", b.name(), Binary.of(big));
                }
            }
        });
        for (int i = 0; i < n; i++) {
            assertEquals(Int.of(i), dst.receive(Duration.ofSeconds(30)).orElseThrow(), "message " + i);
            if (i == n / 2) {
                Binary bin = (Binary) dst.receive(Duration.ofSeconds(30)).orElseThrow();
                assertArrayEquals(big, bin.bytes());
            }
        }
        sender.join();
        assertTrue(dst.receive(Duration.ofMillis(100)).isEmpty(), "nothing extra");
        System.out.printf("nodes over a lossy link: a->b %s; b->a %s%n", la, lb);
    }
}
