/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.time.Duration;
import java.util.Optional;
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
 */
@Command(name = "bench",
        description = {"Measures messaging against the sink, echo and flood roles of TARGET (see jarl serve).",
                "On a terminal, shows each phase's progress as it runs; otherwise prints only the five figures."},
        footer = {"", "Example:", "  jarl bench --name drv@localhost --cookie secret --small 200000 target@localhost"},
        mixinStandardHelpOptions = true)
final class BenchCommand implements Callable<Integer> {

    private static final Atom MSG = Atom.of("msg");
    private static final Atom PING = Atom.of("ping");
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

    @Parameters(paramLabel = "TARGET", description = "The node running the roles, e.g. target@localhost.")
    String target;

    @Override
    public Integer call() throws Exception {
        NodeName targetName = Cli.parseNode(target);
        NodeName self = node.nodeName(targetName);
        NodeConfig.Builder config = NodeConfig.builder(self).cookie(node.cookie());
        carrier.apply(config, self);
        try (Node n = Cli.startNode(config.build()); Mailbox mb = n.createMailbox();
             Progress progress = Progress.onTerminal()) {
            NodeName t = targetName; // parsed once: a String node would be parsed on every send
            Cli.reach(n, targetName);
            Binary empty = Binary.EMPTY;
            Binary oneMb = Binary.of(new byte[1 << 20]);
            timed(progress, "warm-up", 50_000, "small messages sent", p -> sink(mb, t, 50_000, empty, p));
            double sendSmall = timed(progress, "send_small", small, "small messages sent", p -> sink(mb, t, small, empty, p));
            double roundTrips = timed(progress, "rtt", rtt, "round trips", p -> echo(mb, t, rtt, p));
            double recvSmall = timed(progress, "recv_small", small, "small messages received",
                    p -> flood(mb, t, small, empty, p));
            double sendBig = timed(progress, "send_1mb", big, "1 MB messages sent", p -> sink(mb, t, big, oneMb, p));
            double recvBig = timed(progress, "recv_1mb", big, "1 MB messages received", p -> flood(mb, t, big, oneMb, p));
            System.out.println("send_small_msgs_per_s " + Math.round(small / sendSmall));
            System.out.println("rtt_us " + Math.round(roundTrips * 1e6 / rtt * 10) / 10.0);
            System.out.println("recv_small_msgs_per_s " + Math.round(small / recvSmall));
            System.out.println("send_1mb_mbytes_per_s " + Math.round(big / sendBig));
            System.out.println("recv_1mb_mbytes_per_s " + Math.round(big / recvBig));
            return 0;
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

    /** {@code n} round trips through the echo role, each checked; returns {@code n}. */
    private static long echo(Mailbox mb, NodeName target, int n, Progress progress) throws InterruptedException {
        for (int k = n; k > 0; k--) {
            Term expect = Tuple.of(PING, Int.of(k));
            mb.send("echo", target, Tuple.of(mb.self(), expect));
            Optional<Term> back = mb.receive(WAIT);
            if (back.isEmpty() || !back.get().equals(expect)) {
                throw new CliException("echo: expected " + expect + ", got " + back.map(Term::toString).orElse("nothing"));
            }
            if ((k & 255) == 0) {
                progress.set(n - k);
            }
        }
        return n;
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
