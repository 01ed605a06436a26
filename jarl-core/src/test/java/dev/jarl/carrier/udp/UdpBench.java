/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import dev.jarl.carrier.Carrier;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
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

/**
 * Jarl to Jarl on loopback, UDP beside TCP: small-message throughput, 1 MB message
 * throughput, round-trip time. Not a test: it only prints figures, and runs only with
 * {@code -Djarl.bench=true}:
 *
 * <pre>
 * ./mvnw -B -q -pl jarl-core verify -Dtest=UdpBench -Djarl.bench=true -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 *
 * The figures land in {@code jarl-core/target/surefire-reports/dev.jarl.carrier.udp.UdpBench-output.txt}.
 */
@EnabledIfSystemProperty(named = "jarl.bench", matches = "true")
class UdpBench {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        open.clear();
    }

    @Test
    void udpBesideTcp() throws Exception {
        for (int round = 0; round < 2; round++) {
            for (String carrier : List.of("tcp", "udp")) {
                run(carrier);
                closeAll();
            }
        }
    }

    /** The carrier alone, without the node: 1 MB packets and their datagram counters. */
    @Test
    void carrierAlone() throws Exception {
        UdpOptions options = UdpPair.options().withDatagrams(UdpOptions.LOOPBACK_DATAGRAM_SIZE, 4 << 20)
                .withRto(Duration.ofMillis(200), Duration.ofSeconds(1));
        try (UdpPair p = UdpPair.open(options)) {
            byte[] mb = new byte[1 << 20];
            for (int warm = 0; warm < 3; warm++) {
                int m = 2000;
                long t0 = System.nanoTime();
                Thread sender = Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < m; i++) {
                        p.chA.send(mb);
                    }
                });
                for (int i = 0; i < m; i++) {
                    p.chB.next(10_000);
                }
                sender.join();
                long ns = System.nanoTime() - t0;
                System.out.printf("carrier 1 MB packets: %,d MB/s; %d datagrams, %d retransmissions, %d timeouts "
                        + "(%d spurious), %d loss events%n", m * 1_000_000_000L / ns, p.a.datagramsSent.get(),
                        p.a.retransmissions.get(), p.a.timeouts.get(), p.a.spuriousTimeouts.get(), p.a.lossEvents.get());
            }
        }
    }

    private void run(String kind) throws Exception {
        EpmdServer epmd = EpmdServer.start(UdpPair.LOOPBACK, 0);
        open.add(epmd);
        Node a = node("ba", kind, epmd.port());
        Node b = node("bb", kind, epmd.port());
        Mailbox src = a.createMailbox();
        Mailbox sink = b.createMailbox("sink");
        Mailbox echo = b.createMailbox("echo");
        Thread echoer = Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Tuple t = (Tuple) echo.receive();
                    echo.send((Pid) t.get(0), t.get(1));
                }
            } catch (InterruptedException e) {
                // done
            }
        });
        open.add(echoer::interrupt);
        a.ping(b.name(), Duration.ofSeconds(5));

        // small messages
        int n = 300_000;
        Term small = Term.tuple(Atom.of("msg"), Int.of(12345), Binary.of(new byte[16]));
        for (int warm = 0; warm < 2; warm++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                src.send("sink", b.name(), small);
            }
            for (int i = 0; i < n; i++) {
                sink.receive();
            }
            long ns = System.nanoTime() - t0;
            if (warm == 1) {
                System.out.printf("%s small messages: %,d msg/s (%d in %d ms)%n", kind, n * 1_000_000_000L / ns, n,
                        ns / 1_000_000);
            }
        }

        // 1 MB messages
        Binary mb = Binary.of(new byte[1 << 20]);
        int m = 1000;
        for (int warm = 0; warm < 2; warm++) {
            long t0 = System.nanoTime();
            Thread sender = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < m; i++) {
                    src.send("sink", b.name(), mb);
                }
            });
            for (int i = 0; i < m; i++) {
                sink.receive();
            }
            sender.join();
            long ns = System.nanoTime() - t0;
            if (warm == 1) {
                System.out.printf("%s 1 MB messages: %,d MB/s (%d in %d ms)%n", kind, m * 1_000_000_000L / ns, m,
                        ns / 1_000_000);
            }
        }

        // round trips
        int r = 20_000;
        long[] rtts = new long[r];
        Term ping = Term.tuple(src.self(), Atom.of("ping"));
        for (int i = 0; i < r; i++) {
            long t0 = System.nanoTime();
            src.send("echo", b.name(), ping);
            src.receive();
            rtts[i] = System.nanoTime() - t0;
        }
        Arrays.sort(rtts, r / 4, r);
        long[] measured = Arrays.copyOfRange(rtts, r / 4, r);
        System.out.printf("%s round trip: median %d us, p99 %d us%n", kind, measured[measured.length / 2] / 1000,
                measured[measured.length * 99 / 100] / 1000);
    }

    private Node node(String name, String kind, int epmdPort) throws IOException {
        AddressResolver resolver = AddressResolver.epmd(epmdPort);
        Carrier carrier = kind.equals("udp")
                ? Carriers.udp(UdpOptions.of(resolver).withBindAddress(UdpPair.LOOPBACK)
                        .withDatagrams(UdpOptions.LOOPBACK_DATAGRAM_SIZE, 4 << 20))
                : Carriers.tcp(TcpOptions.of(resolver).withBindAddress(UdpPair.LOOPBACK));
        Node node = Node.start(NodeConfig.builder(name + "@localhost").cookie("bench").carrier(carrier)
                .useEpmd(true).epmdPort(epmdPort).build());
        open.add(node);
        return node;
    }
}
