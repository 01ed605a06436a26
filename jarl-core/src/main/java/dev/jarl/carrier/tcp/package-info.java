/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The TCP carrier, compatible with OTP's {@code inet_tcp_dist} (see erlang/otp
 * {@code lib/kernel/examples/gen_tcp_dist/src/gen_tcp_dist.erl} for the controller it
 * mirrors).
 *
 * <p>Framing: during the handshake each message carries a 2-byte big-endian length
 * ({@code {packet,2}}); from {@code preNodeup} on each packet carries a 4-byte length
 * ({@code {packet,4}}); an empty packet is a tick.
 *
 * <p>The controller is the one all stream carriers share,
 * {@link dev.jarl.carrier.stream.StreamConnection}; this package only opens the sockets.
 *
 * <p>Threading: blocking NIO {@link java.nio.channels.SocketChannel}s. The handshake runs on
 * the caller's (virtual) thread. After {@code handshakeComplete} each connection has three
 * threads with one fate: an output party (drains the channel with gathering writes) and an
 * input party (reads packets, feeds the channel), both <em>platform</em> threads so a blocked
 * read wakes straight from the kernel (see {@code StreamConnection}), and a tick writer on a
 * virtual thread.
 * Writes are serialised by a {@link java.util.concurrent.locks.ReentrantLock}; no
 * {@code synchronized} anywhere.
 *
 * <p>Internal: reach it through {@link dev.jarl.carriers.Carriers#tcp}.
 */
package dev.jarl.carrier.tcp;
