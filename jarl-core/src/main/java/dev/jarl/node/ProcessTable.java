/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import dev.jarl.term.Pid;

/**
 * The node's live processes by pid number ({@code serial << 15 | id}, 28 bits): a two-level
 * array, since the node hands numbers out in order. Inserting is a compare-and-set on an
 * array slot, with no node object, hash or resize per process, which a hash map keyed by
 * pid spent most of a spawn on. A chunk of {@value #CHUNK} slots is allocated when its first
 * number is handed out and dropped when its last process has gone and the numbers have
 * moved past it, so the table holds about one chunk per {@value #CHUNK} live processes
 * (4 bytes a slot with compressed pointers) rather than grows with every pid ever made.
 *
 * <p>A pid of another node or incarnation that has the same number is never taken for a
 * local one: lookups compare the whole pid. Thread-safe, lock-free.
 */
final class ProcessTable {

    private static final int NUMBER_BITS = 28;
    private static final int CHUNK_BITS = 14;
    static final int CHUNK = 1 << CHUNK_BITS;
    private static final int CHUNK_MASK = CHUNK - 1;
    private static final int DEAD = Integer.MIN_VALUE / 2;

    private static final class Chunk {
        final AtomicReferenceArray<LocalProcess> slots = new AtomicReferenceArray<>(CHUNK);
        /**
         * Processes in the chunk, counted up before a slot is taken and down after it is
         * freed; {@link #DEAD} once dropped, so that nobody joins a chunk on its way out.
         */
        final AtomicInteger live = new AtomicInteger();
        /** Set once the chunk's last number has been used: from then on it only empties. */
        volatile boolean sealed;
    }

    private final AtomicReferenceArray<Chunk> chunks = new AtomicReferenceArray<>(1 << (NUMBER_BITS - CHUNK_BITS));

    /** The pid's number, or -1 when its id or serial are outside what this node hands out. */
    static int number(Pid pid) {
        int id = pid.id();
        int serial = pid.serial();
        if ((id & ~0x7FFF) != 0 || (serial & ~0x1FFF) != 0) {
            return -1;
        }
        return serial << 15 | id;
    }

    /** Adds {@code p} under its pid; returns the process already there (a number reused after wrapping), else null. */
    LocalProcess putIfAbsent(LocalProcess p) {
        int n = number(p.pid());
        if (n < 0) {
            throw new IllegalArgumentException("pid " + p.pid() + ": id or serial beyond 15 and 13 bits");
        }
        while (true) {
            Chunk c = chunks.get(n >>> CHUNK_BITS);
            if (c == null) {
                Chunk fresh = new Chunk();
                c = chunks.compareAndExchange(n >>> CHUNK_BITS, null, fresh);
                if (c == null) {
                    c = fresh;
                }
            }
            if (c.live.incrementAndGet() <= 0) {
                // dropped as we came: help take it out of the table, then start a new one
                chunks.compareAndSet(n >>> CHUNK_BITS, c, null);
                continue;
            }
            LocalProcess there = c.slots.compareAndExchange(n & CHUNK_MASK, null, p);
            if (there != null) {
                leave(c, n);
                return there;
            }
            if ((n & CHUNK_MASK) == CHUNK_MASK) {
                c.sealed = true;
            }
            return null;
        }
    }

    /** The live process with exactly this pid, or null. */
    LocalProcess get(Pid pid) {
        int n = number(pid);
        if (n < 0) {
            return null;
        }
        Chunk c = chunks.get(n >>> CHUNK_BITS);
        if (c == null) {
            return null;
        }
        LocalProcess p = c.slots.get(n & CHUNK_MASK);
        return p != null && p.pid().equals(pid) ? p : null;
    }

    boolean containsKey(Pid pid) {
        return get(pid) != null;
    }

    /** Removes {@code p} if it is the process under its pid; true when it was. */
    boolean remove(Pid pid, LocalProcess p) {
        int n = number(pid);
        if (n < 0 || !p.pid().equals(pid)) {
            return false;
        }
        Chunk c = chunks.get(n >>> CHUNK_BITS);
        if (c == null || !c.slots.compareAndSet(n & CHUNK_MASK, p, null)) {
            return false;
        }
        leave(c, n);
        return true;
    }

    /** Removes whatever process has exactly this pid. */
    void remove(Pid pid) {
        LocalProcess p = get(pid);
        if (p != null) {
            remove(pid, p);
        }
    }

    /** A process left chunk {@code c}: drop the chunk when it was the last and no number is left in it. */
    private void leave(Chunk c, int n) {
        if (c.live.decrementAndGet() == 0 && c.sealed && c.live.compareAndSet(0, DEAD)) {
            chunks.compareAndSet(n >>> CHUNK_BITS, c, null);
        }
    }

    /** Calls {@code action} for each live process, in no particular order; processes may come and go meanwhile. */
    void forEach(java.util.function.Consumer<LocalProcess> action) {
        for (int i = 0; i < chunks.length(); i++) {
            Chunk c = chunks.get(i);
            if (c == null) {
                continue;
            }
            for (int j = 0; j < CHUNK; j++) {
                LocalProcess p = c.slots.get(j);
                if (p != null) {
                    action.accept(p);
                }
            }
        }
    }

    /** A snapshot of the live processes, in no particular order. */
    List<LocalProcess> values() {
        List<LocalProcess> out = new ArrayList<>();
        forEach(out::add);
        return out;
    }

    /** Chunks allocated now; for tests of the table's memory. */
    int chunks() {
        int n = 0;
        for (int i = 0; i < chunks.length(); i++) {
            if (chunks.get(i) != null) {
                n++;
            }
        }
        return n;
    }
}
