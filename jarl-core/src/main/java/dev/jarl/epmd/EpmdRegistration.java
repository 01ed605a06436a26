/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A node's registration with EPMD: the open {@code ALIVE2_REQ} connection.
 *
 * <p>EPMD keeps a name registered exactly as long as this connection is open. Closing the
 * registration unregisters the name: it half-closes the connection and waits (up to the
 * client's timeout) for EPMD to close its side, which EPMD does after it has dropped the name,
 * so once {@link #close()} returns the name is free to register again.
 *
 * <p>If the connection ends any other way (EPMD stopped or was killed, the network failed,
 * EPMD sent bytes it never sends) the node is no longer findable: the registration is then
 * <em>lost</em>, {@link #isOpen()} turns false and the {@link #onLost(Runnable)} actions run,
 * once, on the registration's watcher thread (a virtual thread that blocks on the connection).
 * A deliberate {@link #close()} does not count as lost.
 */
public final class EpmdRegistration implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(EpmdRegistration.class.getName());

    private final Socket socket;
    private final NodeAddress node;
    private final boolean hidden;
    private final int creation;
    private final String endpoint;
    private final Duration closeWait;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Runnable> onLost = new ArrayList<>();
    private volatile boolean closing;
    private boolean lost;

    EpmdRegistration(Socket socket, NodeAddress node, boolean hidden, int creation, String endpoint, Duration closeWait)
            throws IOException {
        this.socket = socket;
        this.node = node;
        this.hidden = hidden;
        this.creation = creation;
        this.endpoint = endpoint;
        this.closeWait = closeWait;
        socket.setSoTimeout(0); // the watcher waits as long as the node lives
        Thread.ofVirtual().name("epmd-registration-" + node.name()).start(this::watch);
    }

    /** The alive name registered. */
    public String alive() {
        return node.name();
    }

    /** What was registered. */
    public NodeAddress node() {
        return node;
    }

    /** Whether the node was registered as hidden (see {@link EpmdClient#register(String, int, boolean)}). */
    public boolean hidden() {
        return hidden;
    }

    /**
     * The creation EPMD gave this registration: a 32-bit value from {@code ALIVE2_X_RESP}
     * (read it with {@link Integer#toUnsignedLong(int)}), or 1 to 3 from the older
     * {@code ALIVE2_RESP}. It differs from the creation of the previous registration of the
     * same name, so peers can tell pids of this incarnation from older ones.
     */
    public int creation() {
        return creation;
    }

    /** {@code host:port} of the EPMD. */
    public String endpoint() {
        return endpoint;
    }

    /** True while the registration connection is open and the node is findable. */
    public boolean isOpen() {
        return ended.getCount() > 0 && !closing;
    }

    /**
     * Runs {@code action} when the registration is lost (see the class comment); at once, on
     * the caller's thread, if it is already lost. Never runs after a deliberate {@link #close()}.
     */
    public void onLost(Runnable action) {
        boolean runNow;
        lock.lock();
        try {
            runNow = lost;
            if (!runNow) {
                onLost.add(action);
            }
        } finally {
            lock.unlock();
        }
        if (runNow) {
            action.run();
        }
    }

    /** True when the registration was lost rather than closed. */
    public boolean isLost() {
        lock.lock();
        try {
            return lost;
        } finally {
            lock.unlock();
        }
    }

    private void watch() {
        String why;
        try {
            InputStream in = socket.getInputStream();
            int b = in.read();
            why = b < 0 ? "epmd closed the connection" : "epmd sent an unexpected byte " + b;
        } catch (IOException e) {
            why = "connection failed: " + e.getMessage();
        }
        List<Runnable> actions = List.of();
        boolean wasLost = false;
        lock.lock();
        try {
            if (!closing) {
                lost = true;
                wasLost = true;
                actions = List.copyOf(onLost);
                onLost.clear();
            }
        } finally {
            lock.unlock();
        }
        if (wasLost) {
            EpmdClient.closeQuietly(socket);
        }
        ended.countDown();
        if (wasLost) {
            LOG.log(Level.WARNING, "epmd registration of ''{0}'' at {1} lost: {2}", node.name(), endpoint, why);
            for (Runnable action : actions) {
                try {
                    action.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "epmd registration of '" + node.name() + "': onLost action failed", e);
                }
            }
        }
    }

    /**
     * Unregisters the node: half-closes the connection, waits up to the client's timeout for
     * EPMD to close its side (it does so once the name is dropped), then closes. Idempotent.
     * An interrupt while waiting closes at once and leaves the interrupt status set.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closing || lost) {
                return;
            }
            closing = true;
        } finally {
            lock.unlock();
        }
        try {
            socket.shutdownOutput();
            if (!ended.await(closeWait.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.log(Level.DEBUG, "epmd at {0} did not close the registration of ''{1}'' within {2}",
                        endpoint, node.name(), EpmdClient.format(closeWait));
            }
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "epmd registration of ''{0}'': half-close failed: {1}", node.name(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            EpmdClient.closeQuietly(socket);
        }
    }

    @Override
    public String toString() {
        return "EpmdRegistration[" + node.name() + " at " + endpoint + ", creation " + Integer.toUnsignedLong(creation)
                + (isOpen() ? "" : isLost() ? ", lost" : ", closed") + "]";
    }
}
