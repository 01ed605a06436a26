/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Etf;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * OTP's {@code pg} with a three-node cluster: two {@code erl} nodes of the release under test
 * and one Jarl node. After every step (joins and leaves from each side, a multi-join, a
 * process joined twice, process deaths on each side, an Erlang node restarted, the Jarl node
 * restarted) the members of each group agree on every node, in the default scope and in a
 * named one; and neither Erlang scope process ever crashed: its pid is the same at the end
 * and the node logged no crash. A hidden Jarl node told which node to join takes part with
 * that node, and Java subscriptions see Erlang's changes.
 */
@Tag("interop")
@Timeout(180)
class PgInteropTest {

    static final Duration T = Duration.ofSeconds(15);
    static final String COOKIE = "pgtest";
    static final Atom G1 = Atom.of("g1");
    static final Term G2 = Tuple.of(Atom.of("svc"), Binary.of("x"));

    private RealEpmd epmd;
    private ErlNode a;
    private ErlNode b;
    private Node jarl;

    @BeforeEach
    void start() {
        Otp.requireErl();
        epmd = RealEpmd.start();
    }

    @AfterEach
    void stop() {
        Closeables.closeAll(jarl, a, b);
        Closeables.closeAll(epmd);
    }

    private ErlNode erl(String sname) {
        ErlNode e = ErlNode.builder().sname(sname).cookie(COOKIE).epmdPort(epmd.port())
                .args("-kernel", "start_pg", "true").start();
        e.eval("{ok, _} = pg:start(jarl_scope), ok");
        return e;
    }

