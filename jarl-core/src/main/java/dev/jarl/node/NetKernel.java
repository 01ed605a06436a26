/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import dev.jarl.term.Atom;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * The {@code net_kernel} a peer talks to: {@code net_adm:ping/1} calls it with
 * {@code {'$gen_call', {Pid, Tag}, {is_auth, Node}}} and gets {@code {Tag, yes}}, so a ping
 * from Erlang returns {@code pong}. Other calls and messages are logged once and ignored.
 */
final class NetKernel implements SystemProcess {

    static final Atom YES = Atom.of("yes");
    static final Atom IS_AUTH = Atom.of("is_auth");

    private final SystemProcesses system;

    NetKernel(SystemProcesses system) {
        this.system = system;
    }

    @Override
    public String name() {
        return "net_kernel";
    }

    @Override
    public void handle(Mailbox self, Term message) {
        if (message instanceof Tuple t && t.isTagged(Atom.GEN_CALL, 3) && t.get(1) instanceof Tuple from
                && from.arity() == 2 && from.get(0) instanceof Pid caller) {
            if (t.get(2) instanceof Tuple req && req.isTagged(IS_AUTH, 2)) {
                self.send(caller, Tuple.of(from.get(1), YES));
                return;
            }
            system.logOnce("net_kernel call", "net_kernel: ignoring call {0}", t.get(2));
            return;
        }
        system.logOnce("net_kernel msg", "net_kernel: ignoring {0}", message);
    }
}
