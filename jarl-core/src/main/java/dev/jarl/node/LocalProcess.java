/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * A Jarl process as the node sees it: its pid, its registered name, its message queue and
 * its signal state (links, monitors both ways, node monitors, aliases, {@code trap_exit},
 * exit reason). A {@link Mailbox} is the public handle on one.
 *
 * <p><b>Links</b> follow the link protocol of {@code erl_dist_protocol.md} ("Link
 * Protocol", mandatory from OTP 26): per linked pid an active flag and the id of an
 * outstanding unlink. A pid is linked only while its entry is active.
 *
 * <p><b>Signals</b> are applied on the sender's thread (a local sender, or a connection's
 * input thread) under this process's lock; nothing that blocks runs under it, and no other
 * process's lock is taken while it is held. What a signal asks of others (exit signals to
 * send, DOWN messages to deliver) is returned to the caller, who acts after unlocking.
 */
final class LocalProcess {

    private static final Atom KILL = Atom.of("kill");
    private static final Atom KILLED = Atom.of("killed");
    private static final Atom NODEDOWN = Atom.of("nodedown");

    /** One link's protocol state. */
    static final class LinkState {
        boolean active = true;
        long unlinkId;
    }

    /**
     * A monitor, as its watcher and its target each keep it.
     *
     * @param ref     the monitor reference
     * @param watcher the pid that gets the DOWN message
     * @param target  the monitored pid, or null for a name monitor not resolved here
     * @param proc    what the wire names as the monitored process: the pid or the name atom
     * @param node    the node of the monitored process (null when it is this node)
     * @param item    the Item of the DOWN message: the pid, or {@code {Name, Node}}
     */
    record Monitor(Ref ref, Pid watcher, Pid target, Term proc, NodeName node, Term item) {
    }

    /** What an exit signal does to this process. */
    sealed interface Effect {
        /** Nothing (ignored, or turned into a message). */
        record None() implements Effect {
        }

        /** The process dies with this reason. */
        record Die(Term reason) implements Effect {
        }
    }

    static final Effect NONE = new Effect.None();

    /** What a process leaves behind when it ends; the node tells the others. */
    record Remains(Term reason, List<Pid> links, List<Monitor> monitors, List<Monitor> watchers, List<Ref> aliases,
                   Thread thread) {
    }

    private final Node node;
    private final Pid pid;
    private final ReentrantLock lock = new ReentrantLock();
    private final MessageQueue queue = new MessageQueue(lock);
    // created on first use: most processes never link, monitor or alias (an idle process
    // costs about 1.1 KB; five empty collections were 300 bytes of it)
    private Map<Pid, LinkState> links;
    private Map<Ref, Monitor> monitors;
    private Map<Ref, Monitor> watchers;
    private Map<NodeName, Integer> nodeMonitors;
    private Set<Ref> aliases;
    private long unlinkIds;
    private boolean trapExit;
    private Term exitReason;
    private volatile Atom registeredName;
    private volatile boolean exited;
    private volatile Thread thread;

    LocalProcess(Node node, Pid pid) {
        this.node = node;
        this.pid = pid;
    }

    Node node() {
        return node;
    }

    Pid pid() {
        return pid;
    }

    MessageQueue queue() {
        return queue;
    }

    Atom registeredName() {
        return registeredName;
    }

    void registeredName(Atom name) {
        this.registeredName = name;
    }

    boolean exited() {
        return exited;
    }

    /** The thread running the process body, if it was spawned. */
    void thread(Thread t) {
        this.thread = t;
    }

    /** The reason the process ended with, or null while it runs. */
    Term exitReason() {
        lock.lock();
        try {
            return exitReason;
        } finally {
            lock.unlock();
        }
    }

    /** A message arrived (from a local sender or a connection). */
    void deliver(Term message) {
        queue.put(message);
    }

    // ------------------------------------------------------------------ trap_exit

