/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.io.IOException;
import java.net.SocketOption;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.Listener;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.channel.DistConnection;
import dev.jarl.epmd.EpmdServer;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;

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
 * {@code {features_reply, Node, [erpc]}}, and {@code global}'s {@code init_connect} cast, with
 * which the two nodes' {@code global_name_server}s exchange their names ({@link #global()}):
 * {@code global:sync()} on the Erlang side completes with the Jarl node connected. What a
 * visible Jarl node promises and what it does not: {@code docs/global.md}.
 *
 * <p><b>Built-in processes.</b> {@code net_kernel} answers {@code is_auth} with {@code yes},
 * so {@code net_adm:ping/1} from Erlang returns {@code pong}; {@code rex} as above, and it
 * also serves the legacy {@code {From, {call, M, F, A, GL}}} with the registered
 * {@link #functions() functions}; {@code global_name_server} as above (also
 * {@code global:resolve_it/4} in {@link #functions()}).
 *
 * <p><b>RPC.</b> {@link #functions()} lists the Java functions Erlang may call with
 * {@code erpc}/{@code rpc}/{@code spawn/4}; {@link #rpc} calls Erlang from Java.
 *
 * <p>Thread-safe. The node's parties (acceptor, handshakes, the ticker, built-in processes,
 * every process) run on virtual threads; the stream carriers (TCP, TLS, Unix sockets) read
 * and write each connection on two platform threads of their own.
 */
public final class Node implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Node.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Atom SHUTDOWN = Atom.of("shutdown");

    private final NodeConfig config;
    private final NodeName name;
    private final Atom nameAtom;
    private final Carrier carrier;
    private final ConnectionTable table;
    private final Functions functions = new Functions();
    private final Rpc rpc = new Rpc(this);
    private final AsyncCalls async = new AsyncCalls(this);
    private final Processes processes;
    private final Dispatch dispatch;
    private final NodeEvents events = new NodeEvents(this);
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile String stopReason;
    private volatile int creation;
    private volatile Listener listener;
    private volatile NodeEpmd epmd;
    private volatile Global global;
    /** Made on first use of {@link #pg()}. */
    private volatile ProcessGroups pg;
    private final Ticker ticker;
    private final Instant started = Instant.now();

    private Node(NodeConfig config, Cookie cookie, Carrier carrier) {
        this.config = config;
        this.name = config.name();
        this.nameAtom = Atom.of(name.toString());
        this.carrier = carrier;
        this.table = new ConnectionTable(config, carrier, events);
        this.ticker = new Ticker(config, table);
        this.processes = new Processes(this, table);
        this.dispatch = new Dispatch(processes, rpc);
        // rpc:call(Node, jarl, stats, []) from Erlang, and what `jarl stats` reads
        functions.register("jarl", "stats", 0, args -> stats().toTerm());
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
            NodeEpmd e = NodeEpmd.register(name, config, l.port().getAsInt(), l.bindAddress().orElse(null));
            this.epmd = e;
            c = e.registration().creation();
            e.registration().onLost(() -> {
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
        table.handshakeConfig(new HandshakeConfig(name, cookie.secret(), offered, config.requiredFlags(), c,
                config.setupTime(), config.allowed()));
        table.startAcceptor(l);
        ticker.start();
        SystemProcesses system = new SystemProcesses(this);
        system.start(system.standard(rpc));
        global = Global.start(this);
        LOG.log(Level.INFO, "node {0} started ({1}, {2}, creation {3})", name, l.address(),
                config.hidden() ? "hidden" : "visible", Integer.toUnsignedString(c));
    }

    /** The EPMD this node started because none answered, or null (for tests). */
    EpmdServer embeddedEpmd() {
        NodeEpmd e = epmd;
        return e == null ? null : e.embedded();
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

    /**
     * Global names ({@code global}): register, whereis, send, sync; see {@link Global}. On a
     * visible node it takes part in {@code global} with every visible peer.
     */
    public Global global() {
        return global;
    }

    /** The nodes this node has a connection to now. */
    public List<NodeName> nodes() {
        return table.nodes();
    }

    /** A new reference, unique to this node incarnation (as {@code make_ref()}). */
    public Ref makeRef() {
        return processes.makeRef();
    }

    /** What the asynchronous operations share (timer, caller process, node-down watch). */
    AsyncCalls async() {
        return async;
    }

    /** The process runtime (for the runtime's own types: mailboxes, RPC, gen_server calls). */
    Processes processes() {
        return processes;
    }

    Dispatch dispatch() {
        return dispatch;
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
        return AsyncCalls.await(rpc(peer, module, function, args, timeout, true), RpcException.class);
    }

    /**
     * {@link #rpc} without blocking: the future completes with the value, or fails with the
     * {@link RpcException} the blocking form throws (wrapped as {@link CompletableFuture}
     * wraps failures). No thread waits meanwhile, not even while the connection is set up:
     * the call is a spawn request from the node's caller process, whose spawn reply and DOWN
     * message settle it where they arrive.
     *
     * <p>The future completes on a new virtual thread (the node's completion executor), so
     * dependent stages may block. Cancelling it, or the timeout, abandons the call as
     * {@code erpc} does on a timeout: the monitor of the process running it is removed on
     * both nodes, and if that process has not been spawned yet it is ended when it is; a
     * result that comes later is dropped.
     *
     * <pre>{@code
     * CompletableFuture<Term> len = node.rpcAsync(peer, "erlang", "length", List.of(list), Duration.ofSeconds(5));
     * len.thenAccept(n -> System.out.println("length: " + n));
     * }</pre>
     *
     * @param timeout how long the call may take; null for no limit
     */
    public CompletableFuture<Term> rpcAsync(NodeName peer, String module, String function, List<? extends Term> args,
            Duration timeout) {
        return rpc(peer, module, function, args, timeout, false);
    }

    private Pending<Term> rpc(NodeName peer, String module, String function, List<? extends Term> args,
            Duration timeout, boolean direct) {
        Objects.requireNonNull(peer, "peer");
        if (direct) {
            Objects.requireNonNull(timeout, "timeout");
        }
        checkOpen();
        return rpc.call(peer, Atom.of(module), Atom.of(function), TermList.of(args), timeout, direct);
    }

    // ------------------------------------------------------------------ gen_server calls

    /**
     * {@code gen_server:call(Server, Request, Timeout)} from the node's own caller process,
     * without blocking and without a mailbox of your own; see {@link GenServer#callAsync}
     * for how it waits, completes and is cancelled.
     *
     * <pre>{@code
     * CompletableFuture<Term> a = node.callAsync(Term.tuple("db", "erl@host"), Term.atom("stats"), Duration.ofSeconds(5));
     * CompletableFuture<Term> b = node.callAsync(Term.tuple("cache", "erl@host"), Term.atom("stats"), Duration.ofSeconds(5));
     * a.thenCombine(b, (x, y) -> Term.tuple(x, y)).thenAccept(System.out::println);
     * }</pre>
     *
     * @param server  a pid, a registered name (atom, on this node) or {@code {Name, Node}}
     * @param timeout how long to wait for the reply; null for {@code infinity}
     */
    public CompletableFuture<Term> callAsync(Term server, Term request, Duration timeout) {
        checkOpen();
        return GenServer.callAsync(async.caller(), server, request, timeout);
    }

    /**
     * {@code gen_server:call(Server, Request, Timeout)} from the node's caller process,
     * blocking: a thin wait on {@link #callAsync}; see {@link GenServer#call}.
     */
    public Term call(Term server, Term request, Duration timeout) throws CallException, InterruptedException {
        checkOpen();
        return AsyncCalls.await(GenServer.call(async.caller(), server, request, timeout, true), CallException.class);
    }

    // ------------------------------------------------------------------ process groups

    /**
     * This node's {@code pg} scopes (OTP's process groups): join Java processes to groups
     * Erlang's {@code pg:get_members/2} sees, and see Erlang's members; see
     * {@link ProcessGroups} and {@link Scope}.
     *
     * <pre>{@code
     * node.pg().scope().join(Atom.of("workers"), box.self());   // erl> pg:get_members(workers)
     * }</pre>
     */
    public ProcessGroups pg() {
        if (isClosed()) {
            throw new IllegalStateException("node " + name() + " is closed");
        }
        ProcessGroups groups = pg;
        if (groups == null) {
            synchronized (this) {
                groups = pg;
                if (groups == null) {
                    groups = ProcessGroups.create(this);
                    pg = groups;
                }
            }
        }
        return groups;
    }

    // ------------------------------------------------------------------ mailboxes

    /** A new anonymous process with its mailbox. */
    public Mailbox createMailbox() {
        checkOpen();
        return processes.createMailbox(null);
    }

    /**
     * A new process registered as {@code registeredName}.
     *
     * @throws IllegalArgumentException when the name is taken (Erlang's {@code badarg})
     */
    public Mailbox createMailbox(String registeredName) {
        checkOpen();
        return processes.createMailbox(Atom.of(registeredName));
    }

    /**
     * A new process registered as {@code registeredName} whose messages go to
     * {@code handler}, called where they arrive (a connection's input thread, a local
     * sender's thread) rather than taken by {@link Mailbox#receive()}: a reply sent from the
     * handler leaves without waking another thread. The handler must not block; see
     * {@link MessageHandler} for the rules and guarantees.
     *
     * @throws IllegalArgumentException when the name is taken (Erlang's {@code badarg})
     */
    public Mailbox createMailbox(String registeredName, MessageHandler handler) {
        checkOpen();
        return processes.createMailbox(Atom.of(registeredName), Objects.requireNonNull(handler, "handler"));
    }

    /** The pid registered as {@code registeredName} on this node, if any. */
    public Optional<Pid> whereis(String registeredName) {
        return processes.whereis(Atom.of(registeredName));
    }

    /** Throws when the node is closed. */
    void checkOpen() {
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
        return processes.spawnProcess(body, null).pid();
    }

    // ------------------------------------------------------------------ sending

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

    // ------------------------------------------------------------------ carrier options (net_kernel:setopts/getopts)

    /**
     * Sets a socket option of the live connection to {@code peer}, such as
     * {@code StandardSocketOptions.TCP_NODELAY} or {@code SO_SNDBUF}: OTP's
     * {@code net_kernel:setopts(Node, Opts)}. The options a carrier takes are its own
     * (TCP and TLS: nodelay, buffer sizes, keepalive, TOS; Unix sockets: buffer sizes).
     *
     * @throws IOException                   when not connected to {@code peer} (OTP's
     *                                       {@code noconnection}) or the socket refuses it
     * @throws UnsupportedOperationException when the carrier has no such option
     */
    public <T> void setOption(NodeName peer, SocketOption<T> option, T value) throws IOException {
        live(peer).setOption(Objects.requireNonNull(option, "option"), Objects.requireNonNull(value, "value"));
    }

    /**
     * Reads a socket option of the live connection to {@code peer}: OTP's
     * {@code net_kernel:getopts(Node, Opts)}.
     *
     * @throws IOException                   when not connected to {@code peer}
     * @throws UnsupportedOperationException when the carrier has no such option
     */
    public <T> T getOption(NodeName peer, SocketOption<T> option) throws IOException {
        return live(peer).getOption(Objects.requireNonNull(option, "option"));
    }

    /**
     * Sets a socket option for every connection set up from now on, accepted or dialled;
     * connections already up keep theirs: OTP's {@code net_kernel:setopts(new, Opts)}.
     *
     * @throws UnsupportedOperationException when the carrier has no such option
     */
    public <T> void setNewConnectionOption(SocketOption<T> option, T value) throws IOException {
        checkOpen();
        listener.setOption(Objects.requireNonNull(option, "option"), Objects.requireNonNull(value, "value"));
    }

    /**
     * The value set with {@link #setNewConnectionOption} for {@code option}, or null when
     * none was (new connections get the carrier's default).
     *
     * @throws UnsupportedOperationException when the carrier has no such option
     */
    public <T> T getNewConnectionOption(SocketOption<T> option) throws IOException {
        checkOpen();
        return listener.getOption(Objects.requireNonNull(option, "option"));
    }

    private CarrierConnection live(NodeName peer) throws IOException {
        checkOpen();
        DistConnection c = table.connection(Objects.requireNonNull(peer, "peer"));
        if (c == null || c.isDown()) {
            throw new IOException("options of the connection to " + peer + ": not connected (noconnection)");
        }
        return c.transport();
    }

    /**
     * Pings {@code peer} as {@code net_adm:ping/1} does: connects if needed, then asks its
     * {@code net_kernel} with {@code is_auth}. True for {@code pong}, false for {@code pang}
     * (no connection, or no answer within {@code timeout}, after which the connection is
     * closed as {@code net_adm} closes it).
     */
    public boolean ping(NodeName peer, Duration timeout) throws InterruptedException {
        return AsyncCalls.await(async.ping(peer, timeout, true), RuntimeException.class);
    }

    /**
     * {@link #ping(NodeName, Duration)} without blocking: the future completes with true for
     * {@code pong}, false for {@code pang} (after {@code timeout} with no answer the
     * connection is closed, as {@code net_adm} closes it). No thread waits meanwhile, not
     * even while the connection is set up; the future completes on a new virtual thread (the
     * node's completion executor). Cancelling it drops the answer.
     */
    public CompletableFuture<Boolean> pingAsync(NodeName peer, Duration timeout) {
        return async.ping(peer, timeout, false);
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
        events.add(l);
    }

    /** Removes a listener. */
    public void removeNodeListener(NodeListener l) {
        events.remove(l);
    }

    // ------------------------------------------------------------------ statistics

    /**
     * This node's figures now: every connection that is up (bytes, packets, ticks, output
     * queue, busy-limit waits, carrier figures) and the node's processes, registered names,
     * mailbox depths and RPCs served. Counters are read without stopping traffic (no lock
     * of the message path is taken); the mailbox figures take one walk of the process table.
     * Erlang reads the same with {@code rpc:call(Node, jarl, stats, [])} ({@link NodeStats#toTerm()}).
     */
    public NodeStats stats() {
        Instant at = Instant.now();
        Processes.ProcessFigures p = processes.stats();
        List<ConnectionStats> connections = new ArrayList<>();
        for (ConnectionTable.Up up : table.connectionStates()) {
            connections.add(statsOf(up.connection(), up.replacing()));
        }
        connections.sort(Comparator.comparing(c -> c.peer().toString()));
        return new NodeStats(name, at, started, p.processes(), p.registeredNames(), p.mailboxHighWater(), p.deepest(),
                rpc.served(), rpc.failed(), connections);
    }

    /**
     * The figures of the connection to {@code peer}, if one is up: as in {@link #stats()},
     * without the walk of the process table.
     */
    public Optional<ConnectionStats> connectionStats(NodeName peer) {
        for (ConnectionTable.Up up : table.connectionStates()) {
            if (up.connection().peer().equals(peer)) {
                return Optional.of(statsOf(up.connection(), up.replacing()));
            }
        }
        return Optional.empty();
    }

    private ConnectionStats statsOf(DistConnection c, boolean replacing) {
        DistConnection.Counters k = c.counters();
        return new ConnectionStats(c.peer(), table.carrierName(), c.peerAddress(),
                replacing ? ConnectionStats.State.UP_PENDING : ConnectionStats.State.UP, c.params().hidden() || config.hidden(),
                c.since(), c.agreedFlags(), k.bytesIn(), k.bytesOut(), k.packetsIn(), k.packetsOut(), k.ticksIn(),
                k.ticksOut(), k.queuedBytes(), k.queuedPackets(), k.busyWaits(), Duration.ofNanos(k.busyNanos()),
                c.carrierFigures());
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
        processes.terminateAll(SHUTDOWN);
        async.close();
        table.stopping();
        NodeEpmd registered = epmd;
        if (registered != null) {
            registered.close();
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
        events.stopped(reason);
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
