/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import dev.jarl.term.Atom;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * The {@code rex} a peer talks to: a visible BEAM node asks {@code {Pid, features_request}}
 * on nodeup and gets {@code {features_reply, Node, [erpc]}}; older callers and C nodes send
 * {@code {Pid, {call, M, F, A, GL}}} and get {@code {rex, Result}} from a new process that
 * runs the registered {@link Functions function} ({@link Rpc#rexCall}).
 */
final class Rex implements SystemProcess {

    private static final Atom FEATURES_REQUEST = Atom.of("features_request");
    private static final Atom FEATURES_REPLY = Atom.of("features_reply");

    private final Node node;
    private final Rpc rpc;
    private final SystemProcesses system;

    Rex(Node node, Rpc rpc, SystemProcesses system) {
        this.node = node;
        this.rpc = rpc;
        this.system = system;
    }

    @Override
    public String name() {
        return "rex";
    }

    @Override
    public void handle(Mailbox self, Term message) {
        if (message instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid from
                && t.get(1).equals(FEATURES_REQUEST)) {
            self.send(from, Tuple.of(FEATURES_REPLY, node.nameAtom(), TermList.of(Rpc.ERPC)));
            return;
        }
        if (!rpc.rexCall(message)) {
            system.logOnce("rex", "rex: ignoring {0}", message);
        }
    }
}
