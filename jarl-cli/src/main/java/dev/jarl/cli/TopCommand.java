/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.jarl.node.Node;
import dev.jarl.term.NodeName;
import dev.jarl.term.TermMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jarl top NODE}: {@code jarl stats} refreshed in place, with rates, until {@code q}
 * or Ctrl-C. On a terminal it redraws the screen from the top (no scrolling) with the keyboard
 * in character mode ({@code stty -icanon -echo}, restored on every exit, Ctrl-C included);
 * when standard input or output is not a terminal it prints a snapshot per interval, one
 * after the other, each under a line with the time.
 */
@Command(name = "top",
        description = {"Shows NODE's figures live, as jarl stats prints them plus bytes per second, refreshed in place. "
                + "q or Ctrl-C quits.",
                "Works for a Jarl node and a BEAM node. Not on a terminal (a pipe, a file), it prints a snapshot per interval."},
        footer = {"", "Examples:", "  jarl top --cookie secret app@localhost", "  jarl top --interval 5 --count 3 app@localhost > figures.txt"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:quit with q, or --count snapshots printed", "1:NODE unreachable, or it stopped answering",
                "2:bad arguments", "130:Ctrl-C"},
        mixinStandardHelpOptions = true)
final class TopCommand implements Callable<Integer> {

    private static final String CSI = "\033[";

    @Mixin
    NodeOptions node;

    @Mixin
    ClientListenOption listen;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2",
            description = "Time between snapshots (default: ${DEFAULT-VALUE}); fractions allowed.")
    double intervalSeconds;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "Stop after N snapshots (default: until q or Ctrl-C).")
    int count;

    @Option(names = "--plain", description = "Print snapshots one after the other even on a terminal.")
    boolean plain;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long to wait for each answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(paramLabel = "NODE", description = "The node to watch, e.g. app@localhost.")
    String target;

    @Override
    public Integer call() throws Exception {
        NodeName t = Cli.parseNode(target);
        if (!(intervalSeconds >= 0.1 && intervalSeconds <= 3600)) {
            throw new CliException("--interval " + intervalSeconds + ": expected 0.1 to 3600 seconds", 2);
        }
        if (count < 0 || timeoutSeconds <= 0) {
            throw new CliException(count < 0 ? "--count " + count + ": expected 0 or more"
                    : "--timeout " + timeoutSeconds + ": expected at least 1", 2);
        }
        boolean screen = !plain && Terminal.isInteractive();
        try (ClientListenOption.ClientNode client = listen.start(node, t)) {
            Node n = client.node();
            Cli.reach(n, t);
            StatsSource source = new StatsSource(n, t, Duration.ofSeconds(timeoutSeconds));
            CountDownLatch quit = new CountDownLatch(1);
            Terminal terminal = screen ? Terminal.characterMode() : null;
            try {
                if (terminal != null) {
                    // a platform thread: it sits in a blocking read of the terminal for the whole run
                    Thread.ofPlatform().daemon().name("jarl-top-keys").start(() -> readKeys(System.in, quit));
                    System.out.print(CSI + "?25l" + CSI + "2J");
                }
                loop(source, t, quit, screen, System.out);
            } finally {
                if (terminal != null) {
                    terminal.restore();
                }
            }
            return 0;
        }
    }

    private void loop(StatsSource source, NodeName t, CountDownLatch quit, boolean screen, PrintStream out)
            throws InterruptedException {
        long intervalNanos = (long) (intervalSeconds * 1e9);
        TermMap previous = null;
        long previousAt = 0;
        for (int shown = 0; count == 0 || shown < count; shown++) {
            if (shown > 0 && quit.await(intervalNanos, TimeUnit.NANOSECONDS)) {
                break;
            }
            TermMap now = source.fetch();
            long at = System.nanoTime();
            List<String> lines = StatsView.text(now, previous, previous == null ? 0 : (at - previousAt) / 1e9);
            String time = LocalTime.now().truncatedTo(ChronoUnit.SECONDS).toString();
            StringBuilder sb = new StringBuilder();
            if (screen) {
                sb.append(CSI).append('H');
                sb.append(String.format(Locale.ROOT, "jarl top %s   %s   every %s s   q: quit", t, time, seconds()))
                        .append(CSI).append("K\n").append(CSI).append("K\n");
                for (String l : lines) {
                    sb.append(l).append(CSI).append("K\n");
                }
                sb.append(CSI).append('J');
            } else {
                sb.append(String.format(Locale.ROOT, "--- %s %s%n", t, time));
                lines.forEach(l -> sb.append(l).append(System.lineSeparator()));
                sb.append(System.lineSeparator());
            }
            out.print(sb);
            out.flush();
            previous = now;
            previousAt = at;
        }
    }

    private String seconds() {
        return intervalSeconds == Math.rint(intervalSeconds) ? Long.toString((long) intervalSeconds)
                : Double.toString(intervalSeconds);
    }

    /** Counts down {@code quit} on q, Q or end of input (Ctrl-D). */
    private static void readKeys(InputStream in, CountDownLatch quit) {
        try {
            int c;
            while ((c = in.read()) >= 0) {
                if (c == 'q' || c == 'Q') {
                    break;
                }
            }
        } catch (IOException e) {
            // no keyboard: Ctrl-C still ends the program
            return;
        }
        quit.countDown();
    }
}
