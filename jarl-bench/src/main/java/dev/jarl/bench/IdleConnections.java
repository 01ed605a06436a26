/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

import dev.jarl.carrier.Carrier;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.NodeName;

/**
 * The "idle connection costs under 64 KB" benchmark of issue #11: one Jarl node accepts N
 * TCP connections (default 1 000) from N Jarl nodes that run in a second JVM, so that only
 * one end of each connection is in the measured heap. Reports the heap the node retains per
 * idle connection: used heap after full GCs with N connections up, minus the same before,
 * divided by N. Kernel socket buffers, thread stacks and direct buffers are not heap and
 * are not counted (the report names what each connection holds outside the heap).
 *
 * <pre>
 * java -cp jarl-bench/target/benchmarks.jar dev.jarl.bench.IdleConnections [N]
 * </pre>
 *
 * <p>Runs on 127.0.0.1 with an EPMD of its own (embedded in the node, on a free port).
 */
public final class IdleConnections {

    private IdleConnections() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000;
        if (args.length > 3 && args[1].equals("--clients")) {
            clients(n, NodeName.parse(args[2]), Integer.parseInt(args[3]));
            return;
        }
        int epmdPort;
        try (ServerSocket s = new ServerSocket(0)) {
            epmdPort = s.getLocalPort();
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        String host = "localhost";
        try (Node server = Node.start(NodeConfig.builder("idleconn_server@" + host).cookie("idleconn")
                .epmdPort(epmdPort).carrier(loopbackTcp(epmdPort)).build())) {
            long before = usedAfterGc(memory);
            String java = ProcessHandle.current().info().command().orElse("java");
            Process child = new ProcessBuilder(java, "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                    IdleConnections.class.getName(), Integer.toString(n), "--clients", server.name().toString(),
                    Integer.toString(epmdPort)).redirectError(System.getProperty("jarl.bench.clientLog") == null
                    ? ProcessBuilder.Redirect.DISCARD
                    : ProcessBuilder.Redirect.to(new java.io.File(System.getProperty("jarl.bench.clientLog")))).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                String line = out.readLine();
                if (line == null || !line.startsWith("connected")) {
                    System.out.println("clients failed: " + line + " (run with -Djarl.bench.clientLog=FILE for their log)");
                    child.destroy();
                    return;
                }
                long deadline = System.nanoTime() + 60_000_000_000L;
                while (server.nodes().size() < n && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                int up = server.nodes().size();
                Thread.sleep(1000); // idle: only ticks from here on
                long after = usedAfterGc(memory);
                System.out.printf("%d idle connections: %d KB heap retained in all, %.1f KB per connection "
                        + "(plus, outside the heap: a %d KB direct read buffer and two thread stacks each)%n",
                        up, (after - before) >> 10, (after - before) / 1024.0 / up, 64);
                child.getOutputStream().close(); // the clients end when their stdin does
                child.waitFor();
            }
        }
    }

    /** The second JVM: N nodes, each connected to {@code server}; says "connected", waits for stdin to close. */
    private static void clients(int n, NodeName server, int epmdPort) throws Exception {
        List<Node> nodes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Node c = Node.start(NodeConfig.builder("idleconn_c" + i + "@localhost").cookie("idleconn")
                    .epmdPort(epmdPort).useEpmd(false).carrier(loopbackTcp(epmdPort)).build());
            c.connect(server);
            nodes.add(c);
        }
        System.out.println("connected " + n);
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the parent to close our stdin
        }
        for (Node c : nodes) {
            c.close();
        }
    }

    private static Carrier loopbackTcp(int epmdPort) {
        return Carriers.tcp(TcpOptions.of(AddressResolver.epmd(epmdPort)).withBindAddress(InetAddress.getLoopbackAddress()));
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
