/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * {@code global} in a three-node cluster: two {@code erl} nodes and one visible Jarl node,
 * each test with its own EPMD and fresh nodes. Node names are chosen so that the order of
 * the names (which decides who resolves a clash) is known: {@code a...} &lt; {@code m...}
 * &lt; {@code z...}.
 */
@Timeout(180)
class GlobalInteropTest {

    private static final String COOKIE = "globaltest";
    private static final Duration SYNC = Duration.ofSeconds(30);

    private RealEpmd epmd;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeEach
    void epmd() {
        Otp.requireErl();
        epmd = RealEpmd.start();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
        if (epmd != null) {
            epmd.close();
        }
    }

    private ErlNode erl(String prefix) {
        ErlNode e = ErlNode.start(Otp.uniqueName(prefix), COOKIE, epmd.port());
        closing.add(e);
        return e;
    }

    private Node jarl(String prefix) throws Exception {
        Node n = Node.start(NodeConfig.builder(Otp.uniqueName(prefix) + "@" + Otp.shortHost()).cookie(COOKIE)
                .epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).hidden(false).build());
        closing.add(n);
        return n;
    }

    private static String q(Object node) {
        return "'" + node + "'";
    }

    private static void syncs(ErlNode e) {
        ErlNode.Result r = e.evalResult("global:sync()", SYNC);
        assertTrue(r.ok() && r.text().equals("ok"), () -> "global:sync() on " + e.name() + ": " + r.text());
    }

    /** Spawns a process on {@code e} that waits for {@code stop} and keeps it as {@code key}. */
    private static String spawnOn(ErlNode e, String key) {
        return e.eval("P = spawn(fun() -> receive stop -> ok end end), put(" + key + ", P), P");
    }

    private static void awaitEval(ErlNode e, String expr, String expected) throws InterruptedException {
        String[] seen = {""};
        Await.within(SYNC, () -> expected.equals(seen[0] = e.eval(expr)));
        assertEquals(expected, seen[0], expr + " on " + e.name());
    }

    /** A cluster of a, m (erl) and z (Jarl), or with the Jarl node first when {@code jarlFirst}. */
    private record Cluster(ErlNode e1, ErlNode e2, Node jarl) {
    }

    /** e1 connects to e2 and the Jarl node, and global syncs on all three. */
    private static void connectAndSync(Cluster c) throws InterruptedException {
        assertEquals("pong", c.e1().eval("net_adm:ping(" + q(c.e2().name()) + ")"));
        assertEquals("pong", c.e1().eval("net_adm:ping(" + q(c.jarl().name()) + ")"));
        syncs(c.e1());
        syncs(c.e2());
        assertTrue(c.jarl().global().sync(SYNC));
    }

    private Cluster cluster(boolean jarlFirst) throws Exception {
        ErlNode e1 = erl("m_erl");
        ErlNode e2 = erl(jarlFirst ? "n_erl" : "a_erl");
        Node jarl = jarl(jarlFirst ? "a_jarl" : "z_jarl");
        return new Cluster(e1, e2, jarl);
    }

    @Test
    void syncCompletesAndNamesResolveFromEveryNode() throws Exception {
        Cluster c = cluster(false);
        connectAndSync(c);
        // global connects everyone to everyone
        awaitEval(c.e2(), "lists:member(" + q(c.jarl().name()) + ", nodes())", "true");
        assertTrue(Await.within(SYNC, () -> c.jarl().nodes().contains(NodeName.parse(c.e2().name()))));

        // registered on Erlang, seen by Jarl and the other Erlang node
        spawnOn(c.e1(), "p1");
        assertEquals("yes", c.e1().eval("global:register_name(from_erl, get(p1))"));
        assertEquals(q(c.e1().name()), "'" + c.e2().eval("node(global:whereis_name(from_erl))") + "'");
        assertTrue(Await.within(SYNC, () -> c.jarl().global().whereis(Atom.of("from_erl")).isPresent()));
        assertEquals(c.e1().name(), c.jarl().global().whereis(Atom.of("from_erl")).get().node().name());

        // registered on Jarl, seen by both Erlang nodes; global:send reaches it
        Mailbox box = c.jarl().createMailbox();
        assertTrue(c.jarl().global().register(Atom.of("from_jarl"), box.self()));
        assertFalse(c.jarl().global().register(Atom.of("from_jarl"), c.jarl().createMailbox().self()), "a taken name");
        assertEquals("true", c.e1().eval("node(global:whereis_name(from_jarl)) =:= " + q(c.jarl().name())));
        assertEquals("true", c.e2().eval("node(global:whereis_name(from_jarl)) =:= " + q(c.jarl().name())));
        c.e2().eval("global:send(from_jarl, {hello, self()})");
        Optional<Term> got = box.receive(Duration.ofSeconds(10));
        assertTrue(got.isPresent() && got.get() instanceof Tuple t && t.get(0).equals(Atom.of("hello")), () -> "" + got);
        assertEquals("no", c.e2().eval("global:register_name(from_jarl, self())"));

        // Jarl sends by global name to the Erlang process
        c.e1().eval("register(watch, self())");
        Pid mon = c.jarl().global().send(Atom.of("from_erl"), Atom.of("ping"));
        assertEquals(c.e1().name(), mon.node().name());

        // unregister from both sides
        c.e2().eval("global:unregister_name(from_erl)");
        assertTrue(Await.within(SYNC, () -> c.jarl().global().whereis(Atom.of("from_erl")).isEmpty()));
        assertEquals("undefined", c.e1().eval("global:whereis_name(from_erl)"));
        c.jarl().global().unregister(Atom.of("from_jarl"));
        assertEquals("undefined", c.e1().eval("global:whereis_name(from_jarl)"));
        assertEquals("undefined", c.e2().eval("global:whereis_name(from_jarl)"));

        // a name whose process ends goes away everywhere
        assertTrue(c.jarl().global().register(Atom.of("short_lived"), box.self()));
        assertEquals("true", c.e2().eval("is_pid(global:whereis_name(short_lived))"));
        box.close();
        awaitEval(c.e2(), "global:whereis_name(short_lived)", "undefined");
        awaitEval(c.e1(), "global:whereis_name(short_lived)", "undefined");

        // names of a node that goes down disappear everywhere
        Mailbox staying = c.jarl().createMailbox();
        assertTrue(c.jarl().global().register(Atom.of("jarl_leaves"), staying.self()));
        assertEquals("true", c.e1().eval("is_pid(global:whereis_name(jarl_leaves))"));
        c.jarl().close();
        awaitEval(c.e1(), "global:whereis_name(jarl_leaves)", "undefined");
        awaitEval(c.e2(), "global:whereis_name(jarl_leaves)", "undefined");
        syncs(c.e1());
    }

    @Test
    void anErlangNodeSyncsWithAJarlNodeAlone() throws Exception {
        ErlNode e = erl("m_erl");
        Node jarl = jarl("z_jarl");
        assertEquals("pong", e.eval("net_adm:ping(" + q(jarl.name()) + ")"));
        syncs(e);
        assertTrue(jarl.global().sync(SYNC));
        assertEquals("[" + jarl.name() + "]", e.eval("nodes()"));
        assertEquals(List.of(NodeName.parse(e.name())), jarl.global().syncedNodes());
    }

    /** Partition {e2} holds Name for an Erlang process, {jarl} for a Jarl one; then they join. */
    private record Clash(Cluster c, String erlPid, Mailbox jarlBox) {
    }

    private Clash clash(boolean jarlFirst, String erlMethod, GlobalResolver jarlResolver) throws Exception {
        Cluster c = cluster(jarlFirst);
        String erlPid = spawnOn(c.e2(), "p");
        assertEquals("yes", c.e2().eval("global:register_name(clash, get(p), " + erlMethod + ")"));
        Mailbox box = c.jarl().createMailbox();
        assertTrue(c.jarl().global().register(Atom.of("clash"), box.self(), jarlResolver));
        assertTrue(c.jarl().ping(NodeName.parse(c.e2().name())));
        syncs(c.e2());
        assertTrue(c.jarl().global().sync(SYNC));
        return new Clash(c, erlPid, box);
    }

    @Test
    void aClashIsResolvedAsOtpResolvesItRandomExitName() throws Exception {
        // z_jarl vs a_erl: the Erlang node decides and its process (a... sorts first) wins
        Clash k = clash(false, "fun global:random_exit_name/3", GlobalResolver.randomExit());
        assertEquals("true", k.c().e2().eval("global:whereis_name(clash) =:= get(p)"));
        assertEquals(k.c().e2().name(), k.c().jarl().global().whereis(Atom.of("clash")).get().node().name());
        assertTrue(Await.within(SYNC, () -> k.jarlBox().isExited()));
        assertEquals(Optional.of(Atom.of("killed")), k.jarlBox().exitReason());
    }

    @Test
    void aClashDecidedByJarlKillsTheErlangProcessUnderRandomExitName() throws Exception {
        // a_jarl vs n_erl: the Jarl node decides, with its own registration's method; Jarl wins
        Clash k = clash(true, "fun global:random_exit_name/3", GlobalResolver.randomExit());
        assertEquals(Optional.of(k.jarlBox().self()), k.c().jarl().global().whereis(Atom.of("clash")));
        assertEquals("true", k.c().e2().eval("node(global:whereis_name(clash)) =:= " + q(k.c().jarl().name())));
        assertEquals("false", k.c().e2().eval("is_process_alive(get(p))"));
        assertFalse(k.jarlBox().isExited());
    }

    @Test
    void anErlangNodeDecidingAClashCallsResolveItOnTheJarlNode() throws Exception {
        // {m_erl, z_jarl} holds clash for a Jarl process; {n_erl} for its own. m_erl and n_erl
        // join: m_erl decides with its entry's method, where that process lives: by
        // rpc:call(z_jarl, global, resolve_it, ...); n_erl's process sorts first and wins
        ErlNode e1 = erl("m_erl");
        ErlNode e2 = erl("n_erl");
        Node jarl = jarl("z_jarl");
        assertEquals("pong", e1.eval("net_adm:ping(" + q(jarl.name()) + ")"));
        syncs(e1);
        Mailbox box = jarl.createMailbox();
        assertTrue(jarl.global().register(Atom.of("clash"), box.self()));
        spawnOn(e2, "p");
        assertEquals("yes", e2.eval("global:register_name(clash, get(p))"));
        assertEquals("pong", e1.eval("net_adm:ping(" + q(e2.name()) + ")"));
        syncs(e1);
        syncs(e2);
        assertEquals("true", e2.eval("global:whereis_name(clash) =:= get(p)"));
        awaitEval(e1, "node(global:whereis_name(clash))", e2.name());
        assertTrue(Await.within(SYNC, () -> jarl.global().whereis(Atom.of("clash"))
                .map(p -> p.node().name().equals(e2.name())).orElse(false)));
        assertTrue(Await.within(SYNC, box::isExited));
        assertEquals(Optional.of(Atom.of("killed")), box.exitReason());
    }

    @Test
    void aJavaResolverDecidesWhereJarlDecides() throws Exception {
        // a_jarl decides with the Java resolver of its registration: it keeps the other process
        Clash k = clash(true, "fun global:random_exit_name/3", (name, theirs, ours) -> theirs);
        assertEquals("true", k.c().e2().eval("global:whereis_name(clash) =:= get(p)"));
        assertEquals(k.c().e2().name(), k.c().jarl().global().whereis(Atom.of("clash")).get().node().name());
        assertFalse(k.jarlBox().isExited(), "a Java resolver kills nobody");
        assertEquals("true", k.c().e2().eval("is_process_alive(get(p))"));
    }

    @Test
    void randomNotifyNameTellsTheLoser() throws Exception {
        Clash k = clash(true, "fun global:random_notify_name/3", GlobalResolver.randomNotify());
        assertEquals(Optional.of(k.jarlBox().self()), k.c().jarl().global().whereis(Atom.of("clash")));
        assertEquals("true", k.c().e2().eval("node(global:whereis_name(clash)) =:= " + q(k.c().jarl().name())));
        awaitEval(k.c().e2(), "element(2, process_info(get(p), messages))", "[{global_name_conflict,clash}]");
    }

    @Test
    void notifyAllNameTellsBothAndUnregisters() throws Exception {
        Clash k = clash(false, "fun global:notify_all_name/3", GlobalResolver.notifyAllNames());
        assertEquals("undefined", k.c().e2().eval("global:whereis_name(clash)"));
        assertEquals(Optional.empty(), k.c().jarl().global().whereis(Atom.of("clash")));
        Optional<Term> m = k.jarlBox().receive(Duration.ofSeconds(10));
        assertTrue(m.isPresent() && m.get() instanceof Tuple t && t.arity() == 3 && t.get(0).equals(Atom.of("global_name_conflict"))
                && t.get(1).equals(Atom.of("clash")) && t.get(2) instanceof Pid p && p.node().name().equals(k.c().e2().name()),
                () -> "" + m);
        awaitEval(k.c().e2(), "[N || {global_name_conflict, clash, P} = M <- element(2, process_info(get(p), messages)), "
                + "N <- [node(P)], M =/= x] =:= [" + q(k.c().jarl().name()) + "]", "true");
    }

    @Test
    void anErlangFunJarlCannotRunKeepsTheOtherRegistration() throws Exception {
        // a_jarl decides; its registration carries an Erlang fun (registered from Erlang for a
        // Jarl process): Jarl answers as a node without that code, and e2's registration stays
        Cluster c = cluster(true);
        ErlNode helper = c.e1();
        Mailbox box = c.jarl().createMailbox("victim");
        assertEquals("pong", helper.eval("net_adm:ping(" + q(c.jarl().name()) + ")"));
        syncs(helper);
        helper.eval("register(helper, self())");
        box.send("helper", NodeName.parse(helper.name()), Tuple.of(Atom.of("victim"), box.self()));
        assertEquals("yes", helper.eval("receive {victim, V} -> global:register_name(clash, V, fun(_, P, _) -> P end) "
                + "after 5000 -> timeout end"));
        spawnOn(c.e2(), "p");
        assertEquals("yes", c.e2().eval("global:register_name(clash, get(p))"));
        assertTrue(c.jarl().ping(NodeName.parse(c.e2().name())));
        syncs(c.e2());
        syncs(helper);
        assertEquals("true", c.e2().eval("global:whereis_name(clash) =:= get(p)"));
        awaitEval(helper, "node(global:whereis_name(clash))", c.e2().name());
        assertTrue(Await.within(SYNC, () -> c.jarl().global().whereis(Atom.of("clash")).map(p -> p.node().name().equals(c.e2().name())).orElse(false)));
        assertFalse(box.isExited());
    }

    @Test
    void cuttingOneLinkLeavesEveryNodeWithTheSameView() throws Exception {
        Cluster c = cluster(false);
        connectAndSync(c);
        spawnOn(c.e1(), "p1");
        assertEquals("yes", c.e1().eval("global:register_name(n1, get(p1))"));
        spawnOn(c.e2(), "p2");
        assertEquals("yes", c.e2().eval("global:register_name(n2, get(p2))"));
        Mailbox box = c.jarl().createMailbox();
        assertTrue(c.jarl().global().register(Atom.of("n3"), box.self()));

        assertEquals("true", c.e1().eval("erlang:disconnect_node(" + q(c.jarl().name()) + ")"));
        // prevent_overlapping_partitions: the cluster settles into partitions in which every
        // node sees the same nodes and exactly the names of its partition's processes
        assertTrue(Await.within(SYNC, () -> consistent(c)), () -> views(c));
        // real time: the partitions stay settled, not merely passing through a consistent state
        Thread.sleep(1000);
        assertTrue(consistent(c), () -> views(c));

        // and joins again into one cluster with every name
        assertEquals("pong", c.e1().eval("net_adm:ping(" + q(c.jarl().name()) + ")"));
        c.e1().eval("net_adm:ping(" + q(c.e2().name()) + ")");
        syncs(c.e1());
        syncs(c.e2());
        assertTrue(c.jarl().global().sync(SYNC));
        assertTrue(Await.within(SYNC, () -> consistent(c) && views(c).contains("n1,n2,n3")), () -> views(c));
        assertTrue(views(c).startsWith("{3,"), () -> views(c));
    }

    /** Each node's partition (itself and the nodes it sees) and the names it knows, as text. */
    private static String views(Cluster c) {
        StringBuilder b = new StringBuilder();
        for (String v : viewList(c)) {
            b.append(v).append('\n');
        }
        return b.toString();
    }

    private static List<String> viewList(Cluster c) {
        List<String> out = new ArrayList<>();
        for (ErlNode e : List.of(c.e1(), c.e2())) {
            out.add(e.eval("{length([node() | nodes()]), lists:sort([node() | nodes()]), lists:sort(global:registered_names())}")
                    .replaceAll("\\s", ""));
        }
        TreeSet<String> nodes = new TreeSet<>();
        nodes.add(c.jarl().name().toString());
        c.jarl().nodes().forEach(n -> nodes.add(n.toString()));
        TreeSet<String> names = new TreeSet<>();
        c.jarl().global().registeredNames().forEach(t -> names.add(t.toString()));
        out.add("{" + nodes.size() + ",[" + String.join(",", nodes) + "],[" + String.join(",", names) + "]}");
        return out;
    }

    /**
     * Every node agrees with every node it sees on the nodes and the names, and holds only
     * names of processes in its own partition.
     */
    private static boolean consistent(Cluster c) {
        List<String> v = viewList(c);
        String[] all = {c.e1().name(), c.e2().name(), c.jarl().name().toString()};
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                boolean iSeesJ = v.get(i).contains(all[j]);
                boolean jSeesI = v.get(j).contains(all[i]);
                if (iSeesJ != jSeesI || (iSeesJ && !v.get(i).equals(v.get(j)))) {
                    return false;
                }
            }
            // n1 lives on e1, n2 on e2, n3 on the Jarl node
            for (int k = 0; k < 3; k++) {
                boolean hasName = v.get(i).contains("n" + (k + 1));
                boolean seesOwner = v.get(i).contains(all[k]);
                if (hasName != seesOwner) {
                    return false;
                }
            }
        }
        return true;
    }
}
