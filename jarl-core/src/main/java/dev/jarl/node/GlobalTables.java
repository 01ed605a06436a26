/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;

/**
 * The name and lock tables ({@code global_names}, {@code global_locks} of global.erl):
 * written by the server thread only, read by anyone.
 */
final class GlobalTables {

    /** A registered name: the process, its resolve method (a fun term) and the monitor. */
    record Name(Term name, Pid pid, Term method, Ref monitor) {
    }

    /** A lock: who asked for it and the processes holding it, each with its monitor. */
    record Lock(Term resource, Term requester, List<Holder> holders) {
    }

    record Holder(Pid pid, Ref monitor) {
    }

    final ConcurrentHashMap<Term, Name> names = new ConcurrentHashMap<>();
    final ConcurrentHashMap<Term, Lock> locks = new ConcurrentHashMap<>();

    /**
     * {@code can_set_lock/1}: null when another requester holds the resource, else the
     * current holders (empty when free).
     */
    List<Holder> canSetLock(Term resource, Term requester) {
        Lock l = locks.get(resource);
        if (l == null) {
            return List.of();
        }
        return l.requester().equals(requester) ? l.holders() : null;
    }

    boolean hasName(Pid pid) {
        for (Name n : names.values()) {
            if (n.pid().equals(pid)) {
                return true;
            }
        }
        return false;
    }
}
