/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The distribution handshake, version 6, both roles, written in direct style over the
 * framed send/receive a carrier supplies.
 *
 * <p>{@link dev.jarl.handshake.Handshake#initiate} and
 * {@link dev.jarl.handshake.Handshake#accept} run on the caller's (virtual) thread from the
 * first message to the last; the node's connection table takes part through
 * {@link dev.jarl.handshake.Arbiter}. Flags are {@link dev.jarl.carrier.DistFlags}; the
 * secret is a {@link Secret} (the node's {@code Cookie}), which never reaches a log.
 *
 * <p>Spec: erlang/otp {@code erts/doc/guides/erl_dist_protocol.md} ("Distribution
 * Handshake") and {@code lib/kernel/src/dist_util.erl}; the legacy {@code 'n'} +
 * {@code 'c'} pair as accepted again from OTP 25.3 ({@code recv_name_old},
 * {@code recv_complement}).
 */
package dev.jarl.handshake;
