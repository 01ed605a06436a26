/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;

import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jarl bench}: drives the sink, echo and flood roles of any target node (Erlang,
 * JInterface or Jarl) exactly as {@code distbench.erl} does, and prints the same five lines.
 * A message counts only once the target acknowledged it: sends end with a {@code sync} that
 * returns the sink's count, floods end with {@code flood_done}, and both counts are checked.
 * Round trips are driven by a {@code MessageHandler} process, or with {@code --rtt-mode
 * receive} by this thread waiting in {@code receive} ({@link RoundTrips}).
 *
 * <p>It also prints this JVM's CPU time (all its threads: JIT and GC included, see
 * {@link CpuTime}) per million small messages sent and received and per thousand round
 * trips. {@code --warm} runs every phase once, untimed, before measuring; {@code
 * --phase-sync} stops before and after each phase until a line arrives on standard input,
 * so that a script (bench/compare.sh) can read both sides' CPU times at the boundaries.
 */
@Command(name = "bench",
        description = {"Measures messaging against the sink, echo and flood roles of TARGET (see jarl serve).",
                "On a terminal, shows each phase's progress as it runs; otherwise prints only the figures:",
                "the five rates and times, then this JVM's CPU seconds per million messages and per thousand round trips."},
        footer = {"", "Example:", "  jarl bench --name drv@localhost --cookie secret --small 200000 target@localhost"},
        mixinStandardHelpOptions = true)
final class BenchCommand implements Callable<Integer> {

    private static final Atom MSG = Atom.of("msg");
    private static final Atom SYNC = Atom.of("sync");
    private static final Atom FLOOD = Atom.of("flood");
    private static final Atom FLOOD_DONE = Atom.of("flood_done");
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Mixin
    NodeOptions node;

    @Mixin
    CarrierOptions carrier;

    @Option(names = "--small", defaultValue = "1000000", description = "Small messages per direction (default: ${DEFAULT-VALUE}).")
    int small;

    @Option(names = "--rtt", defaultValue = "50000", description = "Round trips through echo (default: ${DEFAULT-VALUE}).")
    int rtt;

    @Option(names = "--big", defaultValue = "200", description = "1 MB messages per direction (default: ${DEFAULT-VALUE}).")
    int big;

    @Option(names = "--rtt-mode", defaultValue = "handler", paramLabel = "handler|receive",
            description = {"How the round trips are driven (default: ${DEFAULT-VALUE}). handler: a MessageHandler process",
                    "takes each reply on the connection's input thread and sends the next request there, as a BEAM",
                    "process would (one thread hand-off a round trip on this side). receive: this command's thread",
                    "sends and waits in Mailbox.receive (two hand-offs: the reader, then the waiter). The --warm pass",
                    "uses the same mode. See docs/benchmarks.md."})
    String rttMode;

    @Option(names = "--receive-spin", defaultValue = "0", paramLabel = "MICROS",
            description = {"Microseconds a receiver spins before it parks (NodeConfig.receiveSpin; default: ${DEFAULT-VALUE},",
                    "no spin): the round trips of --rtt-mode receive and the waits of the other phases.",
                    "Buys round-trip latency with CPU time; see docs/benchmarks.md."})
    long receiveSpinMicros;

    @Option(names = "--warm", description = "Run every phase once, untimed, before measuring.")
    boolean warm;

    @Option(names = "--phase-sync", description = {"Before and after each measured phase, print 'phase NAME' or 'done NAME'",
            "and wait for a line on standard input (for scripts that sample CPU times)."})
    boolean phaseSync;

    @Parameters(paramLabel = "TARGET", description = "The node running the roles, e.g. target@localhost.")
    String target;

