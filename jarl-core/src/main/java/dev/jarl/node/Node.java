package dev.jarl.node;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import dev.jarl.carrier.AddressResolver;
import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.Carriers;
import dev.jarl.carrier.Listener;
import dev.jarl.carrier.TcpOptions;
import dev.jarl.channel.ControlMessage;
import dev.jarl.channel.DistConnection;
import dev.jarl.epmd.EpmdClient;
import dev.jarl.epmd.EpmdRegistration;
import dev.jarl.epmd.EpmdServer;
import dev.jarl.handshake.Cookie;
import dev.jarl.handshake.DistFlags;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
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
 * {@code {features_reply, Node, []}} (no {@code erpc} yet, so Erlang's {@code rpc} knows not
 * to use it), and {@code global}'s {@code init_connect} cast, which Jarl ignores because it
 * does not take part in {@code global}: on the Erlang side {@code global:sync()} then waits for
 * the Jarl node. Prefer hidden unless you need to be visible.
 *
 * <p><b>Built-in processes.</b> {@code net_kernel} answers {@code is_auth} with {@code yes},
 * so {@code net_adm:ping/1} from Erlang returns {@code pong}; {@code rex} and
 * {@code global_name_server} as above.
 *
 * <p>Thread-safe. Every party (acceptor, handshakes, connection readers and writers, the
 * ticker, built-in processes) runs on virtual threads.
 */
public final class Node implements AutoCloseable {

