/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.io.IOException;
import java.time.Duration;

import dev.jarl.term.NodeName;

/**
 * A transport for Erlang distribution: the Java form of an OTP distribution module
 * ({@code -proto_dist M}, see OTP's {@code alt_dist.md}).
 *
 * <table>
 *   <caption>OTP distribution module and its Java counterpart</caption>
 *   <tr><th>OTP</th><th>Jarl</th></tr>
 *   <tr><td>{@code M:listen(Name)}</td><td>{@link #listen(NodeName)}</td></tr>
 *   <tr><td>{@code M:accept(Listen)}</td><td>{@link Listener#accept()}, called by the node's acceptor thread</td></tr>
 *   <tr><td>{@code M:setup(Node, ...)}</td><td>{@link #connect(NodeName, Duration)}</td></tr>
 *   <tr><td>{@code M:select(Node)}</td><td>{@link #select(NodeName)}</td></tr>
 *   <tr><td>{@code M:close(Listen)}</td><td>{@link Listener#close()}</td></tr>
 *   <tr><td>{@code M:setopts(Listen, Opts)}, {@code M:getopts/2} (optional)</td><td>{@link Listener#setOption},
 *       {@link Listener#getOption}: options for new connections</td></tr>
 *   <tr><td>{@code #hs_data{}} funs</td><td>{@link CarrierConnection}</td></tr>
 *   <tr><td>{@code mf_setopts}, {@code mf_getopts}</td><td>{@link CarrierConnection#setOption},
 *       {@link CarrierConnection#getOption}</td></tr>
 *   <tr><td>{@code add_flags}, {@code reject_flags}, {@code require_flags}</td>
 *       <td>{@link CarrierConnection#flagRules()} ({@link FlagRules})</td></tr>
 *   <tr><td>distribution controller</td><td>the threads a connection starts in
 *       {@link CarrierConnection#handshakeComplete(DistChannel)}</td></tr>
 * </table>
 *
 * <p><b>The contract.</b> Every packet the node's {@link DistChannel#getData()} hands the
 * carrier must reach the peer's {@link DistChannel#putData} unchanged, in the same order,
 * exactly once, with nothing lost. A carrier whose transport cannot promise that on its own
 * (UDP) must build it (sequence numbers, acknowledgements, retransmission, flow control).
 * When it cannot keep the promise any longer it must close the connection and report why
 * through {@link DistChannel#closed(ConnectionFate)}; it must never drop, duplicate or
 * reorder silently.
 *
 * <p>Implementations are thread-safe: the node calls {@code connect} from many threads.
 */
public interface Carrier {

    /** Short name used in configuration and on the command line: {@code tcp}, {@code tls}, ... */
    String name();

    /**
     * Starts listening for connections to the node {@code self}.
     *
     * @throws IOException when the transport cannot listen (address in use, permission, ...)
     */
    Listener listen(NodeName self) throws IOException;

    /**
     * Opens a transport to {@code peer}, ready for the handshake (the initiating side). The
     * carrier finds the peer's address itself (EPMD for TCP, a path for Unix sockets, ...).
     *
     * @param timeout bound on address lookup and transport set-up
     * @throws IOException when the peer cannot be reached; the message names the peer and the
     *                     address tried
     */
    CarrierConnection connect(NodeName peer, Duration timeout) throws IOException;

    /** True when this carrier can reach {@code node} at all (for example, its host resolves). */
    boolean select(NodeName node);
}
