/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.term.Atom;
import dev.jarl.term.ExportFun;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * Cluster-wide names, as Erlang's {@code global} module: a name registered here or on any
 * Erlang node of the cluster resolves on every node, and goes away everywhere when its
 * process ends or its node goes down. Get it with {@code node.global()}.
 *
 * <pre>{@code
 * Global global = node.global();
 * global.sync(Duration.ofSeconds(10));                      // global:sync()
 * global.register(Atom.of("billing"), box.self());          // global:register_name/2
 * Optional<Pid> p = global.whereis(Atom.of("billing"));     // global:whereis_name/1
 * global.send(Atom.of("billing"), Term.tuple("charge", 5));  // global:send/2
 * global.unregister(Atom.of("billing"));                    // global:unregister_name/1
 * }</pre>
 *
 * <p>A visible node takes part in {@code global} with every visible peer: its
 * {@code global_name_server} speaks protocol version 8 (OTP 25 to 29), so
 * {@code global:sync()} on the Erlang side completes with the Jarl node connected, a
 * registration takes {@code global}'s lock on every node the cluster knows, and the node
 * helps prevent overlapping partitions ({@code prevent_overlapping_partitions}, OTP's
 * default): when it loses a peer it tells the others, and it drops a connection when told
 * to. A hidden node takes part in nothing, as a hidden BEAM node: its names are its own.
 *
 * <p>Name clashes when partitions join are decided by a {@link GlobalResolver}, OTP's three or
 * one written in Java. What a Jarl node cannot do: run a resolve fun written in Erlang (a
 * clash whose decision falls to such a fun on this node is answered with
 * {@code {badrpc, ...}}, and the other partition's registration is kept, as OTP does for a
 * node that lacks the fun's code); global groups ({@code global_groups}) and
 * {@code connect_all false} are not supported; {@code global:set_lock/1,2,3} and
 * {@code trans} taken by Erlang code are honoured on this node, but Java has no lock API
 * of its own yet.
 *
 * <p>Thread-safe. {@link #register} and {@link #unregister} block while they take the lock
 * on every known node (normally milliseconds; longer while partitions are joining).
 */
public final class Global {

    private static final Logger LOG = System.getLogger(Global.class.getName());
    private static final Atom REGISTER = Atom.of("register");
    private static final Atom UNREGISTER = Atom.of("unregister");
    private static final Atom KILL = Atom.of("kill");
    private static final Atom NONE = Atom.of("none");
    private static final Atom CONFLICT = Atom.of("global_name_conflict");
    private static final Atom JARL_GLOBAL = Atom.of("jarl_global");

    private final Node node;
    private final Atom self;
    private final GlobalTables tables = new GlobalTables();
    private final GlobalLocking locking;
    private final Mailbox serverBox;
    private final Mailbox sender;
    private final GlobalLocker locker;
    private final Thread lockerThread;
    private final ReentrantLock registrar = new ReentrantLock();
    private final ReentrantLock views = new ReentrantLock();
    private final Condition changed = views.newCondition();
    private final Set<Atom> visible = new HashSet<>();
    private List<Atom> knownView = List.of();
    private Set<Atom> syncedView = Set.of();
    private final ConcurrentHashMap<GlobalResolver, ExportFun> methods = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ExportFun, GlobalResolver> resolvers = new ConcurrentHashMap<>();
    private final AtomicLong resolverIds = new AtomicLong();
    private final Set<String> loggedOnce = ConcurrentHashMap.newKeySet();

    private Global(Node node) {
        this.node = node;
        this.self = node.nameAtom();
        this.locking = new GlobalLocking(self, tables);
        this.serverBox = node.createMailbox(GlobalCalls.SERVER.name());
        this.sender = node.createMailbox();
        Mailbox lockerBox = node.createMailbox();
        this.locker = new GlobalLocker(lockerBox, self, serverBox.self(), tables);
        for (GlobalBuiltins b : GlobalBuiltins.values()) {
            methods.put(b, b.method);
        }
        GlobalServer server = new GlobalServer(node, this, serverBox, tables, locker);
        serverBox.monitorNodes(true, true);
        node.functions().register(GlobalBuiltins.GLOBAL.name(), "resolve_it", 4,
                args -> resolveIt(args.get(0), args.get(1), (Pid) args.get(2), (Pid) args.get(3)));
        Thread.ofVirtual().name("jarl-global_name_server-" + self.name()).start(server::run);
        this.lockerThread = Thread.ofVirtual().name("jarl-global-locker-" + self.name()).start(locker::run);
        node.addNodeListener(new NodeListener() {
            @Override
            public void stopped(String reason) {
                lockerThread.interrupt();
                views.lock();
                try {
                    changed.signalAll();
                } finally {
                    views.unlock();
                }
            }
        });
    }

    /**
     * Starts the {@code global_name_server} of {@code node}. {@link Node} calls this once as
     * it starts; use {@code node.global()}.
     *
     * @throws IllegalArgumentException when the node already runs one
     */
    static Global start(Node node) {
        Objects.requireNonNull(node, "node");
        if (node.whereis(GlobalCalls.SERVER.name()).isPresent()) {
            throw new IllegalArgumentException(node.name() + " already runs a global_name_server");
        }
        return new Global(node);
    }

    // ------------------------------------------------------------------ the API

    /**
     * Registers {@code name} for {@code pid} on every node of the cluster
     * ({@code global:register_name/2}); clashes are decided by {@link GlobalResolver#randomExit()}.
     *
     * @return true ({@code yes}), or false ({@code no}) when the name is taken or
     *         {@code pid} already has a global name
     * @throws InterruptedException when interrupted while taking the lock (nothing registered)
     */
    public boolean register(Term name, Pid pid) throws InterruptedException {
        return register(name, pid, GlobalResolver.randomExit());
    }

    /** {@code global:register_name/3}: as {@link #register(Term, Pid)} with {@code resolver} for clashes. */
    public boolean register(Term name, Pid pid, GlobalResolver resolver) throws InterruptedException {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pid, "pid");
        Term method = methodOf(Objects.requireNonNull(resolver, "resolver"));
        boolean[] done = {false};
        transAllKnown((box, nodes) -> {
            if (whereis(name).isEmpty() && !tables.hasName(pid)) {
                GlobalCalls.multiCall(box, nodes, Tuple.of(REGISTER, name, pid, method));
                done[0] = true;
            } else if (tables.hasName(pid)) {
                LOG.log(Level.ERROR, "global: {0} registered under several names: {1}", pid, name);
            }
        });
        return done[0];
    }

    /** Removes {@code name} on every node ({@code global:unregister_name/1}); nothing when not registered. */
    public void unregister(Term name) throws InterruptedException {
        Objects.requireNonNull(name, "name");
        if (whereis(name).isEmpty()) {
            return;
        }
        transAllKnown((box, nodes) -> GlobalCalls.multiCall(box, nodes, Tuple.of(UNREGISTER, name)));
    }

    /** The process registered as {@code name} ({@code global:whereis_name/1}), read from this node's table. */
    public Optional<Pid> whereis(Term name) {
        GlobalTables.Name n = tables.names.get(Objects.requireNonNull(name, "name"));
        return n == null ? Optional.empty() : Optional.of(n.pid());
    }

    /**
     * Sends {@code message} to the process registered as {@code name} ({@code global:send/2}).
     *
     * @return the pid it went to
     * @throws IllegalArgumentException when nothing is registered as {@code name} (Erlang's
     *                                  {@code {badarg, {Name, Msg}}} exit)
     */
    public Pid send(Term name, Term message) {
        Objects.requireNonNull(message, "message");
        Pid pid = whereis(name).orElseThrow(() -> new IllegalArgumentException("global name " + name + " is not registered"));
        sender.send(pid, message);
        return pid;
    }

    /** Every name registered now ({@code global:registered_names/0}), in no order. */
    public List<Term> registeredNames() {
        return new ArrayList<>(tables.names.keySet());
    }

    /**
     * Waits until this node has exchanged names with every visible node it is connected to
     * now, or that node went down ({@code global:sync/0}).
     *
     * @return true when done, false when {@code timeout} passed first
     */
    public boolean sync(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        views.lock();
        try {
            Set<Atom> target = new HashSet<>(visible);
            while (true) {
                target.retainAll(visible);
                target.removeAll(syncedView);
                if (target.isEmpty()) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || node.isClosed()) {
                    return false;
                }
                changed.await(left, TimeUnit.NANOSECONDS);
            }
        } finally {
            views.unlock();
        }
    }

    /** The nodes this node has exchanged names with and knows to be in sync ({@code global:info()}'s synced). */
    public List<NodeName> syncedNodes() {
        views.lock();
        try {
            return syncedView.stream().map(a -> NodeName.parse(a.name())).toList();
        } finally {
            views.unlock();
        }
    }

    // ------------------------------------------------------------------ internals

    private interface LockedWork {
        void run(Mailbox box, List<Atom> nodes) throws InterruptedException;
    }

    /** {@code trans_all_known/1}: the {@code global} lock on every known node, then the work, then unlock. */
    private void transAllKnown(LockedWork work) throws InterruptedException {
        registrar.lockInterruptibly();
        try (Mailbox box = node.createMailbox()) {
            Tuple id = Tuple.of(GlobalLocking.GLOBAL, box.self());
            List<Atom> nodes = setLockKnown(box, id);
            try {
                work.run(box, nodes);
            } finally {
                locking.deleteGlobalLock(box, id, nodes);
            }
        } finally {
            registrar.unlock();
        }
    }

    private List<Atom> setLockKnown(Mailbox box, Tuple id) throws InterruptedException {
        for (int times = 0;; times++) {
            List<Atom> known = known();
            List<Atom> nodes = new ArrayList<>();
            nodes.add(self);
            nodes.addAll(known);
            List<Atom> boss = List.of(GlobalCalls.boss(nodes));
            if (locking.setLockOnNodes(box, id, boss)) {
                if (locking.setLockOnNodes(box, id, nodes) && GlobalCalls.minus(known(), known).isEmpty()) {
                    return nodes;
                }
                locking.delLock(box, id, boss);
            }
            GlobalLocking.randomSleep(times);
        }
    }

    private List<Atom> known() {
        views.lock();
        try {
            return knownView;
        } finally {
            views.unlock();
        }
    }

    private Term methodOf(GlobalResolver r) {
        return methods.computeIfAbsent(r, k -> {
            ExportFun f = new ExportFun(JARL_GLOBAL, Atom.of("resolver_" + resolverIds.incrementAndGet()), 3);
            resolvers.put(f, k);
            return f;
        });
    }

    /**
     * {@code global:resolve_it/4}, for this node's resolver thread and for an Erlang node's
     * {@code rpc:call(JarlNode, global, resolve_it, [Method, Name, Pid1, Pid2])}.
     *
     * @throws ErlangException.Error {@code undef} for a method only Erlang can run
     */
    Term resolveIt(Term method, Term name, Pid pid1, Pid pid2) {
        GlobalBuiltins b = GlobalBuiltins.of(method);
        if (b != null) {
            Pid min = GlobalBuiltins.min(pid1, pid2);
            Pid max = GlobalBuiltins.max(pid1, pid2);
            switch (b) {
                case RANDOM_EXIT -> {
                    LOG.log(Level.INFO, "global: Name conflict terminating {0}", Tuple.of(name, max));
                    sender.exit(max, KILL);
                    return min;
                }
                case RANDOM_NOTIFY -> {
                    sender.send(max, Tuple.of(CONFLICT, name));
                    return min;
                }
                case NOTIFY_ALL -> {
                    sender.send(pid1, Tuple.of(CONFLICT, name, pid2));
                    sender.send(pid2, Tuple.of(CONFLICT, name, pid1));
                    return NONE;
                }
            }
        }
        GlobalResolver r = method instanceof ExportFun f ? resolvers.get(f) : null;
        if (r == null) {
            // a node without the fun's code: rpc:call gives the caller {badrpc, {'EXIT', {undef, ...}}}
            throw new ErlangException.Error(Atom.of("undef"), TermList.of(Tuple.of(method, TermList.of(name, pid1, pid2))));
        }
        Pid winner = r.resolve(name, pid1, pid2);
        return winner == null ? NONE : winner;
    }

    Mailbox sender() {
        return sender;
    }

    /** The server's view after each message: the nodes it knows and those in sync. */
    void published(Set<Atom> known, Set<Atom> synced) {
        views.lock();
        try {
            if (!knownView.equals(List.copyOf(known)) || !syncedView.equals(synced)) {
                knownView = List.copyOf(known);
                syncedView = Set.copyOf(synced);
                changed.signalAll();
            }
        } finally {
            views.unlock();
        }
    }

    void visibleUp(Atom peer) {
        views.lock();
        try {
            visible.add(peer);
            changed.signalAll();
        } finally {
            views.unlock();
        }
    }

    void visibleDown(Atom peer) {
        views.lock();
        try {
            visible.remove(peer);
            changed.signalAll();
        } finally {
            views.unlock();
        }
    }

    void logOnce(String key, String format, Object... args) {
        if (loggedOnce.add(key)) {
            LOG.log(Level.WARNING, format + " (logged once per kind)", args);
        }
    }
}
