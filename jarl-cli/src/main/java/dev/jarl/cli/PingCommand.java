/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.util.concurrent.Callable;

import dev.jarl.node.Node;
import dev.jarl.term.NodeName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code jarl ping NODE}: {@code net_adm:ping/1} from a short-lived hidden node. */
@Command(name = "ping",
        description = "Connects to NODE and asks it net_adm:ping's question; prints pong or pang.",
        footer = {"", "Example:", "  jarl ping --cookie secret rabbit@localhost"},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:pong", "1:pang (not running, unreachable, or another cookie)"},
        mixinStandardHelpOptions = true)
final class PingCommand implements Callable<Integer> {

    @Mixin
    NodeOptions node;

    @Mixin
    ClientListenOption listen;

    @Parameters(paramLabel = "NODE", description = "The node to ping, e.g. rabbit@localhost.")
    String target;

    @Override
    public Integer call() throws Exception {
        NodeName t = Cli.parseNode(target);
        try (ClientListenOption.ClientNode client = listen.start(node, t)) {
            Node n = client.node();
            try {
                Cli.reach(n, t);
            } catch (CliException e) {
                System.out.println("pang");
                throw e;
            }
            System.out.println("pong");
            return 0;
        }
    }
}
