/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;

import dev.jarl.node.Node;
import dev.jarl.node.RpcException;
import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jarl pg NODE [SCOPE]}: the process groups of a {@code pg} scope as NODE sees them,
 * read with {@code pg:which_groups/1} and {@code pg:get_members/2} over RPC (an Erlang node,
 * or a Jarl node that uses process groups); members printed as NODE's shell prints them
 * ({@link PidsOnTarget}).
 */
@Command(name = "pg",
        description = {"Lists the groups of a pg scope and their members, as NODE sees them (pg:which_groups/1, "
                + "pg:get_members/2 over RPC),", "each member as NODE's own shell prints it. SCOPE is the scope's name (default: pg)."},
        footer = {"", "Example:", "  jarl pg --cookie secret app@localhost", "  jarl pg app@localhost 'Elixir.Phoenix.PubSub'"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:listed (perhaps no groups)", "1:NODE unreachable, or the scope is not running there"},
        mixinStandardHelpOptions = true)
final class PgCommand implements Callable<Integer> {

    @Mixin
    NodeOptions node;

    @Mixin
    ClientListenOption listen;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "15",
            description = "How long to wait for each answer (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Parameters(index = "0", paramLabel = "NODE")
    String target;

    @Parameters(index = "1", arity = "0..1", paramLabel = "SCOPE", defaultValue = "pg")
    String scope;

    @Override
    public Integer call() throws Exception {
        NodeName t = Cli.parseNode(target);
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        Atom s = Atom.of(scope);
        try (ClientListenOption.ClientNode client = listen.start(node, t)) {
            Node n = client.node();
            Cli.reach(n, t);
            Term groups;
            try {
                groups = n.rpc(t, "pg", "which_groups", List.of(s), timeout);
            } catch (RpcException.Raised e) {
                throw new CliException("scope " + s + " is not running on " + t + " (pg:which_groups raised "
                        + e.getMessage() + ")");
            } catch (RpcException e) {
                throw new CliException("pg:which_groups(" + s + ") on " + t + ": " + e.getMessage());
            }
            if (!(groups instanceof TermList list) || !list.isProper()) {
                throw new CliException("pg:which_groups(" + s + ") on " + t + " returned " + groups);
            }
            List<Term> sorted = new ArrayList<>(list.elements());
            sorted.sort(Comparator.comparing(Term::toString));
            List<List<Term>> members = new ArrayList<>(sorted.size());
            List<Term> all = new ArrayList<>();
            for (Term g : sorted) {
                Term got = n.rpc(t, "pg", "get_members", List.of(s, g), timeout);
                List<Term> pids = got instanceof TermList ml ? new ArrayList<>(ml.elements()) : List.of(got);
                pids.sort(Comparator.comparing(Term::toString));
                members.add(pids);
                all.addAll(pids);
            }
            PidsOnTarget printed = new PidsOnTarget(n, t, timeout);
            printed.ask(all);
            System.out.println("scope " + s + " on " + t + ": " + sorted.size() + (sorted.size() == 1 ? " group" : " groups"));
            for (int i = 0; i < sorted.size(); i++) {
                List<Term> pids = members.get(i);
                System.out.println(sorted.get(i) + " (" + pids.size() + (pids.size() == 1 ? " member)" : " members)"));
                for (Term p : pids) {
                    System.out.println("  " + printed.text(p));
                }
            }
            return 0;
        }
    }
}
