/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
import dev.jarl.term.Int;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * Choosing a carrier is one line of {@link NodeConfig}, and nodes in one JVM may each use a
 * different one: pairs of nodes over tcp, tls, uds, udp and mem, all in this JVM at once,
 * each pair exchanging messages in order while the others do.
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
        EpmdServer epmd = EpmdServer.start(CarrierFixture.LOOPBACK, 0);
        toClose.add(epmd);
        int port = epmd.port();
        AddressResolver viaEpmd = AddressResolver.epmd(port);
        MemNetwork net = new MemNetwork();
        List<Function<String, Carrier>> carriers = List.of(
                n -> Carriers.tcp(TcpOptions.of(viaEpmd).withBindAddress(CarrierFixture.LOOPBACK)),
                n -> Carriers.tls(TlsTestCerts.shared().options(viaEpmd)),
                n -> Carriers.uds(UdsOptions.of(sockets)),
                n -> Carriers.udp(UdpOptions.of(viaEpmd).withBindAddress(CarrierFixture.LOOPBACK)),
                n -> Carriers.mem(net));
        List<String> kinds = List.of("tcp", "tls", "uds", "udp", "mem");
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        List<Node[]> pairs = new ArrayList<>();
        for (int i = 0; i < carriers.size(); i++) {
            String kind = kinds.get(i);
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
}
