/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.jarl.node.Node;
import dev.jarl.node.RpcException;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jarl global NODE}: the names registered in {@code global} as NODE sees them, one
 * per line with the process as NODE's shell prints it ({@link PidsOnTarget}), sorted by name
 * (in Erlang's term order).
 */
@Command(name = "global",
        description = {"Lists the names registered in global (global:registered_names()) as NODE sees them,",
                "one 'Name Pid' line each, sorted by name, the pid as NODE's own shell prints it.",
                "Connects as a hidden node, so it takes no part in global itself."},
        footer = {"", "Exits 1 with one line on stderr when NODE cannot be reached.", "",
                "Examples:", "  jarl global --cookie secret app@localhost", "  prints {jarl_echo,serve@localhost} <12345.42.0>"},
        mixinStandardHelpOptions = true)
final class GlobalCommand implements Callable<Integer> {

    @Mixin
    NodeOptions node;

    @Mixin
    ClientListenOption listen;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "How long to wait for NODE's answers (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(index = "0", paramLabel = "NODE")
    String target;

    @Override
    public Integer call() throws Exception {
        NodeName t = Cli.parseNode(target);
        if (timeoutSeconds < 1) {
            throw new CliException("--timeout: " + timeoutSeconds + " (expected: at least 1)", 2);
        }
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        try (ClientListenOption.ClientNode client = listen.start(node, t)) {
            Node n = client.node();
            Cli.reach(n, t);
            Term names;
            try {
                names = n.rpc(t, "global", "registered_names", List.of(), timeout);
            } catch (RpcException e) {
                throw new CliException("global:registered_names() on " + t + ": " + e.rpcCallResult());
            }
            if (!(names instanceof TermList list) || !list.isProper()) {
                throw new CliException("global:registered_names() on " + t + " returned " + names);
            }
            List<Term> sorted = new ArrayList<>(list.elements());
            sorted.sort(null);
            List<Term> found = new ArrayList<>(sorted.size());
            for (Term name : sorted) {
                try {
                    found.add(n.rpc(t, "global", "whereis_name", List.of(name), timeout));
                } catch (RpcException e) {
                    found.add(e.rpcCallResult());
                }
            }
            PidsOnTarget pids = new PidsOnTarget(n, t, timeout);
            pids.ask(found);
            for (int i = 0; i < sorted.size(); i++) {
                System.out.println(sorted.get(i) + " " + pids.text(found.get(i)));
            }
            System.out.flush();
            return 0;
        }
    }
}
