/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.TermMap;
import dev.jarl.term.Tuple;

/**
 * One {@code pg} scope on a Jarl node: a process registered under the scope's name that
 * takes part in OTP's process groups as {@code lib/kernel/src/pg.erl} does, so
 * {@code pg:get_members(Scope, Group)} on every Erlang node of the scope sees the Java members
 * and {@link #members(Term)} here sees theirs. Get one from {@link ProcessGroups}
 * ({@code node.pg().scope()} for the default scope {@code pg}).
 *
 * <pre>{@code
 * Scope pg = node.pg().scope();                       // the default scope, started on demand
 * Mailbox worker = node.createMailbox();
 * pg.join(Atom.of("workers"), worker.self());        // erl> pg:get_members(workers) includes it
 * List<Pid> all = pg.members(Atom.of("workers"));    // Java and Erlang members
 * }</pre>
 *
 * <p><b>The protocol</b> is the one every OTP release from 23 on accepts (pg's version 0):
 * {@code {discover, Self}} to {@code {Scope, Node}} when a node comes up, answered by the
 * cast {@code {sync, Self, [{Group, Pids}]}} (the local members) and a {@code discover} back;
 * {@code {join, Self, Group, Pids}} and {@code {leave, Self, Pids, Groups}} to every known
 * peer scope; each side monitors the other's scope process and forgets its members when it
 * goes down. A Jarl scope sends an OTP scope nothing else: an OTP scope process crashes on a
 * message it does not know. It accepts OTP 26+'s {@code {discover, Peer, Version}} and, from
 * OTP 29 on (pg on {@code data_publisher}, version 1), the {@code local_data} cast and the
 * {@code update} message, though a peer only uses those with a scope that announced version
 * 1, which this one never does; an OTP 29 scope then speaks version 0 to it.
 *
 * <p><b>Which nodes.</b> A visible Jarl node discovers every visible node that comes up, as
 * an Erlang scope does. A hidden node is not in an Erlang node's {@code nodes()}, so nobody
 * discovers it: {@link #discover(NodeName)} names the nodes it joins (and
 * {@link ProcessGroups#start(String, Collection)} at start); it then discovers them again
 * each time a connection to them comes up. Erlang nodes run the default scope only with
 * {@code -kernel start_pg true} or after {@code pg:start_link()}.
 *
 * <p><b>Differences from pg.erl</b>, none visible on the wire: a leave names only the
 * processes that were members (OTP sends the pids it was given), and a peer's {@code sync}
 * that changes a group it already knew notifies subscribers of the difference.
 *
 * <p>Thread-safe. Changes (Java calls and the scope process's messages) are serialised by
 * one lock and sent to peers under it, in order; the membership view is read without a lock
 * (as {@code pg:get_members} reads ETS) and reflects every change that completed.
 */
