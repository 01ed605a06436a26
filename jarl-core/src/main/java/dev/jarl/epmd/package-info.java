/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The Erlang Port Mapper Daemon protocol: a client to register a node and look others up,
 * and a small embedded server that real {@code erl} nodes and Jarl nodes can register with.
 *
 * <p>Spec: erlang/otp {@code erts/doc/guides/erl_dist_protocol.md}, section "EPMD Protocol";
 * behaviour checked against OTP's {@code erts/epmd/src/epmd_srv.c} (server) and
 * {@code lib/kernel/src/erl_epmd.erl} (client) of OTP 25.
 *
 * <ul>
 * <li>{@link dev.jarl.epmd.EpmdClient}: {@code register} (the returned
 *     {@link dev.jarl.epmd.EpmdRegistration} holds the registration connection open and reports
 *     its loss), {@code portPlease} and {@code names}. {@link dev.jarl.epmd.Epmd} has the port
 *     ({@code ERL_EPMD_PORT}) and the host of a node name.</li>
 * <li>{@link dev.jarl.epmd.EpmdServer}: the server, and {@code startIfAbsent}, the embedded
 *     default a node uses when no EPMD runs on its host.</li>
 * </ul>
 *
 * <p>Nothing here is required: a node whose carrier addresses peers by other means (a Unix
 * socket path, a fixed port) runs without EPMD, and the node layer decides whether to use it.
 *
 * <p>Threading: every client call blocks the calling thread (meant to be virtual) and is
 * bounded by its timeout; interruption cancels it. The server and each registration own
 * virtual threads of their own. Shared state is guarded by {@code ReentrantLock}, never
 * {@code synchronized}.
 */
package dev.jarl.epmd;
