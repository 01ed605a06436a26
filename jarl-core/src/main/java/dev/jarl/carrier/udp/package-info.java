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
 * <p>Shape, after Aeron's driver: what to send, acknowledge, retransmit, and when, is pure
 * code that takes the time as an argument and states its policy as arithmetic in its
 * Javadoc: {@link dev.jarl.carrier.udp.SendBuffer} (segments in flight, loss detection, the
 * retransmission timer), {@link dev.jarl.carrier.udp.CongestionControl} (AIMD window),
 * {@link dev.jarl.carrier.udp.RttEstimator} (RFC 6298) and
 * {@link dev.jarl.carrier.udp.ReceiveBuffer} (order, reorder buffer, acknowledgements).
 * {@link dev.jarl.carrier.udp.UdpConnection} holds the threads, locks and sockets around
 * them and reads the time from one clock, {@link dev.jarl.carriers.UdpOptions#clock()}, so
 * that tests advance time instead of waiting for it.
 *
 * <p>Threading: virtual threads only. Each socket has a receive thread, which routes
 * datagrams and handles acknowledgements but never decodes or delivers, and survives
 * whatever one datagram meets; each connection a pump (sends and timers, sleeping in a
 * condition wait until the next deadline on the clock), an input party
 * ({@link dev.jarl.carrier.udp.InputParty}: cuts packets and delivers them; what it meets
 * ends its connection only) and, once up, an output party
 * ({@link dev.jarl.carrier.udp.OutputParty}) draining the channel. Every method of the
 * connection and its parties says which of them calls it and which lock it holds or takes.
 * Locks are {@link java.util.concurrent.locks.ReentrantLock}s; no {@code synchronized}, no
 * polling.
 *
 * <p>Internal: reach it through {@link dev.jarl.carriers.Carriers#udp}.
 */
package dev.jarl.carrier.udp;
