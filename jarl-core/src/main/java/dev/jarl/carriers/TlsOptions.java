/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carriers;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLContext;

/**
 * Options of the TLS carrier ({@link Carriers#tls(TlsOptions)}), after the
 * {@code ssl_dist_optfile} options of OTP's {@code inet_tls_dist}. Files are PEM, as OTP's
 * {@code ssl} reads them; an encrypted private key takes its password
 * ({@link #withKeyPassword(char[])}).
 *
 * <p>Instead of files, a ready {@link SSLContext} ({@link #of(TcpOptions, SSLContext)}): for
 * key stores, hardware or cloud key managers, or a context a framework already built (a
 * Spring SSL bundle, say). Its key and trust managers decide alone which certificate this
 * node shows and which it accepts; {@code verify}, {@code mutualAuth}, {@code checkHostname}
 * and {@code protocols} still apply ({@link Verify#NONE} turns off the host name check and
 * client certificate requests, but cannot make the context accept what it refuses). One difference from files: with a context Jarl built,
 * a listening node with {@link Verify#PEER} asks every client for a certificate and refuses
 * one that does not verify, as OTP's {@code verify_peer} does, while a client without one is
 * let in unless {@code mutualAuth}. A ready context's trust managers cannot be watched that
 * way (the JDK lets a client whose certificate fails them carry on as if it had sent none),
 * so with a ready context a listening node asks for a client certificate only with
 * {@code mutualAuth}, and then requires it.
 *
 * <p>Trust must be chosen, never assumed. With PEM files and {@link Verify#PEER}, Jarl builds
 * the context and needs to be told what a peer's chain must lead to: {@code cacertsFile}, or
 * the JDK's store of public CAs chosen explicitly ({@link #withSystemTrustStore(boolean)});
 * with neither, the TLS carrier refuses to start ({@link #missingTrust()}), rather than
 * accept every certificate any public CA ever issued for the host. A ready
 * {@code SSLContext} carries its own trust in its trust managers, so this rule does not apply
 * to it, and {@code systemTrustStore} cannot be combined with it.
 *
 * <table>
 *   <caption>Jarl option, command-line flag and OTP option</caption>
 *   <tr><th>here</th><th>{@code jarl}</th><th>{@code ssl_dist_optfile}</th></tr>
 *   <tr><td>{@code certFile}</td><td>{@code --tls-cert}</td><td>{@code certfile}</td></tr>
 *   <tr><td>{@code keyFile}</td><td>{@code --tls-key}</td><td>{@code keyfile} (defaults to the certificate file)</td></tr>
 *   <tr><td>{@code keyPassword}</td><td>{@code --tls-key-password-file}</td><td>{@code password}</td></tr>
 *   <tr><td>{@code cacertsFile}</td><td>{@code --tls-cacerts}</td><td>{@code cacertfile}</td></tr>
 *   <tr><td>{@code systemTrustStore}</td><td>{@code --tls-system-cas}</td><td>{@code cacerts} from
 *       {@code public_key:cacerts_get()}</td></tr>
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
 *                      and no {@code sslContext} it is required unless {@code systemTrustStore}
 *                      is chosen, since a distribution peer is rarely meant to be anyone a
 *                      public CA vouches for
 * @param verify        whether a peer's certificate is checked; {@link Verify#PEER} by default
 * @param mutualAuth    when listening, refuse clients without a certificate (with
 *                      {@link Verify#PEER}); without it a client certificate is checked when
 *                      one is sent
 * @param checkHostname when dialing with {@link Verify#PEER}, also check that the server's
 *                      certificate names the host part of the node name, as OTP's client does
 *                      through server name indication; on by default
 * @param protocols     the TLS versions offered, e.g. {@code TLSv1.3}, {@code TLSv1.2}
 * @param keyPassword   the password of an encrypted private key; null when it is not
 *                      encrypted (a password for an unencrypted key is not used)
 * @param sslContext    a ready context in place of the three files, with its own trust; null
 *                      to build one from them
 * @param systemTrustStore with {@link Verify#PEER}, PEM files and no {@code cacertsFile}: trust
 *                      the JDK's default store of public CAs, chosen explicitly (a TLS carrier
 *                      refuses to start with neither); false with a ready context
 */
