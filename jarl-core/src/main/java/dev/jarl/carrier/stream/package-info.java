/**
 * The controller shared by the stream carriers (TCP, Unix domain sockets, TLS): OTP's
 * {@code gen_tcp_dist} controller over any reliable byte stream.
 *
 * <p>{@link dev.jarl.carrier.stream.StreamConnection} frames the handshake with a 2- or
 * 4-byte length and the connection phase with a 4-byte length (an empty packet is a tick),
 * and runs an output party, an input party and a tick writer on virtual threads with one
 * fate. {@link dev.jarl.carrier.stream.ByteStream} is what a carrier supplies: a socket
 * channel ({@link dev.jarl.carrier.stream.SocketChannelStream}) or a TLS session.
 *
 * <p>Internal: carriers reach it; applications use {@link dev.jarl.carrier.Carriers}.
 */
package dev.jarl.carrier.stream;