    /** Sets {@code trap_exit}; returns the old value. */
    boolean trapExit(boolean on) {
        lock.lock();
        try {
            boolean old = trapExit;
            trapExit = on;
            return old;
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ links

    /**
     * This process sends LINK to {@code other}: the link becomes active (an outstanding
     * unlink is forgotten).
     *
     * @return true when LINK must be sent (there was no active link), false when already
     *         linked or when this process has ended
     */
    boolean sendLink(Pid other) {
        lock.lock();
        try {
            if (exitReason != null) {
                return false;
            }
            LinkState s = get(links, other);
            if (s != null && s.active) {
                return false;
            }
            if (s == null) {
                s = new LinkState();
                linkMap().put(other, s);
            }
            s.active = true;
            s.unlinkId = 0;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * LINK received from {@code other}: creates an active link unless an entry exists (an
     * outstanding unlink stays outstanding, as the protocol says).
     *
     * @return false when this process has ended (the sender gets {@code noproc})
     */
    boolean receiveLink(Pid other) {
        lock.lock();
        try {
            if (exitReason != null) {
                return false;
            }
            linkMap().putIfAbsent(other, new LinkState());
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * This process unlinks {@code other}: an active link becomes inactive with a new unlink
     * id.
     *
     * @return the id to send in UNLINK_ID, or 0 when there is no active link
     */
    long sendUnlink(Pid other) {
        lock.lock();
        try {
            LinkState s = get(links, other);
            if (s == null || !s.active || exitReason != null) {
                return 0;
            }
            long id = ++unlinkIds;
            s.active = false;
            s.unlinkId = id;
            return id;
        } finally {
            lock.unlock();
        }
    }

    /**
     * An unlink received. UNLINK_ID ({@code id} not 0): an active link is removed; an
     * inactive one stays (our own unlink is outstanding). The old UNLINK ({@code id} 0, a peer
     * without UNLINK_ID): the entry goes, whatever its state.
     */
    void receiveUnlink(Pid other, long id) {
        lock.lock();
        try {
            LinkState s = get(links, other);
            if (s != null && (s.active || id == 0)) {
                remove(links, other);
            }
        } finally {
            lock.unlock();
        }
    }

    /** UNLINK_ID_ACK received: removes the entry if it is inactive with that id. */
    void receiveUnlinkAck(Pid other, long id) {
        lock.lock();
        try {
            LinkState s = get(links, other);
            if (s != null && !s.active && s.unlinkId == id) {
                remove(links, other);
            }
        } finally {
            lock.unlock();
        }
    }

    /** True when this process has an active link to {@code other}. */
    boolean linkedTo(Pid other) {
        lock.lock();
        try {
            LinkState s = get(links, other);
            return s != null && s.active;
        } finally {
            lock.unlock();
        }
    }

    /** The pids this process is linked to now (active links). */
    Set<Pid> links() {
        lock.lock();
        try {
            Set<Pid> out = new HashSet<>();
            orEmpty(links).forEach((p, s) -> {
                if (s.active) {
                    out.add(p);
                }
            });
            return out;
        } finally {
            lock.unlock();
        }
    }

    /**
     * An exit signal from {@code from} with {@code reason}: {@code linked} for one due to a
     * link (EXIT), false for {@code exit/2} (EXIT2). As Erlang: a link exit counts only over
     * an active link (and removes it); {@code exit(P, kill)} is untrappable and kills with
     * {@code killed}; {@code normal} is ignored unless trapping, except from the process
     * itself; a trapping process gets {@code {'EXIT', From, Reason}}; otherwise it dies.
     */
    Effect receiveExit(Pid from, Term reason, boolean linked) {
        lock.lock();
        try {
            if (exitReason != null) {
                return NONE;
            }
            if (linked) {
                LinkState s = remove(links, from);
                if (s == null || !s.active) {
                    return NONE;
                }
            }
            if (!linked && KILL.equals(reason)) {
                return new Effect.Die(KILLED);
            }
            if (trapExit) {
                queue.put(Tuple.of(Atom.EXIT, from, reason));
                return NONE;
            }
            if (Atom.NORMAL.equals(reason)) {
                return from.equals(pid) ? new Effect.Die(reason) : NONE;
            }
            return new Effect.Die(reason);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ monitors

    /** This process starts watching (its side of a monitor). */
    boolean addMonitor(Monitor m) {
        lock.lock();
        try {
            if (exitReason != null) {
                return false;
            }
            monitorMap().put(m.ref(), m);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Removes this process's monitor {@code ref}; null when there is none (fired or removed). */
    Monitor removeMonitor(Ref ref) {
        lock.lock();
        try {
            return remove(monitors, ref);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The monitor {@code ref} fired: removes it and queues the DOWN message. Exactly once:
     * a second call, or one after demonitor, does nothing.
     */
    void down(Ref ref, Term reason) {
        lock.lock();
        try {
            Monitor m = remove(monitors, ref);
            if (m != null && exitReason == null) {
                queue.put(Tuple.of(Atom.of("DOWN"), ref, Atom.of("process"), m.item(), reason));
            }
        } finally {
            lock.unlock();
        }
    }

    /** A watcher starts monitoring this process; false when it has ended. */
    boolean addWatcher(Monitor m) {
        lock.lock();
        try {
            if (exitReason != null) {
                return false;
            }
            watcherMap().put(m.ref(), m);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** A watcher stops monitoring this process. */
    void removeWatcher(Ref ref) {
        lock.lock();
        try {
            remove(watchers, ref);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ node monitors and aliases

    /** {@code monitor_node(Node, true)}: one more node monitor; false when ended. */
    boolean addNodeMonitor(NodeName n) {
        lock.lock();
        try {
            if (exitReason != null) {
                return false;
            }
            nodeMonitorMap().merge(n, 1, Integer::sum);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** True while the process holds a node monitor of {@code n} that has not fired. */
    boolean hasNodeMonitor(NodeName n) {
        lock.lock();
        try {
            return get(nodeMonitors, n) != null;
        } finally {
            lock.unlock();
        }
    }

    /** {@code monitor_node(Node, false)}: removes every node monitor of {@code n}. */
    void removeNodeMonitors(NodeName n) {
        lock.lock();
        try {
            remove(nodeMonitors, n);
        } finally {
            lock.unlock();
        }
    }

    boolean addAlias(Ref alias) {
        lock.lock();
        try {
            if (exitReason != null) {
                return false;
            }
            aliasSet().add(alias);
            return true;
        } finally {
            lock.unlock();
        }
    }

    boolean removeAlias(Ref alias) {
        lock.lock();
        try {
            return aliases != null && aliases.remove(alias);
        } finally {
            lock.unlock();
        }
    }

    /** Processes monitoring this one now (for tests). */
    int watcherCount() {
        lock.lock();
        try {
            return watchers == null ? 0 : watchers.size();
        } finally {
            lock.unlock();
        }
    }

    /** Monitors this process holds and aliases it has active now (for tests: what a call leaves behind). */
    int[] monitorsAndAliases() {
        lock.lock();
        try {
            return new int[] {monitors == null ? 0 : monitors.size(), aliases == null ? 0 : aliases.size()};
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ ending

    /**
     * The connection to {@code lost} went down (or could not be made): every link, monitor,
     * watcher and node monitor across it goes, and each is told once, as the BEAM tells it:
     * an active link is an exit signal {@code noconnection} (an {@code 'EXIT'} message when
     * trapping), a monitor a DOWN {@code noconnection}, a node monitor {@code {nodedown, Node}}.
     *
     * @return the reason to die with (a link killed the process), or null
     */
    Term connectionLost(NodeName lost, Atom lostAtom) {
        lock.lock();
        try {
            if (exitReason != null) {
                return null;
            }
            Term die = null;
            for (Iterator<Map.Entry<Pid, LinkState>> it = orEmpty(links).entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Pid, LinkState> e = it.next();
                if (e.getKey().node().equals(lostAtom)) {
                    it.remove();
                    if (e.getValue().active) {
                        if (trapExit) {
                            queue.put(Tuple.of(Atom.EXIT, e.getKey(), Atom.NOCONNECTION));
                        } else {
                            die = Atom.NOCONNECTION;
                        }
                    }
                }
            }
            for (Iterator<Monitor> it = orEmpty(monitors).values().iterator(); it.hasNext(); ) {
                Monitor m = it.next();
                if (lost.equals(m.node())) {
                    it.remove();
                    queue.put(Tuple.of(Atom.of("DOWN"), m.ref(), Atom.of("process"), m.item(), Atom.NOCONNECTION));
                }
            }
            if (watchers != null) {
                watchers.values().removeIf(m -> m.watcher().node().equals(lostAtom));
            }
            Integer n = remove(nodeMonitors, lost);
            for (int i = 0; n != null && i < n; i++) {
                queue.put(Tuple.of(NODEDOWN, lostAtom));
            }
            return die;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The process ends with {@code reason}: the queue closes (receivers get an
     * {@link ExitException}) and everything others must hear of is returned: active links,
     * its own monitors (to remove at their targets), its watchers (to get DOWN), its
     * aliases. Null when it had already ended.
     */
    Remains exit(Term reason) {
        lock.lock();
        try {
            if (exitReason != null) {
                return null;
            }
            exitReason = reason;
            exited = true;
            queue.close(reason);
            List<Pid> linked = new ArrayList<>();
            orEmpty(links).forEach((p, s) -> {
                if (s.active) {
                    linked.add(p);
                }
            });
            Remains r = new Remains(reason, linked, List.copyOf(orEmpty(monitors).values()),
                    List.copyOf(orEmpty(watchers).values()), aliases == null ? List.of() : List.copyOf(aliases), thread);
            links = null;
            monitors = null;
            watchers = null;
            nodeMonitors = null;
            aliases = null;
            return r;
        } finally {
            lock.unlock();
        }
    }

    // ---- the lazily created collections (callers hold the lock)

    private static <K, V> Map<K, V> orEmpty(Map<K, V> m) {
        return m == null ? Map.of() : m;
    }

    private static <K, V> V get(Map<K, V> m, K key) {
        return m == null ? null : m.get(key);
    }

    private static <K, V> V remove(Map<K, V> m, K key) {
        return m == null ? null : m.remove(key);
    }

    private Map<Ref, Monitor> monitorMap() {
        if (monitors == null) {
            monitors = new HashMap<>(4);
        }
        return monitors;
    }

    private Map<Ref, Monitor> watcherMap() {
        if (watchers == null) {
            watchers = new HashMap<>(4);
        }
        return watchers;
    }

    private Map<Pid, LinkState> linkMap() {
        if (links == null) {
            links = new HashMap<>(4);
        }
        return links;
    }

    private Map<NodeName, Integer> nodeMonitorMap() {
        if (nodeMonitors == null) {
            nodeMonitors = new HashMap<>(4);
        }
        return nodeMonitors;
    }

    private Set<Ref> aliasSet() {
        if (aliases == null) {
            aliases = new HashSet<>(4);
        }
        return aliases;
    }
}
