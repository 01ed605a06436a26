/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.jarl.term.Atom;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * Taking and dropping a lock on several nodes, as {@code global:set_lock/3} with no retry,
 * {@code del_lock/2} and the locker's {@code delete_global_lock/2} do: one
 * {@code {set_lock, Id}} call to each node's {@code global_name_server}; if any refuses,
 * the lock is dropped again where it was granted.
 */
final class GlobalLocking {

    static final Atom GLOBAL = Atom.of("global");
    static final Atom SET_LOCK = Atom.of("set_lock");
    static final Atom DEL_LOCK = Atom.of("del_lock");

    private final Atom self;
    private final GlobalTables tables;

    GlobalLocking(Atom self, GlobalTables tables) {
        this.self = self;
        this.tables = tables;
    }

    /** {@code set_lock_on_nodes/2}: one try; true when every node that answered granted it. */
    boolean setLockOnNodes(Mailbox box, Tuple id, List<Atom> nodes) throws InterruptedException {
        if (nodes.isEmpty()) {
            return true;
        }
        // local_lock_check: no point asking the others when this node would refuse
        if (nodes.size() > 1 && nodes.contains(self) && tables.canSetLock(id.get(0), id.get(1)) == null) {
            return false;
        }
        Map<Atom, Term> replies = GlobalCalls.multiCall(box, nodes, Tuple.of(SET_LOCK, id));
        List<Atom> granted = new ArrayList<>();
        boolean refused = false;
        for (var e : replies.entrySet()) {
            if (Atom.TRUE.equals(e.getValue())) {
                granted.add(e.getKey());
            } else {
                refused = true;
            }
        }
        if (!refused) {
            return true;
        }
        if (replies.size() > 1 && !granted.isEmpty()) {
            GlobalCalls.multiCall(box, granted, Tuple.of(DEL_LOCK, id));
        }
        return false;
    }

    /** {@code del_lock/2}. */
    void delLock(Mailbox box, Tuple id, List<Atom> nodes) throws InterruptedException {
        if (!nodes.isEmpty()) {
            GlobalCalls.multiCall(box, nodes, Tuple.of(DEL_LOCK, id));
        }
    }

    /** {@code delete_global_lock/2}: the boss's lock goes last. */
    void deleteGlobalLock(Mailbox box, Tuple id, List<Atom> nodes) throws InterruptedException {
        if (nodes.isEmpty()) {
            return;
        }
        Atom boss = GlobalCalls.boss(nodes);
        delLock(box, id, GlobalCalls.minus(nodes, List.of(boss)));
        delLock(box, id, List.of(boss));
    }

    /**
     * {@code random_sleep/1}: a quarter second at most the first time, doubling up to eight
     * seconds.
     */
    static void randomSleep(int times) throws InterruptedException {
        int max = times > 5 ? 8000 : ((1 << times) * 1000) / 8;
        Thread.sleep(1 + ThreadLocalRandom.current().nextInt(Math.max(1, max)));
    }
}
