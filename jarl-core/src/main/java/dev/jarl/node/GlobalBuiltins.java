/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import dev.jarl.term.Atom;
import dev.jarl.term.ExportFun;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;

/**
 * OTP's three resolve methods, as the export funs Erlang nodes send ({@code fun
 * global:random_exit_name/3}, ...). {@link #resolve} only says who wins; {@link Global}
 * carries out the kill or the notifications when it resolves a clash.
 */
enum GlobalBuiltins implements GlobalResolver {
    RANDOM_EXIT("random_exit_name"),
    RANDOM_NOTIFY("random_notify_name"),
    NOTIFY_ALL("notify_all_name");

    static final Atom GLOBAL = Atom.of("global");

    final ExportFun method;

    GlobalBuiltins(String function) {
        this.method = new ExportFun(Atom.of("global"), Atom.of(function), 3);
    }

    /** The built-in method {@code fun} names, if it is one. */
    static GlobalBuiltins of(Term fun) {
        for (GlobalBuiltins b : values()) {
            if (b.method.equals(fun)) {
                return b;
            }
        }
        return null;
    }

    @Override
    public Pid resolve(Term name, Pid pid1, Pid pid2) {
        return switch (this) {
            case RANDOM_EXIT, RANDOM_NOTIFY -> min(pid1, pid2);
            case NOTIFY_ALL -> null;
        };
    }

    /**
     * {@code global:minmax/2}'s first: the pid whose node name sorts first wins; on the
     * same node, the second argument.
     */
    static Pid min(Pid p1, Pid p2) {
        return p1.node().compareTo(p2.node()) < 0 ? p1 : p2;
    }

    static Pid max(Pid p1, Pid p2) {
        return min(p1, p2) == p1 ? p2 : p1;
    }
}
