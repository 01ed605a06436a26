/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.term.Int;
import dev.jarl.term.Term;
import dev.jarl.testing.Await;

/** Mailbox queue: order, selective receive, deadlines, interruption, close. */
@Timeout(20)
class MessageQueueTest {

    @Test
    void fifo() throws Exception {
        MessageQueue q = new MessageQueue();
        for (int i = 0; i < 1000; i++) {
            q.put(Int.of(i));
        }
        for (int i = 0; i < 1000; i++) {
            assertEquals(Int.of(i), q.take(null, 0));
        }
        assertNull(q.take(null, 0));
    }

    @Test
    void selectiveReceiveLeavesOthersInOrder() throws Exception {
        MessageQueue q = new MessageQueue();
        for (int i = 0; i < 10; i++) {
            q.put(Int.of(i));
        }
        assertEquals(Int.of(7), q.take(t -> t.equals(Int.of(7)), 0));
        assertEquals(Int.of(9), q.take(t -> t.equals(Int.of(9)), 0));
        assertNull(q.take(t -> t.equals(Int.of(42)), TimeUnit.MILLISECONDS.toNanos(20)));
        int[] rest = {0, 1, 2, 3, 4, 5, 6, 8};
        for (int r : rest) {
            assertEquals(Int.of(r), q.take(null, 0));
        }
        assertEquals(0, q.size());
    }

    @Test
    void selectiveReceiveWaitsForAMatchArrivingLater() throws Exception {
        MessageQueue q = new MessageQueue();
        q.put(Int.of(1));
        AtomicReference<Term> got = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                got.set(q.take(m -> m.equals(Int.of(3)), TimeUnit.SECONDS.toNanos(5)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Await.blocked(t, Duration.ofSeconds(5));
        q.put(Int.of(2));
        q.put(Int.of(3));
        q.put(Int.of(4));
        t.join();
        assertEquals(Int.of(3), got.get());
        assertEquals(Int.of(1), q.take(null, 0));
        assertEquals(Int.of(2), q.take(null, 0));
        assertEquals(Int.of(4), q.take(null, 0));
    }

    @Test
    void timeoutReturnsNullAfterTheDeadline() throws Exception {
        MessageQueue q = new MessageQueue();
        long t0 = System.nanoTime();
        assertNull(q.take(null, TimeUnit.MILLISECONDS.toNanos(100)));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(100));
    }

    @Test
    void interruptionCancels() throws Exception {
        MessageQueue q = new MessageQueue();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                q.take(null, -1);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        Await.blocked(t, Duration.ofSeconds(5));
        t.interrupt();
        t.join();
        assertTrue(thrown.get() instanceof InterruptedException, String.valueOf(thrown.get()));
    }

    @Test
    void closeWakesReceivers() throws Exception {
        MessageQueue q = new MessageQueue();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                q.take(null, -1);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        Await.blocked(t, Duration.ofSeconds(5));
        q.close("shutdown");
        t.join();
        assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
        assertTrue(!q.put(Int.of(1)));
        assertThrows(IllegalStateException.class, () -> q.take(null, 0));
    }

    @Test
    void severalWaitingReceiversEachGetAMessage() throws Exception {
        MessageQueue q = new MessageQueue();
        ConcurrentLinkedQueue<Term> got = new ConcurrentLinkedQueue<>();
        List<Thread> receivers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            receivers.add(Thread.ofVirtual().start(() -> {
                try {
                    got.add(q.take(null, TimeUnit.SECONDS.toNanos(10)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread r : receivers) { // all three waiting: one parked as the waiter, two on the condition
            Await.blocked(r, Duration.ofSeconds(5));
        }
        for (int i = 0; i < 3; i++) {
            q.put(Int.of(i));
        }
        for (Thread t : receivers) {
            t.join(10_000);
        }
        assertEquals(Set.of(Int.of(0), Int.of(1), Int.of(2)), Set.copyOf(got));
    }

    /**
     * A receiver being woken is no longer the remembered waiter, so another may take its place
     * meanwhile; the woken one must not then clear the other's place, or the other would sleep
     * through what arrives for it. Four receivers that park and wake all the time, each leaving
     * at the first stop message: a lost wake-up leaves one parked beside its stop.
     */
    @Test
    void receiversThatKeepParkingAndWakingLoseNoWakeUp() throws Exception {
        MessageQueue q = new MessageQueue();
        int receivers = 4;
        int messages = 200_000;
        Term stop = Int.of(-1);
        java.util.concurrent.atomic.AtomicInteger taken = new java.util.concurrent.atomic.AtomicInteger();
        Thread[] ts = new Thread[receivers];
        for (int r = 0; r < receivers; r++) {
            ts[r] = Thread.ofPlatform().start(() -> {
                try {
                    while (!stop.equals(q.take(null, -1))) {
                        taken.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        for (int i = 0; i < messages; i++) {
            q.put(Int.of(i));
            if (i % 64 == 0) {
                Thread.yield(); // let the receivers drain and park again
            }
        }
        for (int r = 0; r < receivers; r++) {
            q.put(stop);
        }
        for (Thread t : ts) {
            t.join(15_000);
            assertTrue(!t.isAlive(), "a receiver still waits beside its stop message: a lost wake-up");
        }
        assertEquals(messages, taken.get());
    }

    @Test
    void concurrentSendersKeepTheirOwnOrder() throws Exception {
        MessageQueue q = new MessageQueue();
        int senders = 8;
        int each = 5000;
        Thread[] ts = new Thread[senders];
        for (int s = 0; s < senders; s++) {
            int id = s;
            ts[s] = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < each; i++) {
                    q.put(Term.tuple(id, i));
                }
            });
        }
        int[] next = new int[senders];
        for (int n = 0; n < senders * each; n++) {
            Object[] t = (Object[]) q.take(null, TimeUnit.SECONDS.toNanos(5)).toJava();
            int id = ((Long) t[0]).intValue();
            assertEquals((long) next[id]++, t[1]);
        }
        for (Thread t : ts) {
            t.join();
        }
    }

    @Test
    void aSpinningReceiverGetsWhatArrivesDuringTheSpinAndAfterItAndKeepsItsDeadline() throws Exception {
        MessageQueue q = new MessageQueue();
        q.spin(TimeUnit.MILLISECONDS.toNanos(5));
        // nothing comes: the deadline (shorter than the spin) still holds
        long start = System.nanoTime();
        assertNull(q.take(null, TimeUnit.MILLISECONDS.toNanos(1)));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        // a message put while the receiver spins or after it parked, selective receive included
        for (long delayMicros : new long[] {0, 100, 20_000}) {
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    TimeUnit.MICROSECONDS.sleep(delayMicros);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                q.put(Int.of(1));
                q.put(Int.of(2));
            });
            assertEquals(Int.of(2), q.take(t -> t.equals(Int.of(2)), TimeUnit.SECONDS.toNanos(10)));
            assertEquals(Int.of(1), q.take(null, 0));
            sender.join();
        }
        q.close("normal");
        assertThrows(ExitException.class, () -> q.take(null, -1));
    }
}
