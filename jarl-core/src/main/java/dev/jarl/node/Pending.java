/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.jarl.channel.DistConnection;

/**
 * The future of one asynchronous operation (a call, an RPC, a ping, a receive) that holds
 * no thread while it waits: a message, a DOWN, a timer or the caller settles it, and the
 * first of them wins.
 *
 * <p>Settling is a claim taken once. Whatever comes later is refused: a reply after the
 * timeout is dropped; a {@code cancel}, {@code complete} or {@code completeExceptionally}
 * from outside (also {@code orTimeout}) after a reply was taken returns false and the
 * reply still arrives, so a message a receive took is never lost between the two.
 *
 * <p>Completion runs on {@link AsyncCalls#COMPLETION} (a virtual thread started for it),
 * never on the connection's input thread or the timer thread, so dependent stages may
 * block; a blocking wait ({@code direct}) is completed where the outcome arrives, since its
 * only dependent is the thread waiting in {@code get}. Dependent stages are plain
 * {@link CompletableFuture}s, and the {@code *Async} methods without an executor run on
 * {@link AsyncCalls#COMPLETION}.
 */
final class Pending<T> extends CompletableFuture<T> {

    /** What {@link #release} holds once settled. */
    private static final Runnable SETTLED = () -> { };

    private final AtomicBoolean settled = new AtomicBoolean();
    /** What to release when settled (monitor, alias, waiter, watch), run before completion. */
    private final AtomicReference<Runnable> release = new AtomicReference<>();
    private final boolean direct;
    private volatile ScheduledFuture<?> timer;

    Pending(boolean direct) {
        this.direct = direct;
    }

    /** Sets the timer that settles this on timeout; cancelled when settled otherwise. */
    void timer(ScheduledFuture<?> t) {
        timer = t;
        if (settled.get()) {
            t.cancel(false); // settled before the timer was set: claim() did not see it
        }
    }

    /**
     * Adds what to release when this settles, however it settles: run by the thread that
     * settles it, before the future completes, so whoever sees it complete finds the
     * monitor and alias gone. Must not block. Run at once when already settled.
     */
    void onSettle(Runnable r) {
        while (true) {
            Runnable current = release.get();
            if (current == SETTLED) {
                r.run();
                return;
            }
            Runnable next = current == null ? r : () -> {
                current.run();
                r.run();
            };
            if (release.compareAndSet(current, next)) {
                return;
            }
        }
    }

    /**
     * Registers {@code waiter} on {@code queue} until this settles, however it settles. The
     * waiter is registered before the release that removes it is added: added the other way
     * round, an operation settled in between (its timeout, a nodedown) ran the release before
     * the waiter existed and left it registered for good.
     */
    void await(MessageQueue queue, MessageQueue.Waiter waiter) {
        queue.await(waiter);
        onSettle(() -> queue.cancel(waiter));
    }

    /** True once settled (by an outcome, the timer or the caller). */
    boolean settled() {
        return settled.get();
    }

    /** Settles with {@code value}; false when already settled. */
    boolean settle(T value) {
        if (!claim()) {
            return false;
        }
        if (direct) {
            super.complete(value);
        } else {
            AsyncCalls.COMPLETION.execute(() -> super.complete(value));
        }
        return true;
    }

    /** Settles with {@code failure}; false when already settled. */
    boolean fail(Throwable failure) {
        if (!claim()) {
            return false;
        }
        if (direct) {
            super.completeExceptionally(failure);
        } else {
            AsyncCalls.COMPLETION.execute(() -> super.completeExceptionally(failure));
        }
        return true;
    }

    private boolean claim() {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
        Runnable r = release.getAndSet(SETTLED);
        if (r != null) {
            r.run();
        }
        // the release (a demonitor, an unalias) may have been sent on a connection's input
        // thread: it leaves before the future completes, so the caller cannot outrun it
        DistConnection.beforeHandOff();
        return true;
    }

    /** Cancels unless already settled; the operation's monitor, alias and waiter are released. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return claim() && super.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean complete(T value) {
        return claim() && super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        return claim() && super.completeExceptionally(ex);
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    @Override
    public Executor defaultExecutor() {
        return AsyncCalls.COMPLETION;
    }
}
