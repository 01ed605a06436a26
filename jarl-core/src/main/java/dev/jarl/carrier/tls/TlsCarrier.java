/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.tls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.Listener;
import dev.jarl.carrier.stream.NewConnectionOptions;
import dev.jarl.carrier.stream.StreamConnection;
import dev.jarl.carrier.tcp.TcpCarrier;
import dev.jarl.carriers.TlsOptions;
import dev.jarl.term.NodeName;

/**
 * The TLS carrier; see the package comment. The certificate files are read once, when the
 * carrier is made (or the ready context of {@link TlsOptions#sslContext()} is used as it
 * is); thread-safe afterwards.
 */
public final class TlsCarrier implements Carrier {

    private final TlsOptions options;
    private final SSLContext context;
    private final TcpCarrier tcp;
    /** Socket options for new connections, applied to the TCP socket under TLS. */
    private final NewConnectionOptions newConnections = new NewConnectionOptions(TcpCarrier.OPTIONS);

    /**
     * A carrier with these options.
     *
     * @throws IllegalArgumentException when a certificate or key file cannot be read or does
     *                                  not hold what it should (the message names the file),
     *                                  or, with PEM files, peers are to be verified with no
     *                                  CA certificates given and the system store not chosen
     *                                  ({@link TlsOptions#missingTrust()}; a ready context
     *                                  brings its own trust)
     */
    public TlsCarrier(TlsOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.tcp = new TcpCarrier(options.tcp());
        try {
            this.context = context(options);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("tls: " + e.getMessage(), e);
        }
    }

    private static SSLContext context(TlsOptions o) throws IOException, GeneralSecurityException {
        if (o.sslContext() != null) {
            return o.sslContext();
        }
        char[] password = new char[0];
        KeyManager[] keys = null;
        if (o.certFile() != null) {
            List<X509Certificate> chain = Pem.certificates(o.certFile());
            char[] keyPassword = o.keyPassword();
            PrivateKey key;
            try {
                key = Pem.privateKey(o.keyFile() != null ? o.keyFile() : o.certFile(), keyPassword);
            } finally {
                if (keyPassword != null) {
                    java.util.Arrays.fill(keyPassword, '\0');
                }
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("node", key, password, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            keys = kmf.getKeyManagers();
        }
        String missing = o.missingTrust();
        if (missing != null) {
            throw new GeneralSecurityException(missing);
        }
        TrustManager[] trust;
        if (o.verify() == TlsOptions.Verify.NONE) {
            trust = new TrustManager[] {new TrustAll()};
        } else {
            KeyStore cas = null;
            if (o.cacertsFile() != null) {
                cas = KeyStore.getInstance("PKCS12");
                cas.load(null, null);
                int i = 0;
                for (X509Certificate c : Pem.certificates(o.cacertsFile())) {
                    cas.setCertificateEntry("ca" + i++, c);
                }
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(cas);
            X509ExtendedTrustManager pkix = null;
            for (TrustManager t : tmf.getTrustManagers()) {
                if (t instanceof X509ExtendedTrustManager x) {
                    pkix = x;
                }
            }
            if (pkix == null) {
                throw new GeneralSecurityException("no X.509 trust manager in " + tmf.getAlgorithm());
            }
            trust = new TrustManager[] {new RecordingTrust(pkix)};
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust, new SecureRandom());
        return context;
    }

    @Override
    public String name() {
        return "tls";
    }

    @Override
    public Listener listen(NodeName self) throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(options.tcp().bindAddress(), options.tcp().port()));
        } catch (IOException e) {
            server.close();
            throw new IOException("tls listen for " + self + " on "
                    + (options.tcp().bindAddress() == null ? "*" : options.tcp().bindAddress().getHostAddress())
                    + ":" + options.tcp().port() + ": " + e.getMessage(), e);
        }
        return new TlsListener(server, this, newConnections);
    }

