/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.TermMap;
import dev.jarl.term.Tuple;

/**
 * The {@code global_name_server} of a Jarl node: the protocol of global.erl, version 8.
 *
 * <p>When a visible peer comes up, both servers cast {@code init_connect} with a fresh tag
 * and their locker's pid; each tells its locker of the other's, answers with
 * {@code init_connect_ack}, and the lockers lock both partitions. Then each server sends its
 * names ({@code exchange}); a resolver thread compares them with ours and decides clashes
 * (the side whose node name sorts first calls the resolve method where the clashing process
 * of its side lives); the results cross in {@code resolved}; the names are applied, the
 * peer's known nodes are told of us through {@code new_nodes} (sent by the locker before it
 * lets go), and nodes learnt of are connected and told {@code in_sync}.
 *
 * <p>State is confined to the server's thread ({@link #run}); the tables in {@link GlobalTables}
 * are written only here.
 */
final class GlobalServer {

    static final int VSN = 8;
    /** Version that brought lost_connection and remove_connection (prevent overlapping partitions). */
    private static final int POP_VSN = 7;
    /** Version that brought new_nodes with protocol versions. */
    private static final int PGPV_VSN = 7;
    private static final Duration LOST_CONNECTION_MEMORY = Duration.ofHours(1);
    private static final Duration RESOLVE_RPC_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = System.getLogger(GlobalServer.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Atom INIT_CONNECT = Atom.of("init_connect");
    private static final Atom INIT_CONNECT_ACK = Atom.of("init_connect_ack");
    private static final Atom CANCEL_CONNECT = Atom.of("cancel_connect");
    private static final Atom LOCK_IS_SET = Atom.of("lock_is_set");
    private static final Atom LOCK_SET = Atom.of("lock_set");
    private static final Atom EXCHANGE = Atom.of("exchange");
    private static final Atom EXCHANGE_OPS = Atom.of("exchange_ops");
    private static final Atom RESOLVED = Atom.of("resolved");
    private static final Atom NEW_NODES = Atom.of("new_nodes");
    private static final Atom IN_SYNC = Atom.of("in_sync");
    private static final Atom LOCKER = Atom.of("locker");
    private static final Atom NO_LONGER_A_PID = Atom.of("no_longer_a_pid");
    private static final Atom REGISTER = Atom.of("register");
    private static final Atom REGISTER_EXT = Atom.of("register_ext");
    private static final Atom UNREGISTER = Atom.of("unregister");
    private static final Atom GET_KNOWN = Atom.of("get_known");
    private static final Atom GET_SYNCED = Atom.of("get_synced");
    private static final Atom GET_PROTOCOL_VERSION = Atom.of("get_protocol_version");
    private static final Atom GET_NAMES_EXT = Atom.of("get_names_ext");
    private static final Atom NODEUP = Atom.of("nodeup");
    private static final Atom NODEDOWN = Atom.of("nodedown");
    private static final Atom EXTRA_NODEDOWN = Atom.of("extra_nodedown");
    private static final Atom NODE_TYPE = Atom.of("node_type");
    private static final Atom VISIBLE = Atom.of("visible");
    private static final Atom LOST_CONNECTION = Atom.of("lost_connection");
    private static final Atom REMOVE_CONNECTION = Atom.of("remove_connection");
    private static final Atom WHEREIS = Atom.of("whereis");
    private static final Atom DOWN = Atom.of("DOWN");
    private static final Atom PREPARE_SHUTDOWN = Atom.of("prepare_shutdown");
    private static final Atom ASYNC_DEL_NAME = Atom.of("async_del_name");
    private static final Atom ASYNC_DEL_LOCK = Atom.of("async_del_lock");
    private static final Atom NONE = Atom.of("none");
    private static final Atom BADRPC = Atom.of("badrpc");
    private static final Atom YES = Atom.of("yes");
    private static final Atom VSN_KEY = Atom.of("vsn");
    private static final Atom UNUSED = Atom.of("unused");
    private static final Atom RESOLVE_IT = Atom.of("resolve_it");

    /** What a nodedown means for the prevention of overlapping partitions. */
    private enum Down {
        DISCONNECTED, REMOVE_CONNECTION, IGNORE_NODE
    }

    /** The process dictionary of global.erl, per peer ({@code reset_node_state/1} drops it). */
    private static final class Session {
        Term tagMy;
        Term tagHis;
        /** Null, {@link #LOCK_IS_SET_MARK}, or the peer's name list that came first. */
        Object waitLock;
        /** Null, our ops ({@code List<Term>}), or the peer's {@link SavedResolved}. */
        Object saveOps;
        Tuple preConnect;
        Integer protVsn;
        Term lockId;
    }

    private static final Object LOCK_IS_SET_MARK = new Object();

    private record SavedResolved(TermList hisKnown, TermList hisResolved) {
    }

    private record Resolving(Term tag, Thread thread) {
    }

    private record LostInfo(Term xcreation, Term opId, long expiresNanos) {
    }

    private final Node node;
    private final Global global;
    private final Mailbox box;
    private final Atom self;
    private final GlobalTables tables;
    private final GlobalLocker locker;
    private final GlobalRegistry registry;
    private final AtomicLong uniques = new AtomicLong();
    private final Term creationExtension;
    private final boolean active;

    // protocol state, confined to the server thread
    private final Map<Atom, Integer> known = new LinkedHashMap<>();
    private final Map<Atom, Integer> pending = new HashMap<>();
    private final Set<Atom> removing = new HashSet<>();
    private final Map<Atom, Resolving> resolvers = new HashMap<>();
    private final Map<Atom, Session> sessions = new HashMap<>();
    private final Map<Tuple, LostInfo> lostConnections = new HashMap<>();
    private boolean preventOverlap = true;

    GlobalServer(Node node, Global global, Mailbox box, GlobalTables tables, GlobalLocker locker) {
        this.node = node;
        this.global = global;
        this.box = box;
        this.self = node.nameAtom();
        this.tables = tables;
        this.locker = locker;
        this.registry = new GlobalRegistry(box, tables);
        this.active = !node.config().hidden();
        // global.erl: a random extension above the 32 creation bits, so that a restarted node's
        // lost_connection reports are told apart from its previous incarnation's
        long ext = RANDOM.nextLong() & ~0xFFFF_FFFFL & 0x07FF_FFFF_FFFF_FFFFL;
        this.creationExtension = Int.of(BigInteger.valueOf(ext).add(BigInteger.valueOf(Integer.toUnsignedLong(node.creation()))));
    }

    /** Serves messages until the node closes. */
    void run() {
        while (!node.isClosed()) {
            Term m;
            try {
                m = box.receive();
            } catch (InterruptedException | IllegalStateException stopped) {
                return;
            }
            try {
                handle(m);
            } catch (RuntimeException e) { // one message must not end the server
                if (node.isClosed()) {
                    return;
                }
                LOG.log(Level.WARNING, "global_name_server of " + self + ": dropped a message it failed on: " + m, e);
            }
            global.published(known.keySet(), synced);
        }
    }

    private final Set<Atom> synced = new LinkedHashSet<>();

    private void handle(Term m) {
        Optional<GenServer.Request> r = GenServer.parse(m);
        if (r.isPresent()) {
            switch (r.get()) {
                case GenServer.Call c -> handleCall(c.request(), c.from());
                case GenServer.Cast c -> handleCast(c.request());
            }
        } else {
            handleInfo(m);
        }
    }

    // ------------------------------------------------------------------ calls

    private void handleCall(Term req, Term from) {
        Pid caller = (Pid) ((Tuple) from).get(0);
        if (req instanceof Tuple t && (t.isTagged(REGISTER, 4) || t.isTagged(REGISTER_EXT, 5)) && t.get(2) instanceof Pid pid) {
            // names registered for C nodes (register_ext) are kept as ordinary names here
            registry.insName(t.get(1), pid, t.get(3), caller, null);
            GenServer.reply(box, from, YES);
        } else if (req instanceof Tuple t && t.isTagged(UNREGISTER, 2)) {
            registry.deleteName(t.get(1));
            GenServer.reply(box, from, Atom.OK);
        } else if (req instanceof Tuple t && t.isTagged(GlobalLocking.SET_LOCK, 2) && t.get(1) instanceof Tuple id && id.arity() == 2) {
            GenServer.reply(box, from, registry.setLock(id, caller) ? Atom.TRUE : Atom.FALSE);
        } else if (req instanceof Tuple t && t.isTagged(GlobalLocking.DEL_LOCK, 2) && t.get(1) instanceof Tuple id && id.arity() == 2) {
            registry.delLock(id, caller);
            GenServer.reply(box, from, Atom.TRUE);
        } else if (GET_KNOWN.equals(req)) {
            GenServer.reply(box, from, knownList(0));
        } else if (GET_SYNCED.equals(req)) {
            GenServer.reply(box, from, TermList.of(new ArrayList<>(synced)));
        } else if (GET_PROTOCOL_VERSION.equals(req)) {
            GenServer.reply(box, from, Int.of(VSN));
        } else if (GET_NAMES_EXT.equals(req)) {
            GenServer.reply(box, from, TermList.NIL);
        } else {
            global.logOnce("call " + kind(req), "global_name_server: ignoring call {0}", req);
        }
    }

    // ------------------------------------------------------------------ casts

    private void handleCast(Term req) {
        if (!(req instanceof Tuple t) || t.arity() == 0 || !(t.get(0) instanceof Atom tag)) {
            global.logOnce("cast " + kind(req), "global_name_server: ignoring cast {0}", req);
            return;
        }
        switch (tag.name()) {
            case "init_connect" -> {
                if (t.arity() == 4 && t.get(1) instanceof Tuple v && v.arity() >= 2 && v.get(0) instanceof Int hv
                        && t.get(2) instanceof Atom peer) {
                    int hisVsn = hv.isLong() && hv.longValue() < 1000 ? hv.intValue() : Integer.MAX_VALUE;
                    initConnect(Math.min(hisVsn, VSN), peer, t.get(3), v.get(1), hisVsn);
                    return;
                }
            }
            case "lock_is_set" -> {
                if (t.arity() == 4 && t.get(1) instanceof Atom peer) {
                    if (t.get(2).equals(tagMy(peer))) {
                        lockIsSet(peer, t.get(3));
                    } else {
                        cancelLocker(peer, t.get(2), null);
                    }
                    return;
                }
            }
            case "exchange" -> {
                if (t.arity() == 5 && t.get(1) instanceof Atom peer && t.get(2) instanceof TermList names) {
                    if (t.get(4).equals(tagMy(peer))) {
                        exchange(peer, names);
                    } else {
                        cancelLocker(peer, t.get(4), null);
                    }
                    return;
                }
            }
            case "exchange_ops" -> {
                if (t.arity() == 5 && t.get(1) instanceof Atom peer && t.get(3) instanceof TermList ops
                        && t.get(4) instanceof TermList resolved) {
                    exchangeOps(peer, t.get(2), ops, resolved);
                    return;
                }
            }
            case "resolved" -> {
                if (t.arity() == 7 && t.get(1) instanceof Atom peer && t.get(2) instanceof TermList hisResolved
                        && t.get(3) instanceof TermList hisKnown) {
                    if (t.get(6).equals(tagMy(peer))) {
                        Session s = session(peer);
                        if (s.saveOps instanceof List<?>) {
                            resolved(peer, hisResolved, hisKnown);
                        } else {
                            s.saveOps = new SavedResolved(hisKnown, hisResolved);
                        }
                    } else {
                        cancelLocker(peer, t.get(6), null);
                    }
                    return;
                }
            }
            case "new_nodes" -> {
                if (t.arity() == 6 && t.get(1) instanceof Atom peer && t.get(2) instanceof TermList ops
                        && t.get(4) instanceof TermList nodes) {
                    newNodes(ops, peer, nodes, t.get(5));
                    return;
                }
            }
            case "in_sync" -> {
                if (t.arity() == 3 && t.get(1) instanceof Atom peer) {
                    synced.add(peer);
                    pending.remove(peer);
                    cancelLocker(peer, tagMy(peer), null);
                    sessions.remove(peer);
                    return;
                }
            }
            case "lock_set" -> {
                if ((t.arity() == 5 || t.arity() == 4) && t.get(1) instanceof Pid pid && t.get(2) instanceof Atom set) {
                    if (t.arity() == 4 || t.get(4).equals(tagMy(pid.node()))) {
                        locker.post(new GlobalLocker.LockSet(pid, Atom.TRUE.equals(set), t.arity() == 5 ? t.get(4) : null));
                    }
                    return;
                }
            }
            case "async_del_name", "async_del_lock" -> {
                return; // R13B and older; the DOWN of the monitor does the work
            }
            default -> {
            }
        }
        global.logOnce("cast " + tag.name(), "global_name_server: ignoring cast {0}", req);
    }

    // ------------------------------------------------------------------ other messages

    private void handleInfo(Term m) {
        if (!(m instanceof Tuple t) || t.arity() == 0 || !(t.get(0) instanceof Atom tag)) {
            global.logOnce("info " + kind(m), "global_name_server: ignoring {0}", m);
            return;
        }
        switch (tag.name()) {
            case "nodeup" -> {
                if (t.arity() == 3 && t.get(1) instanceof Atom peer) {
                    if (active && isVisible(t.get(2))) {
                        global.visibleUp(peer);
                        handleNodeup(peer);
                    }
                    return;
                }
            }
            case "nodedown" -> {
                if (t.arity() == 3 && t.get(1) instanceof Atom peer) {
                    if (active && isVisible(t.get(2))) {
                        global.visibleDown(peer);
                        handleNodedown(peer, Down.DISCONNECTED);
                    }
                    return;
                }
            }
            case "extra_nodedown" -> {
                if (t.arity() == 2 && t.get(1) instanceof Atom peer) {
                    global.visibleDown(peer);
                    handleNodedown(peer, Down.DISCONNECTED);
                    return;
                }
            }
            case "DOWN" -> {
                if (t.arity() == 5 && t.get(1) instanceof Ref ref) {
                    registry.down(ref);
                    return;
                }
            }
            case "whereis" -> {
                if (t.arity() == 3) {
                    GlobalTables.Name n = tables.names.get(t.get(1));
                    GenServer.reply(box, t.get(2), n == null ? Atom.UNDEFINED : n.pid());
                    return;
                }
            }
            case "lost_connection" -> {
                if (t.arity() == 5 && t.get(1) instanceof Atom a && t.get(4) instanceof Atom b) {
                    lostConnection(t, a, t.get(2), t.get(3), b);
                    return;
                }
            }
            case "remove_connection" -> {
                if (t.arity() == 2 && t.get(1) instanceof Atom peer) {
                    if (isPotentiallyKnown(peer)) {
                        node.disconnect(NodeName.parse(peer.name()));
                        handleNodedown(peer, Down.REMOVE_CONNECTION);
                        LOG.log(Level.WARNING, "''global'' at node {0} disconnected node {1} in order to prevent "
                                + "overlapping partitions", self, peer);
                    }
                    return;
                }
            }
            case "cancel_connect" -> {
                if (t.arity() == 3 && t.get(1) instanceof Atom peer) {
                    Term myTag = t.get(2);
                    if (myTag.equals(tagMy(peer))) {
                        cancelLocker(peer, myTag, null);
                        sessions.remove(peer);
                        pending.remove(peer);
                        restartConnect(peer, myTag);
                    }
                    return;
                }
            }
            case "init_connect_ack" -> {
                if (t.arity() == 4 && t.get(1) instanceof Atom peer) {
                    Term myMyTag = tagMy(peer);
                    Term myHisTag = sessions.containsKey(peer) ? sessions.get(peer).tagHis : null;
                    if (!(t.get(2).equals(myMyTag) && t.get(3).equals(myHisTag))) {
                        sendCancelConnectMessage(peer, t.get(3));
                        restartConnect(peer, myMyTag);
                    }
                    return;
                }
            }
            case "prepare_shutdown" -> {
                if (t.arity() == 3 && t.get(1) instanceof Pid from) {
                    preventOverlap = false;
                    box.send(from, Tuple.of(t.get(2), Atom.OK));
                    return;
                }
            }
            default -> {
            }
        }
        global.logOnce("info " + tag.name(), "global_name_server: ignoring {0}", m);
    }

    private static boolean isVisible(Term info) {
        if (info instanceof TermList l) {
            for (Term e : l.elements()) {
                if (e instanceof Tuple kv && kv.isTagged(NODE_TYPE, 2)) {
                    return VISIBLE.equals(kv.get(1));
                }
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ connecting

    private void handleNodeup(Atom peer) {
        if (known.containsKey(peer) || resolvers.containsKey(peer)) {
            return;
        }
        Session s = session(peer);
        Tuple pre = s.preConnect;
        s.preConnect = null;
        if (pre != null) {
            // an init_connect that came first: handle it after this nodeup, as global.erl does
            box.send(box.self(), Tuple.of(Atom.GEN_CAST, Tuple.of(INIT_CONNECT, Tuple.of(pre.get(0), pre.get(2)), peer, pre.get(1))));
        }
        Int myTag = Int.of(uniques.incrementAndGet());
        s.tagMy = myTag;
        Map<Term, Term> knownMap = new LinkedHashMap<>();
        known.forEach((n, v) -> knownMap.put(n, Int.of(v)));
        Tuple lockerInfo = Tuple.of(LOCKER, NO_LONGER_A_PID, TermMap.of(knownMap), locker.pid());
        cast(peer, Tuple.of(INIT_CONNECT, Tuple.of(Int.of(VSN), myTag), self, lockerInfo));
        resolvers.put(peer, new Resolving(myTag, null));
    }

    private void initConnect(int vsn, Atom peer, Term initMsg, Term hisTag, int hisVsn) {
        if (pending.containsKey(peer)) {
            // a second connect attempt while one is under way: cancel both and start over
            sendCancelConnectMessage(peer, hisTag);
            restartConnect(peer, tagMy(peer));
        }
        Session s = session(peer);
        s.protVsn = vsn;
        s.tagHis = hisTag;
        Resolving r = resolvers.get(peer);
        if (r != null) {
            if (initMsg instanceof Tuple lm && lm.isTagged(LOCKER, 4) && lm.get(3) instanceof Pid hisLocker) {
                locker.post(new GlobalLocker.HisTheLocker(hisLocker, vsn, hisTag, r.tag()));
            }
            if (hisVsn >= VSN) {
                volatileSend(peer, Tuple.of(INIT_CONNECT_ACK, self, hisTag, r.tag()));
            }
            pending.put(peer, hisVsn);
        } else {
            s.preConnect = Tuple.of(Int.of(vsn), initMsg, hisTag);
        }
    }

    private void restartConnect(Atom peer, Term myTag) {
        cancelLocker(peer, myTag, null);
        sessions.remove(peer);
        pending.remove(peer);
        if (myTag instanceof Int) {
            handleNodeup(peer);
        }
    }

    private void lockIsSet(Atom peer, Term lockId) {
        Session s = session(peer);
        cast(peer, Tuple.of(EXCHANGE, self, registry.namesList(), TermList.NIL, s.tagHis));
        s.lockId = lockId;
        if (s.waitLock instanceof TermList names) {
            s.waitLock = LOCK_IS_SET_MARK;
            exchange(peer, names);
        } else {
            s.waitLock = LOCK_IS_SET_MARK;
        }
    }

    private void exchange(Atom peer, TermList names) {
        Session s = session(peer);
        Object w = s.waitLock;
        s.waitLock = null;
        if (w == LOCK_IS_SET_MARK) {
            Resolving r = resolvers.get(peer);
            if (r != null) {
                Term tag = r.tag();
                Thread th = Thread.ofVirtual().name("jarl-global-resolver-" + peer).unstarted(() -> resolve(peer, tag, names));
                resolvers.put(peer, new Resolving(tag, th));
                th.start();
            }
        } else {
            s.waitLock = names;
        }
    }

    private void exchangeOps(Atom peer, Term myTag, TermList ops, TermList resolved) {
        if (!myTag.equals(tagMy(peer))) {
            cancelLocker(peer, myTag, null);
            return;
        }
        Session s = session(peer);
        cast(peer, Tuple.of(RESOLVED, self, resolved, knownList(nodeVsn(peer)), UNUSED, TermList.NIL, s.tagHis));
        Object saved = s.saveOps;
        s.saveOps = new ArrayList<>(ops.elements());
        if (saved instanceof SavedResolved his) {
            resolved(peer, his.hisResolved(), his.hisKnown());
        }
    }

    @SuppressWarnings("unchecked")
    private void resolved(Atom peer, TermList hisResolved, TermList hisKnown) {
        Session s = session(peer);
        List<Term> ops = new ArrayList<>((List<Term>) s.saveOps);
        s.saveOps = null;
        ops.addAll(hisResolved.elements());
        Map<Atom, Integer> knownBefore = new LinkedHashMap<>(known);
        List<Term> newNodes = new ArrayList<>();
        newNodes.add(Tuple.of(peer, Int.of(nodeVsn(peer))));
        List<Atom> hisKnownNodes = new ArrayList<>();
        for (Term k : hisKnown.elements()) {
            Atom n = nodeOf(k);
            if (n == null) {
                continue;
            }
            hisKnownNodes.add(n);
            if (k instanceof Tuple nv && nv.get(1) instanceof Int v && v.signum() != 0) {
                newNodes.add(nv);
            } else {
                newNodes.add(Tuple.of(n, Int.of(nodeVsn(n))));
            }
        }
        syncOthers(hisKnownNodes);
        TermList extraInfo = TermList.of(Tuple.of(VSN_KEY, s.protVsn == null ? Atom.UNDEFINED : Int.of(s.protVsn)),
                Tuple.of(GlobalRegistry.LOCK_KEY, s.lockId == null ? Atom.UNDEFINED : s.lockId));
        registry.doOps(ops, self, extraInfo);
        synced.add(peer); // before the node is known: global:sync() callers wait for this
        for (Atom n : hisKnownNodes) {
            cancelResolvedLocker(n, null);
        }
        TermList opsList = TermList.of(ops);
        TermList newNodesList = TermList.of(newNodes);
        Tuple msg = Tuple.of(NEW_NODES, self, opsList, TermList.NIL, newNodesList, extraInfo);
        List<Term> plainNodes = new ArrayList<>();
        for (Term nv : newNodes) {
            plainNodes.add(((Tuple) nv).get(0));
        }
        Tuple oldMsg = Tuple.of(NEW_NODES, self, opsList, TermList.NIL, TermList.of(plainNodes), extraInfo);
        // the locker that holds the lock sends new_nodes before it lets go, so that del_lock
        // reaches each node after new_nodes
        Consumer<Mailbox> tellKnown = lockerBox -> knownBefore.forEach((n, v) -> lockerBox.send(GlobalCalls.SERVER.name(),
                NodeName.parse(n.name()), Tuple.of(Atom.GEN_CAST, v >= PGPV_VSN ? msg : oldMsg)));
        cancelResolvedLocker(peer, tellKnown);
        List<Atom> added = addToKnown(newNodes);
        locker.post(new GlobalLocker.AddToKnown(added));
    }

    private void cancelResolvedLocker(Atom peer, Consumer<Mailbox> fun) {
        Term tag = tagMy(peer);
        pending.remove(peer);
        cancelLocker(peer, tag, fun);
        sessions.remove(peer);
    }

    private void newNodes(TermList ops, Atom from, TermList nodes, Term extraInfo) {
        List<Atom> added = addToKnown(nodes.elements());
        syncOthers(added);
        registry.doOps(ops.elements(), from, extraInfo);
        locker.post(new GlobalLocker.AddToKnown(added));
    }

    private List<Atom> addToKnown(List<Term> nodes) {
        List<Atom> added = new ArrayList<>();
        for (Term t : nodes) {
            Atom n = nodeOf(t);
            if (n == null || n.equals(self)) {
                continue;
            }
            int v = t instanceof Tuple nv && nv.get(1) instanceof Int i && i.isLong() ? i.intValue() : 0;
            if (!known.containsKey(n)) {
                added.add(0, n);
                known.put(n, v);
            }
        }
        return added;
    }

    private static Atom nodeOf(Term t) {
        if (t instanceof Atom a) {
            return a;
        }
        if (t instanceof Tuple nv && nv.arity() == 2 && nv.get(0) instanceof Atom a) {
            return a;
        }
        return null;
    }

    /**
     * {@code sync_others/1}: connect to each node learnt of and tell it {@code in_sync}; a
     * node that cannot be reached gets an {@code extra_nodedown} here.
     */
    private void syncOthers(List<Atom> nodes) {
        Pid server = box.self();
        for (Atom n : nodes) {
            Thread.ofVirtual().name("jarl-global-sync-" + n).start(() -> {
                try {
                    NodeName nn = NodeName.parse(n.name());
                    node.connect(nn);
                    global.sender().send(GlobalCalls.SERVER.name(), nn, Tuple.of(Atom.GEN_CAST, Tuple.of(IN_SYNC, self, Atom.TRUE)));
                } catch (java.io.IOException e) {
                    LOG.log(Level.WARNING, "''global'' at {0} failed to connect to {1}: {2}", self, n, e.getMessage());
                    if (!node.isClosed()) {
                        global.sender().send(server, Tuple.of(EXTRA_NODEDOWN, n));
                    }
                } catch (InterruptedException | IllegalStateException stopped) {
                    // the node is closing
                }
            });
        }
    }

    // ------------------------------------------------------------------ going down

    private void handleNodedown(Atom peer, Down what) {
        cancelLocker(peer, tagMy(peer), null);
        locker.post(new GlobalLocker.RemoveFromKnown(peer));
        sessions.remove(peer);
        switch (what) {
            case REMOVE_CONNECTION -> removing.add(peer);
            case IGNORE_NODE -> removing.remove(peer);
            case DISCONNECTED -> {
                if (!removing.remove(peer)) {
                    informConnectionLoss(peer);
                }
            }
        }
        pending.remove(peer);
        known.remove(peer);
        synced.remove(peer);
    }

    /** {@code inform_connection_loss/2}: tell every other known node that we lost {@code peer}. */
    private void informConnectionLoss(Atom peer) {
        if (!preventOverlap) {
            return;
        }
        Tuple msg = Tuple.of(LOST_CONNECTION, self, creationExtension, Int.of(uniques.incrementAndGet()), peer);
        multicast(msg, peer);
    }

    private void multicast(Tuple msg, Atom except) {
        known.forEach((n, v) -> {
            if (!n.equals(except) && v >= POP_VSN) {
                volatileSend(n, msg);
            }
        });
        pending.forEach((n, v) -> {
            if (!n.equals(except) && v >= POP_VSN) {
                volatileSend(n, msg);
            }
        });
    }

    private void lostConnection(Tuple msg, Atom nodeA, Term xcreA, Term opIdA, Atom nodeB) {
        if (!preventOverlap) {
            return;
        }
        long now = System.nanoTime();
        lostConnections.values().removeIf(i -> now - i.expiresNanos() > 0);
        Tuple key = Tuple.of(nodeA, nodeB);
        LostInfo seen = lostConnections.get(key);
        if (seen != null && seen.xcreation().equals(xcreA) && opIdA.compareTo(seen.opId()) <= 0) {
            return; // handled already
        }
        // pass it on, so that every node hears of it even if some lose nodeA meanwhile
        multicast(msg, nodeA);
        lostConnections.put(key, new LostInfo(xcreA, opIdA, now + LOST_CONNECTION_MEMORY.toNanos()));
        Atom rm = self.equals(nodeB) ? nodeA : nodeB;
        if (!isPotentiallyKnown(rm)) {
            return;
        }
        String what;
        if (nodeVsn(rm) < POP_VSN) {
            node.disconnect(NodeName.parse(rm.name()));
            what = "disconnected old";
        } else {
            volatileSend(rm, Tuple.of(REMOVE_CONNECTION, self));
            what = "requested disconnect from";
        }
        LOG.log(Level.WARNING, "''global'' at node {0} {1} node {2} in order to prevent overlapping partitions",
                self, what, rm);
        handleNodedown(rm, Down.REMOVE_CONNECTION);
    }

    private boolean isPotentiallyKnown(Atom n) {
        return known.containsKey(n) || pending.containsKey(n);
    }

    // ------------------------------------------------------------------ the locker and sessions

    private void cancelLocker(Atom peer, Term tag, Consumer<Mailbox> fun) {
        locker.post(new GlobalLocker.Cancel(peer, tag, fun));
        sendCancelConnect(peer, tag);
        Resolving r = resolvers.get(peer);
        if (r != null && r.tag().equals(tag)) {
            if (r.thread() != null) {
                r.thread().interrupt();
            }
            resolvers.remove(peer);
        }
    }

    private void sendCancelConnect(Atom peer, Term myTag) {
        Integer v = pending.get(peer);
        if (v == null || v < VSN || myTag == null || !myTag.equals(tagMy(peer))) {
            return;
        }
        sendCancelConnectMessage(peer, sessions.get(peer).tagHis);
    }

    private void sendCancelConnectMessage(Atom peer, Term hisTag) {
        volatileSend(peer, Tuple.of(CANCEL_CONNECT, self, hisTag == null ? Atom.UNDEFINED : hisTag));
    }

    private Session session(Atom peer) {
        return sessions.computeIfAbsent(peer, p -> new Session());
    }

    private Term tagMy(Atom peer) {
        Session s = sessions.get(peer);
        return s == null ? null : s.tagMy;
    }

    private int nodeVsn(Atom n) {
        if (n.equals(self)) {
            return VSN;
        }
        Integer v = known.get(n);
        if (v == null) {
            v = pending.get(n);
        }
        return v == null ? 0 : v;
    }

    /** {@code mk_known_list/2}: {@code [{Node, Vsn}]}, or plain names for an old peer (and for get_known). */
    private TermList knownList(int peerVsn) {
        List<Term> out = new ArrayList<>();
        known.forEach((n, v) -> out.add(peerVsn < PGPV_VSN ? n : Tuple.of(n, Int.of(v))));
        return TermList.of(out);
    }

    // ------------------------------------------------------------------ names and locks

    /**
     * The resolver of global.erl, on a thread of its own: compares the peer's names with
     * ours; on a clash, the side whose node name sorts first decides, calling the method of
     * its own registration where that process lives.
     */
    private void resolve(Atom peer, Term tag, TermList theirs) {
        List<Term> ops = new ArrayList<>();
        List<Term> res = new ArrayList<>();
        for (Term e : theirs.elements()) {
            if (!(e instanceof Tuple t && t.arity() == 3 && t.get(1) instanceof Pid pid)) {
                continue;
            }
            Term name = t.get(0);
            Term method = t.get(2);
            GlobalTables.Name mine = tables.names.get(name);
            if (mine == null) {
                ops.add(0, Tuple.of(GlobalRegistry.INSERT, Tuple.of(name, pid, method)));
            } else if (mine.pid().equals(pid) || self.compareTo(peer) >= 0) {
                continue; // the same, or the other side decides
            } else {
                Pid pid2 = mine.pid();
                Term outcome = resolveIt(mine.method(), name, pid, pid2);
                if (Thread.currentThread().isInterrupted()) {
                    return; // cancelled
                }
                if (outcome.equals(pid)) {
                    ops.add(0, Tuple.of(GlobalRegistry.INSERT, Tuple.of(name, pid, method)));
                } else if (outcome.equals(pid2)) {
                    res.add(0, Tuple.of(GlobalRegistry.INSERT, Tuple.of(name, pid2, mine.method())));
                } else if (outcome.equals(NONE)) {
                    Tuple del = Tuple.of(GlobalRegistry.DELETE, name);
                    ops.add(0, del);
                    res.add(0, del);
                } else if (outcome instanceof Tuple b && b.isTagged(BADRPC, 2)) {
                    LOG.log(Level.INFO, "global: badrpc {0} received when conflicting name {1} was found", b.get(1), name);
                    ops.add(0, Tuple.of(GlobalRegistry.INSERT, Tuple.of(name, pid, method)));
                } else {
                    LOG.log(Level.INFO, "global: Resolve method {0} for conflicting name {1} returned {2}",
                            method, name, outcome);
                    Tuple del = Tuple.of(GlobalRegistry.DELETE, name);
                    ops.add(0, del);
                    res.add(0, del);
                }
            }
        }
        if (!node.isClosed() && !Thread.currentThread().isInterrupted()) {
            global.sender().send(box.self(), Tuple.of(Atom.GEN_CAST,
                    Tuple.of(EXCHANGE_OPS, peer, tag, TermList.of(ops), TermList.of(res))));
        }
    }

    /** {@code rpc:call(node(Pid2), global, resolve_it, [Method2, Name, Pid, Pid2])}, here when local. */
    private Term resolveIt(Term method, Term name, Pid pid, Pid pid2) {
        if (pid2.node().equals(self)) {
            try {
                return global.resolveIt(method, name, pid, pid2);
            } catch (RuntimeException e) {
                return Tuple.of(BADRPC, Tuple.of(Atom.EXIT, Atom.of(String.valueOf(e.getMessage()))));
            }
        }
        try {
            return node.rpc(NodeName.parse(pid2.node().name()), GlobalBuiltins.GLOBAL.name(), RESOLVE_IT.name(),
                    List.of(method, name, pid, pid2), RESOLVE_RPC_TIMEOUT);
        } catch (RpcException e) {
            return Tuple.of(BADRPC, Atom.of(e.getClass().getSimpleName()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return NONE;
        }
    }

    // ------------------------------------------------------------------ sending

    private void cast(Atom peer, Tuple request) {
        box.send(GlobalCalls.SERVER.name(), NodeName.parse(peer.name()), Tuple.of(Atom.GEN_CAST, request));
    }

    /** {@code gns_volatile_send/2}: only over a connection that is up; never sets one up. */
    private void volatileSend(Atom peer, Term msg) {
        NodeName nn = NodeName.parse(peer.name());
        if (node.nodes().contains(nn)) {
            box.send(GlobalCalls.SERVER.name(), nn, msg);
        }
    }

    private static String kind(Term t) {
        if (t instanceof Tuple x && x.arity() > 0 && x.get(0) instanceof Atom a) {
            return a.name() + "/" + x.arity();
        }
        return t instanceof Atom a ? a.name() : t.getClass().getSimpleName();
    }
}
