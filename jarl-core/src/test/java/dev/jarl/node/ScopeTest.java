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
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carriers.MemNetwork;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * Scopes between Jarl nodes over the in-JVM carrier (no Erlang needed): the pg exchange, a
 * hidden node that names its peers, a scope that stops, a subscription, hostile scope
 * messages that must not end the scope, and PubSub between two Jarl nodes.
 */
@NotReleaseSpecific
@Timeout(60)
class ScopeTest {

    static final Duration T = Duration.ofSeconds(10);
    static final Atom G = Atom.of("g");

    private final MemNetwork net = new MemNetwork();
    private final List<Node> nodes = new ArrayList<>();

    private Node node(String name, boolean hidden) throws IOException {
        Node n = Node.start(NodeConfig.builder(name + "@mem").cookie("c").carrier(net.carrier()).hidden(hidden).build());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void closeAll() {
        nodes.forEach(Node::close);
    }

    private static void members(Scope s, Term group, List<Pid> expected) throws InterruptedException {
        Await.until(T, () -> MemberBag.of(s.members(group)).equals(MemberBag.of(expected)),
                () -> s + " " + group + ": expected " + expected + ", got " + s.members(group));
    }

    @Test
    void visibleNodesExchangeMembershipAndForgetAStoppedScope() throws Exception {
        Node a = node("a", false);
        Node b = node("b", false);
        Scope sa = a.pg().scope();
        Scope sb = b.pg().scope();
        Mailbox ma = a.createMailbox();
        sa.join(G, ma);
        assertTrue(a.ping(b.name(), T));
        Mailbox mb = b.createMailbox();
        sb.join(G, List.of(mb.self(), mb.self()));
        members(sa, G, List.of(ma.self(), mb.self(), mb.self()));
        members(sb, G, List.of(ma.self(), mb.self(), mb.self()));
        assertEquals(List.of(ma.self()), sa.localMembers(G));
        assertEquals(Set.of(G), sa.localGroups());

        assertTrue(sb.leave(G, mb));
        members(sa, G, List.of(ma.self(), mb.self()));
        mb.close();
        members(sa, G, List.of(ma.self()));
        assertFalse(sb.localGroups().contains(G));

        sa.close();
        assertFalse(sa.isRunning());
        members(sb, G, List.of());
        assertThrows(IllegalStateException.class, () -> sa.join(G, ma));
        Scope again = a.pg().scope();
        again.join(G, ma);
        members(sb, G, List.of(ma.self()));
    }

    @Test
    void aHiddenNodeTakesPartOnlyWithTheNodesItNames() throws Exception {
        Node a = node("ha", false);
        Node h = node("hh", true);
        Scope sa = a.pg().scope();
        Mailbox ma = a.createMailbox();
        sa.join(G, ma);
        assertTrue(h.ping(a.name(), T));
        Scope sh = h.pg().scope();
        Mailbox mh = h.createMailbox();
        sh.join(G, mh);
        // connected, but hidden: no discovery either way
        Await.holdsFor(Duration.ofMillis(300), () -> sa.members(G).size() == 1, () -> "a discovered a hidden node");
        sh.discover(a.name());
        members(sa, G, List.of(ma.self(), mh.self()));
        members(sh, G, List.of(ma.self(), mh.self()));
        assertEquals(Set.of(a.name()), sh.joinNodes());
        // a reconnection is discovered again
        assertTrue(h.disconnect(a.name()));
        members(sa, G, List.of(ma.self()));
        members(sh, G, List.of(mh.self()));
        h.connect(a.name());
        members(sa, G, List.of(ma.self(), mh.self()));
    }

    @Test
    void subscriptionsSeeJoinsAndLeavesAndEndWithDemonitor() throws Exception {
        Node a = node("sa", false);
        Scope s = a.pg().scope("other");
        Mailbox watcher = a.createMailbox();
        Mailbox m = a.createMailbox();
        ScopeSnapshot snap = s.monitorScope(watcher);
        assertEquals(Map.of(), snap.groups());
        GroupSnapshot gs = s.monitor(watcher, G);
        s.join(G, m);
        List<MembershipChange> got = List.of(next(watcher), next(watcher));
        assertEquals(Set.of(new MembershipChange(snap.ref(), true, G, List.of(m.self())),
                new MembershipChange(gs.ref(), true, G, List.of(m.self()))), Set.copyOf(got));
        s.join(Atom.of("elsewhere"), m);
        assertEquals(new MembershipChange(snap.ref(), true, Atom.of("elsewhere"), List.of(m.self())), next(watcher));
        assertTrue(s.demonitor(watcher, snap.ref()));
        m.close();
        MembershipChange left = next(watcher);
        assertEquals(new MembershipChange(gs.ref(), false, G, List.of(m.self())), left);
        assertEquals(left.toTerm(), Tuple.of(gs.ref(), Atom.of("leave"), G, TermList.of(m.self())));
        assertTrue(watcher.receive(Duration.ofMillis(200)).isEmpty());
        assertFalse(s.demonitor(watcher, snap.ref()));
    }

    @Test
    void malformedScopeMessagesAreIgnoredAndTheScopeGoesOn() throws Exception {
        Node a = node("ma", false);
        Scope s = a.pg().scope();
        Mailbox m = a.createMailbox();
        Mailbox stranger = a.createMailbox();
        for (Term bad : List.of(Atom.of("junk"), Tuple.of(Atom.of("discover"), Int.of(1)),
                Tuple.of(Atom.of("join"), stranger.self(), G, Int.of(5)),
                Tuple.of(Atom.of("leave"), stranger.self(), TermList.of(stranger.self()), G),
                Tuple.of(Atom.of("$gen_cast"), Tuple.of(Atom.of("sync"), stranger.self(), Binary.of("x"))),
                Tuple.of(Atom.of("$gen_call"), Tuple.of(stranger.self(), a.makeRef()), Atom.of("monitor")),
                // a join from a scope never discovered is ignored, as pg ignores it
                Tuple.of(Atom.of("join"), stranger.self(), G, TermList.of(stranger.self())))) {
            stranger.send("pg", bad);
        }
        s.join(G, m);
        members(s, G, List.of(m.self()));
        assertTrue(s.isRunning());
        assertThrows(IllegalArgumentException.class, () -> s.join(G, List.of()));
        Node other = node("mb", false);
        Mailbox far = other.createMailbox();
        assertThrows(IllegalArgumentException.class, () -> s.join(G, far.self()));
    }

    @Test
    void pubSubBetweenTwoJarlNodes() throws Exception {
        Node a = node("pa", false);
        Node b = node("pb", false);
        PubSub pa = PubSub.start(a, "Jt.PubSub", 2);
        PubSub pb = PubSub.start(b, "Elixir.Jt.PubSub", 2);
        assertThrows(IllegalArgumentException.class, () -> PubSub.start(a, "Jt.PubSub", 2), "names taken");
        Mailbox sa = a.createMailbox();
        Mailbox sb = b.createMailbox();
        pa.subscribe(sa, "t");
        pb.subscribe(sb, "t");
        pb.subscribe(sb, "t"); // twice: gets each message twice, as with Phoenix's Registry
        assertTrue(a.ping(b.name(), T));
        for (Atom g : pa.groups()) {
            Await.until(T, () -> pa.scope().members(g).size() == 2, () -> g + ": " + pa.scope().members(g));
        }
        pa.broadcast("t", Atom.of("m1"));
        pa.broadcast("t", Atom.of("m2"));
        assertEquals(Atom.of("m1"), sa.receive(T).orElseThrow());
        assertEquals(Atom.of("m2"), sa.receive(T).orElseThrow());
        List<Term> atB = List.of(sb.receive(T).orElseThrow(), sb.receive(T).orElseThrow(),
                sb.receive(T).orElseThrow(), sb.receive(T).orElseThrow());
        assertEquals(Map.of(Atom.of("m1"), 2, Atom.of("m2"), 2), MemberBag.of(atB));
        assertTrue(sb.receive(Duration.ofMillis(200)).isEmpty());
        pb.unsubscribe(sb, "t");
        pa.directBroadcast(b.name(), Binary.of("t"), Atom.of("m3"));
        assertTrue(sb.receive(Duration.ofMillis(300)).isEmpty(), "unsubscribed");
        assertEquals(List.of(), pb.subscribers(Binary.of("t")));
        pa.subscribe(sa, "u");
        sa.close();
        Await.until(T, () -> pa.subscribers(Binary.of("u")).isEmpty(), () -> "a dead subscriber stays subscribed");
    }

    private static MembershipChange next(Mailbox box) throws InterruptedException {
        Term m = box.receive(T).orElseThrow(() -> new AssertionError("no change"));
        return MembershipChange.parse(m).orElseThrow(() -> new AssertionError("not a change: " + m));
    }
}
