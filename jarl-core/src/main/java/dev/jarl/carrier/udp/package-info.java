/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The UDP carrier: reliable, ordered Erlang distribution over datagrams. The wire protocol
 * is specified in {@code docs/udp-carrier.md}; {@link dev.jarl.carrier.udp.Datagram} has
 * the byte diagrams.
 *
 * <p>What it builds on top of UDP: connection ids and a stateless address-validation token
 * at set-up (no amplification toward spoofed sources); one message stream per direction
 * (each packet a 4-byte length and its bytes, handshake messages included) cut into
 * numbered segments; cumulative and selective acknowledgements; retransmission on an
 * RFC 6298 timer and on loss detected from later acknowledged datagrams; a reorder buffer
 * and duplicate suppression; a receive window and an AIMD congestion window; keepalive
 * pings and an idle timeout that declares a silent peer down; an orderly close.
 *
 * <p>Sockets: a listener's {@link java.nio.channels.DatagramChannel} serves every
 * connection it accepted; an initiator opens a socket of its own, connected to the peer.
 *
 * <p>Threading: virtual threads only. Each socket has a receive thread, which routes
 * datagrams and handles acknowledgements but never decodes or delivers, and survives
 * whatever one datagram meets; each connection a pump (sends and timers, sleeping in a
 * condition wait until the next deadline), an input party (cuts packets and delivers them;
 * what it meets ends its connection only) and, once up, an output party draining the
 * channel. Locks are
 * {@link java.util.concurrent.locks.ReentrantLock}s; no {@code synchronized}, no polling.
 *
 * <p>Internal: reach it through {@link dev.jarl.carriers.Carriers#udp}.
 */
package dev.jarl.carrier.udp;