    private Node jarl(String name, boolean hidden) throws IOException {
        return Node.start(NodeConfig.builder(name).cookie(COOKIE).epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).hidden(hidden).build());
    }

    private static String atom(Object name) {
        return "'" + name + "'";
    }

    /** The members of {@code group} (Erlang text) in {@code scope} as erl {@code e} sees them. */
    private static List<Pid> erlMembers(ErlNode e, String scope, String group) {
        Term t = Etf.decode(e.evalResult("pg:get_members(" + scope + ", " + group + ")").etf());
        List<Pid> out = new ArrayList<>();
        for (Term p : ((TermList) t).elements()) {
            out.add((Pid) p);
        }
        return out;
    }

    /** Waits until every node's view of {@code group} in {@code scope} is {@code expected} (as a multiset). */
    private void agree(String scope, Term group, String groupText, List<Pid> expected, ErlNode... erls)
            throws InterruptedException {
        Map<Pid, Integer> want = MemberBag.of(expected);
        Map<String, List<Pid>> views = new HashMap<>();
        Await.until(() -> {
            views.clear();
            views.put(jarl.name().toString(), jarl.pg().scope(scope).members(group));
            for (ErlNode e : erls) {
                views.put(e.name(), erlMembers(e, scope, groupText));
            }
            return views.values().stream().allMatch(v -> MemberBag.of(v).equals(want));
        }, () -> "group " + groupText + " of scope " + scope + ": expected " + expected + " on every node, got " + views);
    }

    private static Pid erlMember(ErlNode e, String scope, String group, String regName) {
        return (Pid) Etf.decode(e.evalResult("P = spawn(fun() -> receive stop -> ok end end), register(" + regName
                + ", P), ok = pg:join(" + scope + ", " + group + ", P), P").etf());
    }

    private static Term scopePid(ErlNode e, String scope) {
        return Etf.decode(e.evalResult("whereis(" + scope + ")").etf());
    }

    private static void noCrash(ErlNode e) {
        String log = e.log();
        assertFalse(log.contains("CRASH REPORT") || log.contains("terminating"), () -> e.name() + " logged a crash:\n" + log);
    }

    @Test
    void membershipAgreesAcrossJoinsLeavesDeathsAndRestarts() throws Exception {
        a = erl(Otp.uniqueName("pga"));
        b = erl(Otp.uniqueName("pgb"));
        String jarlName = Otp.uniqueName("pgj") + "@" + Otp.shortHost();
        jarl = jarl(jarlName, false);
        assertEquals("true", a.eval("net_kernel:connect_node(" + atom(b.name()) + ")"));
        Term aPg = scopePid(a, "pg");
        Term aNamed = scopePid(a, "jarl_scope");
        Scope pg = jarl.pg().scope();
        Scope named = jarl.pg().scope("jarl_scope");
        assertTrue(jarl.ping(NodeName.parse(a.name()), T));
        assertTrue(jarl.ping(NodeName.parse(b.name()), T));
        Await.peers(pg, 2);

        // joins from every node, one of them a Java multi-join with a process joined twice
        Mailbox m1 = jarl.createMailbox();
        Mailbox m2 = jarl.createMailbox();
        pg.join(G1, m1);
        Pid pa = erlMember(a, "pg", "g1", "pa");
        Pid pb = erlMember(b, "pg", "g1", "pb");
        agree("pg", G1, "g1", List.of(m1.self(), pa, pb), a, b);
        pg.join(G2, List.of(m1.self(), m2.self(), m2.self()));
        agree("pg", G2, "{svc, <<\"x\">>}", List.of(m1.self(), m2.self(), m2.self()), a, b);
        assertEquals(Set.of(G1, G2), Set.copyOf(pg.localGroups()));
        assertEquals(List.of(m1.self()), pg.localMembers(G1));

        // the named scope is its own: nothing of pg shows there
        named.join(G1, m2);
        Pid qa = erlMember(a, "jarl_scope", "g1", "qa");
        agree("jarl_scope", G1, "g1", List.of(m2.self(), qa), a, b);
        agree("pg", G1, "g1", List.of(m1.self(), pa, pb), a, b);

        // leaves: Java once of a twice-joined process, Erlang
        assertTrue(pg.leave(G2, m2));
        agree("pg", G2, "{svc, <<\"x\">>}", List.of(m1.self(), m2.self()), a, b);
        assertFalse(pg.leave(G1, m2), "m2 never joined g1");
        assertEquals("ok", a.eval("pg:leave(g1, whereis(pa))"));
        agree("pg", G1, "g1", List.of(m1.self(), pb), a, b);

        // deaths: a Java member in two groups, an Erlang member
        m1.close();
        agree("pg", G1, "g1", List.of(pb), a, b);
        agree("pg", G2, "{svc, <<\"x\">>}", List.of(m2.self()), a, b);
        b.eval("exit(whereis(pb), kill)");
        agree("pg", G1, "g1", List.of(), a, b);
        assertFalse(pg.groups().contains(G1));

        // an Erlang node restarts: its members go, the new one's come, Java's reach it
        Pid pb2 = erlMember(b, "pg", "g1", "pb2");
        agree("pg", G1, "g1", List.of(pb2), a, b);
        String bName = b.name().substring(0, b.name().indexOf('@'));
        b.close();
        agree("pg", G1, "g1", List.of(), a);
        agree("pg", G2, "{svc, <<\"x\">>}", List.of(m2.self()), a);
        b = erl(bName);
        assertEquals("true", b.eval("net_kernel:connect_node(" + atom(a.name()) + ")"));
        assertEquals("true", b.eval("net_kernel:connect_node(" + atom(jarl.name()) + ")"));
        Term bPg = scopePid(b, "pg");
        Term bNamed = scopePid(b, "jarl_scope");
        Pid pb3 = erlMember(b, "pg", "g1", "pb3");
        agree("pg", G1, "g1", List.of(pb3), a, b);
        agree("pg", G2, "{svc, <<\"x\">>}", List.of(m2.self()), a, b);
        agree("jarl_scope", G1, "g1", List.of(m2.self(), qa), a, b);

        // the Jarl node restarts: its members go everywhere, the new node's come
        jarl.close();
        Node gone = jarl;
        jarl = null;
        awaitErl("pg", "{svc, <<\"x\">>}", List.of(), a, b);
        awaitErl("jarl_scope", "g1", List.of(qa), a, b);
        assertTrue(gone.isClosed());
        jarl = jarl(jarlName, false);
        assertTrue(jarl.ping(NodeName.parse(a.name()), T));
        assertTrue(jarl.ping(NodeName.parse(b.name()), T));
        Scope pg2 = jarl.pg().scope();
        Mailbox m3 = jarl.createMailbox();
        pg2.join(G1, m3);
        agree("pg", G1, "g1", List.of(m3.self(), pb3), a, b);
        jarl.pg().scope("jarl_scope").join(G1, m3);
        agree("jarl_scope", G1, "g1", List.of(m3.self(), qa), a, b);

        // no Erlang scope process ever crashed
        assertEquals(aPg, scopePid(a, "pg"));
        assertEquals(aNamed, scopePid(a, "jarl_scope"));
        assertEquals(bPg, scopePid(b, "pg"));
        assertEquals(bNamed, scopePid(b, "jarl_scope"));
        noCrash(a);
        noCrash(b);
    }

    /** Waits until the Erlang nodes alone agree (the Jarl node is down). */
    private static void awaitErl(String scope, String group, List<Pid> expected, ErlNode... erls)
            throws InterruptedException {
        Map<String, List<Pid>> views = new HashMap<>();
        Await.until(() -> {
            views.clear();
            for (ErlNode e : erls) {
                views.put(e.name(), erlMembers(e, scope, group));
            }
            return views.values().stream().allMatch(v -> MemberBag.of(v).equals(MemberBag.of(expected)));
        }, () -> group + " in " + scope + ": expected " + expected + ", got " + views);
    }

    @Test
    void aHiddenNodeJoinsTheNodesItIsTold() throws Exception {
        a = erl(Otp.uniqueName("pgha"));
        b = erl(Otp.uniqueName("pghb"));
        assertEquals("true", a.eval("net_kernel:connect_node(" + atom(b.name()) + ")"));
        Term aPg = scopePid(a, "pg");
        jarl = jarl(Otp.uniqueName("pghj") + "@" + Otp.shortHost(), true);
        NodeName aNode = NodeName.parse(a.name());
        Scope pg = jarl.pg().start("pg", Set.of(aNode));
        Mailbox m = jarl.createMailbox();
        pg.join(G1, m);
        Pid pa = erlMember(a, "pg", "g1", "pa");
        Pid pb = erlMember(b, "pg", "g1", "pb");
        // a sees Java's member; Jarl sees what a sees of itself only (pg is not transitive)
        awaitErl("pg", "g1", List.of(m.self(), pa, pb), a);
        Await.members(pg, G1, List.of(m.self(), pa));
        assertEquals(MemberBag.of(List.of(pa, pb)), MemberBag.of(erlMembers(b, "pg", "g1")), "b never met the hidden node");

        // a lost connection takes Java's members away on a; a new one brings them back
        assertTrue(jarl.disconnect(aNode));
        awaitErl("pg", "g1", List.of(pa, pb), a);
        Await.members(pg, G1, List.of(m.self()));
        jarl.connect(aNode);
        awaitErl("pg", "g1", List.of(m.self(), pa, pb), a);
        Await.members(pg, G1, List.of(m.self(), pa));
        assertEquals(aPg, scopePid(a, "pg"));
        noCrash(a);
    }

    @Test
    void javaSubscriptionsSeeErlangChanges() throws Exception {
        a = erl(Otp.uniqueName("pgsa"));
        jarl = jarl(Otp.uniqueName("pgsj") + "@" + Otp.shortHost(), false);
        Scope pg = jarl.pg().scope();
        Mailbox watcher = jarl.createMailbox();
        Mailbox member = jarl.createMailbox();
        pg.join(G1, member);
        ScopeSnapshot s = pg.monitorScope(watcher);
        assertEquals(Map.of(G1, List.of(member.self())), s.groups());
        GroupSnapshot g = pg.monitor(watcher, G2);
        assertEquals(List.of(), g.members());
        assertTrue(jarl.ping(NodeName.parse(a.name()), T));
        Await.peers(pg, 1);
        Pid pa = erlMember(a, "pg", "g1", "pa");
        assertEquals(new MembershipChange(s.ref(), true, G1, List.of(pa)), next(watcher));
        a.eval("exit(whereis(pa), kill)");
        assertEquals(new MembershipChange(s.ref(), false, G1, List.of(pa)), next(watcher));
        a.eval("P = spawn(fun() -> receive stop -> ok end end), register(px, P), pg:join({svc, <<\"x\">>}, P)");
        MembershipChange first = next(watcher);
        MembershipChange second = next(watcher);
        assertEquals(Set.of(s.ref(), g.ref()), Set.of(first.ref(), second.ref()), "a scope and a group subscription");
        assertEquals(G2, first.group());
        assertTrue(pg.demonitor(watcher, s.ref()));
        assertFalse(pg.demonitor(watcher, s.ref()));
        a.eval("pg:leave({svc, <<\"x\">>}, whereis(px))");
        MembershipChange left = next(watcher);
        assertEquals(new MembershipChange(g.ref(), false, G2, List.of(left.pids().get(0))), left);
        assertTrue(watcher.receive(Duration.ofMillis(300)).isEmpty(), "the scope subscription ended");
        assertThrows(IllegalArgumentException.class, () -> pg.join(G1, left.pids().get(0)), "a remote pid: nolocal");
        noCrash(a);
    }

    private static MembershipChange next(Mailbox box) throws InterruptedException {
        Term m = box.receive(T).orElseThrow(() -> new AssertionError("no change within " + T));
        return MembershipChange.parse(m).orElseThrow(() -> new AssertionError("not a change: " + m));
    }

    /** Waits on the Jarl side only. */
    static final class Await {
        private Await() {
        }

        static void peers(Scope s, int n) throws InterruptedException {
            until(() -> s.peers().size() == n, () -> "peers of " + s + ": " + s.peers());
        }

        static void members(Scope s, Term group, List<Pid> expected) throws InterruptedException {
            until(() -> MemberBag.of(s.members(group)).equals(MemberBag.of(expected)),
                    () -> group + " on " + s + ": expected " + expected + ", got " + s.members(group));
        }

        private static void until(java.util.function.BooleanSupplier ok, Supplier<String> what)
                throws InterruptedException {
            dev.jarl.testing.Await.until(T, ok, what);
        }
    }
}
