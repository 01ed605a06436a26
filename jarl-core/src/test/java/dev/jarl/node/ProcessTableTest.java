/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carriers.MemNetwork;
import dev.jarl.term.Atom;
import dev.jarl.term.Pid;

@Timeout(60)
class ProcessTableTest {

    static final Atom HOME = Atom.of("table@mem");

    final Node node;

    ProcessTableTest() throws Exception {
        node = Node.start(NodeConfig.builder("table@mem").cookie("c").carrier(new MemNetwork().carrier()).build());
    }

    @AfterEach
    void close() {
        node.close();
    }

    LocalProcess process(int number) {
        return new LocalProcess(node, new Pid(HOME, number & 0x7FFF, number >>> 15, 5));
    }

    @Test
    void putGetRemove() {
        ProcessTable t = new ProcessTable();
        LocalProcess p = process(70_000);
        assertNull(t.putIfAbsent(p));
        assertSame(p, t.get(p.pid()));
        assertTrue(t.containsKey(p.pid()));
        assertEquals(List.of(p), t.values());
        assertFalse(t.remove(p.pid(), process(70_000)), "another process object with the same pid");
        assertTrue(t.remove(p.pid(), p));
        assertNull(t.get(p.pid()));
        assertFalse(t.remove(p.pid(), p));
    }

    @Test
    void aTakenNumberReturnsItsProcess() {
        ProcessTable t = new ProcessTable();
        LocalProcess p = process(12);
        t.putIfAbsent(p);
        LocalProcess q = process(12);
        assertSame(p, t.putIfAbsent(q));
        assertSame(p, t.get(q.pid()));
    }

    @Test
    void pidsOfOtherNodesOrIncarnationsAreNotLocal() {
        ProcessTable t = new ProcessTable();
        LocalProcess p = process(3);
        t.putIfAbsent(p);
        assertNull(t.get(new Pid(Atom.of("other@mem"), 3, 0, 5)));
        assertNull(t.get(new Pid(HOME, 3, 0, 6)));
        assertNull(t.get(new Pid(HOME, 3 + 0x8000, 0, 5)), "an id over 15 bits is no number of ours");
        assertNull(t.get(new Pid(HOME, 3, 0x2000, 5)), "a serial over 13 bits is no number of ours");
        assertFalse(t.remove(new Pid(HOME, 3, 0, 6), p));
        assertSame(p, t.get(p.pid()));
        assertThrows(IllegalArgumentException.class,
                () -> t.putIfAbsent(new LocalProcess(node, new Pid(HOME, 0x8000, 0, 5))));
    }

    @Test
    void aChunkGoesWhenItsNumbersAreUsedUpAndItsProcessesGone() {
        ProcessTable t = new ProcessTable();
        List<LocalProcess> first = new ArrayList<>();
        for (int n = 0; n < ProcessTable.CHUNK + 10; n++) {
            LocalProcess p = process(n);
            assertNull(t.putIfAbsent(p));
            first.add(p);
        }
        assertEquals(2, t.chunks());
        // the second chunk still hands out numbers: it stays even when empty
        for (int n = ProcessTable.CHUNK; n < ProcessTable.CHUNK + 10; n++) {
            assertTrue(t.remove(first.get(n).pid(), first.get(n)));
        }
        assertEquals(2, t.chunks());
        for (int n = 0; n < ProcessTable.CHUNK - 1; n++) {
            assertTrue(t.remove(first.get(n).pid(), first.get(n)));
        }
        assertEquals(2, t.chunks(), "one process left in the first chunk");
        LocalProcess last = first.get(ProcessTable.CHUNK - 1);
        assertTrue(t.remove(last.pid(), last));
        assertEquals(1, t.chunks());
        // a number in a dropped chunk (after the counter wraps) gets a new chunk
        LocalProcess again = process(5);
        assertNull(t.putIfAbsent(again));
        assertSame(again, t.get(again.pid()));
        assertEquals(2, t.chunks());
    }

    @Test
    void concurrentSpawnsAndExitsLoseNothing() throws Exception {
        ProcessTable t = new ProcessTable();
        int threads = 4;
        int perThread = 3 * ProcessTable.CHUNK;
        AtomicInteger next = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Set<LocalProcess>> kept = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Set<LocalProcess> mine = new HashSet<>();
            kept.add(mine);
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int k = 0; k < perThread; k++) {
                    LocalProcess p = process(next.getAndIncrement());
                    if (t.putIfAbsent(p) != null) {
                        throw new AssertionError("number taken: " + p.pid());
                    }
                    if (k % 3 == 0) {
                        mine.add(p);
                    } else if (!t.remove(p.pid(), p)) {
                        throw new AssertionError("not found to remove: " + p.pid());
                    }
                }
            }));
        }
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        Set<LocalProcess> all = new HashSet<>();
        kept.forEach(all::addAll);
        assertEquals(all, new HashSet<>(t.values()));
        for (LocalProcess p : all) {
            assertSame(p, t.get(p.pid()));
        }
        for (LocalProcess p : all) {
            assertTrue(t.remove(p.pid(), p));
        }
        assertEquals(List.of(), t.values());
        assertTrue(t.chunks() <= 1, "chunks left: " + t.chunks());
    }
}
