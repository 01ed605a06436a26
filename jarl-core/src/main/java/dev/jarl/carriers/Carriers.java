/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carriers;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.FlagRules;
import dev.jarl.carrier.tcp.TcpCarrier;
import dev.jarl.carrier.tls.TlsCarrier;
import dev.jarl.carrier.udp.UdpCarrier;
import dev.jarl.carrier.uds.UdsCarrier;

/** Factories for the carriers Jarl ships. */
public final class Carriers {

    private Carriers() {
    }

    /**
     * The TCP carrier, compatible with OTP's {@code inet_tcp_dist}: 2-byte length frames
     * during the handshake, 4-byte frames afterwards, the empty packet as tick.
     */
    public static Carrier tcp(TcpOptions options) {
        return new TcpCarrier(options);
    }

    /**
     * The UDP carrier: reliable, ordered distribution over datagrams, with the protocol of
     * {@code docs/udp-carrier.md} (Jarl to Jarl; OTP ships no UDP carrier).
     */
    public static Carrier udp(UdpOptions options) {
        return new UdpCarrier(options);
    }

    /**
     * The in-JVM carrier on {@code network}: nodes in this JVM connected by in-memory pipes,
     * with the same handshake and packets as TCP. Give each node its own carrier.
     */
    public static Carrier mem(MemNetwork network) {
        return network.carrier();
    }

    /**
     * The Unix domain socket carrier, compatible with OTP's {@code erl_uds_dist} example: no
     * EPMD, the socket file named after the node's alive part, the creation kept beside it.
     */
    public static Carrier uds(UdsOptions options) {
        return new UdsCarrier(options);
    }

    /**
     * The TLS carrier, compatible with OTP's {@code inet_tls_dist}: TCP with EPMD, TLS from
     * the first byte, the distribution handshake and packets inside it with 4-byte lengths.
     *
     * @throws IllegalArgumentException when a certificate or key file cannot be used; the
     *                                  message names the file
     */
    public static Carrier tls(TlsOptions options) {
        return new TlsCarrier(options);
    }

    /**
     * {@code carrier} with {@code rules} on every connection: flags it adds, rejects or
     * requires in the handshake (OTP's {@code add_flags}, {@code reject_flags} and
     * {@code require_flags}). For example a carrier that must not use the atom cache:
     * <pre>{@code
     * Carriers.withFlags(Carriers.tcp(TcpOptions.defaults()), FlagRules.rejecting(DistFlags.DIST_HDR_ATOM_CACHE))
     * }</pre>
     */
    public static Carrier withFlags(Carrier carrier, FlagRules rules) {
        return new FlagRulesCarrier(carrier, rules);
    }
}
