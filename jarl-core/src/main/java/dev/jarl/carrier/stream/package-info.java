/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The controller shared by the stream carriers (TCP, Unix domain sockets, TLS): OTP's
 * {@code gen_tcp_dist} controller over any reliable byte stream.
 *
 * <p>{@link dev.jarl.carrier.stream.StreamConnection} frames the handshake with a 2- or
 * 4-byte length and the connection phase with a 4-byte length (an empty packet is a tick),
 * and runs an output party and an input party on platform threads (a blocked read then
 * wakes straight from the kernel) and a tick writer on a virtual thread, with one fate. A
 * sender that finds the line idle writes its packet itself (see
 * {@link dev.jarl.carrier.CarrierConnection#writeQueued()}). {@link dev.jarl.carrier.stream.ByteStream} is what a carrier supplies: a socket
 * channel ({@link dev.jarl.carrier.stream.SocketChannelStream}) or a TLS session.
 *
 * <p>Internal: carriers reach it; applications use {@link dev.jarl.carriers.Carriers}.
 */
package dev.jarl.carrier.stream;
