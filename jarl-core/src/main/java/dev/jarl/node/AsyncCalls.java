/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * What the asynchronous API of one node shares: the completion executor, one timer thread
 * for every timeout, the node's caller process, and the node-down watch of pending RPCs
 * and pings. Nothing here holds a thread per pending operation: an operation waits as a
 * {@link MessageQueue.Waiter} and, if it has a timeout, as one entry of the timer's queue.
 *
 * <p><b>The caller process</b> ({@link #caller()}): an anonymous process of the node, made on
 * first use, from which {@link Node#callAsync}, {@link Node#rpcAsync} and
 * {@link Node#pingAsync} (and their blocking forms) send; pending operations wait on its
 * queue keyed by their reference. Its messages that no operation waits for any more are
 * dropped where they arrive (it is a {@link MessageHandler} process), as a late reply to a
 * deactivated alias is dropped by a BEAM; a spawn reply that comes after its RPC was
 * abandoned has the spawned process ended with {@code abandoned} and its monitor removed,
 * as {@code erlang:spawn_request_abandon/1} has the runtime do.
 */
final class AsyncCalls {

    private static final Logger LOG = System.getLogger(Node.class.getName());

    /**
     * Where asynchronous operations complete: a new virtual thread for each completion.
     * Dependent stages may block without holding up a connection or the timer.
     */
    static final Executor COMPLETION = r -> Thread.ofVirtual().name("jarl-completion").start(r);

    private static final Atom NODEDOWN = Atom.of("nodedown");
    private static final Atom SPAWN_REPLY = Atom.of("spawn_reply");
    private static final Atom ABANDONED = Atom.of("abandoned");

    private final Node node;
    private final ReentrantLock lock = new ReentrantLock();
    private ScheduledThreadPoolExecutor timer;
    private Mailbox caller;
    private boolean closed;
    /**
     * Per node, what to run when it goes down, oldest first: one set per node monitor of the
     * caller process. A monitor fires when the connection goes, but its {@code nodedown}
     * reaches {@link #stray} later; a set whose monitor already fired takes no operation
     * made since (it belongs to the next connection), and each {@code nodedown} runs the
     * oldest set, the one of the monitor that sent it.
     */
    private final ConcurrentHashMap<NodeName, ArrayDeque<Set<Runnable>>> downWatch = new ConcurrentHashMap<>();

    AsyncCalls(Node node) {
        this.node = node;
    }

    /** The node's caller process (made on first use). */
    Mailbox caller() {
        lock.lock();
        try {
            if (caller == null) {
                node.checkOpen();
                caller = node.processes().createMailbox(null, this::stray);
            }
            return caller;
        } finally {
            lock.unlock();
        }
    }

    /** A message to the caller process that no operation waits for. */
    private void stray(Mailbox self, Term message) {
        if (message instanceof Tuple t && t.isTagged(NODEDOWN, 2) && t.get(1) instanceof Atom n) {
            Set<Runnable> down = oldest(node.processes().nodeName(n));
            if (down != null) {
                down.forEach(Runnable::run);
            }
            return;
        }
        if (message instanceof Tuple t && t.isTagged(SPAWN_REPLY, 4) && Atom.OK.equals(t.get(2))
                && t.get(1) instanceof Ref reqId && t.get(3) instanceof Pid child) {
            self.demonitor(reqId, true);
            self.exit(child, ABANDONED);
        }
    }

    /**
     * Runs {@code onDown} when the caller process learns that {@code peer} went down, or
     * could not be reached; returns it, to give to {@link #unwatch}.
     */
    Runnable watch(NodeName peer, Runnable onDown) {
        LocalProcess self = caller().process();
        boolean[] fresh = new boolean[1];
        downWatch.compute(peer, (k, sets) -> {
            if (sets == null) {
                sets = new ArrayDeque<>();
            }
            if (sets.isEmpty() || !self.hasNodeMonitor(peer)) {
                sets.addLast(ConcurrentHashMap.newKeySet());
                fresh[0] = true;
            }
            sets.peekLast().add(onDown);
            return sets;
        });
        if (fresh[0]) {
            node.processes().monitorNode(self, peer, true);
        }
        return onDown;
    }

    /** Takes the oldest set of {@code peer} (the one whose node monitor sent a nodedown). */
    private Set<Runnable> oldest(NodeName peer) {
        List<Set<Runnable>> taken = new ArrayList<>(1);
        downWatch.computeIfPresent(peer, (k, sets) -> {
            taken.add(sets.pollFirst());
            return sets.isEmpty() ? null : sets;
        });
        return taken.isEmpty() ? null : taken.get(0);
    }

    /** Stops watching (the operation settled). */
    void unwatch(NodeName peer, Runnable onDown) {
        downWatch.computeIfPresent(peer, (k, sets) -> {
            sets.forEach(set -> set.remove(onDown));
            return sets;
        });
    }

    /**
     * Arms the timeout of {@code p}: after {@code timeout} (null: none), {@code onTimeout}
     * runs on the timer thread (it settles {@code p}; it must not block).
     */
    void timeout(Pending<?> p, Duration timeout, Runnable onTimeout) {
        if (timeout == null) {
            return;
        }
        long nanos = nanos(timeout);
        ScheduledThreadPoolExecutor t;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("node " + node.name() + " is closed");
            }
            if (timer == null) {
                timer = new ScheduledThreadPoolExecutor(1, r -> {
                    Thread th = new Thread(r, "jarl-timeouts-" + node.name());
                    th.setDaemon(true);
                    return th;
                });
                timer.setRemoveOnCancelPolicy(true);
                timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            }
            t = timer;
        } finally {
            lock.unlock();
        }
        p.timer(t.schedule(onTimeout, nanos, TimeUnit.NANOSECONDS));
    }

    /** Pending timeouts (for tests: a settled operation leaves none). */
    int timers() {
        lock.lock();
        try {
            return timer == null ? 0 : timer.getQueue().size();
        } finally {
            lock.unlock();
        }
    }

    /** Operations waiting on the caller process now (for tests and statistics). */
    int waiting() {
        lock.lock();
        try {
            return caller == null ? 0 : caller.process().queue().waiters();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the timer (the node closes; its processes, the caller too, have ended). */
    void close() {
        lock.lock();
        try {
            closed = true;
            if (timer != null) {
                timer.shutdownNow();
            }
        } finally {
            lock.unlock();
        }
    }

    /** {@code timeout} in nanoseconds: 0 when negative, {@link Long#MAX_VALUE} when too long to count. */
    static long nanos(Duration timeout) {
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * {@code net_adm:ping/1} for {@link Node#ping(NodeName, Duration)} and
     * {@link Node#pingAsync}: {@code is_auth} to the peer's {@code net_kernel}, settled true by
     * the answer, false by a lost connection or the timeout (which closes the connection).
     */
    Pending<Boolean> ping(NodeName peer, Duration timeout, boolean direct) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(timeout, "timeout");
        node.checkOpen();
        Pending<Boolean> result = new Pending<>(direct);
        if (peer.equals(node.name())) {
            result.settle(true);
            return result;
        }
        Mailbox caller = caller();
        Ref ref = node.makeRef();
        MessageQueue.Waiter waiter = new MessageQueue.Waiter(ref, null, true,
                m -> result.settle(((Tuple) m).get(1).equals(NetKernel.YES)), reason -> result.settle(false));
        Runnable down = watch(peer, () -> {
            if (result.settle(false)) {
                LOG.log(Level.DEBUG, "ping {0}: pang (no connection)", peer);
            }
        });
        result.onSettle(() -> unwatch(peer, down));
        result.await(caller.process().queue(), waiter);
        timeout(result, timeout, () -> {
            if (result.settle(false)) {
                node.disconnect(peer);
            }
        });
        caller.send("net_kernel", peer,
                Tuple.of(Atom.GEN_CALL, Tuple.of(caller.self(), ref), Tuple.of(NetKernel.IS_AUTH, node.nameAtom())));
        return result;
    }

    /**
     * The blocking form of an asynchronous operation: waits for {@code f} and returns its
     * value or throws its failure as the blocking API throws it ({@code type}, or an unchecked
     * exception). Interrupting the wait cancels the operation.
     */
    static <T, X extends Exception> T await(CompletableFuture<T> f, Class<X> type) throws X, InterruptedException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            f.cancel(false);
            throw e;
        } catch (CancellationException e) {
            throw new InterruptedException("cancelled");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (type.isInstance(cause)) {
                throw type.cast(cause);
            }
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            if (cause instanceof InterruptedException ie) {
                throw ie;
            }
            throw new IllegalStateException(cause);
        }
    }
}
