/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import dev.jarl.term.Pid;
import dev.jarl.term.Term;

/**
 * Decides a name clash, as the resolve fun of {@code global:register_name/3} does: when two
 * partitions that each hold {@code name} for a different process join, the resolver of the
 * name on this node is called once, with the other partition's process first.
 *
 * <p>OTP's three methods are {@link #randomExit()}, {@link #randomNotify()} and
 * {@link #notifyAllNames()}; they behave exactly as {@code global:random_exit_name/3},
 * {@code random_notify_name/3} and {@code notify_all_name/3} (which process loses is
 * decided by {@code minmax}: the process on the node whose name sorts first wins).
 *
 * <p>A resolver written in Java runs on a thread of the name resolution, must not block for
 * long, and is honoured only where this node decides the clash (it is sent to Erlang as a
 * fun of the module {@code jarl_global}, which only a Jarl node can run; an Erlang node that
 * has to run it gets {@code {badrpc, ...}} from the Jarl node and keeps the other
 * partition's registration).
 */
@FunctionalInterface
public interface GlobalResolver {

    /**
     * Chooses which process keeps {@code name}.
     *
     * @return {@code pid1} or {@code pid2} to keep that one, or null to unregister the name
     *         everywhere (OTP's {@code none})
     */
    Pid resolve(Term name, Pid pid1, Pid pid2);

    /** {@code global:random_exit_name/3}: the loser is killed, the winner keeps the name. */
    static GlobalResolver randomExit() {
        return GlobalBuiltins.RANDOM_EXIT;
    }

    /** {@code global:random_notify_name/3}: the loser gets {@code {global_name_conflict, Name}}. */
    static GlobalResolver randomNotify() {
        return GlobalBuiltins.RANDOM_NOTIFY;
    }

    /**
     * {@code global:notify_all_name/3}: both get {@code {global_name_conflict, Name, Other}}
     * and the name is unregistered.
     */
    static GlobalResolver notifyAllNames() {
        return GlobalBuiltins.NOTIFY_ALL;
    }
}
