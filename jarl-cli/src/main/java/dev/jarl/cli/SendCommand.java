/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.util.concurrent.Callable;

import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.TermParser;
import dev.jarl.term.TermSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code jarl send NODE NAME TERM}: {@code {NAME, NODE} ! TERM}. */
@Command(name = "send",
        description = "Sends TERM (Erlang syntax) to the process registered as NAME on NODE.",
        footer = {"", "Example:", "  jarl send --cookie secret app@localhost logger '{log, info, <<\"hello\">>}'"},
        mixinStandardHelpOptions = true)
final class SendCommand implements Callable<Integer> {

    @Mixin
    NodeOptions node;

    @Mixin
    ClientListenOption listen;

    @Parameters(index = "0", paramLabel = "NODE", description = "The target node.")
    String target;

    @Parameters(index = "1", paramLabel = "NAME", description = "The registered name on NODE.")
    String name;

    @Parameters(index = "2", paramLabel = "TERM", description = "The message, in Erlang syntax.")
    String term;

    @Override
    public Integer call() throws Exception {
        NodeName t = Cli.parseNode(target);
        Term message;
        try {
            message = TermParser.parse(term);
        } catch (TermSyntaxException e) {
            throw new CliException("TERM: " + e.getMessage(), 2);
        }
        try (ClientListenOption.ClientNode client = listen.start(node, t);
             Mailbox mb = client.node().createMailbox()) {
            Node n = client.node();
            Cli.reach(n, t);
            mb.send(name, t.toString(), message);
            // the peer handles one connection's packets in order: once this second ping is
            // answered, the message has been delivered (or NAME was not registered)
            if (!Cli.ping(n, t)) {
                throw new CliException("lost the connection to " + t + " while sending");
            }
            return 0;
        }
    }
}
