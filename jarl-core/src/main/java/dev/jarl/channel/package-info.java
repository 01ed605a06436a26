/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Distribution channels: the node's side of one connection once the handshake is over (the
 * seed's dist handle, {@link dev.jarl.carrier.DistChannel}), the signals it hands the node
 * ({@link dev.jarl.channel.Signal}) and the one codec that reads and writes them in every
 * wire form ({@link dev.jarl.channel.SignalCodec}, over the operations of
 * {@link dev.jarl.channel.ControlOp}), the distribution header
 * ({@link dev.jarl.channel.DistPacket}) and the tick arithmetic
 * ({@link dev.jarl.channel.TickPolicy}).
 *
 * <p>Spec: OTP's {@code erts/doc/guides/erl_dist_protocol.md} ("Protocol between connected
 * nodes") and {@code erl_ext_dist.md} ("Distribution Header"); tick logic after
 * {@code lib/kernel/src/dist_util.erl} ({@code send_tick/2}, {@code need_to_tick/4}).
 *
 * <p>Threading: senders encode on their own thread and append to a connection's output
 * queue (a {@code ReentrantLock} and a condition the carrier's output party waits on); the
 * carrier's input party decodes and dispatches on its thread, in order. Nothing here blocks
 * except {@link dev.jarl.carrier.DistChannel#awaitData()}, which is interruptible.
 */
package dev.jarl.channel;
