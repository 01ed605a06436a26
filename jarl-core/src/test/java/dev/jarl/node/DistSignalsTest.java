/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static dev.jarl.node.ProcessesTest.down;
import static dev.jarl.node.ProcessesTest.exitMsg;
import static dev.jarl.node.ProcessesTest.none;
import static dev.jarl.node.ProcessesTest.recv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.DistFlags;
import dev.jarl.carriers.MemNetwork;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;

/**
 * Signals between two Jarl nodes over the in-JVM carrier: links, unlink, exit/2, monitors,
 * aliases, calls, connection loss, node monitors, exit on close, and the downgraded forms
 * toward a peer that offers fewer flags.
 */
@Timeout(60)
class DistSignalsTest {

    static final Duration T = Duration.ofSeconds(5);

    private final MemNetwork net = new MemNetwork();
    private final List<Node> nodes = new ArrayList<>();

    Node node(String name) throws IOException {
        return node(name, DistFlags.DEFAULT_OFFERED);
    }

    Node node(String name, long flags) throws IOException {
        Node n = Node.start(NodeConfig.builder(name + "@mem").cookie("c").carrier(net.carrier())
                .offeredFlags(flags).setupTime(Duration.ofSeconds(2)).build());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void closeAll() {
        nodes.forEach(Node::close);
    }

    /** A process on {@code n} that traps exits and forwards every message to {@code to}. */
    static Pid relay(Node n, Mailbox to) {
        CountDownLatch ready = new CountDownLatch(1);
        Pid p = n.spawn(self -> {
            self.trapExit(true);
            ready.countDown();
            while (true) {
                self.send(to.self(), Tuple.of(Atom.of("relay"), self.receive()));
            }
        });
        try {
            ready.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return p;
    }

    static Tuple relayed(Term m) {
        return Tuple.of(Atom.of("relay"), m);
    }

    @Test
    void linksAcrossNodesPropagateBothWays() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox boxA = a.createMailbox();
        boxA.trapExit(true);
        Mailbox boxB = b.createMailbox();
        boxA.link(boxB.self());
        awaitLinked(boxB, boxA.self());
        boxB.exit(Atom.of("crash"));
        assertEquals(exitMsg(boxB.self(), Atom.of("crash")), recv(boxA));

        Mailbox victim = a.createMailbox();
        Mailbox killerB = b.createMailbox();
        Mailbox obs = a.createMailbox();
        Ref r = obs.monitor(victim.self());
        killerB.link(victim.self());
        awaitLinked(victim, killerB.self());
        killerB.exit(Atom.of("boom"));
        assertEquals(down(r, victim.self(), Atom.of("boom")), recv(obs));
    }

    static void awaitLinked(Mailbox box, Pid other) throws InterruptedException {
        Await.until(Duration.ofSeconds(5), () -> box.isLinkedTo(other), () -> box + " not linked to " + other);
    }

    @Test
    void unlinkIdAcrossNodesThenRelink() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox boxA = a.createMailbox();
        Mailbox watcher = a.createMailbox();
        Pid rb = relay(b, watcher);
        boxA.link(rb);
        awaitLinked(boxA, rb);
        boxA.unlink(rb);
        assertFalse(boxA.isLinkedTo(rb));
        boxA.send(rb, Atom.of("sync"));
        assertEquals(relayed(Atom.of("sync")), recv(watcher));
        boxA.exit(Atom.of("gone"));
        none(watcher);
        Mailbox boxA2 = a.createMailbox();
        boxA2.link(rb);
        boxA2.exit(Atom.of("again"));
        assertEquals(relayed(exitMsg(boxA2.self(), Atom.of("again"))), recv(watcher));
    }

