/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.jarl.node.Node;
import dev.jarl.node.RpcException;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Printable;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;

/**
 * Pids printed as the node a command inspects prints them, so that a line of {@code jarl
 * global} or {@code jarl pg} reads as the same line in that node's shell: {@code <0.42.0>}
 * for its own processes, {@code <12345.42.0>} (its own index of the other node) for others.
 * Only that node knows the index, so each pid is asked once ({@code erlang:pid_to_list/1}
 * over RPC). A node that does not answer that (a Jarl node) gets Jarl's form, which names the
 * node: {@code <app@host.42.0>}.
 */
final class PidsOnTarget {

    private final Node node;
    private final NodeName target;
    private final Duration timeout;
    private final Map<Pid, String> printed = new HashMap<>();
    /** True once the target failed to print a pid: the rest are not asked. */
    private boolean unanswered;

    PidsOnTarget(Node node, NodeName target, Duration timeout) {
        this.node = node;
        this.target = target;
        this.timeout = timeout;
    }

    /** {@code t} as the target prints it when {@code t} is a pid; otherwise in Erlang syntax. */
    String text(Term t) throws InterruptedException {
        if (!(t instanceof Pid p)) {
            return t.toString();
        }
        String known = printed.get(p);
        if (known != null) {
            return known;
        }
        String text = p.toString();
        if (!unanswered) {
            try {
                Term r = node.rpc(target, "erlang", "pid_to_list", List.of(p), timeout);
                if (r instanceof TermList chars && chars.asString().isPresent()) {
                    text = Printable.escape(chars.asString().get());
                } else {
                    unanswered = true;
                }
            } catch (RpcException e) {
                unanswered = true;
            }
        }
        printed.put(p, text);
        return text;
    }
}
