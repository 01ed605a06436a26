/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carriers.MemNetwork;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/** Processes on one node: spawn, links, trap_exit, kill/normal, exit/2, monitors, aliases, gen_server. */
@Timeout(60)
class ProcessesTest {

    static final Duration T = Duration.ofSeconds(5);
    static final Duration SHORT = Duration.ofMillis(200);

    private final MemNetwork net = new MemNetwork();
    private final List<Node> nodes = new ArrayList<>();

    Node node(String name) throws IOException {
        Node n = Node.start(NodeConfig.builder(name + "@mem").cookie("c").carrier(net.carrier())
                .setupTime(Duration.ofSeconds(3)).build());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void closeAll() {
        nodes.forEach(Node::close);
    }

    static Term recv(Mailbox box) throws InterruptedException {
        return box.receive(T).orElseThrow(() -> new AssertionError("no message within " + T));
    }

    static void none(Mailbox box) throws InterruptedException {
        Optional<Term> m = box.receive(SHORT);
        assertTrue(m.isEmpty(), () -> "unexpected " + m.get());
    }

    static Tuple exitMsg(Pid from, Term reason) {
        return Tuple.of(Atom.EXIT, from, reason);
    }

    static Tuple down(Ref ref, Term item, Term reason) {
        return Tuple.of(Atom.of("DOWN"), ref, Atom.of("process"), item, reason);
    }

    static ProcessBody forever() {
        return self -> {
            while (true) {
                self.receive();
            }
        };
    }

    @Test
    void spawnEndsNormallyWithExitReasonOrWithTheExceptionAsReason() throws Exception {
        Node n = node("a");
        Mailbox box = n.createMailbox();
        Monitored ok = box.spawnMonitor(self -> { });
        assertEquals(down(ok.ref(), ok.pid(), Atom.NORMAL), recv(box));
        Monitored ex = box.spawnMonitor(self -> {
            throw new ExitException(Term.tuple("bad", 1));
        });
        assertEquals(down(ex.ref(), ex.pid(), Term.tuple("bad", 1)), recv(box));
        Monitored boom = box.spawnMonitor(self -> {
            throw new IllegalStateException("no such account");
        });
        assertEquals(down(boom.ref(), boom.pid(),
                Tuple.of(Atom.of("java.lang.IllegalStateException"), Binary.of("no such account"))), recv(box));
        Monitored viaExit = box.spawnMonitor(self -> self.exit(Atom.of("bye")));
        assertEquals(down(viaExit.ref(), viaExit.pid(), Atom.of("bye")), recv(box));
    }

    @Test
    void spawnedProcessEchoes() throws Exception {
        Node n = node("a");
        Mailbox box = n.createMailbox();
        Pid echo = n.spawn(self -> {
            Tuple t = (Tuple) self.receive();
            self.send((Pid) t.get(0), t.get(1));
        });
        box.send(echo, Tuple.of(box.self(), Atom.of("hi")));
        assertEquals(Atom.of("hi"), recv(box));
    }

    @Test
    void linkedProcessDeathKillsOrIsTrapped() throws Exception {
        Node n = node("a");
        Mailbox parent = n.createMailbox();
        parent.trapExit(true);
        Pid child = parent.spawnLink(self -> {
            throw new ExitException("crash");
        });
        assertEquals(exitMsg(child, Atom.of("crash")), recv(parent));
        assertFalse(parent.isLinkedTo(child));

        Mailbox victim = n.createMailbox();
        Mailbox watcher = n.createMailbox();
        Ref ref = watcher.monitor(victim.self());
        Pid killer = victim.spawnLink(self -> {
            throw new ExitException("crash");
        });
        assertEquals(down(ref, victim.self(), Atom.of("crash")), recv(watcher));
        assertTrue(victim.isExited());
        ExitException e = assertThrows(ExitException.class, victim::receive);
        assertEquals(Atom.of("crash"), e.reason());
        assertEquals(killer.node(), victim.self().node());
    }

    @Test
    void normalExitDoesNotKillLinkedUnlessTrapping() throws Exception {
        Node n = node("a");
        Mailbox a = n.createMailbox();
        Pid child = a.spawnLink(self -> { });
        Mailbox w = n.createMailbox();
        Ref r = w.monitor(child);
        recv(w);
        assertFalse(a.isExited());
        a.exit(child, Atom.NORMAL);
        none(a);
        Mailbox b = n.createMailbox();
        b.trapExit(true);
        Pid c2 = b.spawnLink(self -> { });
        assertEquals(exitMsg(c2, Atom.NORMAL), recv(b));
        assertTrue(r != null);
    }

    @Test
    void exitNormalFromSelfEndsTheProcess() throws Exception {
        Node n = node("a");
        Mailbox a = n.createMailbox();
        a.exit(a.self(), Atom.NORMAL);
        assertTrue(a.isExited());
        assertEquals(Optional.of(Atom.NORMAL), a.exitReason());
    }

    @Test
    void killIsUntrappableAndLinkedSeeKilled() throws Exception {
        Node n = node("a");
        Mailbox parent = n.createMailbox();
        parent.trapExit(true);
        CountDownLatch childTrapping = new CountDownLatch(1);
        Pid child = parent.spawnLink(self -> {
            self.trapExit(true);
            childTrapping.countDown();
            while (true) {
                self.receive();
            }
        });
        childTrapping.await();
        parent.exit(child, Atom.of("kill"));
        assertEquals(exitMsg(child, Atom.of("killed")), recv(parent));

        CountDownLatch trapping = new CountDownLatch(1);
        Pid trapper = parent.spawnLink(self -> {
            self.trapExit(true);
            trapping.countDown();
            while (true) {
                Term m = self.receive();
                if (m instanceof Tuple t && t.isTagged(Atom.EXIT, 3)) {
                    parent.send(parent.self(), Tuple.of(Atom.of("trapped"), t.get(2)));
                }
            }
        });
        trapping.await();
        parent.exit(trapper, Atom.of("other"));
        assertEquals(Tuple.of(Atom.of("trapped"), Atom.of("other")), recv(parent));
        parent.exit(trapper, Atom.NORMAL);
        assertEquals(Tuple.of(Atom.of("trapped"), Atom.NORMAL), recv(parent));
    }

    @Test
    void linkExitWithReasonKillIsAnOrdinaryReason() throws Exception {
        Node n = node("a");
        Mailbox a = n.createMailbox();
        a.trapExit(true);
        Pid child = a.spawnLink(self -> {
            throw new ExitException("kill");
        });
        assertEquals(exitMsg(child, Atom.of("kill")), recv(a));
    }

    @Test
    void unlinkStopsPropagationAndLinkToDeadPidGivesNoproc() throws Exception {
        Node n = node("a");
        Mailbox a = n.createMailbox();
        CountDownLatch go = new CountDownLatch(1);
        Pid child = a.spawnLink(self -> {
            go.await();
            throw new ExitException("crash");
        });
        assertTrue(a.isLinkedTo(child));
        a.unlink(child);
        assertFalse(a.isLinkedTo(child));
        Ref r = a.monitor(child);
        go.countDown();
        assertEquals(down(r, child, Atom.of("crash")), recv(a));
        assertFalse(a.isExited());
        a.trapExit(true);
        a.link(child);
        assertEquals(exitMsg(child, Atom.NOPROC), recv(a));
        Mailbox b = n.createMailbox();
        b.link(child);
        assertTrue(b.isExited());
        assertEquals(Optional.of(Atom.NOPROC), b.exitReason());
    }

    @Test
    void monitorsFireOnceNoprocDemonitorFlushAndNames() throws Exception {
        Node n = node("a");
        Mailbox w = n.createMailbox();
        Mailbox target = n.createMailbox("target");
        Ref r1 = w.monitor(target.self());
        Ref r2 = w.monitor("target");
        Ref r3 = w.monitor(target.self());
        assertTrue(w.demonitor(r3));
        target.exit(Atom.of("gone"));
        List<Term> got = List.of(recv(w), recv(w));
        assertTrue(got.contains(down(r1, target.self(), Atom.of("gone"))), got.toString());
        assertTrue(got.contains(down(r2, Tuple.of(Atom.of("target"), n.nameAtom()), Atom.of("gone"))), got.toString());
        none(w);
        Ref r4 = w.monitor(target.self());
        assertEquals(down(r4, target.self(), Atom.NOPROC), recv(w));
        Ref r5 = w.monitor("nobody");
        assertEquals(down(r5, Tuple.of(Atom.of("nobody"), n.nameAtom()), Atom.NOPROC), recv(w));
        Ref r6 = w.monitor(target.self());
        assertFalse(w.demonitor(r6, true));
        assertEquals(0, w.queued());
    }

    @Test
    void aliasesDeliverWhileActive() throws Exception {
        Node n = node("a");
        Mailbox a = n.createMailbox();
        Mailbox b = n.createMailbox();
        Ref alias = a.alias();
        b.send(alias, Atom.of("one"));
        assertEquals(Atom.of("one"), recv(a));
        assertTrue(a.unalias(alias));
        b.send(alias, Atom.of("two"));
        none(a);
    }

    @Test
    void genServerCallAndCastBetweenJarlProcesses() throws Exception {
        Node n = node("a");
        Mailbox client = n.createMailbox("client");
        List<Term> casts = new java.util.concurrent.CopyOnWriteArrayList<>();
        Pid server = n.spawn(self -> GenServer.serve(self, new GenServer.Handler() {
            @Override
            public Term handleCall(Term request, Term from) {
                if (Atom.of("die").equals(request)) {
                    throw new ExitException("died");
                }
                if (Atom.of("slow").equals(request)) {
                    return null;
                }
                return Tuple.of(Atom.of("echo"), request);
            }

            @Override
            public void handleCast(Term request) {
                casts.add(request);
            }
        }));
        assertEquals(Tuple.of(Atom.of("echo"), Int.of(1)), client.call(server, Int.of(1), T));
        client.cast(server, Atom.of("c"));
        assertEquals(Tuple.of(Atom.of("echo"), Int.of(2)), client.call(server, Int.of(2), T));
        assertEquals(List.of(Atom.of("c")), casts);
        CallException.Timeout to = assertThrows(CallException.Timeout.class,
                () -> client.call(server, Atom.of("slow"), Duration.ofMillis(100)));
        assertEquals(Atom.of("timeout"), to.reason());
        CallException.Exited ex = assertThrows(CallException.Exited.class, () -> client.call(server, Atom.of("die"), T));
        assertEquals(Atom.of("died"), ex.reason());
        assertThrows(CallException.NoProc.class, () -> client.call(server, Int.of(3), T));
        assertThrows(CallException.NoProc.class, () -> client.call(Atom.of("nobody"), Int.of(3), T));
        assertEquals(0, client.queued());
    }

    @Test
    void chainOf100000LinkedProcessesAllExitWhenTheHeadIsKilled() throws Exception {
        Node n = node("chain");
        int count = 100_000;
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        long t0 = System.nanoTime();
        CountDownLatch done = new CountDownLatch(count);
        CountDownLatch linked = new CountDownLatch(count);
        Mailbox head = n.createMailbox();
        Mailbox tail = head;
        List<Pid> pids = new ArrayList<>(count);
        Pid prev = tail.self();
        for (int i = 0; i < count; i++) {
            Pid link = prev;
            Pid p = n.spawn(self -> {
                try {
                    self.link(link);
                    linked.countDown();
                    while (true) {
                        self.receive();
                    }
                } finally {
                    done.countDown();
                }
            });
            pids.add(p);
            prev = p;
        }
        // every link is set up once each process has run its first line; wait for that by monitoring the last
        Mailbox w = n.createMailbox();
        long tSpawned = System.nanoTime();
        long heapSpawned = rt.totalMemory() - rt.freeMemory();
        assertTrue(linked.await(60, TimeUnit.SECONDS));
        long tLinked = System.nanoTime();
        Ref last = w.monitor(pids.get(count - 1));
        head.exit(tail.self(), Atom.of("kill"));
        assertEquals(down(last, pids.get(count - 1), Atom.of("killed")), w.receive(Duration.ofSeconds(60)).orElseThrow());
        long tSignalled = System.nanoTime();
        assertTrue(done.await(60, TimeUnit.SECONDS), "processes still running: " + done.getCount());
        long tDone = System.nanoTime();
        for (Pid p : pids) {
            assertNull(n.processes().local(p), "alive: " + p);
        }
        System.out.printf("100000-process chain: spawn %d ms, link %d ms, kill to last DOWN %d ms, to every thread ended %d ms;"
                        + " heap %d MB before, %d MB after spawning (%d bytes/process)%n",
                (tSpawned - t0) / 1_000_000, (tLinked - tSpawned) / 1_000_000, (tSignalled - tLinked) / 1_000_000,
                (tDone - tLinked) / 1_000_000,
                heapBefore >> 20, heapSpawned >> 20, (heapSpawned - heapBefore) / count);
    }
}
