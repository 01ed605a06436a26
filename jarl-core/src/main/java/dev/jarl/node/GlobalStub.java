/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import dev.jarl.term.Term;

/**
 * A {@code global_name_server} that takes part in nothing: a visible BEAM node casts
 * {@code init_connect} to it on nodeup, and it ignores that and everything else (logged
 * once), so on the Erlang side {@code global:sync()} waits for this node.
 */
final class GlobalStub implements SystemProcess {

    private final SystemProcesses system;

    GlobalStub(SystemProcesses system) {
        this.system = system;
    }

    @Override
    public String name() {
        return "global_name_server";
    }

    @Override
    public void handle(Mailbox self, Term message) {
        system.logOnce("global", "global_name_server: ignoring {0}; Jarl does not take part in global", message);
    }
}