    @Override
    public Integer call() throws Exception {
        if (small <= 0 || rtt <= 0 || big <= 0) {
            throw new CliException("--small, --rtt and --big must be positive: " + small + ", " + rtt + ", " + big);
        }
        RoundTrips.Mode mode = RoundTrips.Mode.parse(rttMode);
        if (receiveSpinMicros < 0 || receiveSpinMicros > 10_000) {
            throw new CliException("--receive-spin: " + receiveSpinMicros + " (expected: 0 to 10000 microseconds)");
        }
        NodeName targetName = Cli.parseNode(target);
        NodeName self = node.nodeName(targetName);
        NodeConfig.Builder config = NodeConfig.builder(self).cookie(node.cookie())
                .receiveSpin(Duration.ofNanos(receiveSpinMicros * 1000));
        carrier.apply(config, self);
        NodeConfig built = config.build();
        try (Node n = Cli.startNode(built);
             Mailbox mb = n.createMailbox();
             Progress progress = Progress.onTerminal()) {
            NodeName t = targetName; // parsed once: a String node would be parsed on every send
            Cli.reach(n, targetName);
            Binary empty = Binary.EMPTY;
            // off the heap, as the BEAM's drivers send a reference-counted (off-heap) binary:
            // each send hands the socket the binary itself, without the JDK's copy of a heap one
            Binary oneMb = Binary.offHeap(new byte[1 << 20]);
            timed(progress, "warm-up", 50_000, "small messages sent", p -> sink(mb, t, 50_000, empty, p));
            Measured[] phases = {
                new Measured("send_small", small, "small messages sent", p -> sink(mb, t, small, empty, p)),
                new Measured("rtt", rtt, "round trips", p -> RoundTrips.run(mode, n, mb, t, rtt, WAIT, p::set)),
                new Measured("recv_small", small, "small messages received", p -> flood(mb, t, small, empty, p)),
                new Measured("send_1mb", big, "1 MB messages sent", p -> sink(mb, t, big, oneMb, p)),
                new Measured("recv_1mb", big, "1 MB messages received", p -> flood(mb, t, big, oneMb, p)),
            };
            if (warm) {
                for (Measured m : phases) {
                    timed(progress, "warm " + m.name, m.count, m.unit, m.phase);
                }
            }
            BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            double[] seconds = new double[phases.length];
            long[] cpuNanos = new long[phases.length];
            for (int i = 0; i < phases.length; i++) {
                Measured m = phases[i];
                barrier(stdin, "phase", m.name);
                long cpu0 = CpuTime.processNanos();
                seconds[i] = timed(progress, m.name, m.count, m.unit, m.phase);
                cpuNanos[i] = CpuTime.processNanos() - cpu0;
                barrier(stdin, "done", m.name);
            }
            System.out.println("send_small_msgs_per_s " + Math.round(small / seconds[0]));
            System.out.println("rtt_us " + Math.round(seconds[1] * 1e6 / rtt * 10) / 10.0);
            System.out.println("recv_small_msgs_per_s " + Math.round(small / seconds[2]));
            System.out.println("send_1mb_mbytes_per_s " + Math.round(big / seconds[3]));
            System.out.println("recv_1mb_mbytes_per_s " + Math.round(big / seconds[4]));
            System.out.println("cpu_s_per_m_send_small " + CpuTime.format(CpuTime.secondsPer(cpuNanos[0], small, 1_000_000)));
            System.out.println("cpu_s_per_k_rtt " + CpuTime.format(CpuTime.secondsPer(cpuNanos[1], rtt, 1_000)));
            System.out.println("cpu_s_per_m_recv_small " + CpuTime.format(CpuTime.secondsPer(cpuNanos[2], small, 1_000_000)));
            System.out.println("cpu_s_per_k_send_1mb " + CpuTime.format(CpuTime.secondsPer(cpuNanos[3], big, 1_000)));
            System.out.println("cpu_s_per_k_recv_1mb " + CpuTime.format(CpuTime.secondsPer(cpuNanos[4], big, 1_000)));
            return 0;
        }
    }

    /** A named phase with its count. */
    private record Measured(String name, long count, String unit, Phase phase) {
    }

    /** With --phase-sync: says where the run is and waits for one line on standard input. */
    private void barrier(BufferedReader stdin, String what, String phase) throws IOException {
        if (!phaseSync) {
            return;
        }
        System.out.println(what + " " + phase);
        System.out.flush();
        if (stdin.readLine() == null) {
            throw new CliException("--phase-sync: standard input ended at " + what + " " + phase);
        }
    }

    /** One measured phase: returns how many units the target acknowledged. */
    private interface Phase {
        long run(Progress progress) throws InterruptedException;
    }

    /** Runs {@code phase} with its progress shown; checks its count; returns its seconds. */
    private static double timed(Progress progress, String name, long total, String unit, Phase phase)
            throws InterruptedException {
        progress.start(name, total, unit);
        long start = System.nanoTime();
        check(phase.run(progress), total);
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.end();
        return seconds;
    }

    private static void check(long got, long want) {
        if (got != want) {
            throw new CliException("expected " + want + " messages acknowledged, counted " + got);
        }
    }

    /** Sends {@code n} messages to the sink, then syncs; returns the count the sink reports. */
    private static long sink(Mailbox mb, NodeName target, int n, Binary bin, Progress progress)
            throws InterruptedException {
        for (int i = 1; i <= n; i++) {
            mb.send("sink", target, Tuple.of(MSG, Int.of(i), bin));
            if ((i & 255) == 0) {
                progress.set(i);
            }
        }
        Term ref = mb.node().makeRef();
        mb.send("sink", target, Tuple.of(SYNC, mb.self(), ref));
        Term reply = mb.receive(m -> m instanceof Tuple r && r.arity() == 2 && r.get(0).equals(ref), WAIT)
                .orElseThrow(() -> new CliException("sink did not answer sync within " + WAIT.toSeconds() + " s"));
        return ((Int) ((Tuple) reply).get(1)).longValue();
    }

    /** Asks the flood role for {@code n} messages; returns how many arrived before flood_done. */
    private static long flood(Mailbox mb, NodeName target, int n, Binary bin, Progress progress)
            throws InterruptedException {
        mb.send("flood", target, Tuple.of(FLOOD, mb.self(), Int.of(n), bin));
        long count = 0;
        while (true) {
            Term m = mb.receive(WAIT).orElseThrow(() -> new CliException("flood stalled: no message within " + WAIT.toSeconds() + " s"));
            if (m instanceof Tuple t && t.arity() > 0 && FLOOD_DONE.equals(t.get(0))) {
                return count;
            }
            count++;
            if ((count & 255) == 0) {
                progress.set(count);
            }
        }
    }
}
