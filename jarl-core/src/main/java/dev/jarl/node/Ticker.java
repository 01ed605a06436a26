/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.InstantSource;
import java.util.List;

import dev.jarl.carrier.ConnectionFate;
import dev.jarl.channel.DistConnection;

/**
 * The node's ticker, OTP's {@code net_kernel} tick: one check of every connection of the
 * table per tick interval ({@link dev.jarl.channel.TickPolicy}), which writes a tick or takes
 * a silent peer down with {@code net_tick_timeout}.
 *
 * <p>The schedule follows {@link NodeConfig#clock()}; a wait is never longer than one
 * interval, so a clock that jumps cannot stall the ticker, and a late wake-up does not fire a
 * burst of checks.
 *
 * <p>The ticker outlives anything it meets: a check that fails (even with an
 * {@code OutOfMemoryError}) closes that one connection with the reason, and a round that
 * fails as a whole is logged and followed by the next one. A node whose ticker died would
 * look alive while its peers drop it and its dead peers go unnoticed.
 *
 * <p>Threading: one virtual thread per node, from {@link #start()} to {@link #stop()}.
 */
final class Ticker {

    private static final Logger LOG = System.getLogger(Ticker.class.getName());

    private final NodeConfig config;
    private final ConnectionTable table;
    private volatile Thread thread;
    private volatile boolean stopped;

    Ticker(NodeConfig config, ConnectionTable table) {
        this.config = config;
        this.table = table;
    }

    /** Starts ticking. */
    void start() {
        long interval = Math.max(1, config.tickInterval().toMillis());
        int intensity = config.tickIntensity();
        InstantSource clock = config.clock();
        thread = Thread.ofVirtual().name("jarl-ticker-" + config.name()).start(() -> {
            long next = clock.millis();
            try {
                while (!stopped) {
                    next += interval;
                    long wait = next - clock.millis();
                    if (wait > interval || wait < -interval) {
                        next = clock.millis() + interval;
                        wait = interval;
                    }
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    round(intensity);
                }
            } catch (InterruptedException closing) {
                // stopped
            }
        });
    }

    /** Stops ticking; idempotent. */
    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    /** One tick check of every connection; nothing it meets ends the ticker. */
    private void round(int intensity) {
        List<DistConnection> connections;
        try {
            connections = table.connections();
        } catch (Throwable e) { // an OutOfMemoryError, say: try again next round
            LOG.log(Level.ERROR, "ticker of " + config.name() + ": round failed; next one in "
                    + config.tickInterval().toMillis() + " ms", e);
            return;
        }
        for (DistConnection c : connections) {
            try {
                c.tickCheck(intensity);
            } catch (Throwable e) {
                LOG.log(Level.WARNING, "ticker of " + config.name() + ": tick check of the connection to " + c.peer()
                        + " failed; closing it", e);
                try {
                    c.close(new ConnectionFate.TransportError("tick check failed: " + e, e));
                } catch (Throwable again) {
                    LOG.log(Level.ERROR, "ticker of " + config.name() + ": closing the connection to " + c.peer()
                            + " failed too", again);
                }
            }
        }
    }
}
