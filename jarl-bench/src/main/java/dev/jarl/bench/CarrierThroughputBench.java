/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierFixture;
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
import dev.jarl.term.Tuple;

/**
 * Jarl-to-Jarl throughput over each carrier, two nodes in this JVM: small messages one way,
 * round trips, 1 MB binaries one way; prints one Markdown table row per carrier:
 * <pre>{@code java -cp jarl-bench/target/benchmarks.jar dev.jarl.bench.CarrierThroughputBench}</pre>
 * (optionally {@code -Djarl.bench.small=N -Djarl.bench.rtt=N -Djarl.bench.big=N}). Both
 * nodes share the machine's cores, so the figures compare carriers with each other, not
 * with two-machine runs.
 */
public final class CarrierThroughputBench {

    static final int SMALL = Integer.getInteger("jarl.bench.small", 200_000);
    static final int RTT = Integer.getInteger("jarl.bench.rtt", 10_000);
    static final int BIG = Integer.getInteger("jarl.bench.big", 100);

    private CarrierThroughputBench() {
    }

    /** Measures tcp, tls, uds, udp and mem in turn and prints the table. */
    public static void main(String[] args) throws Exception {
        Path sockets = Files.createTempDirectory("jarl-bench-uds");
        try (EpmdServer epmd = EpmdServer.start(CarrierFixture.LOOPBACK, 0)) {
            AddressResolver viaEpmd = AddressResolver.epmd(epmd.port());
            MemNetwork net = new MemNetwork();
            List<String> rows = new ArrayList<>();
            rows.add("| carrier | send small msg/s | RTT us | send 1MB MB/s |");
            rows.add("|---|---|---|---|");
            rows.add(run("tcp", epmd.port(), () -> Carriers.tcp(TcpOptions.of(viaEpmd).withBindAddress(CarrierFixture.LOOPBACK))));
            rows.add(run("tls", epmd.port(), () -> Carriers.tls(TlsTestCerts.shared().options(viaEpmd))));
            rows.add(run("uds", epmd.port(), () -> Carriers.uds(UdsOptions.of(sockets))));
            rows.add(run("udp", epmd.port(), () -> Carriers.udp(UdpOptions.of(viaEpmd).withBindAddress(CarrierFixture.LOOPBACK))));
            rows.add(run("mem", epmd.port(), () -> Carriers.mem(net)));
            System.out.println(String.join("\n", rows));
        } finally {
            try (var left = Files.list(sockets)) {
                for (Path f : left.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.delete(sockets);
        }
    }

    private static String run(String kind, int epmdPort, Supplier<Carrier> carrier) throws IOException, InterruptedException {
        try (Node a = start("bench_" + kind + "_a", epmdPort, carrier.get());
             Node b = start("bench_" + kind + "_b", epmdPort, carrier.get());
             Mailbox sink = b.createMailbox("sink");
             Mailbox echo = b.createMailbox("echo");
             Mailbox box = a.createMailbox()) {
            Thread echoer = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        Tuple t = (Tuple) echo.receive();
                        echo.send((Pid) t.get(0), t.get(1));
                    }
                } catch (InterruptedException | RuntimeException e) {
                    // closed
                }
            });
            if (!a.ping(b.name(), Duration.ofSeconds(10))) {
                throw new AssertionError(kind + ": no connection");
            }
            measure(kind, b, sink, box, Math.max(1, SMALL / 4), Math.max(1, RTT / 4), Math.max(1, BIG / 4)); // warm-up
            String row = measure(kind, b, sink, box, SMALL, RTT, BIG);
            echoer.interrupt();
            return row;
        }
    }

    private static String measure(String kind, Node b, Mailbox sink, Mailbox box, int smallCount, int rttCount, int bigCount)
            throws InterruptedException {
        Tuple small = Tuple.of(Atom.of("msg"), Int.of(1));
        long t0 = System.nanoTime();
        for (int i = 0; i < smallCount; i++) {
            box.send("sink", b.name(), small);
        }
        for (int i = 0; i < smallCount; i++) {
            sink.receive(Duration.ofSeconds(30)).orElseThrow(() -> new AssertionError(kind + ": small timeout"));
        }
        double smallRate = smallCount / seconds(t0);

        long t1 = System.nanoTime();
        for (int i = 0; i < rttCount; i++) {
            box.send("echo", b.name(), Tuple.of(box.self(), Int.of(i)));
            box.receive(Duration.ofSeconds(30)).orElseThrow(() -> new AssertionError(kind + ": rtt timeout"));
        }
        double rttMicros = seconds(t1) * 1e6 / rttCount;

        Term big = Tuple.of(Atom.of("big"), Binary.of(new byte[1 << 20]));
        long t2 = System.nanoTime();
        for (int i = 0; i < bigCount; i++) {
            box.send("sink", b.name(), big);
        }
        for (int i = 0; i < bigCount; i++) {
            sink.receive(Duration.ofSeconds(60)).orElseThrow(() -> new AssertionError(kind + ": big timeout"));
        }
        double bigRate = bigCount * 1.048576 / seconds(t2);
        return String.format(Locale.ROOT, "| %s | %.0f | %.1f | %.1f |", kind, smallRate, rttMicros, bigRate);
    }

    private static Node start(String name, int epmdPort, Carrier carrier) throws IOException {
        return Node.start(NodeConfig.builder(name + "@localhost").cookie("bench").epmdPort(epmdPort).carrier(carrier).build());
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
