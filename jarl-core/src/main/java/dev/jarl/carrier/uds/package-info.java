/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The Unix domain socket carrier, interoperable with OTP's {@code erl_uds_dist} example
 * (erlang/otp {@code lib/kernel/examples/erl_uds_dist/src/erl_uds_dist.erl};
 * {@code erl -proto_dist erl_uds -no_epmd}).
 *
 * <p>Addressing: no EPMD. The node {@code alive@host} listens on the socket file
 * {@code alive} in the configured directory (the working directory for OTP); the host part
 * is ignored. Its creation is drawn at random in 4..2<sup>32</sup>-1 on every listen, as the
 * example does when built on OTP 23 or later; optionally (the example built against older
 * headers) it is a digit 1..3 kept in {@code alive.uds} beside the socket and stepped on
 * every listen.
 *
 * <p>Framing: the same as TCP, 2-byte frames during the handshake and 4-byte frames after
 * it, an empty packet being a tick; the controller is
 * {@link dev.jarl.carrier.stream.StreamConnection} over a blocking Unix
 * {@link java.nio.channels.SocketChannel}: its input and output parties run on platform
 * threads, its tick writer on a virtual thread.
 *
 * <p>Internal: reach it through {@link dev.jarl.carriers.Carriers#uds}.
 */
package dev.jarl.carrier.uds;