    private static final Logger LOG = System.getLogger(Node.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Atom NET_KERNEL = Atom.of("net_kernel");
    private static final Atom REX = Atom.of("rex");
    private static final Atom GLOBAL = Atom.of("global_name_server");
    private static final Atom YES = Atom.of("yes");
    private static final Atom IS_AUTH = Atom.of("is_auth");

    private final NodeConfig config;
    private final NodeName name;
    private final Atom nameAtom;
    private final Carrier carrier;
    private final ConnectionTable table;
    private final ConcurrentHashMap<Pid, LocalProcess> processes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Atom, LocalProcess> registry = new ConcurrentHashMap<>();
    private final List<NodeListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> loggedOnce = ConcurrentHashMap.newKeySet();
    private final AtomicLong pidCounter = new AtomicLong(64);
    private final AtomicLong refCounter = new AtomicLong();
    private final int refSalt = RANDOM.nextInt();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile int creation;
    private volatile Listener listener;
    private volatile EpmdRegistration registration;
    private volatile EpmdServer embeddedEpmd;
    private volatile Thread ticker;

    private Node(NodeConfig config, Cookie cookie, Carrier carrier) {
        this.config = config;
        this.name = config.name();
        this.nameAtom = Atom.of(name.toString());
        this.carrier = carrier;
        this.table = new ConnectionTable(config, carrier, new TableHost());
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
        Cookie cookie = config.cookie().isPresent() ? config.cookie().get() : HomeCookie.load();
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
        startTicker();
        startSystemProcesses();
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
            if (processes.putIfAbsent(p.pid(), p) == null) {
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

    /** Ends a process: unregisters it, closes its queue, tells linked peers. */
    void exit(LocalProcess p, String reason) {
        Set<Pid> linked = p.exit(reason);
        processes.remove(p.pid(), p);
        Atom n = p.registeredName();
        if (n != null) {
            registry.remove(n, p);
        }
        for (Pid other : linked) {
            if (!other.node().equals(nameAtom)) {
                DistConnection c = table.connection(NodeName.parse(other.node().name()));
                if (c != null) {
                    c.send(new ControlMessage.Exit(p.pid(), other, Atom.of(reason)));
                }
            }
        }
    }

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
        NodeName target = NodeName.parse(to.node().name());
        ControlMessage m = from != null ? new ControlMessage.SendSender(from, to, message) : new ControlMessage.Send(to, message);
        table.send(target, m);
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
        table.send(node, new ControlMessage.RegSend(from, to, message));
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
            box.send("net_kernel", peer, Tuple.of(Atom.GEN_CALL, Tuple.of(box.self(), ref), Tuple.of(IS_AUTH, nameAtom)));
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            Optional<Term> reply = box.receive(m -> m instanceof Tuple t && t.arity() == 2 && t.get(0).equals(ref), left);
            if (reply.isPresent() && ((Tuple) reply.get()).get(1).equals(YES)) {
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
        public void received(DistConnection connection, ControlMessage message) {
            dispatch(connection, message);
        }

        @Override
        public void nodeUp(NodeName peer, DistConnection connection) {
            for (NodeListener l : listeners) {
                try {
                    l.nodeUp(peer);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "node listener failed on nodeup " + peer, e);
                }
            }
        }

        @Override
        public void nodeDown(NodeName peer, String reason) {
            for (NodeListener l : listeners) {
                try {
                    l.nodeDown(peer, reason);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "node listener failed on nodedown " + peer, e);
                }
            }
        }
    }

    // ------------------------------------------------------------------ input

    private void dispatch(DistConnection c, ControlMessage message) {
        switch (message) {
            case ControlMessage.Send m -> deliverLocal(m.to(), m.message());
            case ControlMessage.SendSender m -> deliverLocal(m.to(), m.message());
            case ControlMessage.SendTT m -> deliverLocal(m.to(), m.message());
            case ControlMessage.SendSenderTT m -> deliverLocal(m.to(), m.message());
            case ControlMessage.RegSend m -> deliverName(m.toName(), m.message());
            case ControlMessage.RegSendTT m -> deliverName(m.toName(), m.message());
            case ControlMessage.Link m -> {
                LocalProcess p = local(m.to());
                if (p != null && !p.exited()) {
                    p.linkFrom(m.from());
                } else {
                    c.sendNoWait(new ControlMessage.Exit(m.to(), m.from(), Atom.NOPROC));
                }
            }
            case ControlMessage.UnlinkId m -> {
                LocalProcess p = local(m.to());
                if (p != null) {
                    p.unlinkFrom(m.from());
                }
                c.sendNoWait(new ControlMessage.UnlinkIdAck(m.id(), m.to(), m.from()));
            }
            case ControlMessage.UnlinkIdAck m -> {
            }
            case ControlMessage.Unlink m -> {
                LocalProcess p = local(m.to());
                if (p != null) {
                    p.unlinkFrom(m.from());
                }
            }
            case ControlMessage.Exit m -> linkExit(m.from(), m.to(), m);
            case ControlMessage.ExitTT m -> linkExit(m.from(), m.to(), m);
            case ControlMessage.PayloadExit m -> linkExit(m.from(), m.to(), m);
            case ControlMessage.PayloadExitTT m -> linkExit(m.from(), m.to(), m);
            case ControlMessage.Exit2 m -> notYet(c, m);
            case ControlMessage.Exit2TT m -> notYet(c, m);
            case ControlMessage.PayloadExit2 m -> notYet(c, m);
            case ControlMessage.PayloadExit2TT m -> notYet(c, m);
            case ControlMessage.MonitorP m -> notYet(c, m);
            case ControlMessage.DemonitorP m -> notYet(c, m);
            case ControlMessage.MonitorPExit m -> notYet(c, m);
            case ControlMessage.PayloadMonitorPExit m -> notYet(c, m);
            case ControlMessage.SpawnRequest m -> notYet(c, m);
            case ControlMessage.SpawnRequestTT m -> notYet(c, m);
            case ControlMessage.SpawnReply m -> notYet(c, m);
            case ControlMessage.SpawnReplyTT m -> notYet(c, m);
            case ControlMessage.AliasSend m -> notYet(c, m);
            case ControlMessage.AliasSendTT m -> notYet(c, m);
            case ControlMessage.GroupLeader m -> notYet(c, m);
            case ControlMessage.NodeLink m -> notYet(c, m);
        }
    }

    private LocalProcess local(Pid pid) {
        return pid.node().equals(nameAtom) ? processes.get(pid) : null;
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

    /** An exit signal over a link: the link is gone; exit semantics arrive with the processes work. */
    private void linkExit(Pid from, Pid to, ControlMessage m) {
        LocalProcess p = local(to);
        if (p != null) {
            p.unlinkFrom(from);
        }
        logOnce(m.opName(), "received {0} from {1}: the link is removed; exit signals are not acted on yet", m.opName(), from);
    }

    private void notYet(DistConnection c, ControlMessage m) {
        logOnce(m.opName(), "dropping {0} from {1}: not implemented yet (its flag was not offered)", m.opName(), c.peer());
    }

    private void logOnce(String key, String format, Object... args) {
        if (loggedOnce.add(key)) {
            LOG.log(Level.WARNING, format + " (logged once per kind)", args);
        }
    }

    // ------------------------------------------------------------------ built-in processes and ticks

    private void startSystemProcesses() {
        Mailbox netKernel = createMailbox(NET_KERNEL.name());
        Mailbox rex = createMailbox(REX.name());
        Mailbox global = createMailbox(GLOBAL.name());
        serve(netKernel, this::netKernel);
        serve(rex, this::rex);
        serve(global, this::global);
    }

    private interface Handler {
        void handle(Mailbox box, Term message);
    }

    private void serve(Mailbox box, Handler handler) {
        Thread.ofVirtual().name("jarl-" + box.name().orElse("system") + "-" + name).start(() -> {
            try {
                while (true) {
                    handler.handle(box, box.receive());
                }
            } catch (InterruptedException | IllegalStateException stopped) {
                // the node is closing
            }
        });
    }

    /** {@code {'$gen_call', {Pid, Tag}, {is_auth, Node}}} &rarr; {@code {Tag, yes}}. */
    private void netKernel(Mailbox box, Term message) {
        if (message instanceof Tuple t && t.isTagged(Atom.GEN_CALL, 3) && t.get(1) instanceof Tuple from
                && from.arity() == 2 && from.get(0) instanceof Pid caller) {
            if (t.get(2) instanceof Tuple req && req.isTagged(IS_AUTH, 2)) {
                box.send(caller, Tuple.of(from.get(1), YES));
                return;
            }
            logOnce("net_kernel call", "net_kernel: ignoring call {0}", t.get(2));
            return;
        }
        logOnce("net_kernel msg", "net_kernel: ignoring {0}", message);
    }

    /** {@code {Pid, features_request}} &rarr; {@code {features_reply, Node, []}}. */
    private void rex(Mailbox box, Term message) {
        if (message instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid from
                && t.get(1).equals(Atom.of("features_request"))) {
            box.send(from, Tuple.of(Atom.of("features_reply"), nameAtom, dev.jarl.term.TermList.NIL));
            return;
        }
        logOnce("rex", "rex: ignoring {0} (RPC into Jarl is not implemented yet)", message);
    }

    /** {@code global}'s {@code init_connect} and everything else: ignored (Jarl is not part of global). */
    private void global(Mailbox box, Term message) {
        logOnce("global", "global_name_server: ignoring {0}; Jarl does not take part in global", message);
    }

    /**
     * One check of every connection per tick interval ({@link dev.jarl.channel.TickPolicy}).
     * The schedule follows {@link NodeConfig#clock()}; a wait is never longer than one
     * interval, so a clock that jumps cannot stall the ticker, and a late wake-up does not
     * fire a burst of checks.
     */
    private void startTicker() {
        long interval = Math.max(1, config.tickInterval().toMillis());
        int intensity = config.tickIntensity();
        InstantSource clock = config.clock();
        Thread t = Thread.ofVirtual().name("jarl-ticker-" + name).start(() -> {
            long next = clock.millis();
            try {
                while (!closed.get()) {
                    next += interval;
                    long wait = next - clock.millis();
                    if (wait > interval || wait < -interval) {
                        next = clock.millis() + interval;
                        wait = interval;
                    }
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    for (DistConnection c : table.connections()) {
                        c.tickCheck(intensity);
                    }
                }
            } catch (InterruptedException stopped) {
                // closing
            }
        });
        this.ticker = t;
    }

    // ------------------------------------------------------------------ close

    /**
     * Stops the node: unregisters from EPMD, stops accepting, ends every process with reason
     * {@code shutdown} (linked processes on other nodes get the exit signal), gives the
     * connections up to half a second to send what is queued, and closes them. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
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
        for (LocalProcess p : processes.values()) {
            exit(p, "shutdown");
        }
        table.close();
        Thread t = ticker;
        if (t != null) {
            t.interrupt();
        }
        LOG.log(Level.INFO, "node {0} stopped", name);
    }

    /** True once {@link #close()} was called. */
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "Node[" + name + "]";
    }
}
