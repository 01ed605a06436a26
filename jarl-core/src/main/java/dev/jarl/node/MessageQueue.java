package dev.jarl.node;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

import dev.jarl.term.Atom;
import dev.jarl.term.Term;

/**
 * The message queue of one process: append at the tail, take the first message a predicate
 * accepts (Erlang's selective receive), wait with a deadline.
 *
 * <p>A singly linked list: appends are O(1), and a selective receive that waits resumes its
 * scan where it stopped instead of looking at the old messages again (Erlang's receive
 * marker idea), so a long queue of unmatched messages costs one pass, not one per arrival.
 * One lock guards the list; waiting uses its condition, so virtual threads unmount.
 */
final class MessageQueue {

    private static final class Entry {
        final Term message;
        Entry next;
        boolean removed;

        Entry(Term message) {
            this.message = message;
        }
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    /** A sentinel: head.next is the oldest message. */
    private final Entry head = new Entry(null);
    private Entry tail = head;
    private int size;
    private Term closedReason;

    /**
     * Appends a message.
     *
     * @return false when the queue is closed (the message is dropped)
     */
    boolean put(Term message) {
        Entry e = new Entry(message);
        lock.lock();
        try {
            if (closedReason != null) {
                return false;
            }
            tail.next = e;
            tail = e;
            size++;
            arrived.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
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
            long left = timeoutNanos;
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
                        size--;
                        return e.message;
                    }
                }
                if (timeoutNanos < 0) {
                    arrived.await();
                } else {
                    if (left <= 0) {
                        return null;
                    }
                    left = arrived.awaitNanos(left);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (closedReason != null) {
            throw new ExitException(closedReason);
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
                    size--;
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

    /** Closes the queue: drops what is queued, wakes every receiver. Idempotent. */
    void close(String reason) {
        close(Atom.of(reason));
    }

    /** Closes the queue with an exit reason; see {@link #close(String)}. */
    void close(Term reason) {
        lock.lock();
        try {
            if (closedReason == null) {
                closedReason = reason;
                head.next = null;
                tail = head;
                size = 0;
                arrived.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }
}
