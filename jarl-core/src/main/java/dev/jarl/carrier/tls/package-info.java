/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The TLS carrier, interoperable with OTP's {@code inet_tls_dist}
 * ({@code erl -proto_dist inet_tls -ssl_dist_optfile FILE}; erlang/otp
 * {@code lib/ssl/src/inet_tls_dist.erl}).
 *
 * <p>Wire: TCP with EPMD as for {@code inet_tcp_dist}; TLS (1.3 or 1.2) from the first byte;
 * inside TLS every message carries a 4-byte length, the distribution handshake included
 * ({@code inet_tls_dist} runs {@code {packet,4}} throughout), and after it the usual
 * packets, an empty one being a tick. The cookie is still checked by the distribution
 * handshake once TLS is up, as in OTP.
 *
 * <p>Trust: certificates and keys come from PEM files, read with the JDK alone (encrypted
 * keys with their password), or from a ready {@link javax.net.ssl.SSLContext}. A peer's
 * chain is verified by default: against the CA file, or the JDK's public CA store when that
 * is chosen explicitly (a context built from PEM files has one or the other, or the carrier
 * refuses to start), or by a ready context's own trust managers; a dialing node also checks
 * that the server's certificate names the host part of the node name. Mutual authentication
 * (refusing clients without a certificate) is an option.
 *
 * <p>Threading: {@link javax.net.ssl.SSLSocket} over a plain socket, blocking, on virtual
 * threads; chosen over {@code SSLEngine} because the stream controller
 * ({@link dev.jarl.carrier.stream.StreamConnection}) is blocking code already and the JDK's
 * TLS socket neither pins nor blocks a platform thread. The TLS handshake of an accepted
 * connection runs on that connection's handshake thread, never in the acceptor.
 *
 * <p>Internal: reach it through {@link dev.jarl.carriers.Carriers#tls}.
 */
package dev.jarl.carrier.tls;