    @Test
    void linkToMissingRemotePidGivesNoproc() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox gone = b.createMailbox();
        gone.close();
        Mailbox boxA = a.createMailbox();
        boxA.trapExit(true);
        boxA.link(gone.self());
        assertEquals(exitMsg(gone.self(), Atom.NOPROC), recv(boxA));
    }

    @Test
    void exit2AcrossNodes() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox boxA = a.createMailbox();
        Mailbox watcher = a.createMailbox();
        Pid rb = relay(b, watcher);
        boxA.exit(rb, Atom.of("please"));
        assertEquals(relayed(exitMsg(boxA.self(), Atom.of("please"))), recv(watcher));
        Ref r = watcher.monitor(rb);
        boxA.exit(rb, Atom.of("kill"));
        assertEquals(down(r, rb, Atom.of("killed")), recv(watcher));
    }

    @Test
    void monitorsAcrossNodesByPidAndNameWithNoprocAndDemonitor() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox w = a.createMailbox();
        Mailbox target = b.createMailbox("target");
        Ref byPid = w.monitor(target.self());
        Ref byName = w.monitor("target", b.name());
        Ref dropped = w.monitor(target.self());
        assertTrue(w.demonitor(dropped));
        assertTrue(a.ping(b.name(), T)); // the monitors are set up once the ping's answer is back (one ordered connection)
        target.exit(Atom.of("bye"));
        List<Term> got = List.of(recv(w), recv(w));
        assertTrue(got.contains(down(byPid, target.self(), Atom.of("bye"))), got.toString());
        assertTrue(got.contains(down(byName, Tuple.of(Atom.of("target"), b.nameAtom()), Atom.of("bye"))), got.toString());
        none(w);
        Ref missing = w.monitor("nobody", b.name());
        assertEquals(down(missing, Tuple.of(Atom.of("nobody"), b.nameAtom()), Atom.NOPROC), recv(w));
        Ref dead = w.monitor(target.self());
        assertEquals(down(dead, target.self(), Atom.NOPROC), recv(w));
    }

    @Test
    void aliasAcrossNodes() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox boxA = a.createMailbox();
        Mailbox boxB = b.createMailbox();
        Ref alias = boxA.alias();
        boxB.send(alias, Atom.of("one"));
        assertEquals(Atom.of("one"), recv(boxA));
        boxA.unalias(alias);
        boxB.send(alias, Atom.of("two"));
        boxB.send(boxA.self(), Atom.of("three"));
        assertEquals(Atom.of("three"), recv(boxA));
    }

    @Test
    void callAcrossNodesFailsAtOnceWhenTheServerDiesOrItsNodeGoes() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox client = a.createMailbox();
        Pid server = b.spawn(GenServer.server((request, from) -> {
            if (Atom.of("die").equals(request)) {
                throw new ExitException("died_mid_call");
            }
            if (Atom.of("hang").equals(request)) {
                return null;
            }
            return Tuple.of(Atom.of("got"), request);
        }));
        b.spawn(self -> {
            Mailbox reg = b.createMailbox("named");
            GenServer.serve(reg, (request, from) -> request);
        });
        assertEquals(Tuple.of(Atom.of("got"), Int.of(1)), client.call(server, Int.of(1), T));
        Await.until(Duration.ofSeconds(5), () -> b.whereis("named").isPresent(), () -> "\"named\" not registered on b");
        assertEquals(Int.of(2), client.call(Tuple.of(Atom.of("named"), b.nameAtom()), Int.of(2), T));
        long t0 = System.nanoTime();
        CallException.Exited e = assertThrows(CallException.Exited.class,
                () -> client.call(server, Atom.of("die"), Duration.ofSeconds(30)));
        assertEquals(Atom.of("died_mid_call"), e.reason());
        assertEquals(Tuple.of(Atom.of("died_mid_call"), Tuple.of(Atom.of("gen_server"), Atom.of("call"),
                TermList.of(server, Atom.of("die"), Int.of(30000)))), e.exitReason());
        assertThrows(CallException.NoProc.class, () -> client.call(Tuple.of(Atom.of("nobody"), b.nameAtom()), Int.of(3), T));
        Pid hang = b.spawn(GenServer.server((request, from) -> null));
        Thread caller = Thread.currentThread();
        Thread.ofVirtual().start(() -> {
            try {
                Await.blocked(caller, Duration.ofSeconds(10)); // the call below is waiting for its reply
            } catch (InterruptedException ignored) {
                return;
            }
            a.disconnect(b.name());
        });
        CallException.NodeDown nd = assertThrows(CallException.NodeDown.class,
                () -> client.call(hang, Atom.of("x"), Duration.ofSeconds(30)));
        assertEquals(b.name(), nd.node());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(20).toNanos());
        assertThrows(CallException.NodeDown.class,
                () -> client.call(Tuple.of(Atom.of("x"), Atom.of("nobody@mem")), Int.of(1), Duration.ofSeconds(30)));
    }

    @Test
    void connectionLossReachesEveryLinkMonitorAndNodeMonitorOnce() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox w = a.createMailbox();
        w.trapExit(true);
        w.monitorNodes(true, true);
        Mailbox tb = b.createMailbox("t");
        assertTrue(a.ping(b.name(), T));
        assertEquals(Tuple.of(Atom.of("nodeup"), b.nameAtom(), TermList.of(Tuple.of(Atom.of("node_type"), Atom.of("hidden")))),
                recv(w));
        w.link(tb.self());
        Ref m1 = w.monitor(tb.self());
        Ref m2 = w.monitor("t", b.name());
        w.monitorNode(b.name(), true);
        w.monitorNode(b.name(), true);
        Mailbox nonTrapping = a.createMailbox();
        nonTrapping.link(tb.self());
        awaitLinked(tb, nonTrapping.self());
        awaitLinked(tb, w.self());
        a.disconnect(b.name());
        List<Term> got = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            got.add(recv(w));
        }
        none(w);
        Term bn = b.nameAtom();
        assertTrue(got.contains(exitMsg(tb.self(), Atom.NOCONNECTION)), got.toString());
        assertTrue(got.contains(down(m1, tb.self(), Atom.NOCONNECTION)), got.toString());
        assertTrue(got.contains(down(m2, Tuple.of(Atom.of("t"), bn), Atom.NOCONNECTION)), got.toString());
        assertEquals(2, got.stream().filter(Tuple.of(Atom.of("nodedown"), bn)::equals).count(), got.toString());
        assertTrue(got.contains(Tuple.of(Atom.of("nodedown"), bn, TermList.of(Tuple.of(Atom.of("node_type"), Atom.of("hidden")),
                Tuple.of(Atom.of("nodedown_reason"), Atom.of("disconnect"))))), got.toString());
        assertEquals(Optional.of(Atom.NOCONNECTION), nonTrapping.exitReason());
        w.monitorNode(NodeName.parse("nobody@mem"), true);
        assertEquals(Tuple.of(Atom.of("nodedown"), Atom.of("nobody@mem")), recv(w));
        Mailbox l = a.createMailbox();
        l.trapExit(true);
        Pid far = new Pid(Atom.of("nobody@mem"), 1, 0, 1);
        Ref farMon = l.monitor(far);
        l.link(far);
        List<Term> farGot = List.of(recv(l), recv(l));
        assertTrue(farGot.contains(down(farMon, far, Atom.NOCONNECTION)), farGot.toString());
        assertTrue(farGot.contains(exitMsg(far, Atom.NOCONNECTION)), farGot.toString());
    }

    @Test
    void stoppingANodeKillsItsProcessesWithShutdownAndPeersSeeIt() throws Exception {
        Node a = node("a");
        Node b = node("b");
        Mailbox onA = a.createMailbox();
        Mailbox w = b.createMailbox();
        w.trapExit(true);
        // the monitor first: once the link has arrived, so has the monitor sent before it
        Ref r = w.monitor(onA.self());
        w.link(onA.self());
        awaitLinked(onA, w.self());
        a.close();
        List<Term> got = List.of(recv(w), recv(w));
        assertTrue(got.contains(exitMsg(onA.self(), Atom.of("shutdown"))), got.toString());
        assertTrue(got.contains(down(r, onA.self(), Atom.of("shutdown"))), got.toString());
        assertEquals(Optional.of(Atom.of("shutdown")), onA.exitReason());
    }

    @Test
    void peerWithoutExitPayloadMonitorOrAliasGetsTheOldFormsAndLocalMonitors() throws Exception {
        long old = DistFlags.MANDATORY_26 | DistFlags.MANDATORY_25_DIGEST;
        Node a = node("a");
        Node b = node("b", old);
        Mailbox w = a.createMailbox();
        w.trapExit(true);
        Mailbox tb = b.createMailbox("t");
        tb.trapExit(true);
        w.link(tb.self());
        awaitLinked(tb, w.self());
        Ref local = w.monitor(tb.self());
        w.exit(tb.self(), Atom.of("hello"));
        assertEquals(exitMsg(w.self(), Atom.of("hello")), recv(tb));
        tb.exit(Atom.of("bye"));
        assertEquals(exitMsg(tb.self(), Atom.of("bye")), recv(w));
        none(w);
        Mailbox tb2 = b.createMailbox();
        Ref local2 = w.monitor(tb2.self());
        Ref alias = w.alias();
        tb2.send(alias, Atom.of("lost"));
        a.disconnect(b.name());
        List<Term> got = List.of(recv(w), recv(w));
        assertTrue(got.contains(down(local, tb.self(), Atom.NOCONNECTION)), got.toString());
        assertTrue(got.contains(down(local2, tb2.self(), Atom.NOCONNECTION)), got.toString());
        none(w);
    }

    @Test
    void peerWithoutUnlinkIdGetsTheOldUnlink() throws Exception {
        long old = DistFlags.MANDATORY_25 | DistFlags.MANDATORY_25_DIGEST | DistFlags.V4_NC;
        Node a = node("a");
        Node b = node("b", old);
        Mailbox watcher = a.createMailbox();
        Pid rb = relay(b, watcher);
        Mailbox boxA = a.createMailbox();
        boxA.link(rb);
        awaitLinked(boxA, rb);
        boxA.unlink(rb);
        assertFalse(boxA.isLinkedTo(rb));
        boxA.send(rb, Atom.of("sync"));
        assertEquals(relayed(Atom.of("sync")), recv(watcher));
        boxA.link(rb);
        boxA.exit(Atom.of("relinked"));
        assertEquals(relayed(exitMsg(boxA.self(), Atom.of("relinked"))), recv(watcher));
    }
}
