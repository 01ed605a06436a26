/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The in-JVM carrier: nodes in one JVM connected by in-memory pipes, no sockets.
 *
 * <p>Above the carrier everything is byte-for-byte what TCP carries: the same handshake
 * messages, the same distribution packets, the empty packet as tick. Nodes find each other
 * by name in a shared {@link dev.jarl.carriers.MemNetwork}, which also offers test hooks:
 * stall a node (nothing from or to it moves, as if it were frozen with {@code SIGSTOP}),
 * delay packets, cut connections.
 *
 * <p>Threading: each connection has an input and an output virtual thread once the
 * handshake is complete; waiting uses {@code ReentrantLock} conditions.
 */
package dev.jarl.carrier.mem;
