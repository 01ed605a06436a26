/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.Listener;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.channel.DistConnection;
import dev.jarl.channel.Signal;
import dev.jarl.epmd.EpmdClient;
import dev.jarl.epmd.EpmdRegistration;
import dev.jarl.epmd.EpmdServer;
import dev.jarl.handshake.Cookie;
import dev.jarl.handshake.CookieFile;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * A running Jarl node: a member of an Erlang cluster inside this JVM.
 *
 * <pre>{@code
 * try (Node node = Node.start(NodeConfig.builder("java@localhost").cookie("secret").build());
 *      Mailbox box = node.createMailbox("inbox")) {
 *     if (node.ping(NodeName.parse("erl@localhost"), Duration.ofSeconds(5))) {
 *         box.send("shell", "erl@localhost", Term.tuple(box.self(), "hello"));
 *         Term reply = box.receive();
 *     }
 * }
 * }</pre>
 *
 * <p><b>Connections</b> are made on demand: the first message to a pid or a
 * {@code {Name, Node}} of a node that is not connected starts an attempt, and messages wait
 * for it in order; if it fails they are dropped, as Erlang drops them. {@link #connect},
 * {@link #ping} and {@link #nodes()} tell what is reachable. The node ticks every connection
 * on its own schedule ({@link NodeConfig#netTicktime()}) and takes a silent peer down within
 * OTP's window.
 *
 * <p><b>Hidden or visible.</b> A node is hidden by default, as JInterface nodes are. A
 * visible node ({@link NodeConfig.Builder#hidden(boolean) hidden(false)}) appears in
 * {@code nodes()} on the Erlang side, and a visible BEAM node then sends it two messages on
 * nodeup: {@code rex}'s {@code {Pid, features_request}}, which Jarl answers with
 * {@code {features_reply, Node, [erpc]}}, and {@code global}'s {@code init_connect} cast, which Jarl ignores because it
 * does not take part in {@code global}: on the Erlang side {@code global:sync()} then waits for
 * the Jarl node. Prefer hidden unless you need to be visible.
 *
 * <p><b>Built-in processes.</b> {@code net_kernel} answers {@code is_auth} with {@code yes},
 * so {@code net_adm:ping/1} from Erlang returns {@code pong}; {@code rex} as above, and it
 * also serves the legacy {@code {From, {call, M, F, A, GL}}} with the registered
 * {@link #functions() functions}; {@code global_name_server} as above.
 *
 * <p><b>RPC.</b> {@link #functions()} lists the Java functions Erlang may call with
 * {@code erpc}/{@code rpc}/{@code spawn/4}; {@link #rpc} calls Erlang from Java.
 *
 * <p>Thread-safe. Every party (acceptor, handshakes, connection readers and writers, the
 * ticker, built-in processes) runs on virtual threads.
 */
public final class Node implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Node.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Atom DOWN = Atom.of("DOWN");
    private static final Atom SHUTDOWN = Atom.of("shutdown");
    private static final Atom NET_TICK_TIMEOUT = Atom.of("net_tick_timeout");
    private static final Atom DISCONNECT = Atom.of("disconnect");
    private static final Atom CONNECTION_CLOSED = Atom.of("connection_closed");

    private final NodeConfig config;
    private final NodeName name;
    private final Atom nameAtom;
    private final Carrier carrier;
    private final ConnectionTable table;
    private final Functions functions = new Functions();
    private final Rpc rpc = new Rpc(this);
    private final ProcessTable processes = new ProcessTable();
    private final ConcurrentHashMap<Atom, LocalProcess> registry = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Ref, LocalProcess> aliases = new ConcurrentHashMap<>();
    /** {@code monitor_nodes} subscribers: pid to "with info". */
    private final ConcurrentHashMap<Pid, Boolean> nodeWatchers = new ConcurrentHashMap<>();
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong pidCounter = new AtomicLong(64);
    private final AtomicLong refCounter = new AtomicLong();
    private final int refSalt = RANDOM.nextInt();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String stopReason;
    private volatile int creation;
    private volatile Listener listener;
    private volatile EpmdRegistration registration;
    private volatile EpmdServer embeddedEpmd;
    private final Ticker ticker;

    private Node(NodeConfig config, Cookie cookie, Carrier carrier) {
        this.config = config;
        this.name = config.name();
        this.nameAtom = Atom.of(name.toString());
        this.carrier = carrier;
        this.table = new ConnectionTable(config, carrier, new TableHost());
        this.ticker = new Ticker(config, table);
    }

    /**
     * Starts a node: listens on its carrier, registers with EPMD (when the carrier uses it
     * and the config says so; if no EPMD answers on this host, Jarl's embedded one is
     * started), and starts the built-in processes.
     *
     * @throws IOException when the node cannot listen, register, or read its cookie
     */
    public static Node start(NodeConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        Cookie cookie = config.cookie().isPresent() ? config.cookie().get() : CookieFile.readOrCreateDefault();
        Carrier carrier = config.carrier().orElseGet(() -> defaultCarrier(config));
        Node node = new Node(config, cookie, carrier);
        try {
            node.open(cookie);
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    private static Carrier defaultCarrier(NodeConfig config) {
        return Carriers.tcp(TcpOptions.of(AddressResolver.epmd(config.epmdPort()))
                .withMaxPacketSize(config.maxMessageSize()));
    }

    private void open(Cookie cookie) throws IOException {
        Listener l = carrier.listen(name);
        this.listener = l;
        int c;
        if (l.creation().isPresent()) {
            c = l.creation().getAsInt();
        } else if (config.useEpmd() && l.port().isPresent()) {
            EpmdRegistration r = register(l.port().getAsInt());
            this.registration = r;
            c = r.creation();
            r.onLost(() -> {
                if (!closed.get()) {
                    LOG.log(Level.WARNING, "node {0}: the EPMD registration was lost; peers cannot find this node "
                            + "by name until it restarts", name);
                }
            });
        } else {
            c = 1 + RANDOM.nextInt(Integer.MAX_VALUE - 1);
        }
        this.creation = c;
        long offered = config.offeredFlags() | (config.hidden() ? 0 : DistFlags.PUBLISHED);
        if (config.hidden()) {
            offered &= ~DistFlags.PUBLISHED;
        }
        table.handshakeConfig(new HandshakeConfig(name, cookie, offered, config.requiredFlags(), c,
                config.setupTime(), config.allowed()));
        table.startAcceptor(l);
        ticker.start();
        SystemProcesses system = new SystemProcesses(this);
        system.start(system.standard(rpc));
        LOG.log(Level.INFO, "node {0} started ({1}, {2}, creation {3})", name, l.address(),
                config.hidden() ? "hidden" : "visible", Integer.toUnsignedString(c));
    }

    private EpmdRegistration register(int port) throws IOException {
        embeddedEpmd = EpmdServer.startIfAbsent(config.epmdPort()).orElse(null);
        EpmdClient epmd = new EpmdClient(InetAddress.getLoopbackAddress(), config.epmdPort(), config.setupTime());
        return epmd.register(name.alive(), port, config.hidden());
    }

    // ------------------------------------------------------------------ identity

    /** This node's name. */
    public NodeName name() {
        return name;
    }

    /** This node's name as an atom, as it appears in pids. */
    public Atom nameAtom() {
        return nameAtom;
    }

    /** This node's creation (from EPMD, the listener, or random). */
    public int creation() {
        return creation;
    }

    /** The configuration the node was started with. */
    public NodeConfig config() {
        return config;
    }

    ConnectionTable table() {
        return table;
    }

    /** The nodes this node has a connection to now. */
    public List<NodeName> nodes() {
        return table.nodes();
    }

    /** A new reference, unique to this node incarnation (as {@code make_ref()}). */
    public Ref makeRef() {
        long n = refCounter.incrementAndGet();
        return new Ref(nameAtom, creation, new int[] {(int) (n & 0x3FFFF), (int) (n >>> 18), refSalt});
    }

    private Pid newPid() {
        long n = pidCounter.getAndIncrement();
        int id = (int) (n & 0x7FFF);
        int serial = (int) ((n >>> 15) & 0x1FFF);
        return new Pid(nameAtom, id, serial, creation);
    }

    // ------------------------------------------------------------------ RPC

    /**
     * The Java functions Erlang code may call on this node ({@code erpc}, {@code rpc},
     * {@code spawn/4}); see {@link Functions}.
     *
     * <pre>{@code
     * node.functions().register("jarl", "echo", 1, args -> args.get(0));
     * // erl> erpc:call('java@host', jarl, echo, [hello]).   % hello
     * }</pre>
     */
    public Functions functions() {
        return functions;
    }

    /**
     * Calls {@code module:function(args...)} on {@code peer} and returns its value, as
     * {@code erpc:call/5} does: by SPAWN_REQUEST of {@code erpc:execute_call/4} when the peer
     * offered SPAWN (OTP 23 and later), else through its {@code rex} server. The call runs in
     * a new process on the peer; the calling thread waits at most {@code timeout}.
     *
     * <pre>{@code
     * Term reversed = node.rpc(NodeName.parse("erl@localhost"), "lists", "reverse",
     *         List.of(TermList.of(Int.of(1), Int.of(2), Int.of(3))), Duration.ofSeconds(5));   // [3,2,1]
     * }</pre>
     *
     * @throws RpcException.Raised       when the function raised error, exit or throw
     * @throws RpcException.NoConnection when {@code peer} cannot be reached or goes down
     * @throws RpcException.Timeout      when no result came within {@code timeout}
     * @throws RpcException.Failed       when the call failed otherwise ({@code {badrpc, Reason}})
     * @throws InterruptedException      when the calling thread is interrupted (the call is abandoned)
     */
    public Term rpc(NodeName peer, String module, String function, List<? extends Term> args, Duration timeout)
            throws RpcException, InterruptedException {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(timeout, "timeout");
        checkOpen();
        return rpc.call(peer, Atom.of(module), Atom.of(function), TermList.of(args), timeout);
    }

    // ------------------------------------------------------------------ mailboxes

    /** A new anonymous process with its mailbox. */
    public Mailbox createMailbox() {
        checkOpen();
        LocalProcess p = newProcess();
        return new Mailbox(p);
    }

    /**
     * A new process registered as {@code registeredName}.
     *
     * @throws IllegalArgumentException when the name is taken (Erlang's {@code badarg})
     */
    public Mailbox createMailbox(String registeredName) {
        checkOpen();
        Atom a = Atom.of(registeredName);
        LocalProcess p = newProcess();
        p.registeredName(a);
        if (registry.putIfAbsent(a, p) != null) {
            processes.remove(p.pid());
            throw new IllegalArgumentException("name " + a + " is already registered");
        }
        return new Mailbox(p);
    }

    private LocalProcess newProcess() {
        while (true) {
            LocalProcess p = new LocalProcess(this, newPid());
            if (processes.putIfAbsent(p) == null) {
                return p;
            }
        }
    }

    /** The pid registered as {@code registeredName} on this node, if any. */
    public Optional<Pid> whereis(String registeredName) {
        LocalProcess p = registry.get(Atom.of(registeredName));
        return p == null ? Optional.empty() : Optional.of(p.pid());
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("node " + name + " is closed");
        }
    }

    // ------------------------------------------------------------------ processes

    /**
     * Spawns a process running {@code body} on its own virtual thread (Erlang's
     * {@code spawn/1}); see {@link ProcessBody} for how it ends.
     *
     * <pre>{@code
     * Pid worker = node.spawn(self -> {
     *     Term job = self.receive();
     *     ...
     * });
     * }</pre>
     */
    public Pid spawn(ProcessBody body) {
        return spawnProcess(body, null).pid();
    }

    /**
     * Creates a process, lets {@code setup} give it links, monitors or a name before it runs
     * (so nothing can observe it half set up: what {@code spawn_link}, {@code spawn_monitor}
     * and a SPAWN_REQUEST with {@code link}/{@code monitor} options need), then starts
     * {@code body} on its own virtual thread.
     */
    LocalProcess spawnProcess(ProcessBody body, Consumer<LocalProcess> setup) {
        Objects.requireNonNull(body, "body");
        checkOpen();
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
        Objects.requireNonNull(target, "pid");
        Ref ref = makeRef();
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
        Objects.requireNonNull(registeredName, "name");
        Objects.requireNonNull(at, "node");
        Ref ref = makeRef();
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
    private void connectionLost(NodeName lost) {
        Atom lostAtom = Atom.of(lost.toString());
        processes.forEach(p -> {
            Term die = p.connectionLost(lost, lostAtom);
            if (die != null) {
                terminate(p, die);
            }
        });
    }

    private void notifyNodeWatchers(NodeName peer, boolean up, DistConnection c, ConnectionFate fate) {
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

    /** True while {@code pid} is a live process of this node. */
    boolean isAlive(Pid pid) {
        return processes.containsKey(pid);
    }

    private boolean isLocal(Pid pid) {
        return pid.node().equals(nameAtom);
    }

    private NodeName nodeOf(Pid pid) {
        return nodeName(pid.node());
    }

    /**
     * The node name an atom in a pid, port or reference spells, parsed once per node: a send
     * to a remote pid would otherwise parse it on every message. Names of nodes never seen
     * again stay cached up to {@value #NODE_NAMES} of them, then are parsed each time.
     */
    NodeName nodeName(Atom node) {
        NodeName n = nodeNames.get(node);
        if (n == null) {
            n = NodeName.parse(node.name());
            if (nodeNames.size() < NODE_NAMES) {
                nodeNames.put(node, n);
            }
        }
        return n;
    }

    private static final int NODE_NAMES = 4096;
    private final ConcurrentHashMap<Atom, NodeName> nodeNames = new ConcurrentHashMap<>();

    // ------------------------------------------------------------------ sending

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

    // ------------------------------------------------------------------ connections

    /**
     * Connects to {@code peer} unless connected, waiting at most twice the setup time.
     *
     * @throws IOException naming the node and the reason (for example a wrong cookie or an
     *                     unknown node) when the attempt fails
     */
    public void connect(NodeName peer) throws IOException, InterruptedException {
        connect(peer, config.setupTime().multipliedBy(2));
    }

    /** Connects to {@code peer} unless connected, waiting at most {@code timeout}. */
    public void connect(NodeName peer, Duration timeout) throws IOException, InterruptedException {
        checkOpen();
        if (peer.equals(name)) {
            return;
        }
        table.connect(peer, timeout);
    }

    /** The connection to {@code peer} if it is up (for tests in this package). */
    DistConnection connection(NodeName peer) {
        return table.connection(peer);
    }

    /**
     * The distribution flags this node and {@code peer} agreed in the handshake of their
     * current connection (see {@code DistFlags}), or empty when not connected. For
     * diagnostics: whether the connection uses fragments or the atom cache, say.
     */
    public OptionalLong agreedFlags(NodeName peer) {
        DistConnection c = table.connection(peer);
        return c == null || c.isDown() ? OptionalLong.empty() : OptionalLong.of(c.agreedFlags());
    }

    /**
     * Pings {@code peer} as {@code net_adm:ping/1} does: connects if needed, then asks its
     * {@code net_kernel} with {@code is_auth}. True for {@code pong}, false for {@code pang}
     * (no connection, or no answer within {@code timeout}, after which the connection is
     * closed as {@code net_adm} closes it).
     */
    public boolean ping(NodeName peer, Duration timeout) throws InterruptedException {
        checkOpen();
        if (peer.equals(name)) {
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            table.connect(peer, timeout);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "ping {0}: pang ({1})", peer, e.getMessage());
            return false;
        }
        try (Mailbox box = createMailbox()) {
            Ref ref = makeRef();
            box.send("net_kernel", peer, Tuple.of(Atom.GEN_CALL, Tuple.of(box.self(), ref), Tuple.of(NetKernel.IS_AUTH, nameAtom)));
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Optional<Term> reply = box.receive(m -> m instanceof Tuple t && t.arity() == 2 && t.get(0).equals(ref), left);
            if (reply.isPresent() && ((Tuple) reply.get()).get(1).equals(NetKernel.YES)) {
                return true;
            }
            if (reply.isEmpty()) {
                table.disconnect(peer);
            }
            return false;
        }
    }

    /** Pings {@code peer} with twice the setup time as the bound. */
    public boolean ping(NodeName peer) throws InterruptedException {
        return ping(peer, config.setupTime().multipliedBy(2));
    }

    /** Closes the connection to {@code peer} if there is one ({@code erlang:disconnect_node/1}). */
    public boolean disconnect(NodeName peer) {
        return table.disconnect(peer);
    }

    /** Adds a listener for nodeup and nodedown. */
    public void addNodeListener(NodeListener l) {
        listeners.add(Objects.requireNonNull(l, "listener"));
    }

    /** Removes a listener. */
    public void removeNodeListener(NodeListener l) {
        listeners.remove(l);
    }

    private final class TableHost implements ConnectionTable.Host {
        @Override
        public void received(DistConnection connection, Signal signal) {
            dispatch(connection, signal);
        }

        @Override
        public void nodeUp(NodeName peer, DistConnection connection) {
            notifyNodeWatchers(peer, true, connection, null);
            for (NodeListener l : listeners) {
                try {
                    l.nodeUp(peer);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "node listener failed on nodeup " + peer, e);
                }
            }
        }

        @Override
        public void connectFailed(NodeName peer, ConnectionFate fate) {
            connectionLost(peer);
        }

        @Override
        public void stop(String reason, Throwable cause) {
            stopFor(reason, cause);
        }

        @Override
        public void nodeDown(NodeName peer, DistConnection connection, ConnectionFate fate) {
            connectionLost(peer);
            notifyNodeWatchers(peer, false, connection, fate);
            for (NodeListener l : listeners) {
                try {
                    l.nodeDown(peer, fate);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "node listener failed on nodedown " + peer, e);
                }
            }
        }
    }

    // ------------------------------------------------------------------ input

    /**
     * Acts on one signal from {@code c}'s peer; the channel has checked the pids in it as
     * erts does ({@code erts_net_message}), so a pid of this node here may still be of an
     * older incarnation where erts accepts that: it finds no process, and a link or monitor
     * answers {@code noproc}.
     */
    private void dispatch(DistConnection c, Signal signal) {
        switch (signal) {
            case Signal.Send s -> deliverLocal(s.to(), s.message());
            case Signal.RegSend s -> deliverName(s.to(), s.message());
            case Signal.AliasSend s -> deliverAlias(s.alias(), s.message());
            case Signal.Link s -> {
                LocalProcess p = local(s.to());
                if (p == null || !p.receiveLink(s.from())) {
                    c.sendNoWait(new Signal.Exit(s.to(), s.from(), Atom.NOPROC, true));
                }
            }
            case Signal.Unlink s -> {
                LocalProcess p = local(s.to());
                if (p != null) {
                    p.receiveUnlink(s.from(), s.id());
                }
                // before any other signal from s.to() to s.from(): this thread sends it now
                c.sendNoWait(new Signal.UnlinkAck(s.id(), s.to(), s.from()));
            }
            case Signal.UnlinkAck s -> {
                LocalProcess p = local(s.to());
                if (p != null) {
                    p.receiveUnlinkAck(s.from(), s.id());
                }
            }
            case Signal.Exit s -> {
                if (isLocal(s.to())) {
                    exitSignal(s.from(), s.to(), s.reason(), s.link());
                }
            }
            case Signal.Monitor s -> remoteMonitor(c, s);
            case Signal.Demonitor s -> {
                LocalProcess p = resolve(s.target());
                if (p != null) {
                    p.removeWatcher(s.ref());
                }
            }
            case Signal.Down s -> remoteDown(s.to(), s.ref(), s.reason());
            case Signal.SpawnRequest s -> rpc.spawnRequest(c, s);
            case Signal.SpawnReply s -> {
                if (!olderIncarnation(s.to()) && !olderIncarnation(s.reqId())) {
                    spawnReply(c, s.reqId(), s.to(), s.flags(), s.result());
                }
            }
        }
    }

    private LocalProcess local(Pid pid) {
        return pid.node().equals(nameAtom) ? processes.get(pid) : null;
    }

    private boolean olderIncarnation(Pid pid) {
        return pid.node().equals(nameAtom) && pid.creation() != creation;
    }

    private boolean olderIncarnation(Ref ref) {
        return ref.node().equals(nameAtom) && ref.creation() != creation;
    }

    private void deliverLocal(Pid to, Term message) {
        LocalProcess p = local(to);
        if (p != null) {
            p.deliver(message);
        }
    }

    private void deliverName(Atom to, Term message) {
        LocalProcess p = registry.get(to);
        if (p != null) {
            p.deliver(message);
        }
    }

    private LocalProcess resolve(Term proc) {
        return switch (proc) {
            case Pid pid -> local(pid);
            case Atom a -> registry.get(a);
            default -> null;
        };
    }

    /** A monitor from a peer: watch the pid or the name (resolved now), or answer noproc. */
    private void remoteMonitor(DistConnection c, Signal.Monitor m) {
        LocalProcess p = resolve(m.target());
        Term item = m.target() instanceof Atom a ? Tuple.of(a, nameAtom) : m.target();
        LocalProcess.Monitor mon = new LocalProcess.Monitor(m.ref(), m.from(), p == null ? null : p.pid(), m.target(),
                null, item);
        if (p == null || !p.addWatcher(mon)) {
            c.sendNoWait(new Signal.Down(m.target(), m.from(), m.ref(), Atom.NOPROC));
        }
    }

    private void remoteDown(Pid to, Ref ref, Term reason) {
        LocalProcess p = local(to);
        if (p != null) {
            p.down(ref, reason);
        }
    }

    private void deliverAlias(Ref alias, Term message) {
        LocalProcess p = aliases.get(alias);
        if (p != null) {
            p.deliver(message);
        }
    }

    /**
     * SPAWN_REPLY to a request of ours: the monitor and link the peer set up (flags bits 1
     * and 0) are entered here, on the connection's input thread, so a DOWN or exit that
     * follows on the same connection finds them; then {@code {spawn_reply, ReqId, ok, Pid}}
     * or {@code {spawn_reply, ReqId, error, Reason}} is queued for the requester.
     */
    private void spawnReply(DistConnection c, Ref reqId, Pid to, int flags, Term result) {
        LocalProcess p = local(to);
        Atom tag = Atom.of("spawn_reply");
        if (!(result instanceof Pid child)) {
            if (p != null) {
                p.deliver(Tuple.of(tag, reqId, Atom.ERROR, result));
            }
            return;
        }
        boolean monitored = (flags & 2) != 0
                && p != null && p.addMonitor(new LocalProcess.Monitor(reqId, to, child, child, nodeOf(child), child));
        if ((flags & 2) != 0 && !monitored) {
            c.sendNoWait(new Signal.Demonitor(to, child, reqId));
        }
        if ((flags & 1) != 0 && (p == null || !p.receiveLink(child))) {
            c.sendNoWait(new Signal.Exit(to, child, Atom.NOPROC, true));
        }
        if (p != null) {
            p.deliver(Tuple.of(tag, reqId, Atom.OK, child));
        }
    }

    // ------------------------------------------------------------------ close

    /**
     * Stops the node: ends every process with reason {@code shutdown} first (linked and
     * monitoring processes on other nodes get the exit signal or DOWN), then unregisters from
     * EPMD, stops accepting, gives the connections up to half a second to send what is
     * queued, and closes them. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (stopReason == null) {
            stopReason = "closed";
        }
        // exit on close: every process dies with shutdown while the table still sends, so the
        // exit signals and DOWN messages are queued; table.close() lets them leave
        for (LocalProcess p : processes.values()) {
            terminate(p, SHUTDOWN);
        }
        table.stopping();
        EpmdRegistration r = registration;
        if (r != null) {
            r.close();
        }
        EpmdServer epmd = embeddedEpmd;
        if (epmd != null) {
            epmd.close();
        }
        Listener l = listener;
        if (l != null) {
            try {
                l.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing listener: {0}", e.getMessage());
            }
        }
        table.close();
        ticker.stop();
        String reason = stopReason;
        LOG.log(Level.INFO, "node {0} stopped: {1}", name, reason);
        for (NodeListener nl : listeners) {
            try {
                nl.stopped(reason);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "node listener failed on stop of " + name, e);
            }
        }
    }

    /**
     * Stops the node because it cannot go on serving (its listener failed for good): a node
     * that looks alive but answers nobody is worse than one that stopped. Logs the reason
     * at ERROR, closes as {@link #close()} does, on a thread of its own (the caller may be
     * one {@code close} waits for), and tells every {@link NodeListener#stopped}.
     */
    void stopFor(String reason, Throwable cause) {
        if (closed.get()) {
            return;
        }
        stopReason = reason;
        LOG.log(Level.ERROR, "node " + name + " cannot go on serving and stops: " + reason, cause);
        Thread.ofVirtual().name("jarl-stop-" + name).start(this::close);
    }

    /** True once {@link #close()} was called, or the node stopped itself. */
    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Why the node stopped: {@code "closed"} after {@link #close()}, or what made it stop
     * itself ({@link NodeListener#stopped}); empty while it runs.
     */
    public Optional<String> stopReason() {
        return closed.get() ? Optional.ofNullable(stopReason) : Optional.empty();
    }

    @Override
    public String toString() {
        return "Node[" + name + "]";
    }
}
