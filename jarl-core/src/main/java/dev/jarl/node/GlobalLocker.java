/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * The locker of global.erl: when a peer connects, it locks this node's partition (every
 * node it knows) under a lock id both sides share ({@code {global, [LockerA, LockerB]}},
 * sorted), tells the peer's locker through the peer's server ({@code lock_set}), and holds
 * the lock until the server has exchanged names with the peer and tells it to let go
 * ({@link Cancel}). Either side may start: after a pause (200 ms alone, else 1 to 3 s) a
 * locker with a peer waiting picks one and locks; a locker told of a peer that locked first
 * locks its own side in answer.
 *
 * <p>Runs on its own virtual thread; the server posts to it ({@link #post}), and it waits
 * for the messages of one session while keeping the others for later, as the Erlang
 * process's selective receive does. Its pid (a mailbox of its own) holds the locks.
 */
final class GlobalLocker {

    private static final Logger LOG = System.getLogger(GlobalLocker.class.getName());
    private static final Atom LOCK_SET = Atom.of("lock_set");
    private static final Atom LOCK_IS_SET = Atom.of("lock_is_set");

    sealed interface Msg permits HisTheLocker, Cancel, LockSet, AddToKnown, RemoveFromKnown {
    }

    /** A peer's {@code init_connect} arrived: its locker, protocol version and tags. */
    record HisTheLocker(Pid locker, int vsn, Term hisTag, Term myTag) implements Msg {
    }

    /** Stop the session with {@code node} of {@code tag}; run {@code fun} first when locked. */
    record Cancel(Atom node, Term tag, Consumer<Mailbox> fun) implements Msg {
    }

    /** The peer's locker set (or failed to set) its lock; {@code tag} null in the old form. */
    record LockSet(Pid pid, boolean set, Term tag) implements Msg {
    }

    record AddToKnown(List<Atom> nodes) implements Msg {
    }

    record RemoveFromKnown(Atom node) implements Msg {
    }

    private record Him(Atom node, Pid locker, int vsn, Term myTag, Term hisTag) {
    }

    private final LinkedBlockingQueue<Msg> queue = new LinkedBlockingQueue<>();
    private final ArrayDeque<Msg> saved = new ArrayDeque<>();
    private final Mailbox box;
    private final Atom self;
    private final Pid server;
    private final GlobalTables tables;
    private final GlobalLocking locking;
    private final List<Atom> known = new ArrayList<>();
    private final List<Him> hims = new ArrayList<>();
    private boolean justSynced;

    GlobalLocker(Mailbox box, Atom self, Pid server, GlobalTables tables) {
        this.box = box;
        this.self = self;
        this.server = server;
        this.tables = tables;
        this.locking = new GlobalLocking(self, tables);
    }

    Pid pid() {
        return box.self();
    }

    void post(Msg m) {
        queue.add(m);
    }

    /** Runs until interrupted or the node closes. */
    void run() {
        try {
            while (true) {
                step();
            }
        } catch (InterruptedException | IllegalStateException stopped) {
            // the node is closing
        }
    }

    private void step() throws InterruptedException {
        Msg m = take(x -> true, 0);
        if (m != null) {
            handle(m);
            return;
        }
        long timeout;
        if (hims.isEmpty()) {
            timeout = -1;
        } else if (justSynced) {
            timeout = 0;
        } else if (known.isEmpty()) {
            timeout = 200;
        } else {
            timeout = Math.min(1000 + 100L * known.size(), 3000);
        }
        justSynced = false;
        m = take(x -> true, timeout);
        if (m != null) {
            handle(m);
        } else if (!tables.locks.containsKey(GlobalLocking.GLOBAL)) {
            selectNode();
        }
    }

    private void handle(Msg m) throws InterruptedException {
        switch (m) {
            case HisTheLocker h -> hims.add(new Him(h.locker().node(), h.locker(), h.vsn(), h.myTag(), h.hisTag()));
            case Cancel c -> {
                // a cancel with no tag may stand for an old nodedown: it cancels nothing
                if (c.tag() != null) {
                    removeHim(c.node(), c.tag());
                }
            }
            case LockSet ls -> {
                if (ls.set()) {
                    spontaneous(ls);
                }
            }
            case AddToKnown a -> addKnown(a.nodes());
            case RemoveFromKnown r -> known.remove(r.node());
        }
    }

    /** The peer locked its side first: lock ours and answer. */
    private void spontaneous(LockSet ls) throws InterruptedException {
        Atom node = ls.pid().node();
        Him him = find(node);
        if (him == null || (ls.tag() != null && !him.myTag().equals(ls.tag()))) {
            sendLockSet(false, ls.pid(), 5, Int.ZERO);
            return;
        }
        Tuple lockId = lockId(ls.pid());
        boolean set = lockNodesSafely(lockId, List.of());
        sendLockSet(set, ls.pid(), him.vsn(), him.hisTag());
        if (set) {
            List<Atom> known2 = new ArrayList<>();
            known2.add(self);
            known2.addAll(known);
            castServer(Tuple.of(LOCK_IS_SET, node, him.myTag(), lockId));
            waitCancelLock(node, lockId, him.myTag(), known2);
            justSynced = true;
            removeHim(node, him.myTag());
        } else {
            justSynced = false;
        }
    }

    /** {@code select_node/1}: lock our side for one waiting peer, then wait for its answer. */
    private void selectNode() throws InterruptedException {
        hims.removeIf(h -> known.contains(h.node()));
        if (hims.isEmpty()) {
            return;
        }
        Him him = hims.get(ThreadLocalRandom.current().nextInt(hims.size()));
        Tuple lockId = lockId(him.locker());
        if (!lockNodesSafely(lockId, List.of(him.node()))) {
            return;
        }
        List<Atom> known1 = new ArrayList<>();
        known1.add(self);
        known1.add(him.node());
        known1.addAll(known);
        sendLockSet(true, him.locker(), him.vsn(), him.hisTag());
        while (true) {
            Msg m = take(x -> (x instanceof LockSet ls && ls.pid().node().equals(him.node()))
                    || (x instanceof Cancel c && c.node().equals(him.node()) && him.myTag().equals(c.tag())), -1);
            switch (m) {
                case LockSet ls -> {
                    if (ls.tag() != null && !ls.tag().equals(him.myTag())) {
                        continue; // an answer of an older session
                    }
                    if (ls.set()) {
                        castServer(Tuple.of(LOCK_IS_SET, him.node(), him.myTag(), lockId));
                        waitCancelLock(him.node(), lockId, him.myTag(), known1);
                        justSynced = true;
                        hims.remove(him);
                    } else {
                        locking.deleteGlobalLock(box, lockId, known1);
                    }
                    return;
                }
                case Cancel c -> {
                    if (c.fun() != null) {
                        c.fun().accept(box);
                    }
                    locking.deleteGlobalLock(box, lockId, known1);
                    removeHim(him.node(), him.myTag());
                    return;
                }
                default -> throw new IllegalStateException("unexpected " + m);
            }
        }
    }

    private void waitCancelLock(Atom node, Tuple lockId, Term myTag, List<Atom> lockedOn) throws InterruptedException {
        Cancel c = (Cancel) take(x -> x instanceof Cancel k && k.node().equals(node) && myTag.equals(k.tag()), -1);
        if (c.fun() != null) {
            c.fun().accept(box);
        }
        locking.deleteGlobalLock(box, lockId, lockedOn);
    }

    /**
     * {@code lock_nodes_safely/3}: the boss (greatest node name) first, then this node and
     * {@code extra}, then every other known node; what was granted is given back on failure.
     */
    private boolean lockNodesSafely(Tuple lockId, List<Atom> extra) throws InterruptedException {
        List<Atom> all = new ArrayList<>(known);
        all.add(self);
        List<Atom> first = List.of(GlobalCalls.boss(all));
        if (!first.equals(List.of(self)) && tables.canSetLock(lockId.get(0), lockId.get(1)) == null) {
            return false;
        }
        if (!locking.setLockOnNodes(box, lockId, first)) {
            return false;
        }
        updateKnown();
        List<Atom> us = new ArrayList<>();
        us.add(self);
        us.addAll(extra);
        List<Atom> second = GlobalCalls.minus(us, first);
        if (!locking.setLockOnNodes(box, lockId, second)) {
            locking.delLock(box, lockId, first);
            return false;
        }
        if (!locking.setLockOnNodes(box, lockId, GlobalCalls.minus(known, first))) {
            List<Atom> soFar = new ArrayList<>(first);
            soFar.addAll(second);
            locking.delLock(box, lockId, soFar);
            return false;
        }
        return true;
    }

    private void updateKnown() throws InterruptedException {
        Msg m;
        while ((m = take(x -> x instanceof AddToKnown || x instanceof RemoveFromKnown, 0)) != null) {
            switch (m) {
                case AddToKnown a -> addKnown(a.nodes());
                case RemoveFromKnown r -> known.remove(r.node());
                default -> throw new IllegalStateException("unexpected " + m);
            }
        }
    }

    private void addKnown(List<Atom> nodes) {
        for (Atom n : nodes) {
            known.add(0, n);
        }
    }

    private void sendLockSet(boolean set, Pid hisLocker, int vsn, Term hisTag) {
        Term knownList = TermList.of(known);
        Atom isSet = set ? Atom.TRUE : Atom.FALSE;
        Tuple msg = vsn < GlobalServer.VSN ? Tuple.of(LOCK_SET, box.self(), isSet, knownList)
                : Tuple.of(LOCK_SET, box.self(), isSet, knownList, hisTag);
        box.send(GlobalCalls.SERVER.name(), NodeName.parse(hisLocker.node().name()), Tuple.of(Atom.GEN_CAST, msg));
    }

    private void castServer(Tuple request) {
        box.send(server, Tuple.of(Atom.GEN_CAST, request));
    }

    private Tuple lockId(Pid his) {
        Pid me = box.self();
        TermList pair = me.compareTo(his) <= 0 ? TermList.of(me, his) : TermList.of(his, me);
        return Tuple.of(GlobalLocking.GLOBAL, pair);
    }

    private Him find(Atom node) {
        for (Him h : hims) {
            if (h.node().equals(node)) {
                return h;
            }
        }
        return null;
    }

    private void removeHim(Atom node, Term tag) {
        for (Iterator<Him> it = hims.iterator(); it.hasNext();) {
            Him h = it.next();
            if (h.node().equals(node) && h.myTag().equals(tag)) {
                it.remove();
                return;
            }
        }
    }

    /** The first message {@code match} takes, older kept ones first; null after {@code timeoutMs} (-1: none). */
    private Msg take(Predicate<Msg> match, long timeoutMs) throws InterruptedException {
        for (Iterator<Msg> it = saved.iterator(); it.hasNext();) {
            Msg m = it.next();
            if (match.test(m)) {
                it.remove();
                return m;
            }
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, timeoutMs));
        while (true) {
            Msg m;
            if (timeoutMs < 0) {
                m = queue.take();
            } else {
                long left = deadline - System.nanoTime();
                m = left <= 0 ? queue.poll() : queue.poll(left, TimeUnit.NANOSECONDS);
                if (m == null) {
                    return null;
                }
            }
            if (match.test(m)) {
                return m;
            }
            saved.add(m);
            if (saved.size() % 10_000 == 0) {
                LOG.log(Level.WARNING, "global locker of {0}: {1} messages kept for later", self, saved.size());
            }
        }
    }
}
