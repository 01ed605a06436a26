/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import dev.jarl.carriers.MemNetwork;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;

/**
 * The "1 000 000 idle processes" benchmark of issue #11: spawns N processes that each wait
 * in {@code receive} forever, and reports the spawn rate (N divided by the time until every
 * process has started running) and the heap each idle process retains (heap used after a
 * full GC, minus the same before spawning, divided by N). Three runs, each in a fresh JVM
 * with the same options; prints every run and the best.
 *
 * <pre>
 * java -Xmx3g -cp jarl-bench/target/benchmarks.jar dev.jarl.bench.IdleProcesses [N]
 * </pre>
 *
 * <p>An idle process that did not fit would end the run with an OutOfMemoryError, so a
 * completed run with {@code -Xmx3g} is itself the proof that N fit in 3 GB.
 */
public final class IdleProcesses {

    private IdleProcesses() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        if (args.length > 1 && args[1].equals("--one")) {
            one(n);
            return;
        }
        // each run in a fresh JVM with this one's options, so no run sees another's garbage
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> jvmArgs = ManagementFactory.getRuntimeMXBean().getInputArguments();
        double bestRate = 0;
        double bestBytes = Double.MAX_VALUE;
        for (int run = 1; run <= 3; run++) {
            List<String> cmd = new ArrayList<>(List.of(java));
            cmd.addAll(jvmArgs);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), IdleProcesses.class.getName(),
                    Integer.toString(n), "--one"));
            Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(child.getInputStream().readAllBytes()).strip();
            if (child.waitFor() != 0 || !out.startsWith("result ")) {
                System.out.println("run " + run + " failed: " + out);
                continue;
            }
            String[] f = out.split(" ");
            double rate = Double.parseDouble(f[1]);
            double bytes = Double.parseDouble(f[2]);
            System.out.printf("run %d: %d processes, %.0f spawned per second, %.0f bytes retained per idle process%n",
                    run, n, rate, bytes);
            bestRate = Math.max(bestRate, rate);
            bestBytes = Math.min(bestBytes, bytes);
        }
        System.out.printf("best of 3: %.0f processes/s, %.0f bytes per idle process (max heap %d MB)%n",
                bestRate, bestBytes, Runtime.getRuntime().maxMemory() >> 20);
    }

    private static void one(int n) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        MemNetwork net = new MemNetwork();
        try (Node node = Node.start(NodeConfig.builder("idle@mem").cookie("idle").carrier(net.carrier()).build())) {
            long before = usedAfterGc(memory);
            LongAdder started = new LongAdder();
            String jfr = System.getProperty("jarl.bench.jfr"); // a file: profile the spawning with JFR
            jdk.jfr.Recording recording = null;
            if (jfr != null) {
                recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                recording.start();
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                node.spawn(self -> {
                    started.increment();
                    self.receive();
                });
            }
            while (started.sum() < n) {
                Thread.sleep(0, 100_000);
            }
            long t1 = System.nanoTime();
            if (recording != null) {
                recording.stop();
                recording.dump(java.nio.file.Path.of(jfr));
            }
            Thread.sleep(200); // let the last ones park in receive
            long after = usedAfterGc(memory);
            System.out.printf("result %.0f %.0f%n", n / ((t1 - t0) / 1e9), (after - before) / (double) n);
            System.out.flush();
            Thread.sleep(Long.getLong("jarl.bench.hold", 0)); // time for jcmd GC.class_histogram
            Runtime.getRuntime().halt(0); // no need to end a million processes one by one
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