public record TlsOptions(TcpOptions tcp, Path certFile, Path keyFile, Path cacertsFile, Verify verify,
                         boolean mutualAuth, boolean checkHostname, List<String> protocols, char[] keyPassword,
                         SSLContext sslContext, boolean systemTrustStore) {

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
        if (keyPassword != null && certFile == null) {
            throw new IllegalArgumentException("keyPassword: given without a certFile (expected: the password of "
                    + "the key of certFile or keyFile)");
        }
        if (sslContext != null && (certFile != null || cacertsFile != null)) {
            throw new IllegalArgumentException("sslContext: given with " + (certFile != null ? "certFile " + certFile
                    : "cacertsFile " + cacertsFile) + " (expected: a ready context or PEM files, not both)");
        }
        if (systemTrustStore && cacertsFile != null) {
            throw new IllegalArgumentException("cacertsFile " + cacertsFile
                    + " and the system trust store (expected: one source of CA certificates)");
        }
        if (systemTrustStore && sslContext != null) {
            throw new IllegalArgumentException("sslContext: given with the system trust store (expected: the "
                    + "context's own trust managers, or the system trust store for PEM files, not both)");
        }
        keyPassword = keyPassword == null ? null : keyPassword.clone();
    }

    /** The options of PEM files: no password, no ready context, no system trust store. */
    public TlsOptions(TcpOptions tcp, Path certFile, Path keyFile, Path cacertsFile, Verify verify,
                      boolean mutualAuth, boolean checkHostname, List<String> protocols) {
        this(tcp, certFile, keyFile, cacertsFile, verify, mutualAuth, checkHostname, protocols, null, null, false);
    }

    /**
     * Why these options cannot verify a peer, or null when they can: {@link Verify#PEER}
     * with PEM files and neither a CA file nor the system trust store chosen. The TLS carrier
     * refuses to start then, rather than trust, unasked, every certificate a public CA ever
     * issued. Null with a ready {@code sslContext}: its trust managers decide.
     */
    public String missingTrust() {
        if (verify != Verify.PEER || sslContext != null || cacertsFile != null || systemTrustStore) {
            return null;
        }
        return "verify=peer needs the CA certificates a peer's chain must lead to: give cacertsFile (jarl: --tls-cacerts"
                + " FILE, as ssl_dist_optfile's cacertfile), choose the JDK's public CA store explicitly"
                + " (withSystemTrustStore(true); jarl: --tls-system-cas), or give a ready SSLContext with its own trust";
    }

    /**
     * Peers verified against {@code cacertsFile}, this node's identity from {@code certFile}
     * and {@code keyFile} (null: in the certificate file), TLS 1.3 and 1.2, no mutual
     * authentication, host names checked.
     */
    public static TlsOptions of(TcpOptions tcp, Path certFile, Path keyFile, Path cacertsFile) {
        return new TlsOptions(tcp, certFile, keyFile, cacertsFile, Verify.PEER, false, true, DEFAULT_PROTOCOLS);
    }

    /**
     * Trust and identity from a ready {@code context} (see the class comment), peers verified
     * and host names checked, TLS 1.3 and 1.2, no mutual authentication.
     */
    public static TlsOptions of(TcpOptions tcp, SSLContext context) {
        Objects.requireNonNull(context, "context");
        return new TlsOptions(tcp, null, null, null, Verify.PEER, false, true, DEFAULT_PROTOCOLS, null, context, false);
    }

    /** These options with another verification mode. */
    public TlsOptions withVerify(Verify mode) {
        return new TlsOptions(tcp, certFile, keyFile, cacertsFile, mode, mutualAuth, checkHostname, protocols,
                keyPassword, sslContext, systemTrustStore);
    }

    /** These options with mutual authentication on or off. */
    public TlsOptions withMutualAuth(boolean required) {
        return new TlsOptions(tcp, certFile, keyFile, cacertsFile, verify, required, checkHostname, protocols,
                keyPassword, sslContext, systemTrustStore);
    }

    /** These options with the host name check on or off. */
    public TlsOptions withHostnameCheck(boolean check) {
        return new TlsOptions(tcp, certFile, keyFile, cacertsFile, verify, mutualAuth, check, protocols,
                keyPassword, sslContext, systemTrustStore);
    }

    /** These options offering only {@code versions} (JDK names: {@code TLSv1.3}, {@code TLSv1.2}). */
    public TlsOptions withProtocols(String... versions) {
        return new TlsOptions(tcp, certFile, keyFile, cacertsFile, verify, mutualAuth, checkHostname, List.of(versions),
                keyPassword, sslContext, systemTrustStore);
    }

    /** These options with other TCP options. */
    public TlsOptions withTcp(TcpOptions other) {
        return new TlsOptions(other, certFile, keyFile, cacertsFile, verify, mutualAuth, checkHostname, protocols,
                keyPassword, sslContext, systemTrustStore);
    }

    /**
     * These options with the password of an encrypted private key ({@code ssl}'s
     * {@code password}); the array is copied, so the caller may clear its own.
     */
    public TlsOptions withKeyPassword(char[] password) {
        return new TlsOptions(tcp, certFile, keyFile, cacertsFile, verify, mutualAuth, checkHostname, protocols,
                Objects.requireNonNull(password, "password"), sslContext, systemTrustStore);
    }

    /**
     * These options trusting the JDK's default store of public CAs (true; no
     * {@code cacertsFile} and no {@code sslContext} then) or not: the explicit choice
     * {@link Verify#PEER} needs when Jarl builds the context and there is no CA file.
     */
    public TlsOptions withSystemTrustStore(boolean trust) {
        return new TlsOptions(tcp, certFile, keyFile, cacertsFile, verify, mutualAuth, checkHostname, protocols,
                keyPassword, sslContext, trust);
    }

    /** A copy of the key's password, or null. */
    @Override
    public char[] keyPassword() {
        return keyPassword == null ? null : keyPassword.clone();
    }

    /** Equal options, passwords compared by content. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TlsOptions t && tcp.equals(t.tcp) && Objects.equals(certFile, t.certFile)
                && Objects.equals(keyFile, t.keyFile) && Objects.equals(cacertsFile, t.cacertsFile)
                && verify == t.verify && mutualAuth == t.mutualAuth && checkHostname == t.checkHostname
                && protocols.equals(t.protocols) && Arrays.equals(keyPassword, t.keyPassword)
                && Objects.equals(sslContext, t.sslContext) && systemTrustStore == t.systemTrustStore;
    }

    @Override
    public int hashCode() {
        return Objects.hash(tcp, certFile, keyFile, cacertsFile, verify, mutualAuth, checkHostname, protocols,
                Arrays.hashCode(keyPassword), sslContext, systemTrustStore);
    }

    /** The options, the password shown only as present or not. */
    @Override
    public String toString() {
        return "TlsOptions[tcp=" + tcp + ", certFile=" + certFile + ", keyFile=" + keyFile + ", cacertsFile="
                + cacertsFile + ", verify=" + verify + ", mutualAuth=" + mutualAuth + ", checkHostname=" + checkHostname
                + ", protocols=" + protocols + ", keyPassword=" + (keyPassword == null ? "none" : "[redacted]")
                + ", sslContext=" + (sslContext == null ? "none" : sslContext.getProtocol() + " " + sslContext.getProvider())
                + ", systemTrustStore=" + systemTrustStore + "]";
    }
}
