/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.jarl.node.Node;
import dev.jarl.node.RpcException;
import dev.jarl.term.Atom;
import dev.jarl.term.ExportFun;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Printable;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;

/**
 * Pids printed as the node a command inspects prints them, so that a line of {@code jarl
 * global} or {@code jarl pg} reads as the same line in that node's shell: {@code <0.42.0>}
 * for its own processes, {@code <12345.42.0>} (its own index of the other node) for others.
 * Only that node knows the index, so it is asked: the pids a command is about to print all in
 * one RPC ({@link #ask}: {@code lists:map(fun erlang:pid_to_list/1, Pids)}), one round trip
 * however many there are. A node that does not answer that (a Jarl node) gets Jarl's form,
 * which names the node: {@code <app@host.42.0>}.
 */
final class PidsOnTarget {

    private static final ExportFun PID_TO_LIST = new ExportFun(Atom.of("erlang"), Atom.of("pid_to_list"), 1);

    private final Node node;
    private final NodeName target;
    private final Duration timeout;
    private final Map<Pid, String> printed = new HashMap<>();
    /** True once the target failed to print pids: the rest are not asked. */
    private boolean unanswered;

    PidsOnTarget(Node node, NodeName target, Duration timeout) {
        this.node = node;
        this.target = target;
        this.timeout = timeout;
    }

    /**
     * Asks the target, in one RPC, how it prints the pids among {@code terms} not asked
     * before (other terms are left alone); {@link #text} then answers them without a call.
     */
    void ask(Collection<? extends Term> terms) throws InterruptedException {
        List<Pid> fresh = terms.stream().filter(t -> t instanceof Pid p && !printed.containsKey(p))
                .map(Pid.class::cast).distinct().toList();
        if (fresh.isEmpty()) {
            return;
        }
        List<String> texts = unanswered ? null : printedByTarget(fresh);
        for (int i = 0; i < fresh.size(); i++) {
            printed.put(fresh.get(i), texts == null ? fresh.get(i).toString() : texts.get(i));
        }
    }

    /** How the target prints {@code pids}, in their order; null (and no more asking) when it does not say. */
    private List<String> printedByTarget(List<Pid> pids) throws InterruptedException {
        Term r;
        try {
            r = node.rpc(target, "lists", "map", List.of(PID_TO_LIST, TermList.of(pids)), timeout);
        } catch (RpcException e) {
            unanswered = true;
            return null;
        }
        List<String> texts = new ArrayList<>(pids.size());
        if (r instanceof TermList list && list.isProper() && list.elements().size() == pids.size()) {
            for (Term t : list.elements()) {
                if (!(t instanceof TermList chars) || chars.asString().isEmpty()) {
                    break;
                }
                texts.add(Printable.escape(chars.asString().get()));
            }
        }
        if (texts.size() != pids.size()) {
            unanswered = true;
            return null;
        }
        return texts;
    }

    /**
     * {@code t} as the target prints it when {@code t} is a pid (one not {@linkplain #ask asked}
     * before is asked now, alone); otherwise in Erlang syntax.
     */
    String text(Term t) throws InterruptedException {
        if (!(t instanceof Pid p)) {
            return t.toString();
        }
        ask(List.of(p));
        return printed.get(p);
    }
}
