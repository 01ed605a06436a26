/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

import dev.jarl.channel.DistConnection;
import dev.jarl.term.Atom;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * The message queue of one process: append at the tail, take the first message a predicate
 * accepts (Erlang's selective receive), wait with a deadline.
 *
 * <p>A singly linked list: appends are O(1), and a selective receive that waits resumes its
 * scan where it stopped instead of looking at the old messages again (Erlang's receive
 * marker idea), so a long queue of unmatched messages costs one pass, not one per arrival.
 * One lock guards the list (the owning process's lock, so a process holds one lock, not
 * two). A receiver waits with {@link LockSupport#park}: the first waiter is remembered and
 * unparked by {@link #put}; further concurrent waiters (a mailbox shared by threads) use a
 * condition made on demand. An idle process's parked stack is what most of its memory is,
 * and a condition's frames doubled it.
 *
 * <p>With a handler ({@link #handler(Consumer)}), messages are not taken by receivers but
 * handed to it, one at a time, in queue order. The thread that appends to an empty, idle
 * queue runs the handler itself for that message, unless it holds the process's lock (a
 * signal applied under it): that is the one-hand-off path of a connection's input thread.
 * A message that arrives while the handler runs elsewhere only waits in the list, so its
 * sender is never held up; when the running handler returns and finds more, a virtual
 * thread drains them (the appending thread runs one message, never the others' backlog).
 *
 * <p><b>Waiters without a thread</b> ({@link #await(Waiter)}): the receives of the
 * asynchronous API. A keyed waiter takes the messages that carry its reference where a
 * reply, a DOWN or a spawn reply carries it (see {@link #keyOf}), found by one hash lookup,
 * so a hundred thousand pending calls cost nothing per message; a matching waiter takes the
 * first message its predicate accepts (a scan of the waiters, in the order they came). A
 * message a waiter takes never enters the list. Waiters are tried before receivers and
 * before the handler, and their callbacks run on the appending thread after the lock is
 * released, or on a virtual thread when that thread still holds the process's lock (a
 * signal applied under it): a callback must not block.
 */
final class MessageQueue {

    /**
     * A receive that holds no thread: {@code key} (a reference) or {@code match} (a
     * predicate) says which messages it takes; {@code onMessage} gets each one, and
     * {@code onClose} the exit reason if the process ends first. A keyed waiter that is not
     * {@code once} stays until {@link #cancel} (a spawn request's reply, then its DOWN).
     */
    record Waiter(Ref key, Predicate<? super Term> match, boolean once, Consumer<Term> onMessage,
            Consumer<Term> onClose) {
        /** Each waiter is itself alone (the tables remove this one, not an equal one). */
        @Override
        public boolean equals(Object o) {
            return this == o;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }

    private static final class Entry {
        final Term message;
        Entry next;
        boolean removed;

        Entry(Term message) {
            this.message = message;
        }
    }

    private final ReentrantLock lock;
    /** The first waiting receiver, or null; under the lock. */
    private Thread waiter;
    /** For receivers that wait while another already does; made on demand, under the lock. */
    private Condition others;
    /** A sentinel: head.next is the oldest message. */
    private final Entry head = new Entry(null);
    private Entry tail = head;
    /** Messages waiting; written under the lock, read by {@link #depth()} without it. */
    private int size;
    /** The most messages waiting at once so far; likewise. */
    private int highWater;
    private Term closedReason;
    /** Where messages go instead of to receivers, or null; set before the process is visible. */
    private Consumer<Term> handler;
    /** A thread is running the handler or is about to; under the lock. */
    private boolean handling;
    /** How long a receiver spins before it parks; set before the process is visible. */
    private long spinNanos;
    /** Keyed waiters by reference, or null; under the lock. */
    private Map<Ref, Waiter> keyed;
    /** Matching waiters in the order they came, or null; under the lock. */
    private LinkedHashSet<Waiter> matching;

    /** A queue with a lock of its own. */
    MessageQueue() {
        this(new ReentrantLock());
    }

    /** A queue guarded by {@code lock} (its process's lock). */
    MessageQueue(ReentrantLock lock) {
        this.lock = lock;
    }

    /** Wakes every waiting receiver; under the lock. */
    private void wakeAll() {
        if (waiter != null) {
            // once: a waiter being woken is no longer one, so the messages that arrive before
            // it runs again cost no further unpark
            LockSupport.unpark(waiter);
            waiter = null;
        }
        if (others != null) {
            others.signalAll();
        }
    }

    /** Sets how long a receiver spins for a message before it parks (0: not at all). */
    void spin(long nanos) {
        this.spinNanos = nanos;
    }

    /**
     * Sends every message to {@code handler} instead of to receivers (see the class comment).
     * Called once, before the process can receive anything.
     */
    void handler(Consumer<Term> handler) {
        lock.lock();
        try {
            this.handler = handler;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends a message (with a handler: and runs it, see the class comment).
     *
     * @return false when the queue is closed (the message is dropped)
     */
    boolean put(Term message) {
        if (handler == null) {
            DistConnection.beforeHandOff(); // a receiver may be woken, or be spinning
        }
        Entry e = new Entry(message);
        boolean runHere;
        Waiter taker = null;
        lock.lock();
        try {
            if (closedReason != null) {
                return false;
            }
            taker = waiterFor(message);
            if (taker != null) {
                return true;
            }
            tail.next = e;
            tail = e;
            SIZE.setOpaque(this, size + 1);
            if (size > highWater) {
                HIGH_WATER.setOpaque(this, size);
            }
            if (handler == null) {
                wakeAll();
                return true;
            }
            if (handling) {
                return true;
            }
            handling = true;
            runHere = lock.getHoldCount() == 1;
        } finally {
            lock.unlock();
            if (taker != null) {
                call(taker.onMessage(), message);
            }
        }
        if (runHere) {
            runHandler(false);
        } else {
            startDrain();
        }
        return true;
    }

    /**
     * Runs the handler on the messages in the list, one at a time, with {@code handling}
     * set: all of them ({@code drain}), or one, leaving any others to a drain thread.
     */
    private void runHandler(boolean drain) {
        while (true) {
            Term m = pollForHandler();
            if (m == null) {
                return;
            }
            handler.accept(m);
            if (!drain) {
                lock.lock();
                try {
                    if (head.next == null || closedReason != null) {
                        handling = false;
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                startDrain();
                return;
            }
        }
    }

    /** The first message, or null (and {@code handling} cleared) when there is none or the queue closed. */
    private Term pollForHandler() {
        lock.lock();
        try {
            Entry first = head.next;
            if (first == null || closedReason != null) {
                handling = false;
                return null;
            }
            head.next = first.next;
            if (tail == first) {
                tail = head;
            }
            first.removed = true;
            SIZE.setOpaque(this, size - 1);
            return first.message;
        } finally {
            lock.unlock();
        }
    }

    private void startDrain() {
        DistConnection.beforeHandOff();
        Thread.ofVirtual().name("jarl-handler-drain").start(() -> runHandler(true));
    }

    /**
     * Removes and returns the first message {@code match} accepts (any message when
     * {@code match} is null), waiting at most {@code timeoutNanos} (negative: forever).
     *
     * @return the message, or null when the time ran out
     * @throws InterruptedException  when interrupted while waiting
     * @throws ExitException        when the queue is (or gets) closed, with the reason
     */
    Term take(Predicate<? super Term> match, long timeoutNanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (handler != null) {
                throw new IllegalStateException("receive on a process whose messages go to its MessageHandler");
            }
            long left = timeoutNanos;
            boolean spun = false;
            Entry prev = head;
            while (true) {
                checkOpen();
                if (prev.removed) {
                    prev = head;
                }
                for (Entry e = prev.next; e != null; prev = e, e = e.next) {
                    if (match == null || match.test(e.message)) {
                        prev.next = e.next;
                        if (tail == e) {
                            tail = prev;
                        }
                        e.removed = true;
                        SIZE.setOpaque(this, size - 1);
                        return e.message;
                    }
                }
                if (timeoutNanos >= 0 && left <= 0) {
                    return null;
                }
                if (spinNanos > 0 && !spun) {
                    spun = true;
                    long spent = spinFor(timeoutNanos < 0 ? spinNanos : Math.min(spinNanos, left));
                    if (timeoutNanos >= 0) {
                        left -= spent;
                    }
                    continue;
                }
                left = await(timeoutNanos < 0 ? -1 : left);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Spins (lock released meanwhile, held on entry and on return) until the queue's size
     * changes or {@code nanos} pass; returns the nanoseconds spent. Bounded, and used only
     * when configured ({@link NodeConfig#receiveSpin()}).
     */
    private long spinFor(long nanos) {
        int seen = size;
        long start = System.nanoTime();
        long spent;
        lock.unlock();
        try {
            do {
                Thread.onSpinWait();
                spent = System.nanoTime() - start;
            } while ((int) SIZE.getAcquire(this) == seen && spent < nanos);
        } finally {
            lock.lock();
        }
        return spent;
    }

    /**
     * Waits (lock held on entry and on return) until woken, {@code nanos} pass (negative:
     * no limit) or a spurious wake-up; returns the time left.
     */
    private long await(long nanos) throws InterruptedException {
        Thread self = Thread.currentThread();
        if (waiter != null && waiter != self) {
            if (others == null) {
                others = lock.newCondition();
            }
            if (nanos < 0) {
                others.await();
                return -1;
            }
            return others.awaitNanos(nanos);
        }
        waiter = self;
        long start = System.nanoTime();
        lock.unlock();
        try {
            if (nanos < 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, nanos);
            }
        } finally {
            lock.lock();
            if (waiter == self) {
                waiter = null;
            }
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return nanos < 0 ? -1 : nanos - (System.nanoTime() - start);
    }

    private void checkOpen() {
        if (closedReason != null) {
            throw new ExitException(closedReason);
        }
    }

    // ------------------------------------------------------------------ waiters without a thread

    /**
     * The reference a message is keyed by for keyed waiters: {@code Ref} in {@code {Ref, X}},
     * {@code {[alias | Ref], X}}, {@code {'DOWN', Ref, process, Item, Reason}} and
     * {@code {spawn_reply, Ref, Result, X}}; null for any other message.
     */
    static Ref keyOf(Term message) {
        if (!(message instanceof Tuple t)) {
            return null;
        }
        int n = t.arity();
        if (n == 2) {
            Term tag = t.get(0);
            if (tag instanceof Ref r) {
                return r;
            }
            return tag instanceof TermList l && l.size() == 1 && l.tail() instanceof Ref r ? r : null;
        }
        if ((n == 5 || n == 4) && t.get(1) instanceof Ref r && t.get(0) instanceof Atom a
                && (n == 5 ? a.name().equals("DOWN") : a.name().equals("spawn_reply"))) {
            return r;
        }
        return null;
    }

    /** The waiter that takes {@code message} (removed when once), or null; under the lock. */
    private Waiter waiterFor(Term message) {
        if (keyed != null && !keyed.isEmpty()) {
            Ref key = keyOf(message);
            Waiter w = key == null ? null : keyed.get(key);
            if (w != null) {
                if (w.once()) {
                    keyed.remove(key);
                }
                return w;
            }
        }
        if (matching != null && !matching.isEmpty()) {
            for (var it = matching.iterator(); it.hasNext(); ) {
                Waiter w = it.next();
                if (w.match().test(message)) {
                    it.remove();
                    return w;
                }
            }
        }
        return null;
    }

    /** Whether {@code w} takes {@code message}. */
    private static boolean takes(Waiter w, Term message) {
        return w.key() != null ? w.key().equals(keyOf(message)) : w.match().test(message);
    }

    /**
     * Adds a waiter. Messages already queued that it takes are taken now, oldest first (one
     * for a once waiter, all for a lasting one); a closed queue calls {@code onClose} at once.
     */
    void await(Waiter w) {
        List<Term> now = new ArrayList<>(1);
        Term closed;
        lock.lock();
        try {
            closed = closedReason;
            if (closed == null) {
                boolean wanted = true;
                Entry prev = head;
                for (Entry e = head.next; e != null && wanted; e = e.next) {
                    if (takes(w, e.message)) {
                        prev.next = e.next;
                        if (tail == e) {
                            tail = prev;
                        }
                        e.removed = true;
                        SIZE.setOpaque(this, size - 1);
                        now.add(e.message);
                        wanted = !w.once() && w.key() != null;
                    } else {
                        prev = e;
                    }
                }
                if (wanted) {
                    if (w.key() != null) {
                        if (keyed == null) {
                            keyed = new HashMap<>();
                        }
                        keyed.put(w.key(), w);
                    } else {
                        if (matching == null) {
                            matching = new LinkedHashSet<>();
                        }
                        matching.add(w);
                    }
                }
            }
        } finally {
            lock.unlock();
        }
        if (closed != null) {
            call(w.onClose(), closed);
            return;
        }
        for (Term m : now) {
            call(w.onMessage(), m);
        }
    }

    /** Removes a waiter; true when it was still waiting. */
    boolean cancel(Waiter w) {
        lock.lock();
        try {
            if (w.key() != null) {
                return keyed != null && keyed.remove(w.key(), w);
            }
            return matching != null && matching.remove(w);
        } finally {
            lock.unlock();
        }
    }

    /** Waiters waiting now (for tests and statistics). */
    int waiters() {
        lock.lock();
        try {
            return (keyed == null ? 0 : keyed.size()) + (matching == null ? 0 : matching.size());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs a waiter's callback: here, unless this thread still holds the process's lock
     * (then another process's lock must not be taken), in which case on a virtual thread.
     */
    private void call(Consumer<Term> callback, Term value) {
        if (lock.isHeldByCurrentThread()) {
            Thread.ofVirtual().name("jarl-waiter").start(() -> callback.accept(value));
        } else {
            callback.accept(value);
        }
    }

    /**
     * Removes every message {@code match} accepts, without waiting.
     *
     * @return how many were removed
     */
    int removeAll(Predicate<? super Term> match) {
        lock.lock();
        try {
            int removed = 0;
            Entry prev = head;
            for (Entry e = head.next; e != null; e = e.next) {
                if (match.test(e.message)) {
                    prev.next = e.next;
                    if (tail == e) {
                        tail = prev;
                    }
                    e.removed = true;
                    SIZE.setOpaque(this, size - 1);
                    removed++;
                } else {
                    prev = e;
                }
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    /** Messages waiting. */
    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Messages waiting, read without the lock (for statistics: perhaps not the very latest). */
    int depth() {
        return (int) SIZE.getOpaque(this);
    }

    /** The most messages that have waited at once, read without the lock. */
    int highWater() {
        return (int) HIGH_WATER.getOpaque(this);
    }

    private static final VarHandle SIZE;
    private static final VarHandle HIGH_WATER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SIZE = l.findVarHandle(MessageQueue.class, "size", int.class);
            HIGH_WATER = l.findVarHandle(MessageQueue.class, "highWater", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Closes the queue: drops what is queued, wakes every receiver. Idempotent. */
    void close(String reason) {
        close(Atom.of(reason));
    }

    /** Closes the queue with an exit reason; see {@link #close(String)}. */
    void close(Term reason) {
        DistConnection.beforeHandOff();
        List<Waiter> told = new ArrayList<>();
        lock.lock();
        try {
            if (closedReason == null) {
                closedReason = reason;
                head.next = null;
                tail = head;
                SIZE.setOpaque(this, 0);
                wakeAll();
                if (keyed != null) {
                    told.addAll(keyed.values());
                    keyed = null;
                }
                if (matching != null) {
                    told.addAll(matching);
                    matching = null;
                }
            }
        } finally {
            lock.unlock();
        }
        for (Waiter w : told) {
            call(w.onClose(), reason);
        }
    }
}
