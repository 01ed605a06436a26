/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Options of the TLS carrier ({@link Carriers#tls(TlsOptions)}), after the
 * {@code ssl_dist_optfile} options of OTP's {@code inet_tls_dist}. Files are PEM, as OTP's
 * {@code ssl} reads them.
 *
 * <table>
 *   <caption>Jarl option, command-line flag and OTP option</caption>
 *   <tr><th>here</th><th>{@code jarl}</th><th>{@code ssl_dist_optfile}</th></tr>
 *   <tr><td>{@code certFile}</td><td>{@code --tls-cert}</td><td>{@code certfile}</td></tr>
 *   <tr><td>{@code keyFile}</td><td>{@code --tls-key}</td><td>{@code keyfile} (defaults to the certificate file)</td></tr>
 *   <tr><td>{@code cacertsFile}</td><td>{@code --tls-cacerts}</td><td>{@code cacertfile}</td></tr>
 *   <tr><td>{@code verify}</td><td>{@code --tls-verify peer|none}</td><td>{@code verify}</td></tr>
 *   <tr><td>{@code mutualAuth}</td><td></td><td>{@code server_fail_if_no_peer_cert}</td></tr>
 *   <tr><td>{@code protocols}</td><td></td><td>{@code versions}</td></tr>
 * </table>
 *
 * @param tcp           the TCP part: bind address, port, how peers are found (EPMD), packet limit
 * @param certFile      this node's certificate chain, own certificate first; null for a node
 *                      that only dials servers that do not ask for a client certificate
 * @param keyFile       the private key of {@code certFile}; null reads it from {@code certFile}
 * @param cacertsFile   the certificates a peer's chain must lead to; with {@link Verify#PEER}
 *                      it is required unless {@code systemTrustStore} is chosen, since a
 *                      distribution peer is rarely meant to be anyone a public CA vouches for
 * @param verify        whether a peer's certificate is checked; {@link Verify#PEER} by default
 * @param mutualAuth    when listening, refuse clients without a certificate (with
 *                      {@link Verify#PEER}); without it a client certificate is checked when
 *                      one is sent
 * @param checkHostname when dialing with {@link Verify#PEER}, also check that the server's
 *                      certificate names the host part of the node name, as OTP's client does
 *                      through server name indication; on by default
 * @param protocols     the TLS versions offered, e.g. {@code TLSv1.3}, {@code TLSv1.2}
 * @param systemTrustStore with {@link Verify#PEER} and no {@code cacertsFile}: trust the
 *                      JDK's default store of public CAs, chosen explicitly (a TLS carrier
 *                      refuses to start with neither)
 */
public record TlsOptions(TcpOptions tcp, Path certFile, Path keyFile, Path cacertsFile, Verify verify,
                         boolean mutualAuth, boolean checkHostname, List<String> protocols, boolean systemTrustStore) {

    /** Whether the peer's certificate is verified ({@code ssl}'s {@code verify} option). */
    public enum Verify {
        /** Verify the peer's chain against the CA certificates ({@code verify_peer}). */
        PEER,
        /** Accept any peer certificate ({@code verify_none}): encryption without authentication. */
        NONE
    }

    /** TLS 1.3 and TLS 1.2, the versions Jarl offers by default. */
    public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Checks the values. */
    public TlsOptions {
        Objects.requireNonNull(tcp, "tcp");
        Objects.requireNonNull(verify, "verify");
        protocols = List.copyOf(protocols);
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("protocols: none (expected: at least one, e.g. TLSv1.3)");
        }
        if (keyFile != null && certFile == null) {
            throw new IllegalArgumentException("keyFile: " + keyFile + " (expected: a certFile with it)");
        }
        if (systemTrustStore && cacertsFile != null) {
            throw new IllegalArgumentException("cacertsFile " + cacertsFile
                    + " and the system trust store (expected: one source of CA certificates)");
        }
    }

    /**
     * Why these options cannot verify a peer, or null when they can: {@link Verify#PEER}
     * with neither a CA file nor the system trust store chosen. The TLS carrier refuses to
     * start then, rather than trust, unasked, every certificate a public CA ever issued.
     */
    public String missingTrust() {
        if (verify != Verify.PEER || cacertsFile != null || systemTrustStore) {
            return null;
        }
        return "verify=peer needs the CA certificates a peer's chain must lead to: give cacertsFile (jarl: --tls-cacerts"
                + " FILE, as ssl_dist_optfile's cacertfile), or choose the JDK's public CA store explicitly"
                + " (withSystemTrustStore(true); jarl: --tls-system-cas)";
    }

    /**
     * Peers verified against {@code cacertsFile}, this node's identity from {@code certFile}
     * and {@code keyFile} (null: in the certificate file), TLS 1.3 and 1.2, no mutual
     * authentication, host names checked.
     */
    public static TlsOptions of(TcpOptions tcp, Path certFile, Path keyFile, Path cacertsFile) {
        return new TlsOptions(tcp, certFile, keyFile, cacertsFile, Verify.PEER, false, true, DEFAULT_PROTOCOLS, false);
    }

    /** These options with another verification mode. */
    public TlsOptions withVerify(Verify mode) {
        return new TlsOptions(tcp, certFile, keyFile, cacertsFile, mode, mutualAuth, checkHostname, protocols,
                systemTrustStore);
    }

    /** These options with mutual authentication on or off. */
    public TlsOptions withMutualAuth(boolean required) {
        return new TlsOptions(tcp, certFile, keyFile, cacertsFile, verify, required, checkHostname, protocols,
                systemTrustStore);
    }

    /** These options with the host name check on or off. */
    public TlsOptions withHostnameCheck(boolean check) {
        return new TlsOptions(tcp, certFile, keyFile, cacertsFile, verify, mutualAuth, check, protocols, systemTrustStore);
    }

    /** These options offering only {@code versions} (JDK names: {@code TLSv1.3}, {@code TLSv1.2}). */
    public TlsOptions withProtocols(String... versions) {
        return new TlsOptions(tcp, certFile, keyFile, cacertsFile, verify, mutualAuth, checkHostname, List.of(versions),
                systemTrustStore);
    }

    /** These options with other TCP options. */
    public TlsOptions withTcp(TcpOptions other) {
        return new TlsOptions(other, certFile, keyFile, cacertsFile, verify, mutualAuth, checkHostname, protocols,
                systemTrustStore);
    }

    /**
     * These options trusting the JDK's default store of public CAs (true; no
     * {@code cacertsFile} then) or not: the explicit choice {@link Verify#PEER} needs when
     * there is no CA file.
     */
    public TlsOptions withSystemTrustStore(boolean trust) {
        return new TlsOptions(tcp, certFile, keyFile, cacertsFile, verify, mutualAuth, checkHostname, protocols, trust);
    }
}
