/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

import dev.jarl.node.Mailbox;
import dev.jarl.node.MessageHandler;
import dev.jarl.node.Node;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * The RTT phase of {@code jarl bench}: {@code n} round trips through the target's
 * {@code echo}, one at a time. Request {@code K} (counting down from {@code n} to 1) is
 * {@code {Self, {ping, K}}}; its reply must be {@code {ping, K}}, or the phase fails with
 * what came instead. A phase fails too when no reply comes within {@code wait} of the
 * previous one: a stall, not a slow phase, is what ends it.
 *
 * <p>{@link Mode#HANDLER} drives the chain as a BEAM process would: a
 * {@link MessageHandler} process takes each reply on the input thread of the connection,
 * checks it and sends the next request right there, so a round trip costs the driver one
 * thread hand-off (the kernel waking the reader). {@link Mode#RECEIVE} sends and then waits
 * in {@link Mailbox#receive(Duration)} on the calling thread: two hand-offs (the reader, then
 * the waiter), or one and a spin with {@code NodeConfig.receiveSpin}.
 */
final class RoundTrips {

    /** How the driver waits for each reply. */
    enum Mode {
        /** A {@link MessageHandler} process sends each next request from the reply's input thread. */
        HANDLER("handler"),
        /** The calling thread sends and waits in {@code receive}. */
        RECEIVE("receive");

        private final String option;

        Mode(String option) {
            this.option = option;
        }

        /** The mode named {@code text} on the command line ({@code handler} or {@code receive}). */
        static Mode parse(String text) {
            for (Mode m : values()) {
                if (m.option.equals(text)) {
                    return m;
                }
            }
            throw new CliException("--rtt-mode: " + text + " (expected handler or receive)", 2);
        }

        @Override
        public String toString() {
            return option;
        }
    }

    private static final Atom PING = Atom.of("ping");
    /** The registered names of the handler processes, one per phase (a name is free again only once its process ended). */
    private static final AtomicLong CHAINS = new AtomicLong();
    /** How often the waiting thread looks at the count (at most; a shorter {@code wait} looks more often). */
    private static final long POLL_NANOS = 250_000_000L;

    private RoundTrips() {
    }

    /**
     * Makes {@code n} round trips from {@code node} through {@code echo} on {@code target};
     * returns {@code n}. {@code progress} is told how many are done, on the calling thread.
     *
     * @param mailbox the process that sends and receives in {@link Mode#RECEIVE} (unused in
     *                {@link Mode#HANDLER}, which starts a process of its own for the phase)
     * @throws CliException when a reply is not the one expected, or none came within {@code wait}
     */
    static long run(Mode mode, Node node, Mailbox mailbox, NodeName target, int n, Duration wait,
                    LongConsumer progress) throws InterruptedException {
        return switch (mode) {
            case HANDLER -> byHandler(node, target, n, wait, progress);
            case RECEIVE -> byReceive(mailbox, target, n, wait, progress);
        };
    }

    private static Term ping(long k) {
        return Tuple.of(PING, Int.of(k));
    }

    private static CliException wrong(Term expected, Term got) {
        return new CliException("echo: expected " + expected + ", got " + got);
    }

    private static CliException noReply(Duration wait, long k, long done, long n) {
        long ms = wait.toMillis();
        String within = ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
        return new CliException("echo: no reply within " + within + " (expected " + ping(k) + ", after " + done
                + " of " + n + " round trips)");
    }

    /** Send, then wait in {@code receive} for the reply, on this thread. */
    private static long byReceive(Mailbox mb, NodeName target, int n, Duration wait, LongConsumer progress)
            throws InterruptedException {
        for (int k = n; k > 0; k--) {
            Term expect = ping(k);
            mb.send("echo", target, Tuple.of(mb.self(), expect));
            Optional<Term> back = mb.receive(wait);
            if (back.isEmpty()) {
                throw noReply(wait, k, n - k, n);
            }
            if (!back.get().equals(expect)) {
                throw wrong(expect, back.get());
            }
            if ((k & 255) == 0) {
                progress.accept(n - k);
            }
        }
        progress.accept(n);
        return n;
    }

    /**
     * Starts the chain from this thread, then only watches it: the handler makes every
     * further request, and completes {@link Chain#finished} with the last reply or the first
     * wrong one. A count that stays still for {@code wait} is a stall.
     */
    private static long byHandler(Node node, NodeName target, int n, Duration wait, LongConsumer progress)
            throws InterruptedException {
        Chain chain = new Chain(target, n);
        long waitNanos = wait.toNanos();
        long pollNanos = Math.max(1_000_000L, Math.min(POLL_NANOS, waitNanos / 4));
        try (Mailbox mb = node.createMailbox("jarl_bench_rtt_" + CHAINS.incrementAndGet(), chain)) {
            mb.send("echo", target, Tuple.of(mb.self(), ping(n)));
            long seen = 0;
            long movedAt = System.nanoTime();
            while (true) {
                try {
                    chain.finished.get(pollNanos, TimeUnit.NANOSECONDS);
                    progress.accept(n);
                    return n;
                } catch (TimeoutException notYet) {
                    long done = chain.done;
                    long now = System.nanoTime();
                    if (done != seen) {
                        seen = done;
                        movedAt = now;
                        progress.accept(done);
                    } else if (now - movedAt >= waitNanos) {
                        throw noReply(wait, n - done, done, n);
                    }
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof CliException failed) {
                        throw failed;
                    }
                    throw new CliException("echo: the round-trip process failed: " + e.getCause());
                }
            }
        }
    }

    /**
     * The driver's process in {@link Mode#HANDLER}: runs on the input thread of the
     * connection each reply comes on, one message at a time, and never blocks (a send from a
     * handler never waits for a busy limit).
     */
    private static final class Chain implements MessageHandler {

        private final NodeName target;
        private final int n;
        final CompletableFuture<Void> finished = new CompletableFuture<>();
        /** Round trips completed: written by the handler only, read by the waiting thread. */
        volatile long done;

        Chain(NodeName target, int n) {
            this.target = target;
            this.n = n;
        }

        @Override
        public void handle(Mailbox self, Term message) {
            if (finished.isDone()) {
                return; // after a failure: nothing more is checked or sent
            }
            long d = done;
            Term expect = ping(n - d);
            if (!message.equals(expect)) {
                finished.completeExceptionally(wrong(expect, message));
                return;
            }
            done = d + 1;
            if (d + 1 == n) {
                finished.complete(null);
                return;
            }
            try {
                self.send("echo", target, Tuple.of(self.self(), ping(n - d - 1)));
            } catch (RuntimeException e) {
                finished.completeExceptionally(e);
            }
        }
    }
}
