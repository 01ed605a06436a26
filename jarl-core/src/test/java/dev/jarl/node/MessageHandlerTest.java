/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.LogCapture;
import dev.jarl.testing.Otp;

/**
 * Processes with a {@link MessageHandler}: handled on the input thread of the connection a
 * message came on (the one-hand-off path), in order per sender with nothing lost, whether
 * the handler ran inline or its messages were queued behind a running one; a slow handler is
 * logged at WARNING, delays no other connection, and costs its connection no tick timeout.
 */
@Timeout(60)
class MessageHandlerTest {

    private static final Atom DONE = Atom.of("done");

    private static Node start(int epmdPort, NodeConfig.Builder extra) throws Exception {
        return Node.start(extra.cookie("c").epmdPort(epmdPort).carrier(Otp.loopbackTcp(epmdPort)).build());
    }

    private static NodeConfig.Builder config() {
        return NodeConfig.builder(Otp.uniqueName("mh") + "@" + Otp.shortHost());
    }

    /** {@code {Sender, I}} from each sender must come 1, 2, 3...; counts what arrived per sender. */
    private static MessageHandler inOrder(Map<Term, AtomicInteger> seen, List<String> errors, Set<String> threads) {
        return (self, m) -> {
            threads.add(Thread.currentThread().getName());
            if (m instanceof Tuple t && t.arity() == 2 && t.get(1) instanceof Int i) {
                int next = seen.computeIfAbsent(t.get(0), k -> new AtomicInteger()).incrementAndGet();
                if (i.longValue() != next) {
                    errors.add(t.get(0) + ": got " + i + ", expected " + next);
                }
            } else if (m instanceof Tuple t && t.arity() == 2 && DONE.equals(t.get(0)) && t.get(1) instanceof Pid from) {
                self.send(from, DONE);
            }
        };
    }

    @Test
    void remoteSendersAreHandledOnTheInputThreadInOrderWithNothingLost() throws Exception {
        int epmdPort = Otp.freePort();
        int n = 20_000;
        Map<Term, AtomicInteger> seen = new ConcurrentHashMap<>();
        List<String> errors = new CopyOnWriteArrayList<>();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        try (Node a = start(epmdPort, config());
             Node b = start(epmdPort, config());
             Mailbox h = a.createMailbox("h", inOrder(seen, errors, threads))) {
            assertThrows(IllegalStateException.class, () -> h.receive(Duration.ZERO));
            List<Thread> senders = new ArrayList<>();
            List<Mailbox> boxes = new ArrayList<>();
            for (int s = 0; s < 3; s++) {
                Mailbox mb = b.createMailbox();
                boxes.add(mb);
                senders.add(Thread.ofVirtual().start(() -> {
                    for (int i = 1; i <= n; i++) {
                        mb.send("h", a.name(), Tuple.of(mb.self(), Int.of(i)));
                    }
                }));
            }
            // a local sender too: handled on its own thread, interleaved with the remote ones
            Mailbox local = a.createMailbox();
            for (int i = 1; i <= n; i++) {
                local.send(h.self(), Tuple.of(local.self(), Int.of(i)));
            }
            for (Thread t : senders) {
                t.join();
            }
            for (Mailbox mb : boxes) {
                mb.send("h", a.name(), Tuple.of(DONE, mb.self()));
                assertEquals(DONE, mb.receive(Duration.ofSeconds(20)).orElseThrow());
                assertEquals(n, seen.get(mb.self()).get(), "messages from " + mb.self());
            }
            assertEquals(n, seen.get(local.self()).get());
            assertEquals(List.of(), errors);
            assertTrue(threads.stream().anyMatch(name -> name.endsWith("-in")),
                    "no message was handled on a connection's input thread: " + threads);
        }
    }

