/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierPair;
import dev.jarl.carrier.Listener;
import dev.jarl.carrier.udp.UdpProbe;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.epmd.EpmdServer;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.handshake.TestCookies;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * Jarl to Jarl on loopback, UDP beside TCP, two nodes in this JVM. It prints figures and
 * checks nothing beyond every message arriving:
 * <ul>
 *   <li>{@code nodes}: small-message throughput (300,000 {@code {msg, 12345, <<0:128>>}}),
 *       1 MB message throughput (1,000), round-trip time (20,000; median and p99 of the last
 *       three quarters), over TCP then UDP, twice;</li>
 *   <li>{@code carrier}: the UDP carrier alone, no node: 2,000 packets of 1 MB between two
 *       carrier connections, three times, with the sender's datagram counters.</li>
 * </ul>
 *
 * <pre>
 * java -cp jarl-bench/target/benchmarks.jar dev.jarl.bench.UdpBench [nodes|carrier]
 * </pre>
 * (both parts without an argument).
 */
public final class UdpBench {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private UdpBench() {
    }

    /** Runs the parts named in {@code args}, or both. */
    public static void main(String[] args) throws Exception {
        List<String> parts = args.length == 0 ? List.of("nodes", "carrier") : List.of(args);
        for (String part : parts) {
            switch (part) {
                case "nodes" -> {
                    for (int round = 0; round < 2; round++) {
                        for (String carrier : List.of("tcp", "udp")) {
                            nodes(carrier);
                        }
                    }
                }
                case "carrier" -> carrierAlone();
                default -> throw new IllegalArgumentException("part: " + part + " (expected: nodes or carrier)");
            }
        }
    }

    /** The carrier alone, without the node: 1 MB packets and the datagram counters. */
    static void carrierAlone() throws Exception {
        UdpOptions options = UdpOptions.of(AddressResolver.fixed(null)).withBindAddress(LOOPBACK)
                .withDatagrams(UdpOptions.LOOPBACK_DATAGRAM_SIZE, 4 << 20)
                .withKeepalive(Duration.ofMillis(200), Duration.ofSeconds(2));
        NodeName a = NodeName.parse("a@localhost");
        NodeName b = NodeName.parse("b@localhost");
        try (Listener listener = Carriers.udp(options).listen(b)) {
            Carrier dialer = Carriers.udp(options.withResolver(AddressResolver.fixed(
                    new InetSocketAddress(LOOPBACK, listener.port().orElseThrow()))));
            try (CarrierPair p = CarrierPair.connect(dialer, HandshakeConfig.of(a, TestCookies.of("udp"), 1), listener,
                    HandshakeConfig.of(b, TestCookies.of("udp"), 2))) {
                byte[] mb = new byte[1 << 20];
                for (int warm = 0; warm < 3; warm++) {
                    int m = 2000;
                    long t0 = System.nanoTime();
                    Thread sender = Thread.ofVirtual().start(() -> {
                        for (int i = 0; i < m; i++) {
                            p.clientChannel().send(mb);
                        }
                    });
                    for (int i = 0; i < m; i++) {
                        p.serverChannel().next(10_000);
                    }
                    sender.join();
                    long ns = System.nanoTime() - t0;
                    System.out.printf("carrier 1 MB packets: %,d MB/s; %s%n", m * 1_000_000_000L / ns,
                            UdpProbe.counters(p.client()));
                }
            }
        }
    }

    private static void nodes(String kind) throws Exception {
        try (EpmdServer epmd = EpmdServer.start(LOOPBACK, 0);
             Node a = node("ba", kind, epmd.port());
             Node b = node("bb", kind, epmd.port())) {
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
            try {
                a.ping(b.name(), Duration.ofSeconds(5));
                measure(kind, b, src, sink);
            } finally {
                echoer.interrupt();
            }
        }
    }

    private static void measure(String kind, Node b, Mailbox src, Mailbox sink) throws InterruptedException {
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

    private static Node node(String name, String kind, int epmdPort) throws IOException {
        AddressResolver resolver = AddressResolver.epmd(epmdPort);
        Carrier carrier = kind.equals("udp")
                ? Carriers.udp(UdpOptions.of(resolver).withBindAddress(LOOPBACK)
                        .withDatagrams(UdpOptions.LOOPBACK_DATAGRAM_SIZE, 4 << 20))
                : Carriers.tcp(TcpOptions.of(resolver).withBindAddress(LOOPBACK));
        return Node.start(NodeConfig.builder(name + "@localhost").cookie("bench").carrier(carrier)
                .useEpmd(true).epmdPort(epmdPort).build());
    }
}
