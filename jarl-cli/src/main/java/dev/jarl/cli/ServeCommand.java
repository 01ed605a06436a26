/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;

import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Tuple;
import dev.jarl.term.NodeName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code jarl serve}: the conformance target described in docs/conformance.md. */
@Command(name = "serve",
        description = {"Starts a Jarl node that Erlang code can drive: registered processes echo, sink and flood, and the jarl RPC module.",
                "Prints 'ready NODE' once it accepts connections; runs until SIGTERM or Ctrl-C."},
        footer = {"", "Examples:", "  jarl serve --name jarl@localhost --cookie secret",
                "  jarl serve --name jarl@localhost --cookie secret --listen 127.0.0.1   (loopback only)"},
        mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {

    @Mixin
    NodeOptions node;

    @Mixin
    CarrierOptions carrier;

    @Option(names = "--visible", description = "Make the node visible (default: hidden); a visible node takes part in "
            + "global and registers echo globally as {jarl_echo, Node}.")
    boolean visible;

    @Override
    public Integer call() throws Exception {
        if (node.name == null) {
            throw new CliException("serve needs --name NAME@HOST");
        }
        NodeName name = node.nodeName(null);
        NodeConfig.Builder config = NodeConfig.builder(name).cookie(node.cookie()).hidden(!visible);
        carrier.apply(config, name);
        NodeConfig built = config.build();
        Node n = Cli.startNode(built);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            n.close();
            stopped.countDown();
        }, "jarl-serve-shutdown"));
        Roles.start(n);
        if (visible) {
            // ../shared/CONFORMANCE.md: a visible serve node's echo is {jarl_echo, Node} in global
            n.global().register(Tuple.of(Atom.of("jarl_echo"), n.nameAtom()), n.whereis("echo").orElseThrow());
        }
        System.out.println("ready " + n.name());
        System.out.flush();
        stopped.await();
        return 0;
    }
}
