/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.time.Duration;
import java.util.concurrent.Callable;

import dev.jarl.node.Node;
import dev.jarl.node.RpcException;
import dev.jarl.term.Atom;
import dev.jarl.term.ElixirFormat;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.TermParser;
import dev.jarl.term.TermSyntaxException;
import dev.jarl.term.Tuple;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jarl call NODE MODULE FUNCTION [ARGS]}: calls {@code MODULE:FUNCTION(ARGS...)} on
 * NODE and prints the result in Erlang syntax, like OTP's {@code erl_call -a}.
 */
@Command(name = "call",
        description = {"Calls MODULE:FUNCTION(ARGS...) on NODE and prints the result in Erlang syntax (or Elixir's).",
                "ARGS is one Erlang list literal, as for erl_call -a. An Elixir module is its atom: 'Elixir.MyApp.Billing'."},
        footer = {"", "Examples:", "  jarl call --cookie secret app@localhost lists reverse '[[1,2,3]]'", "  prints [3,2,1]",
                "  jarl call --syntax elixir app@localhost 'Elixir.Map' new '[[{a,1}]]'", "  prints %{a: 1}"},
        mixinStandardHelpOptions = true)
final class CallCommand implements Callable<Integer> {

    @Mixin
    NodeOptions node;

    @Mixin
    ClientListenOption listen;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long to wait for the result (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--syntax", paramLabel = "erlang|elixir", defaultValue = "erlang",
            description = "How to print the result: Erlang syntax, or Elixir's as inspect/1 prints it (default: ${DEFAULT-VALUE}).")
    String syntax;

    @Parameters(index = "0", paramLabel = "NODE")
    String target;

    @Parameters(index = "1", paramLabel = "MODULE")
    String module;

    @Parameters(index = "2", paramLabel = "FUNCTION")
    String function;

    @Parameters(index = "3", arity = "0..1", paramLabel = "ARGS", description = "An Erlang list, e.g. '[[1,2,3]]' (default: []).")
    String args;

    @Override
    public Integer call() throws Exception {
        NodeName t = Cli.parseNode(target);
        if (!syntax.equals("erlang") && !syntax.equals("elixir")) {
            throw new CliException("--syntax " + syntax + ": unknown (expected: erlang or elixir)", 2);
        }
        Term argList;
        try {
            argList = args == null ? TermList.NIL : TermParser.parse(args);
        } catch (TermSyntaxException e) {
            throw new CliException("ARGS: " + e.getMessage(), 2);
        }
        if (!(argList instanceof TermList list) || !list.isProper()) {
            throw new CliException("ARGS: expected a proper list such as [1, 2], got " + argList, 2);
        }
        try (ClientListenOption.ClientNode client = listen.start(node, t)) {
            Node n = client.node();
            Cli.reach(n, t);
            // erpc's spawn request when the node offers SPAWN, else rex's {call, M, F, A, user}
            Term result;
            try {
                result = n.rpc(t, module, function, list.elements(), Duration.ofSeconds(timeoutSeconds));
            } catch (RpcException e) {
                if (e instanceof RpcException.Timeout) {
                    throw new CliException("no result from " + t + " within " + timeoutSeconds + " s");
                }
                result = e.rpcCallResult();
            }
            System.out.println(syntax.equals("elixir") ? ElixirFormat.inspect(result) : result.toString());
            boolean badrpc = result instanceof Tuple r && r.arity() == 2 && Atom.of("badrpc").equals(r.get(0));
            return badrpc ? 1 : 0;
        }
    }
}
