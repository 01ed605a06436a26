/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * {@code gen_server:multi_call(Nodes, global_name_server, Request)} from a mailbox: one
 * call to each node's {@code global_name_server} at once, each answered or given up when
 * its server or node goes down. {@code global} waits without a bound; this waits at most
 * {@link #LIMIT} so that a peer that never answers cannot hold a thread for ever (it then
 * counts as a node that did not reply, as a node that went down does).
 */
final class GlobalCalls {

    static final Atom SERVER = Atom.of("global_name_server");
    static final Duration LIMIT = Duration.ofSeconds(60);
    private static final Atom DOWN = Atom.of("DOWN");

    private GlobalCalls() {
    }

    /** The replies of the nodes that answered, in the order of {@code nodes}. */
    static Map<Atom, Term> multiCall(Mailbox box, List<Atom> nodes, Term request) throws InterruptedException {
        Map<Ref, Atom> waiting = new HashMap<>();
        Map<Atom, Term> replies = new LinkedHashMap<>();
        for (Atom n : nodes) {
            NodeName nn = NodeName.parse(n.name());
            Ref mref = box.monitor(SERVER.name(), nn);
            waiting.put(mref, n);
            box.send(SERVER.name(), nn, Tuple.of(Atom.GEN_CALL, Tuple.of(box.self(), mref), request));
        }
        long deadline = System.nanoTime() + LIMIT.toNanos();
        Map<Atom, Term> got = new HashMap<>();
        while (!waiting.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Optional<Term> m = box.receive(t -> t instanceof Tuple x
                    && ((x.arity() == 2 && waiting.containsKey(x.get(0)))
                    || (x.arity() == 5 && x.get(0).equals(DOWN) && waiting.containsKey(x.get(1)))),
                    Duration.ofNanos(left));
            if (m.isEmpty()) {
                break;
            }
            Tuple t = (Tuple) m.get();
            if (t.arity() == 2) {
                Ref ref = (Ref) t.get(0);
                got.put(waiting.remove(ref), t.get(1));
                box.demonitor(ref, true);
            } else {
                waiting.remove(t.get(1));
            }
        }
        for (Ref ref : waiting.keySet()) {
            box.demonitor(ref, true);
        }
        for (Atom n : nodes) {
            if (got.containsKey(n)) {
                replies.put(n, got.get(n));
            }
        }
        return replies;
    }

    /** The node names of {@code list} less those in {@code minus}. */
    static List<Atom> minus(List<Atom> list, List<Atom> minus) {
        List<Atom> out = new ArrayList<>(list);
        out.removeAll(minus);
        return out;
    }

    /** {@code lists:max/1} of node names (the "boss"). */
    static Atom boss(List<Atom> nodes) {
        Atom max = nodes.get(0);
        for (Atom n : nodes) {
            if (n.compareTo(max) > 0) {
                max = n;
            }
        }
        return max;
    }
}
