/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.jarl.term.Atom;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * The global name server's writes to the name and lock tables ({@link GlobalTables}), with
 * the monitors that keep them: {@code ins_name}, {@code delete_global_name}, the ops of a
 * name exchange, {@code set_lock}/{@code del_lock} and a holder's or a name's DOWN, as
 * {@code global.erl} does them. Confined to the {@link GlobalServer}'s thread.
 */
final class GlobalRegistry {

    static final Atom INSERT = Atom.of("insert");
    static final Atom DELETE = Atom.of("delete");
    static final Atom LOCK_KEY = Atom.of("lock");

    private final Mailbox box;
    private final GlobalTables tables;
    private final Map<Ref, Term> nameMonitors = new HashMap<>();
    private final Map<Ref, Term> lockMonitors = new HashMap<>();
    private boolean globalLockDown;

    GlobalRegistry(Mailbox box, GlobalTables tables) {
        this.box = box;
        this.tables = tables;
    }

    /** A DOWN for {@code ref}: a lock holder or a registered process has gone. */
    void down(Ref ref) {
        Term resource = lockMonitors.remove(ref);
        if (resource != null) {
            removeLockHolder(resource, ref, true);
        }
        Term name = nameMonitors.remove(ref);
        if (name != null) {
            GlobalTables.Name n = tables.names.get(name);
            if (n != null && n.monitor().equals(ref)) {
                tables.names.remove(name);
            }
        }
    }

    TermList namesList() {
        List<Term> out = new ArrayList<>();
        for (GlobalTables.Name n : tables.names.values()) {
            out.add(Tuple.of(n.name(), n.pid(), n.method()));
        }
        return TermList.of(out);
    }

    void doOps(List<Term> ops, Term from, Term extraInfo) {
        for (Term op : ops) {
            if (op instanceof Tuple t && t.isTagged(INSERT, 2) && t.get(1) instanceof Tuple n && n.arity() == 3
                    && n.get(1) instanceof Pid pid) {
                insName(n.get(0), pid, n.get(2), from, extraInfo);
            }
        }
        for (Term op : ops) {
            if (op instanceof Tuple t && t.isTagged(DELETE, 2)) {
                deleteName(t.get(1));
            }
        }
    }

    /** {@code ins_name/6}: registers, unless the lock it was registered under is gone. */
    void insName(Term name, Pid pid, Term method, Term from, Term extraInfo) {
        GlobalTables.Name old = tables.names.get(name);
        if (old != null) {
            nameMonitors.remove(old.monitor());
            box.demonitor(old.monitor(), true);
        }
        Ref ref = box.monitor(pid);
        nameMonitors.put(ref, name);
        tables.names.put(name, new GlobalTables.Name(name, pid, method, ref));
        if (!lockStillSet(from, extraInfo)) {
            deleteName(name);
        }
    }

    private boolean lockStillSet(Term from, Term extraInfo) {
        GlobalTables.Lock l = tables.locks.get(GlobalLocking.GLOBAL);
        if (l == null) {
            return !globalLockDown;
        }
        if (from instanceof Pid p) {
            return l.holders().stream().anyMatch(h -> h.pid().equals(p));
        }
        if (extraInfo instanceof TermList info) {
            for (Term e : info.elements()) {
                if (e instanceof Tuple kv && kv.isTagged(LOCK_KEY, 2) && kv.get(1) instanceof Tuple id && id.arity() == 2) {
                    return l.requester().equals(id.get(1));
                }
            }
        }
        return false;
    }

    void deleteName(Term name) {
        GlobalTables.Name n = tables.names.remove(name);
        if (n != null) {
            nameMonitors.remove(n.monitor());
            box.demonitor(n.monitor(), true);
        }
    }

    boolean setLock(Tuple id, Pid pid) {
        Term resource = id.get(0);
        List<GlobalTables.Holder> holders = tables.canSetLock(resource, id.get(1));
        if (holders == null) {
            return false;
        }
        if (holders.stream().noneMatch(h -> h.pid().equals(pid))) {
            Ref ref = box.monitor(pid);
            lockMonitors.put(ref, resource);
            List<GlobalTables.Holder> more = new ArrayList<>();
            more.add(new GlobalTables.Holder(pid, ref));
            more.addAll(holders);
            tables.locks.put(resource, new GlobalTables.Lock(resource, id.get(1), List.copyOf(more)));
        }
        return true;
    }

    void delLock(Tuple id, Pid pid) {
        GlobalTables.Lock l = tables.locks.get(id.get(0));
        if (l == null || !l.requester().equals(id.get(1))) {
            return;
        }
        for (GlobalTables.Holder h : l.holders()) {
            if (h.pid().equals(pid)) {
                lockMonitors.remove(h.monitor());
                box.demonitor(h.monitor(), true);
                removeLockHolder(id.get(0), h.monitor(), false);
                return;
            }
        }
    }

    private void removeLockHolder(Term resource, Ref ref, boolean down) {
        GlobalTables.Lock l = tables.locks.get(resource);
        if (l == null) {
            return;
        }
        List<GlobalTables.Holder> rest = new ArrayList<>(l.holders());
        rest.removeIf(h -> h.monitor().equals(ref));
        if (rest.isEmpty()) {
            tables.locks.remove(resource);
            if (resource.equals(GlobalLocking.GLOBAL)) {
                globalLockDown = down;
            }
        } else {
            tables.locks.put(resource, new GlobalTables.Lock(resource, l.requester(), List.copyOf(rest)));
        }
    }
}
