/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.jarl.carrier.ConnectionFate;
import dev.jarl.channel.DistConnection;
import dev.jarl.channel.Signal;
import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * The node's process runtime: its processes by pid, the registry of names, the aliases,
 * pids and references, spawning, and every signal between processes (sends, links, exits,
 * monitors, node monitors), local ones acted on at once and remote ones handed to the
 * {@link ConnectionTable} as {@link Signal}s. It also ends processes ({@link #terminate})
 * and tells them when a connection is lost ({@link #connectionLost}).
 *
 * <p>Threading: signals are applied on the sender's thread (a local sender, or a
 * connection's input thread through {@link Dispatch}) under the target process's own lock,
 * never two process locks at once; the deaths an exit causes unwind in a loop, not by
 * recursion. The tables here are concurrent maps and the lock-free {@link ProcessTable}.
 */
final class Processes {

    private static final Logger LOG = System.getLogger(Processes.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Atom DOWN = Atom.of("DOWN");
    private static final Atom NET_TICK_TIMEOUT = Atom.of("net_tick_timeout");
    private static final Atom DISCONNECT = Atom.of("disconnect");
    private static final Atom CONNECTION_CLOSED = Atom.of("connection_closed");
    private static final Atom HANDLER_FAILED = Atom.of("handler_failed");
    /**
     * Set on a thread while it runs a {@link MessageHandler}: its sends to other nodes do not
     * wait for a busy limit. A flag, not a cache: set and cleared around each call.
     */
    private static final ThreadLocal<Boolean> IN_HANDLER = new ThreadLocal<>();
    /**
     * How many {@link MessageHandler} calls are running now, on every node of this JVM. While
     * none is, {@link #inHandler} reads no thread-local: the first read of one on a thread
     * creates the thread's thread-local map (about 150 bytes), so every process that sent to
     * another node kept one for its life, and at 100 000 processes waking at once their maps
     * were 15 MB more for the collector to copy and promote (docs/growth.md).
     */
    private static final AtomicInteger HANDLER_CALLS = new AtomicInteger();
    private static final int NODE_NAMES = 4096;

    private final Node node;
    private final NodeName name;
    private final Atom nameAtom;
    private final ConnectionTable table;
    private final ProcessTable processes = new ProcessTable();
    /** {@link NodeConfig#receiveSpin()} in nanoseconds. */
    private final long receiveSpinNanos;
    private final ConcurrentHashMap<Atom, LocalProcess> registry = new ConcurrentHashMap<>();
    /** The deepest mailbox of the processes that have ended. */
    private final AtomicInteger deadHighWater = new AtomicInteger();
    private final ConcurrentHashMap<Ref, LocalProcess> aliases = new ConcurrentHashMap<>();
    /** {@code monitor_nodes} subscribers: pid to "with info". */
    private final ConcurrentHashMap<Pid, Boolean> nodeWatchers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Atom, NodeName> nodeNames = new ConcurrentHashMap<>();
    private final AtomicLong pidCounter = new AtomicLong(64);
    private final AtomicLong refCounter = new AtomicLong();
    private final int refSalt = RANDOM.nextInt();

    Processes(Node node, ConnectionTable table) {
        this.node = node;
        this.name = node.name();
        this.nameAtom = node.nameAtom();
        this.table = table;
        this.receiveSpinNanos = node.config().receiveSpin().toNanos();
    }

    Node node() {
        return node;
    }

    /** A new reference, unique to this node incarnation (as {@code make_ref()}). */
    Ref makeRef() {
        long n = refCounter.incrementAndGet();
        return new Ref(nameAtom, node.creation(), new int[] {(int) (n & 0x3FFFF), (int) (n >>> 18), refSalt});
    }

    /**
     * A new process with its mailbox, registered as {@code registeredName} unless null.
     *
     * @throws IllegalArgumentException when the name is taken (Erlang's {@code badarg})
     */
    Mailbox createMailbox(Atom registeredName) {
        return createMailbox(registeredName, null);
    }

    /**
     * A new process whose messages go to {@code handler} (see {@link MessageHandler}), or
     * to its mailbox when {@code handler} is null; registered as {@code registeredName}
     * unless null.
     *
     * @throws IllegalArgumentException when the name is taken (Erlang's {@code badarg})
     */
    Mailbox createMailbox(Atom registeredName, MessageHandler handler) {
        LocalProcess p = newProcess();
        Mailbox mailbox = new Mailbox(p);
        if (handler != null) {
            p.queue().handler(handlerCall(p, mailbox, handler));
        }
        if (registeredName != null) {
            p.registeredName(registeredName);
            if (registry.putIfAbsent(registeredName, p) != null) {
                processes.remove(p.pid());
                throw new IllegalArgumentException("name " + registeredName + " is already registered");
            }
        }
        return mailbox;
    }

    /**
     * One call of {@code handler} per message, timed: past {@link NodeConfig#handlerWarning()}
     * it is logged at WARNING; an exception ends the process with reason
     * {@code handler_failed}.
     */
    private Consumer<Term> handlerCall(LocalProcess p, Mailbox mailbox, MessageHandler handler) {
        long warnNanos = node.config().handlerWarning().toNanos();
        return message -> {
            long start = System.nanoTime();
            Boolean outer = IN_HANDLER.get();
            IN_HANDLER.set(Boolean.TRUE);
            HANDLER_CALLS.incrementAndGet();
            try {
                handler.handle(mailbox, message);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, "message handler of " + describe(p) + " failed; the process ends", e);
                terminate(p, HANDLER_FAILED);
                if (e instanceof Error error) {
                    throw error;
                }
            } finally {
                HANDLER_CALLS.decrementAndGet();
                if (outer == null) {
                    IN_HANDLER.remove();
                }
                long took = System.nanoTime() - start;
                if (took > warnNanos) {
                    LOG.log(Level.WARNING, "message handler of " + describe(p) + " ran " + took / 1_000_000
                            + " ms on " + Thread.currentThread().getName() + " (limit: " + warnNanos / 1_000_000
                            + " ms); a handler must not block, nothing else is read from its connection meanwhile");
                }
            }
        };
    }

    /**
     * Whether the calling thread is running a {@link MessageHandler}. A thread in a handler
     * counted itself in {@link #HANDLER_CALLS} before, so it never reads zero there.
     */
    static boolean inHandler() {
        return HANDLER_CALLS.get() != 0 && IN_HANDLER.get() != null;
    }

    /** {@link MessageHandler} calls running now in this JVM (for tests). */
    static int handlerCalls() {
        return HANDLER_CALLS.get();
    }

    private static String describe(LocalProcess p) {
        Atom name = p.registeredName();
        return name == null ? p.pid().toString() : p.pid() + " (" + name.name() + ")";
    }

    /** The pid registered as {@code registeredName} on this node, if any. */
    Optional<Pid> whereis(Atom registeredName) {
        LocalProcess p = registry.get(registeredName);
        return p == null ? Optional.empty() : Optional.of(p.pid());
    }

    /** The live process with exactly this pid, or null (another node's or incarnation's pid finds none). */
    LocalProcess local(Pid pid) {
        return pid.node().equals(nameAtom) ? processes.get(pid) : null;
    }

    /** The process registered as {@code name}, or null. */
    LocalProcess registered(Atom registeredName) {
        return registry.get(registeredName);
    }

    /** The process whose active alias is {@code alias}, or null. */
    LocalProcess aliased(Ref alias) {
        return aliases.get(alias);
    }

    /**
     * The process figures of a stats snapshot: one walk of the process table, reading each
     * mailbox's depth without its lock.
     */
    ProcessFigures stats() {
        int[] count = new int[1];
        int[] high = {deadHighWater.get()};
        PriorityQueue<MailboxStats> deepest = new PriorityQueue<>(
                Comparator.comparingInt(MailboxStats::highWater).thenComparingInt(MailboxStats::depth));
        processes.forEach(p -> {
            count[0]++;
            MessageQueue q = p.queue();
            int hw = q.highWater();
            high[0] = Math.max(high[0], hw);
            if (hw > 0 && (deepest.size() < NodeStats.DEEPEST_MAILBOXES || hw > deepest.peek().highWater())) {
                Atom name = p.registeredName();
                deepest.add(new MailboxStats(p.pid(), Optional.ofNullable(name).map(Atom::name), q.depth(), hw));
                if (deepest.size() > NodeStats.DEEPEST_MAILBOXES) {
                    deepest.poll();
                }
            }
        });
        List<MailboxStats> list = new ArrayList<>(deepest);
        list.sort(deepest.comparator().reversed());
        return new ProcessFigures(count[0], registry.size(), high[0], list);
    }

    /** The process figures of a {@link NodeStats}. */
    record ProcessFigures(int processes, int registeredNames, int mailboxHighWater, List<MailboxStats> deepest) {
    }

    /** Ends every process with {@code reason} (the node is closing). */
    void terminateAll(Term reason) {
        for (LocalProcess p : processes.values()) {
            terminate(p, reason);
        }
    }

    private Pid newPid() {
        long n = pidCounter.getAndIncrement();
        int id = (int) (n & 0x7FFF);
        int serial = (int) ((n >>> 15) & 0x1FFF);
        return new Pid(nameAtom, id, serial, node.creation());
    }

    private LocalProcess newProcess() {
        while (true) {
            LocalProcess p = new LocalProcess(node, newPid());
            p.queue().spin(receiveSpinNanos);
            if (processes.putIfAbsent(p) == null) {
                return p;
            }
        }
    }

    /**
     * Creates a process, lets {@code setup} give it links, monitors or a name before it runs
     * (so nothing can observe it half set up: what {@code spawn_link}, {@code spawn_monitor}
     * and a SPAWN_REQUEST with {@code link}/{@code monitor} options need), then starts
     * {@code body} on its own virtual thread.
     */
    LocalProcess spawnProcess(ProcessBody body, Consumer<LocalProcess> setup) {
        Objects.requireNonNull(body, "body");
        node.checkOpen();
        LocalProcess p = newProcess();
        Mailbox box = new Mailbox(p);
        if (setup != null) {
            setup.accept(p);
        }
        // unnamed: a name per process cost a formatted pid (about 100 bytes and 10 % of a spawn)
        Thread t = Thread.ofVirtual().unstarted(() -> run(p, box, body));
        p.thread(t);
        t.start();
        return p;
    }

    private void run(LocalProcess p, Mailbox box, ProcessBody body) {
        Term reason = Atom.NORMAL;
        Error fatal = null;
        try {
            body.run(box);
        } catch (Exception e) {
            reason = ExitException.reasonOf(e);
            if (!(e instanceof ExitException) && !p.exited()) {
                LOG.log(Level.INFO, "process " + p.pid() + " exited: " + reason, e);
            }
        } catch (Error e) {
            reason = ExitException.reasonOf(e);
            fatal = e;
        }
        terminate(p, reason);
        if (fatal != null) {
            throw fatal;
        }
    }

    /** Spawns a process linked to {@code parent} before it runs. */
    Pid spawnLink(LocalProcess parent, ProcessBody body) {
        return spawnProcess(body, child -> {
            if (parent.sendLink(child.pid())) {
                child.receiveLink(parent.pid());
            } else {
                child.receiveExit(parent.pid(), noprocOrReason(parent), false);
            }
        }).pid();
    }

    private static Term noprocOrReason(LocalProcess p) {
        Term r = p.exitReason();
        return r == null ? Atom.NOPROC : r;
    }

    /** Spawns a process monitored by {@code parent} before it runs. */
    Monitored spawnMonitor(LocalProcess parent, ProcessBody body) {
        Ref ref = makeRef();
        Pid pid = spawnProcess(body, child -> {
            LocalProcess.Monitor m = new LocalProcess.Monitor(ref, parent.pid(), child.pid(), child.pid(), null, child.pid());
            if (parent.addMonitor(m)) {
                child.addWatcher(m);
            }
        }).pid();
        return new Monitored(pid, ref);
    }

    /**
     * Ends {@code first} with {@code reason} and everything that follows from it: linked
     * processes get exit signals (and may end too, handled here in a loop rather than by
     * recursion, so a chain of any length unwinds on one stack), watchers get DOWN, the
     * process's own monitors are removed at their targets, its names and aliases go, its
     * thread (if spawned) is interrupted.
     */
    void terminate(LocalProcess first, Term reason) {
        ArrayDeque<LocalProcess> dying = new ArrayDeque<>();
        ArrayDeque<Term> reasons = new ArrayDeque<>();
        dying.add(first);
        reasons.add(reason);
        while (!dying.isEmpty()) {
            LocalProcess p = dying.poll();
            Term r = reasons.poll();
            LocalProcess.Remains remains = p.exit(r);
            if (remains == null) {
                continue;
            }
            processes.remove(p.pid(), p);
            deadHighWater.accumulateAndGet(p.queue().highWater(), Math::max);
            Atom n = p.registeredName();
            if (n != null) {
                registry.remove(n, p);
            }
            for (Ref a : remains.aliases()) {
                aliases.remove(a, p);
            }
            nodeWatchers.remove(p.pid());
            for (Pid other : remains.links()) {
                LocalProcess q = local(other);
                if (q != null) {
                    if (q.receiveExit(p.pid(), r, true) instanceof LocalProcess.Effect.Die d) {
                        dying.add(q);
                        reasons.add(d.reason());
                    }
                } else if (!isLocal(other)) {
                    table.send(nodeOf(other), new Signal.Exit(p.pid(), other, r, true));
                }
            }
            for (LocalProcess.Monitor m : remains.monitors()) {
                if (m.node() == null) {
                    LocalProcess t = m.target() == null ? null : processes.get(m.target());
                    if (t != null) {
                        t.removeWatcher(m.ref());
                    }
                } else {
                    table.send(m.node(), new Signal.Demonitor(p.pid(), m.proc(), m.ref()));
                }
            }
            for (LocalProcess.Monitor m : remains.watchers()) {
                fireDown(m, r);
            }
            Thread t = remains.thread();
            if (t != null && t != Thread.currentThread()) {
                t.interrupt();
            }
        }
    }

    private void fireDown(LocalProcess.Monitor m, Term reason) {
        if (isLocal(m.watcher())) {
            LocalProcess w = processes.get(m.watcher());
            if (w != null) {
                w.down(m.ref(), reason);
            }
        } else {
            table.send(nodeOf(m.watcher()), new Signal.Down(m.proc(), m.watcher(), m.ref(), reason));
        }
    }

    /**
     * An exit signal from {@code from} to {@code to}: {@code linked} for one due to a link
     * (EXIT), else {@code exit/2} (EXIT2). Local targets act at once; remote ones get the
     * PAYLOAD form (or the old form, if the peer lacks EXIT_PAYLOAD).
     */
    void exitSignal(Pid from, Pid to, Term reason, boolean linked) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(reason, "reason");
        if (isLocal(to)) {
            LocalProcess q = processes.get(to);
            if (q != null && q.receiveExit(from, reason, linked) instanceof LocalProcess.Effect.Die d) {
                terminate(q, d.reason());
            }
            return;
        }
        table.send(nodeOf(to), new Signal.Exit(from, to, reason, linked));
    }

    /** {@code link/1} from {@code p}. */
    void link(LocalProcess p, Pid other) {
        Objects.requireNonNull(other, "pid");
        if (other.equals(p.pid()) || !p.sendLink(other)) {
            return;
        }
        if (isLocal(other)) {
            LocalProcess q = processes.get(other);
            if (q == null || !q.receiveLink(p.pid())) {
                exitSignal(other, p.pid(), Atom.NOPROC, true);
            }
            return;
        }
        table.send(nodeOf(other), new Signal.Link(p.pid(), other));
    }

    /** {@code unlink/1} from {@code p}: UNLINK_ID, acknowledged at once for a local pid. */
    void unlink(LocalProcess p, Pid other) {
        Objects.requireNonNull(other, "pid");
        long id = p.sendUnlink(other);
        if (id == 0) {
            return;
        }
        if (isLocal(other)) {
            LocalProcess q = processes.get(other);
            if (q != null) {
                q.receiveUnlink(p.pid(), id);
            }
            p.receiveUnlinkAck(other, id);
            return;
        }
        table.send(nodeOf(other), new Signal.Unlink(id, p.pid(), other));
    }

    /** {@code monitor(process, Pid)} from {@code p}. */
    Ref monitor(LocalProcess p, Pid target) {
        return monitor(p, target, makeRef());
    }

    /** As {@link #monitor(LocalProcess, Pid)} with a reference made beforehand (a waiter keyed by it waits already). */
    Ref monitor(LocalProcess p, Pid target, Ref ref) {
        Objects.requireNonNull(target, "pid");
        if (isLocal(target)) {
            LocalProcess.Monitor m = new LocalProcess.Monitor(ref, p.pid(), target, target, null, target);
            if (p.addMonitor(m)) {
                LocalProcess q = processes.get(target);
                if (q == null || !q.addWatcher(m)) {
                    p.down(ref, Atom.NOPROC);
                }
            }
            return ref;
        }
        NodeName n = nodeOf(target);
        if (p.addMonitor(new LocalProcess.Monitor(ref, p.pid(), target, target, n, target))) {
            table.send(n, new Signal.Monitor(p.pid(), target, ref));
        }
        return ref;
    }

    /** {@code monitor(process, {Name, Node})} from {@code p}; the name resolves now. */
    Ref monitor(LocalProcess p, Atom registeredName, NodeName at) {
        return monitor(p, registeredName, at, makeRef());
    }

    /** As {@link #monitor(LocalProcess, Atom, NodeName)} with a reference made beforehand. */
    Ref monitor(LocalProcess p, Atom registeredName, NodeName at, Ref ref) {
        Objects.requireNonNull(registeredName, "name");
        Objects.requireNonNull(at, "node");
        Tuple item = Tuple.of(registeredName, Atom.of(at.toString()));
        if (at.equals(name)) {
            LocalProcess q = registry.get(registeredName);
            LocalProcess.Monitor m = new LocalProcess.Monitor(ref, p.pid(), q == null ? null : q.pid(), registeredName,
                    null, item);
            if (p.addMonitor(m) && (q == null || !q.addWatcher(m))) {
                p.down(ref, Atom.NOPROC);
            }
            return ref;
        }
        if (p.addMonitor(new LocalProcess.Monitor(ref, p.pid(), null, registeredName, at, item))) {
            table.send(at, new Signal.Monitor(p.pid(), registeredName, ref));
        }
        return ref;
    }

    /** {@code demonitor(Ref)} (with {@code [flush]} when asked); true when the monitor was active. */
    boolean demonitor(LocalProcess p, Ref ref, boolean flush) {
        LocalProcess.Monitor m = p.removeMonitor(ref);
        if (m != null) {
            if (m.node() == null) {
                LocalProcess t = m.target() == null ? null : processes.get(m.target());
                if (t != null) {
                    t.removeWatcher(ref);
                }
            } else {
                table.send(m.node(), new Signal.Demonitor(p.pid(), m.proc(), ref));
            }
        }
        if (flush) {
            p.queue().removeAll(msg -> msg instanceof Tuple t && t.arity() == 5 && DOWN.equals(t.get(0))
                    && ref.equals(t.get(1)));
        }
        return m != null;
    }

    /** {@code monitor_node(Node, Flag)} from {@code p}. */
    void monitorNode(LocalProcess p, NodeName n, boolean on) {
        Objects.requireNonNull(n, "node");
        if (!on) {
            p.removeNodeMonitors(n);
            return;
        }
        if (n.equals(name) || !p.addNodeMonitor(n)) {
            return;
        }
        if (table.connection(n) == null) {
            table.touch(n);
        }
    }

    /** {@code net_kernel:monitor_nodes(Flag)}, with the info variant when {@code info}. */
    void monitorNodes(LocalProcess p, boolean on, boolean info) {
        if (on) {
            nodeWatchers.put(p.pid(), info);
        } else {
            nodeWatchers.remove(p.pid());
        }
    }

    /** A new alias for {@code p}. */
    Ref alias(LocalProcess p) {
        Ref ref = makeRef();
        alias(p, ref);
        return ref;
    }

    /** Makes {@code ref} (made by this node) an alias of {@code p}. */
    void alias(LocalProcess p, Ref ref) {
        if (p.addAlias(ref)) {
            aliases.put(ref, p);
        }
    }

    /** Deactivates {@code ref} if it is an alias of {@code p}. */
    boolean unalias(LocalProcess p, Ref ref) {
        if (p.removeAlias(ref)) {
            aliases.remove(ref, p);
            return true;
        }
        return false;
    }

    /** Sends to an alias: delivered only while it is active. */
    void sendAlias(Pid from, Ref alias, Term message) {
        Objects.requireNonNull(alias, "alias");
        Objects.requireNonNull(message, "message");
        if (alias.node().equals(nameAtom)) {
            LocalProcess p = aliases.get(alias);
            if (p != null) {
                p.deliver(message);
            }
            return;
        }
        table.send(nodeName(alias.node()), new Signal.AliasSend(from, alias, message));
    }

    /** The connection to {@code lost} is gone (or could not be made): noconnection everywhere. */
    void connectionLost(NodeName lost) {
        Atom lostAtom = Atom.of(lost.toString());
        processes.forEach(p -> {
            Term die = p.connectionLost(lost, lostAtom);
            if (die != null) {
                terminate(p, die);
            }
        });
    }

    void notifyNodeWatchers(NodeName peer, boolean up, DistConnection c, ConnectionFate fate) {
        Atom tag = Atom.of(up ? "nodeup" : "nodedown");
        Atom nodeAtom = Atom.of(peer.toString());
        for (var e : nodeWatchers.entrySet()) {
            LocalProcess p = processes.get(e.getKey());
            if (p == null) {
                nodeWatchers.remove(e.getKey());
                continue;
            }
            if (!e.getValue()) {
                p.deliver(Tuple.of(tag, nodeAtom));
                continue;
            }
            Term type = Tuple.of(Atom.of("node_type"), Atom.of(c != null && !c.params().hidden() ? "visible" : "hidden"));
            Term infoList = up ? TermList.of(type)
                    : TermList.of(type, Tuple.of(Atom.of("nodedown_reason"), nodedownReason(fate)));
            p.deliver(Tuple.of(tag, nodeAtom, infoList));
        }
    }

    /** The {@code nodedown_reason} OTP gives for {@code fate}. */
    static Atom nodedownReason(ConnectionFate fate) {
        return switch (fate) {
            case ConnectionFate.TickTimeout t -> NET_TICK_TIMEOUT;
            case ConnectionFate.Disconnected d -> DISCONNECT;
            case ConnectionFate.Closed c -> CONNECTION_CLOSED;
            case ConnectionFate.TransportError e -> CONNECTION_CLOSED;
            case ConnectionFate.ProtocolError e -> CONNECTION_CLOSED;
            case ConnectionFate.HandshakeFailed h -> CONNECTION_CLOSED;
        };
    }

    boolean isLocal(Pid pid) {
        return pid.node().equals(nameAtom);
    }

    NodeName nodeOf(Pid pid) {
        return nodeName(pid.node());
    }

    /**
     * The node name an atom in a pid, port or reference spells, parsed once per node: a send
     * to a remote pid would otherwise parse it on every message. Names of nodes never seen
     * again stay cached up to {@value #NODE_NAMES} of them, then are parsed each time.
     */
    NodeName nodeName(Atom atom) {
        NodeName n = nodeNames.get(atom);
        if (n == null) {
            n = NodeName.parse(atom.name());
            if (nodeNames.size() < NODE_NAMES) {
                nodeNames.put(atom, n);
            }
        }
        return n;
    }

    /** Sends from {@code from} (may be null) to {@code to}. */
    void send(Pid from, Pid to, Term message) {
        Objects.requireNonNull(to, "to");
        Objects.requireNonNull(message, "message");
        if (to.node().equals(nameAtom)) {
            LocalProcess p = processes.get(to);
            if (p != null) {
                p.deliver(message);
            }
            return;
        }
        table.send(nodeName(to.node()), new Signal.Send(from, to, message));
    }

    /** Sends to a local registered name; {@code badarg} when there is none. */
    void sendLocalName(Pid from, Atom to, Term message) {
        Objects.requireNonNull(message, "message");
        LocalProcess p = registry.get(to);
        if (p == null) {
            throw new IllegalArgumentException("no process registered as " + to + " on " + name);
        }
        p.deliver(message);
    }

    /** Sends to {@code {to, node}}. */
    void sendName(Pid from, Atom to, NodeName node, Term message) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(message, "message");
        if (node.equals(name)) {
            sendLocalName(from, to, message);
            return;
        }
        table.send(node, new Signal.RegSend(from, to, message));
    }
}
