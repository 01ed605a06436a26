/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.time.Duration;
import java.util.concurrent.Callable;

import dev.jarl.node.Node;
import dev.jarl.term.NodeName;
import dev.jarl.term.TermMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jarl stats NODE [--json]}: one snapshot of a node's figures, from a Jarl node's
 * {@code jarl:stats()} or from a BEAM node's {@code net_kernel:nodes_info/0},
 * {@code inet:getstat/2} and {@code erlang:statistics/1} ({@link StatsSource}).
 */
@Command(name = "stats",
        description = {"Prints one snapshot of NODE's figures: its connections (peer, carrier, bytes and packets in and out, "
                + "queued output, ticks, busy-limit waits) and its processes, registered names, mailbox high-water mark and RPCs.",
                "Works for a Jarl node (jarl:stats/0) and a BEAM node (net_kernel:nodes_info/0, inet:getstat/2, erlang:statistics/1). "
                        + "Figures a node does not keep print as - (null in JSON). The JSON fields are listed in docs/observability.md."},
        footer = {"", "Examples:", "  jarl stats --cookie secret app@localhost", "  jarl stats --json app@localhost | jq '.connections[].bytes_in'"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:printed", "1:NODE unreachable, or it did not answer", "2:bad arguments"},
        mixinStandardHelpOptions = true)
final class StatsCommand implements Callable<Integer> {

    @Mixin
    NodeOptions node;

    @Mixin
    ClientListenOption listen;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long to wait for each answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(paramLabel = "NODE", description = "The node to look at, e.g. app@localhost.")
    String target;

    @Override
    public Integer call() throws Exception {
        NodeName t = Cli.parseNode(target);
        if (timeoutSeconds <= 0) {
            throw new CliException("--timeout " + timeoutSeconds + ": expected at least 1", 2);
        }
        try (ClientListenOption.ClientNode client = listen.start(node, t)) {
            Node n = client.node();
            Cli.reach(n, t);
            TermMap s = new StatsSource(n, t, Duration.ofSeconds(timeoutSeconds)).fetch();
            if (json) {
                System.out.println(StatsView.json(s));
            } else {
                StatsView.text(s, null, 0).forEach(System.out::println);
            }
            return 0;
        }
    }
}
