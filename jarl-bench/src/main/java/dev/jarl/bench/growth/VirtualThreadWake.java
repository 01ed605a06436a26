/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench.growth;

import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedTransferQueue;

/**
 * The JVM's own part of the growth benchmark's procs point, without Jarl: {@code n} virtual
 * threads released by one latch, each putting its share of 200 000 items on a queue that
 * one thread takes them from, then parking on a second latch, as {@link JarlSide}'s workers
 * send their share to the sink and wait for the round trips. Prints the items per second and
 * the microseconds per thread for 1, 10 000 and 100 000 threads, three rounds (the last
 * ones warm). With {@code --gc-before}, two full collections run between the threads' start
 * and the release, so their stacks are in the old generation, as in a long-running node.
 *
 * <pre>
 * java -cp jarl-bench/target/benchmarks.jar dev.jarl.bench.growth.VirtualThreadWake [--gc-before]
 * </pre>
 */
public final class VirtualThreadWake {

    private static final int ITEMS = 200_000;

    private VirtualThreadWake() {
    }

    public static void main(String[] args) throws InterruptedException {
        boolean gcBefore = args.length == 1 && args[0].equals("--gc-before");
        if (args.length > 1 || (args.length == 1 && !gcBefore)) {
            System.err.println("usage: VirtualThreadWake [--gc-before]");
            System.exit(2);
        }
        for (int round = 1; round <= 3; round++) {
            for (int n : new int[] {1, 10_000, 100_000}) {
                long nanos = run(n, gcBefore);
                System.out.printf(Locale.ROOT, "round %d: %,d threads, %,d items each: %,.0f items/s, %.2f us per thread%n",
                        round, n, Plan.share(ITEMS, n), (double) Plan.share(ITEMS, n) * n / (nanos / 1e9), nanos / 1e3 / n);
            }
        }
    }

    /** One point: nanoseconds from the release until every item was taken. */
    static long run(int n, boolean gcBefore) throws InterruptedException {
        int each = Plan.share(ITEMS, n);
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        CountDownLatch after = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(n);
        LinkedTransferQueue<Integer> items = new LinkedTransferQueue<>();
        for (int i = 0; i < n; i++) {
            Thread.ofVirtual().start(() -> {
                try {
                    ready.countDown();
                    go.await();
                    for (int k = 0; k < each; k++) {
                        items.add(k);
                    }
                    after.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    finished.countDown();
                }
            });
        }
        ready.await();
        if (gcBefore) {
            System.gc();
            System.gc();
        }
        long t0 = System.nanoTime();
        go.countDown();
        for (long taken = (long) each * n; taken > 0; taken--) {
            items.take();
        }
        long nanos = System.nanoTime() - t0;
        after.countDown();
        finished.await();
        return nanos;
    }
}
