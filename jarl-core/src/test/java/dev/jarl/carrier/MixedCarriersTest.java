/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.jarl.carrier.tls.TlsTestCerts;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.MemNetwork;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.carriers.UdsOptions;
import dev.jarl.epmd.EpmdServer;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * Choosing a carrier is one line of {@link NodeConfig}, and nodes in one JVM may each use a
 * different one: pairs of nodes over tcp, tls, uds, udp and mem, all in this JVM at once,
 * each pair exchanging messages in order while the others do; and large binaries, on the
 * heap and off it, byte for byte over each of them.
 */
@Timeout(60)
class MixedCarriersTest {

    @TempDir
    Path sockets;

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    private Node node(String name, int epmdPort, Carrier carrier) throws IOException {
        Node n = Node.start(NodeConfig.builder(name + "@localhost").cookie("mixed").epmdPort(epmdPort).carrier(carrier).build());
        toClose.add(n);
        return n;
    }

    @Test
    void nodesOnFiveCarriersInOneJvm() throws Exception {
        int port = startEpmd();
        List<Function<String, Carrier>> carriers = carriers(AddressResolver.epmd(port));
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        List<Node[]> pairs = new ArrayList<>();
        for (int i = 0; i < carriers.size(); i++) {
            String kind = KINDS.get(i);
            Node a = node("mx_" + kind + "_a", port, carriers.get(i).apply(kind));
            Node b = node("mx_" + kind + "_b", port, carriers.get(i).apply(kind));
            assertEquals(kind, a.config().carrier().orElseThrow().name());
            pairs.add(new Node[] {a, b});
        }
        for (Node[] p : pairs) {
            runs.add(CompletableFuture.runAsync(() -> exchange(p[0], p[1]), r -> Thread.ofVirtual().start(r)));
        }
        for (CompletableFuture<Void> r : runs) {
            r.get(50, TimeUnit.SECONDS);
        }
        for (Node[] p : pairs) {
            assertEquals(List.of(p[1].name()), p[0].nodes(), p[0].name() + " sees only its partner");
        }
    }

    /** Starts an EPMD of the test's own on a free loopback port, closed after the test; returns the port. */
    private int startEpmd() throws IOException {
        EpmdServer epmd = EpmdServer.start(CarrierFixture.LOOPBACK, 0);
        toClose.add(epmd);
        return epmd.port();
    }

    /** The carriers' names, in the order of {@link #carriers}. */
    private static final List<String> KINDS = List.of("tcp", "tls", "uds", "udp", "mem");

    /** A factory of each carrier, in the order of {@link #KINDS}; the mem ones share one network. */
    private List<Function<String, Carrier>> carriers(AddressResolver viaEpmd) {
        MemNetwork net = new MemNetwork();
        return List.of(
                n -> Carriers.tcp(TcpOptions.of(viaEpmd).withBindAddress(CarrierFixture.LOOPBACK)),
                n -> Carriers.tls(TlsTestCerts.shared().options(viaEpmd)),
                n -> Carriers.uds(UdsOptions.of(sockets)),
                n -> Carriers.udp(UdpOptions.of(viaEpmd).withBindAddress(CarrierFixture.LOOPBACK)),
                n -> Carriers.mem(net));
    }

    /** {@code a} sends 1000 numbered messages to {@code b}'s echo box and gets them back in order. */
    private static void exchange(Node a, Node b) {
        try (Mailbox echo = b.createMailbox("echo"); Mailbox box = a.createMailbox()) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Tuple t = (Tuple) echo.receive();
                        echo.send((dev.jarl.term.Pid) t.get(0), t.get(1));
                    }
                } catch (InterruptedException | RuntimeException e) {
                    // mailbox closed
                }
            });
            int n = 1000;
            for (int i = 1; i <= n; i++) {
                box.send("echo", b.name(), Tuple.of(box.self(), Int.of(i)));
            }
            for (int i = 1; i <= n; i++) {
                Term got = box.receive(Duration.ofSeconds(20)).orElseThrow(() -> new AssertionError(a.name() + ": timeout"));
                assertEquals(Int.of(i), got, a.name().toString());
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Large binaries, on the heap and off it, at sizes around the encoder's reference threshold
     * (8 KiB), a fragment (64 KiB) and odd ones up to a megabyte, nested in tuples and lists, go
     * there and back byte for byte over every carrier: the gathering writes of the stream
     * carriers (TCP, TLS, Unix sockets) and the whole packets of UDP and the in-JVM pipe. The
     * echo sends each message back twice: as it arrived (heap binaries sharing the received
     * message) and with every binary moved off the heap.
     */
    @Test
    @Timeout(120)
    void largeBinariesGoThereAndBackByteForByteOverEveryCarrier() throws Exception {
        int port = startEpmd();
        List<Function<String, Carrier>> carriers = carriers(AddressResolver.epmd(port));
        Term want = message();
        for (int i = 0; i < carriers.size(); i++) {
            String kind = KINDS.get(i);
            Node a = node("lb_" + kind + "_a", port, carriers.get(i).apply(kind));
            Node b = node("lb_" + kind + "_b", port, carriers.get(i).apply(kind));
            try (Mailbox echo = b.createMailbox("echo"); Mailbox box = a.createMailbox()) {
                Thread echoer = Thread.ofVirtual().start(() -> {
                    try {
                        while (true) {
                            Tuple t = (Tuple) echo.receive();
                            echo.send((Pid) t.get(0), t.get(1));
                            echo.send((Pid) t.get(0), offHeap(t.get(1)));
                        }
                    } catch (InterruptedException | RuntimeException e) {
                        // mailbox closed
                    }
                });
                for (int round = 0; round < 2; round++) {
                    box.send("echo", b.name(), Tuple.of(box.self(), want));
                }
                for (int k = 0; k < 4; k++) {
                    Term got = box.receive(Duration.ofSeconds(60)).orElseThrow(() -> new AssertionError(kind + ": no echo"));
                    assertEquals(want, got, kind + ": echo " + k);
                }
                assertTrue(box.receive(Duration.ZERO).isEmpty(), kind + ": nothing more");
                echoer.interrupt();
            }
        }
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + seed);
        }
        return b;
    }

    /** One message: binaries of each size, alternately off the heap and on it, nested. */
    static Term message() {
        List<Term> items = new ArrayList<>();
        int i = 0;
        for (int n : List.of(1, 8191, 8192, 8193, 65_535, 65_536, 65_537, 131_071, 1_000_003)) {
            byte[] b = bytes(n, i);
            Binary bin = i % 2 == 0 ? Binary.offHeap(b) : Binary.of(b);
            items.add(i % 3 == 0 ? Tuple.of(Atom.of("n"), bin) : bin);
            i++;
        }
        return Tuple.of(Atom.of("big"), TermList.of(items), Binary.offHeap(bytes(70_001, 99)));
    }

    /** {@code t} with every binary moved off the heap. */
    static Term offHeap(Term t) {
        return switch (t) {
            case Binary b -> b.toOffHeap();
            case Tuple u -> {
                Term[] e = new Term[u.arity()];
                for (int k = 0; k < e.length; k++) {
                    e[k] = offHeap(u.get(k));
                }
                yield Tuple.of(e);
            }
            case TermList l -> {
                List<Term> e = new ArrayList<>();
                for (Term x : l.elements()) {
                    e.add(offHeap(x));
                }
                yield TermList.of(e);
            }
            default -> t;
        };
    }
}