    /** Dials {@code peer} and completes the TLS handshake within {@code timeout}. */
    @Override
    public CarrierConnection connect(NodeName peer, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        InetSocketAddress address = options.tcp().resolver().lookup("tls", peer, timeout);
        Socket plain = new Socket();
        try {
            plain.connect(address, (int) Math.max(1, Math.min(Integer.MAX_VALUE, (deadline - System.nanoTime()) / 1_000_000)));
            plain.setTcpNoDelay(true);
            SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, peer.host(), address.getPort(), true);
            SSLParameters params = parameters(true);
            if (options.verify() == TlsOptions.Verify.PEER && options.checkHostname()) {
                params.setEndpointIdentificationAlgorithm("HTTPS");
            }
            ssl.setSSLParameters(params);
            TlsStream stream = new TlsStream(plain, ssl);
            newConnections.applyTo(stream);
            stream.handshake(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            return new StreamConnection(stream, "tls", 4, options.tcp().maxPacketSize());
        } catch (IOException e) {
            plain.close();
            throw new IOException("tls connect to " + peer + " at " + address + ": " + e.getMessage(), e);
        }
    }

    /** Wraps an accepted socket; the TLS handshake waits for the first distribution handshake step. */
    CarrierConnection accepted(Socket plain) throws IOException {
        plain.setTcpNoDelay(true);
        InetSocketAddress remote = (InetSocketAddress) plain.getRemoteSocketAddress();
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain,
                remote.getAddress().getHostAddress(), remote.getPort(), true);
        ssl.setUseClientMode(false);
        SSLParameters params = parameters(false);
        if (options.verify() == TlsOptions.Verify.PEER) {
            if (options.mutualAuth()) {
                params.setNeedClientAuth(true);
            } else if (options.sslContext() == null) {
                // only a context built here can refuse a requested certificate that fails (RecordingTrust)
                params.setWantClientAuth(true);
            }
        }
        ssl.setSSLParameters(params);
        TlsStream stream = new TlsStream(plain, ssl);
        newConnections.applyTo(stream);
        return new StreamConnection(stream, "tls", 4, options.tcp().maxPacketSize());
    }

    private SSLParameters parameters(boolean client) {
        SSLParameters params = context.getDefaultSSLParameters();
        params.setProtocols(options.protocols().toArray(String[]::new));
        return params;
    }

    /** True when the node's host resolves, as {@code inet_tls_dist:select/1} checks (the TCP carrier's rule). */
    @Override
    public boolean select(NodeName node) {
        return tcp.select(node);
    }

    @Override
    public String toString() {
        return "TlsCarrier[verify=" + options.verify() + ", mutualAuth=" + options.mutualAuth() + ", protocols="
                + options.protocols() + (options.sslContext() != null ? ", a ready SSLContext" : ", cert=" + options.certFile())
                + "]";
    }

    /**
     * The JDK's PKIX checks, except that a client certificate which fails them is remembered
     * in the handshake session: when client authentication is only requested, the JDK would
     * carry on without it, while OTP's {@code verify_peer} refuses a certificate that does not
     * verify whether or not one was required ({@link TlsStream} checks the mark).
     */
    private static final class RecordingTrust extends X509ExtendedTrustManager {
        private final X509ExtendedTrustManager pkix;

        RecordingTrust(X509ExtendedTrustManager pkix) {
            this.pkix = pkix;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            try {
                pkix.checkClientTrusted(chain, authType, socket);
            } catch (CertificateException e) {
                if (socket instanceof SSLSocket ssl && ssl.getHandshakeSession() != null) {
                    ssl.getHandshakeSession().putValue(TlsStream.UNTRUSTED, e.getMessage());
                }
                throw e;
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            pkix.checkServerTrusted(chain, authType, socket);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkClientTrusted(chain, authType, engine);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            pkix.checkServerTrusted(chain, authType, engine);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            pkix.checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return pkix.getAcceptedIssuers();
        }
    }

    /** {@code verify_none}: every certificate accepted, no host name check. */
    private static final class TrustAll extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