    @Test
    void aSlowHandlerIsLoggedAndDelaysNoOtherConnectionNorItsTicks() throws Exception {
        int epmdPort = Otp.freePort();
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Term> slowGot = new CopyOnWriteArrayList<>();
        // net_ticktime 400 ms: a connection silent for 500 ms is down; the handler holds the
        // input thread of its connection three times that long
        Duration ticktime = Duration.ofMillis(400);
        try (LogCapture logs = new LogCapture(Level.WARNING);
             Node a = start(epmdPort, config().netTicktime(ticktime).handlerWarning(Duration.ofMillis(50)));
             Node b = start(epmdPort, config().netTicktime(ticktime));
             Node c = start(epmdPort, config().netTicktime(ticktime))) {
            Mailbox slow = a.createMailbox("slow", (self, m) -> {
                slowGot.add(m);
                if (Atom.of("block").equals(m)) {
                    entered.countDown();
                    try {
                        release.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            });
            Mailbox echo = a.createMailbox("echo", (self, m) -> {
                if (m instanceof Tuple t && t.get(0) instanceof Pid from) {
                    self.send(from, t.get(1));
                }
            });
            List<NodeName> downs = new CopyOnWriteArrayList<>();
            a.addNodeListener(new NodeListener() {
                @Override
                public void nodeDown(NodeName n, dev.jarl.carrier.ConnectionFate fate) {
                    downs.add(n);
                }
            });
            Mailbox mb = b.createMailbox();
            Mailbox mc = c.createMailbox();
            assertTrue(b.ping(a.name(), Duration.ofSeconds(5)));
            assertTrue(c.ping(a.name(), Duration.ofSeconds(5)));

            mb.send("slow", a.name(), Atom.of("block"));
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            // the connection from c: a message for the busy process is queued, not waited for,
            // and c's round trips through another process go on
            mc.send("slow", a.name(), Atom.of("from_c"));
            for (int i = 0; i < 20; i++) {
                mc.send("echo", a.name(), Tuple.of(mc.self(), Int.of(i)));
                assertEquals(Int.of(i), mc.receive(Duration.ofSeconds(5)).orElseThrow(), "round trip " + i);
            }
            // real time: b's input thread is held past the tick timeout, which runs on the clock
            Thread.sleep(3 * ticktime.toMillis());
            assertEquals(List.of(Atom.of("block")), slowGot, "handled while the handler was busy");
            release.countDown();
            Await.until(Duration.ofSeconds(10), () -> slowGot.size() == 2, () -> "handled: " + slowGot);
            assertEquals(Atom.of("from_c"), slowGot.get(1));
            assertTrue(a.nodes().contains(b.name()), "b still connected");
            assertEquals(List.of(), downs, "no nodedown");
            // the connection from b still works
            mb.send("echo", a.name(), Tuple.of(mb.self(), Atom.OK));
            assertEquals(Atom.OK, mb.receive(Duration.ofSeconds(5)).orElseThrow());
            assertFalse(logs.find(Level.WARNING, "message handler of").isEmpty(),
                    "WARNING for the slow handler: " + logs.lines());
            slow.close();
            echo.close();
        }
    }

    @Test
    void aFailingHandlerEndsItsProcess() throws Exception {
        int epmdPort = Otp.freePort();
        try (LogCapture logs = new LogCapture(Level.SEVERE);
             Node a = start(epmdPort, config());
             Mailbox watcher = a.createMailbox()) {
            Mailbox h = a.createMailbox("h", (self, m) -> {
                throw new IllegalArgumentException("boom");
            });
            watcher.link(h.self());
            watcher.trapExit(true);
            watcher.send(h.self(), Atom.OK);
            Term exit = watcher.receive(Duration.ofSeconds(5)).orElseThrow();
            assertEquals(Tuple.of(Atom.EXIT, h.self(), Atom.of("handler_failed")), exit);
            assertTrue(h.isExited());
            assertFalse(logs.find(Level.SEVERE, "message handler of").isEmpty(), "logged: " + logs.lines());
        }
    }

    @Test
    void theHandlerFlagIsSetInAHandlerAndClearedAfterItEvenWhenItFails() throws Exception {
        int epmdPort = Otp.freePort();
        List<Boolean> flags = new CopyOnWriteArrayList<>();
        try (LogCapture logs = new LogCapture(Level.SEVERE);
             Node a = start(epmdPort, config());
             Mailbox mb = a.createMailbox()) {
            Mailbox h = a.createMailbox("h", (self, m) -> {
                flags.add(Processes.inHandler());
                if (m.equals(Atom.of("fail"))) {
                    throw new IllegalStateException("boom");
                }
                self.send((Pid) m, DONE);
            });
            mb.send(h.self(), mb.self());
            assertEquals(DONE, mb.receive(Duration.ofSeconds(5)).orElseThrow());
            mb.send(h.self(), Atom.of("fail"));
            Await.until(Duration.ofSeconds(5), h::isExited, () -> "the failing handler's process ended");
            assertEquals(List.of(true, true), flags);
            assertEquals(0, Processes.handlerCalls(), "no handler call counted once they returned");
            assertFalse(Processes.inHandler());
            assertFalse(logs.find(Level.SEVERE, "message handler of").isEmpty(), "logged: " + logs.lines());
        }
    }

    /**
     * Deciding whether a send may wait reads no thread-local on a thread that runs no handler:
     * the first read of one would create the thread's thread-local map, kept for the thread's
     * life, on every process that sends to another node (100 000 processes: 15 MB more for
     * the collector while they wake at once).
     */
    @Test
    void askingWhetherAThreadRunsAHandlerAllocatesNothingOnThreadsThatRunNone() throws Exception {
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        assertTrue(bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled(), "allocation counting");
        assertFalse(Processes.inHandler());
        long[] bytes = new long[2];
        Thread t = Thread.ofPlatform().start(() -> {
            long a = bean.getCurrentThreadAllocatedBytes();
            long b = bean.getCurrentThreadAllocatedBytes();
            boolean flag = Processes.inHandler();
            long c = bean.getCurrentThreadAllocatedBytes();
            bytes[0] = (c - b) - (b - a);
            bytes[1] = flag ? 1 : 0;
        });
        t.join();
        assertEquals(0, Processes.handlerCalls(), "no handler runs in this JVM now");
        assertEquals(0, bytes[1], "not in a handler");
        assertEquals(0, bytes[0], "bytes allocated by the check on a fresh thread");
    }
}