public final class Scope implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Scope.class.getName());
    static final Atom DISCOVER = Atom.of("discover");
    static final Atom SYNC = Atom.of("sync");
    static final Atom JOIN = Atom.of("join");
    static final Atom LEAVE = Atom.of("leave");
    static final Atom LOCAL_DATA = Atom.of("local_data");
    static final Atom UPDATE = Atom.of("update");
    private static final Atom DOWN = Atom.of("DOWN");
    private static final Atom NODEUP = Atom.of("nodeup");
    private static final Atom NODEDOWN = Atom.of("nodedown");
    private static final Atom NODE_TYPE = Atom.of("node_type");
    private static final Atom VISIBLE = Atom.of("visible");
    private static final Atom NOLOCAL = Atom.of("nolocal");

    /** What {@code pg:get_members} and {@code pg:get_local_members} read, per group. */
    private record Members(List<Pid> all, List<Pid> local) {
    }

    /** A local member: the scope's monitor of it and the groups it joined (once per join). */
    private record LocalMember(Ref monitor, List<Term> groups) {
    }

    /** A peer scope process: the monitor of it, its node, and its members by group. */
    private static final class Peer {
        final Ref monitor;
        final NodeName node;
        Map<Term, List<Pid>> groups = new HashMap<>();

        Peer(Ref monitor, NodeName node) {
            this.monitor = monitor;
            this.node = node;
        }
    }

    private final ProcessGroups owner;
    private final Node node;
    private final Atom name;
    private final Mailbox box;
    private final ReentrantLock lock = new ReentrantLock();
    private final ConcurrentHashMap<Term, Members> view = new ConcurrentHashMap<>();
    private final Map<Pid, LocalMember> local = new HashMap<>();
    private final Map<Pid, Peer> peers = new LinkedHashMap<>();
    /** Scope subscriptions: monitor reference to subscriber. */
    private final Map<Ref, Pid> scopeMonitors = new LinkedHashMap<>();
    /** Group subscriptions: group to (monitor reference to subscriber), and the reverse. */
    private final Map<Term, Map<Ref, Pid>> groupMonitors = new HashMap<>();
    private final Map<Ref, Term> monitoredGroups = new HashMap<>();
    private final Set<NodeName> joinNodes = ConcurrentHashMap.newKeySet();
    private volatile boolean discoverAll;
    private final Set<String> loggedOnce = ConcurrentHashMap.newKeySet();

    Scope(ProcessGroups owner, Node node, Atom name, Collection<NodeName> join) {
        this.owner = owner;
        this.node = node;
        this.name = name;
        this.box = node.createMailbox(name.name());
        joinNodes.addAll(join);
        // as pg's init: watch nodes, then discover the peers already connected
        box.monitorNodes(true, true);
        Thread.ofVirtual().name("jarl-pg-" + name.name() + "-" + node.name()).start(this::serve);
        lock.lock();
        try {
            for (NodeName n : node.nodes()) {
                boolean visible = node.connectionStats(n).map(s -> !s.hidden()).orElse(false);
                if (visible || joinNodes.contains(n)) {
                    box.send(name.name(), n, Tuple.of(DISCOVER, box.self()));
                }
            }
            for (NodeName n : joinNodes) {
                if (!node.nodes().contains(n)) {
                    box.send(name.name(), n, Tuple.of(DISCOVER, box.self())); // connects
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The scope's name, e.g. {@code pg}. */
    public Atom name() {
        return name;
    }

    /** The scope process (registered under {@link #name()} on this node). */
    public Pid pid() {
        return box.self();
    }

    /** True until {@link #close()}, or until the node closed. */
    public boolean isRunning() {
        return !box.isExited();
    }

    // ------------------------------------------------------------------ join and leave

    /** {@link #join(Term, List)} of one or more processes. */
    public void join(Term group, Pid... pids) {
        join(group, List.of(pids));
    }

    /** {@link #join(Term, List)} of the process of {@code member}. */
    public void join(Term group, Mailbox member) {
        join(group, List.of(member.self()));
    }

    /**
     * Joins each of {@code pids} to {@code group} ({@code pg:join(Scope, Group, Pids)}): the
     * group exists while it has a member; a process may join a group many times and then
     * leaves it as many times. Members are monitored: one that ends leaves all its groups.
     * Every peer scope hears of the join before this returns (queued for sending, in order).
     *
     * @throws IllegalArgumentException for a process of another node (Erlang's
     *                                  {@code {nolocal, Pid}}) or an empty list
     * @throws IllegalStateException    when the scope is closed
     */
    public void join(Term group, List<Pid> pids) {
        Objects.requireNonNull(group, "group");
        List<Pid> list = checkLocal(pids);
        lock.lock();
        try {
            checkRunning();
            for (Pid p : list) {
                LocalMember m = local.get(p);
                if (m == null) {
                    m = new LocalMember(box.monitor(p), new ArrayList<>());
                    local.put(p, m);
                }
                m.groups().add(group);
            }
            add(group, list, true);
            broadcast(Tuple.of(JOIN, box.self(), group, TermList.of(list)));
        } finally {
            lock.unlock();
        }
    }

    /** {@link #leave(Term, List)} of one or more processes. */
    public boolean leave(Term group, Pid... pids) {
        return leave(group, List.of(pids));
    }

    /** {@link #leave(Term, List)} of the process of {@code member}. */
    public boolean leave(Term group, Mailbox member) {
        return leave(group, List.of(member.self()));
    }

    /**
     * Makes each of {@code pids} leave {@code group} once ({@code pg:leave/3}).
     *
     * @return false when none of them was a member ({@code not_joined})
     * @throws IllegalArgumentException for a process of another node
     * @throws IllegalStateException    when the scope is closed
     */
    public boolean leave(Term group, List<Pid> pids) {
        Objects.requireNonNull(group, "group");
        List<Pid> list = checkLocal(pids);
        lock.lock();
        try {
            checkRunning();
            List<Pid> left = new ArrayList<>();
            for (Pid p : list) {
                LocalMember m = local.get(p);
                if (m != null && m.groups().remove(group)) {
                    left.add(p);
                    if (m.groups().isEmpty()) {
                        local.remove(p);
                        box.demonitor(m.monitor(), true);
                    }
                }
            }
            if (left.isEmpty()) {
                return false;
            }
            remove(group, left, true);
            broadcast(Tuple.of(LEAVE, box.self(), TermList.of(left), TermList.of(group)));
            return true;
        } finally {
            lock.unlock();
        }
    }

    private List<Pid> checkLocal(List<Pid> pids) {
        if (pids.isEmpty()) {
            throw new IllegalArgumentException("pids: empty (expected: at least one local process)");
        }
        for (Pid p : pids) {
            if (!Objects.requireNonNull(p, "pid").node().equals(node.nameAtom())) {
                throw new IllegalArgumentException(Tuple.of(NOLOCAL, p) + ": " + p + " is not a process of " + node.name());
            }
        }
        return List.copyOf(pids);
    }

    private void checkRunning() {
        if (box.isExited()) {
            throw new IllegalStateException("pg scope " + name + " of " + node.name() + " is closed");
        }
    }

    // ------------------------------------------------------------------ reading

    /** Every member of {@code group} on every node of the scope ({@code pg:get_members/2}); empty for no group. */
    public List<Pid> members(Term group) {
        Members m = view.get(group);
        return m == null ? List.of() : m.all();
    }

    /** The members of {@code group} on this node ({@code pg:get_local_members/2}). */
    public List<Pid> localMembers(Term group) {
        Members m = view.get(group);
        return m == null ? List.of() : m.local();
    }

    /** Every group with a member anywhere ({@code pg:which_groups/1}). */
    public Set<Term> groups() {
        return Set.copyOf(view.keySet());
    }

    /** The groups with a member on this node ({@code pg:which_local_groups/1}). */
    public Set<Term> localGroups() {
        Set<Term> out = new LinkedHashSet<>();
        view.forEach((g, m) -> {
            if (!m.local().isEmpty()) {
                out.add(g);
            }
        });
        return Set.copyOf(out);
    }

    /** The peer scope processes this scope exchanges membership with now. */
    public List<Pid> peers() {
        lock.lock();
        try {
            return List.copyOf(peers.keySet());
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ subscriptions

    /**
     * Subscribes {@code subscriber} to every membership change of the scope, as
     * {@code pg:monitor_scope/1} (OTP 25.1): it receives {@code {Ref, join, Group, Pids}} and
     * {@code {Ref, leave, Group, Pids}} ({@link MembershipChange#parse} reads them). The
     * subscription ends with {@link #demonitor} or when the subscriber ends.
     *
     * @return the reference and every group with its members now
     */
    public ScopeSnapshot monitorScope(Mailbox subscriber) {
        Pid p = checkLocal(List.of(subscriber.self())).get(0);
        lock.lock();
        try {
            checkRunning();
            Ref ref = box.monitor(p);
            scopeMonitors.put(ref, p);
            Map<Term, List<Pid>> groups = new HashMap<>();
            view.forEach((g, m) -> groups.put(g, m.all()));
            return new ScopeSnapshot(ref, Map.copyOf(groups));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Subscribes {@code subscriber} to the membership changes of {@code group}, as
     * {@code pg:monitor/2} (OTP 25.1); messages as for {@link #monitorScope}.
     *
     * @return the reference and the group's members now
     */
    public GroupSnapshot monitor(Mailbox subscriber, Term group) {
        Objects.requireNonNull(group, "group");
        Pid p = checkLocal(List.of(subscriber.self())).get(0);
        lock.lock();
        try {
            checkRunning();
            Ref ref = box.monitor(p);
            groupMonitors.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(ref, p);
            monitoredGroups.put(ref, group);
            return new GroupSnapshot(ref, members(group));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends the subscription {@code ref} of {@code subscriber} and removes its change messages
     * already queued in that mailbox ({@code pg:demonitor/2}).
     *
     * @return false when {@code ref} was no subscription of this scope
     */
    public boolean demonitor(Mailbox subscriber, Ref ref) throws InterruptedException {
        boolean was;
        lock.lock();
        try {
            was = dropSubscription(ref);
            if (was) {
                box.demonitor(ref, true);
            }
        } finally {
            lock.unlock();
        }
        if (was) {
            while (subscriber.receive(m -> MembershipChange.parse(m).filter(c -> c.ref().equals(ref)).isPresent(),
                    Duration.ZERO).isPresent()) {
                // flushed one
            }
        }
        return was;
    }

    private boolean dropSubscription(Ref ref) {
        if (scopeMonitors.remove(ref) != null) {
            return true;
        }
        Term group = monitoredGroups.remove(ref);
        if (group == null) {
            return false;
        }
        Map<Ref, Pid> subs = groupMonitors.get(group);
        if (subs != null) {
            subs.remove(ref);
            if (subs.isEmpty()) {
                groupMonitors.remove(group);
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ peers

    /**
     * Joins the scope of {@code peer}: sends it {@code {discover, Self}} now (connecting if
     * need be), and again whenever a connection to it comes up. What a hidden node needs to
     * take part at all; a visible node discovers visible nodes by itself.
     */
    public void discover(NodeName peer) {
        Objects.requireNonNull(peer, "peer");
        if (peer.equals(node.name())) {
            return;
        }
        joinNodes.add(peer);
        lock.lock();
        try {
            checkRunning();
            box.send(name.name(), peer, Tuple.of(DISCOVER, box.self()));
        } finally {
            lock.unlock();
        }
    }

    /**
     * With true, the scope also discovers every node that comes up over a hidden connection,
     * and the nodes connected now: a hidden node then takes part with every node it meets, as
     * {@code jarl serve} does so that an Erlang node that connects to it finds its
     * {@code echo} in the group {@code jarl_echo}. Off by default, as in OTP.
     */
    public void discoverAll(boolean on) {
        discoverAll = on;
        if (on) {
            lock.lock();
            try {
                checkRunning();
                for (NodeName n : node.nodes()) {
                    box.send(name.name(), n, Tuple.of(DISCOVER, box.self()));
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** The nodes named with {@link #discover(NodeName)} (or at start). */
    public Set<NodeName> joinNodes() {
        return Set.copyOf(joinNodes);
    }

    /**
     * Stops the scope: the scope process ends (reason {@code normal}), so every peer scope
     * forgets this node's members, as when an Erlang scope stops. Idempotent.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            box.close();
        } finally {
            lock.unlock();
        }
        owner.closed(this);
    }

    // ------------------------------------------------------------------ the scope process

    private void serve() {
        while (true) {
            Term message;
            try {
                message = box.receive();
            } catch (InterruptedException | IllegalStateException stopped) {
                owner.closed(this);
                return; // closed, or the node is closing
            }
            lock.lock();
            try {
                if (!box.isExited()) {
                    handle(message);
                }
            } catch (RuntimeException e) { // one message must not end the scope
                if (loggedOnce.add("failed " + e.getClass().getName())) {
                    LOG.log(Level.WARNING, "pg scope " + name + " of " + node.name()
                            + ": dropped a message it failed on (logged once per kind)", e);
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void handle(Term message) {
        if (!(message instanceof Tuple t) || t.arity() == 0) {
            ignore(message);
            return;
        }
        Term tag = t.get(0);
        if (tag.equals(DISCOVER) && (t.arity() == 2 || t.arity() == 3) && t.get(1) instanceof Pid peer) {
            discovered(peer);
        } else if (t.isTagged(Atom.GEN_CAST, 2) && t.get(1) instanceof Tuple cast) {
            if (cast.isTagged(SYNC, 3) && cast.get(1) instanceof Pid peer && groupList(cast.get(2)) instanceof Map<Term, List<Pid>> g) {
                sync(peer, g);
            } else if (cast.isTagged(LOCAL_DATA, 4) && cast.get(1) instanceof Pid peer
                    && groupMap(cast.get(3)) instanceof Map<Term, List<Pid>> g) {
                sync(peer, g);
            } else {
                ignore(message);
            }
        } else if (t.isTagged(JOIN, 4) && t.get(1) instanceof Pid peer && pids(t.get(3)) instanceof List<Pid> added) {
            remoteChange(peer, t.get(2), added, List.of());
        } else if (t.isTagged(LEAVE, 4) && t.get(1) instanceof Pid peer && pids(t.get(2)) instanceof List<Pid> removed
                && t.get(3) instanceof TermList groups && groups.isProper()) {
            for (Term g : groups.elements()) {
                remoteChange(peer, g, List.of(), removed);
            }
        } else if (t.isTagged(UPDATE, 3) && t.get(1) instanceof Pid peer && t.get(2) instanceof TermList updates
                && updates.isProper()) {
            for (Term u : updates.elements()) {
                if (u instanceof Tuple ut && ut.arity() == 3 && pids(ut.get(1)) instanceof List<Pid> add
                        && pids(ut.get(2)) instanceof List<Pid> rem) {
                    remoteChange(peer, ut.get(0), add, rem);
                } else {
                    ignore(message);
                }
            }
        } else if (t.isTagged(DOWN, 5) && t.get(1) instanceof Ref ref && t.get(3) instanceof Pid pid) {
            down(ref, pid);
        } else if (tag.equals(NODEUP) && (t.arity() == 2 || t.arity() == 3) && t.get(1) instanceof Atom n) {
            nodeUp(n, t.arity() == 3 ? t.get(2) : TermList.NIL);
        } else if (!tag.equals(NODEDOWN)) {
            ignore(message);
        }
    }

    private void ignore(Term message) {
        String kind = message instanceof Tuple t && t.arity() > 0 ? t.get(0).toString() : message.getClass().getSimpleName();
        if (loggedOnce.add("ignored " + kind)) {
            LOG.log(Level.WARNING, "pg scope {0} of {1}: ignoring {2} (logged once per kind)", name, node.name(), message);
        }
    }

    /** A peer scope discovered this one: send it our members; discover it back if new. */
    private void discovered(Pid peer) {
        box.send(peer, Tuple.of(Atom.GEN_CAST, Tuple.of(SYNC, box.self(), localSync())));
        if (!peers.containsKey(peer)) {
            peers.put(peer, new Peer(box.monitor(peer), NodeName.parse(peer.node().name())));
            box.send(peer, Tuple.of(DISCOVER, box.self()));
        }
    }

    /** This node's members as the list a {@code sync} carries: {@code [{Group, [Pid]}]}. */
    private TermList localSync() {
        Map<Term, List<Term>> byGroup = new LinkedHashMap<>();
        local.forEach((pid, m) -> {
            for (Term g : m.groups()) {
                byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(pid);
            }
        });
        List<Term> out = new ArrayList<>(byGroup.size());
        byGroup.forEach((g, pids) -> out.add(Tuple.of(g, TermList.of(pids))));
        return TermList.of(out);
    }

    /** A peer's full membership: what it said replaces what we knew of it. */
    private void sync(Pid peerPid, Map<Term, List<Pid>> groups) {
        Peer peer = peers.get(peerPid);
        if (peer == null) {
            peer = new Peer(box.monitor(peerPid), NodeName.parse(peerPid.node().name()));
            peers.put(peerPid, peer);
        }
        Map<Term, List<Pid>> old = peer.groups;
        Set<Term> all = new LinkedHashSet<>(old.keySet());
        all.addAll(groups.keySet());
        for (Term g : all) {
            List<Pid> before = old.getOrDefault(g, List.of());
            List<Pid> after = groups.getOrDefault(g, List.of());
            List<Pid> added = minus(after, before);
            List<Pid> removed = minus(before, after);
            if (!removed.isEmpty()) {
                remove(g, removed, false);
            }
            if (!added.isEmpty()) {
                add(g, added, false);
            }
        }
        Map<Term, List<Pid>> copy = new HashMap<>();
        groups.forEach((g, p) -> {
            if (!p.isEmpty()) {
                copy.put(g, new ArrayList<>(p));
            }
        });
        peer.groups = copy;
    }

    /** A peer's join or leave (or both, from an {@code update}); ignored from an unknown peer, as pg does. */
    private void remoteChange(Pid peerPid, Term group, List<Pid> added, List<Pid> removed) {
        Peer peer = peers.get(peerPid);
        if (peer == null) {
            return;
        }
        List<Pid> current = peer.groups.computeIfAbsent(group, g -> new ArrayList<>());
        List<Pid> gone = new ArrayList<>();
        for (Pid p : removed) {
            if (current.remove(p)) {
                gone.add(p);
            }
        }
        current.addAll(added);
        if (current.isEmpty()) {
            peer.groups.remove(group);
        }
        if (!gone.isEmpty()) {
            remove(group, gone, false);
        }
        if (!added.isEmpty()) {
            add(group, added, false);
        }
    }

    private void down(Ref ref, Pid pid) {
        LocalMember m = local.get(pid);
        if (m != null && m.monitor().equals(ref)) {
            local.remove(pid);
            for (Term g : m.groups()) {
                remove(g, List.of(pid), true);
            }
            broadcast(Tuple.of(LEAVE, box.self(), pid, TermList.of(m.groups())));
            return;
        }
        Peer peer = peers.get(pid);
        if (peer != null && peer.monitor.equals(ref)) {
            peers.remove(pid);
            peer.groups.forEach((g, pids) -> remove(g, pids, false));
            return;
        }
        dropSubscription(ref);
    }

    private void nodeUp(Atom nodeAtom, Term info) {
        NodeName n;
        try {
            n = NodeName.parse(nodeAtom.name());
        } catch (IllegalArgumentException e) {
            return;
        }
        if (n.equals(node.name())) {
            return;
        }
        boolean visible = info instanceof TermList l && l.isProper()
                && l.elements().contains(Tuple.of(NODE_TYPE, VISIBLE));
        if (discoverAll || (visible && !node.config().hidden()) || joinNodes.contains(n)) {
            box.send(name.name(), n, Tuple.of(DISCOVER, box.self()));
        }
    }

    // ------------------------------------------------------------------ the view

    private void add(Term group, List<Pid> pids, boolean isLocal) {
        Members m = view.get(group);
        List<Pid> all = new ArrayList<>(pids);
        List<Pid> loc = new ArrayList<>(isLocal ? pids : List.of());
        if (m != null) {
            all.addAll(m.all());
            loc.addAll(m.local());
        }
        view.put(group, new Members(List.copyOf(all), List.copyOf(loc)));
        tell(JOIN, group, pids);
    }

    private void remove(Term group, List<Pid> pids, boolean isLocal) {
        Members m = view.get(group);
        if (m == null) {
            return;
        }
        List<Pid> all = minus(m.all(), pids);
        if (all.isEmpty()) {
            view.remove(group);
        } else {
            view.put(group, new Members(List.copyOf(all), isLocal ? List.copyOf(minus(m.local(), pids)) : m.local()));
        }
        tell(LEAVE, group, pids);
    }

    /** {@code a -- b}: each element of {@code b} removes one equal element of {@code a}. */
    private static List<Pid> minus(List<Pid> a, List<Pid> b) {
        List<Pid> out = new ArrayList<>(a);
        for (Pid p : b) {
            out.remove(p);
        }
        return out;
    }

    private void tell(Atom action, Term group, List<Pid> pids) {
        if (scopeMonitors.isEmpty() && groupMonitors.isEmpty()) {
            return;
        }
        TermList list = TermList.of(pids);
        scopeMonitors.forEach((ref, p) -> box.send(p, Tuple.of(ref, action, group, list)));
        Map<Ref, Pid> subs = groupMonitors.get(group);
        if (subs != null) {
            subs.forEach((ref, p) -> box.send(p, Tuple.of(ref, action, group, list)));
        }
    }

    /** Sends {@code message} to every peer scope whose node is connected (pg's {@code [noconnect]}). */
    private void broadcast(Term message) {
        for (Map.Entry<Pid, Peer> e : peers.entrySet()) {
            if (node.agreedFlags(e.getValue().node).isPresent()) {
                box.send(e.getKey(), message);
            }
        }
    }

    // ------------------------------------------------------------------ wire values

    /** The pids of a join or leave: one pid or a proper list of pids; null otherwise. */
    private static List<Pid> pids(Term t) {
        if (t instanceof Pid p) {
            return List.of(p);
        }
        if (!(t instanceof TermList l) || !l.isProper()) {
            return null;
        }
        List<Pid> out = new ArrayList<>(l.size());
        for (Term e : l.elements()) {
            if (!(e instanceof Pid p)) {
                return null;
            }
            out.add(p);
        }
        return out;
    }

    /** A sync's {@code [{Group, [Pid]}]}; null when malformed. */
    private static Map<Term, List<Pid>> groupList(Term t) {
        if (!(t instanceof TermList l) || !l.isProper()) {
            return null;
        }
        Map<Term, List<Pid>> out = new LinkedHashMap<>();
        for (Term e : l.elements()) {
            if (!(e instanceof Tuple g && g.arity() == 2 && pids(g.get(1)) instanceof List<Pid> p)) {
                return null;
            }
            out.computeIfAbsent(g.get(0), k -> new ArrayList<>()).addAll(p);
        }
        return out;
    }

    /** OTP 29's local data, {@code #{Group => [Pid]}}; null when malformed. */
    private static Map<Term, List<Pid>> groupMap(Term t) {
        if (!(t instanceof TermMap m)) {
            return null;
        }
        Map<Term, List<Pid>> out = new LinkedHashMap<>();
        List<Term> keys = m.keys();
        List<Term> values = m.values();
        for (int i = 0; i < keys.size(); i++) {
            if (!(pids(values.get(i)) instanceof List<Pid> p)) {
                return null;
            }
            out.put(keys.get(i), p);
        }
        return out;
    }

    @Override
    public String toString() {
        return "Scope[" + name + " on " + node.name() + "]";
    }
}
