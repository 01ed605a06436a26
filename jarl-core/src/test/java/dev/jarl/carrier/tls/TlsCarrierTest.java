/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierFixture;
import dev.jarl.carrier.HandshakeException;
import dev.jarl.carrier.Listener;
import dev.jarl.carrier.QueueChannel;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.carriers.TlsOptions;
import dev.jarl.handshake.Secret;
import dev.jarl.handshake.TestCookies;
import dev.jarl.handshake.Handshake;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.term.NodeName;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * The TLS carrier's trust decisions and bad input, Jarl to Jarl: peers that never finish the
 * TLS handshake or do not speak TLS, certificates that do not verify, mutual authentication,
 * the PEM key forms, and the cookie still checked inside TLS. The contract suite covers the
 * data path; {@code TlsInteropTest} covers OTP.
 */
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class TlsCarrierTest {

    static final NodeName SERVER = NodeName.parse("server@localhost");
    static final NodeName CLIENT = NodeName.parse("client@localhost");

    final TlsTestCerts certs = TlsTestCerts.shared();
    final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose.reversed()) {
            c.close();
        }
    }

    TlsOptions options(String name, AddressResolver resolver) {
        return TlsOptions.of(TcpOptions.of(resolver).withBindAddress(CarrierFixture.LOOPBACK),
                certs.file(name + ".pem"), certs.file(name + ".key"), certs.file("ca.pem"));
    }

    Listener listen(TlsOptions options) throws IOException {
        Listener l = Carriers.tls(options).listen(SERVER);
        toClose.add(l);
        return l;
    }

    static AddressResolver at(int port) {
        return AddressResolver.fixed(new InetSocketAddress(CarrierFixture.LOOPBACK, port));
    }

    static AddressResolver at(Listener l) {
        return at(l.port().orElseThrow());
    }

    /** In the background: accept one connection and wait for its first handshake frame. */
    CompletableFuture<byte[]> serverReceives(Listener listener, Duration timeout) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                CarrierConnection c = listener.accept();
                toClose.add(c);
                f.complete(c.receiveHandshake(timeout));
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("expected a failure, got " + f.get());
    }

    /** Connects and sends one handshake frame that the server side reads. */
    void roundTrip(Listener listener, Carrier dialer) throws Exception {
        CompletableFuture<byte[]> got = serverReceives(listener, Duration.ofSeconds(10));
        CarrierConnection c = dialer.connect(SERVER, Duration.ofSeconds(10));
        toClose.add(c);
        c.sendHandshake(new byte[] {1, 2, 3});
        assertArrayEquals(new byte[] {1, 2, 3}, got.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aClientThatNeverStartsTlsTimesOutAndTheListenerGoesOn() throws Exception {
        Listener listener = listen(options("node", at(0)));
        CompletableFuture<byte[]> first = serverReceives(listener, Duration.ofMillis(500));
        try (Socket silent = new Socket(CarrierFixture.LOOPBACK, listener.port().orElseThrow())) {
            assertTrue(silent.isConnected());
            Throwable t = failure(first);
            assertTrue(t instanceof SocketTimeoutException, t.toString());
            assertTrue(t.getMessage().contains("tls handshake with 127.0.0.1:") && t.getMessage().contains("not finished within"),
                    t.getMessage());
        }
        roundTrip(listener, Carriers.tls(options("node", at(listener))));
    }

    @Test
    void aServerThatNeverAnswersTimesOut() throws Exception {
        try (ServerSocket mute = new ServerSocket(0, 1, CarrierFixture.LOOPBACK)) {
            Carrier c = Carriers.tls(options("node", at(mute.getLocalPort())));
            long start = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> c.connect(SERVER, Duration.ofMillis(700)));
            long took = (System.nanoTime() - start) / 1_000_000;
            assertTrue(e.getMessage().contains("not finished within"), e.getMessage());
            assertTrue(took < 5000, took + " ms");
        }
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefused() throws Exception {
        Listener listener = listen(options("rogue", at(0)));
        CompletableFuture<byte[]> server = serverReceives(listener, Duration.ofSeconds(10));
        IOException e = assertThrows(IOException.class,
                () -> Carriers.tls(options("node", at(listener))).connect(SERVER, Duration.ofSeconds(10)));
        assertTrue(e.getMessage().startsWith("tls connect to server@localhost at ") && e.getMessage().contains("not trusted"),
                e.getMessage());
        assertTrue(failure(server) instanceof IOException);
    }

    /**
     * With mutual authentication, a client whose certificate comes from another CA is refused
     * (the JDK client does not even offer a certificate the server's CA list does not cover).
     */
    @Test
    void aClientCertificateFromAnotherCaIsRefused() throws Exception {
        Listener listener = listen(options("node", at(0)).withMutualAuth(true));
        CompletableFuture<byte[]> server = serverReceives(listener, Duration.ofSeconds(10));
        Carrier rogue = Carriers.tls(options("rogue", at(listener)).withVerify(TlsOptions.Verify.NONE));
        try {
            CarrierConnection c = rogue.connect(SERVER, Duration.ofSeconds(10));
            toClose.add(c);
            c.sendHandshake(new byte[] {1});
        } catch (IOException e) {
            // TLS 1.3 may report the server's refusal to the client only on its next read
        }
        Throwable t = failure(server);
        assertTrue(t instanceof IOException && t.getMessage().startsWith("tls handshake with"), t.toString());
    }

    @Test
    void aServerCertificateForAnotherHostIsRefusedUnlessTheCheckIsOff() throws Exception {
        Listener listener = listen(options("wronghost", at(0)));
        serverReceives(listener, Duration.ofSeconds(10));
        IOException e = assertThrows(IOException.class,
                () -> Carriers.tls(options("node", at(listener))).connect(SERVER, Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("does not name the peer's host"), e.getMessage());
        roundTrip(listener, Carriers.tls(options("node", at(listener)).withHostnameCheck(false)));
    }

    @Test
    void verifyNoneAcceptsAnyServer() throws Exception {
        Listener listener = listen(options("rogue", at(0)).withVerify(TlsOptions.Verify.NONE));
        roundTrip(listener, Carriers.tls(options("node", at(listener)).withVerify(TlsOptions.Verify.NONE)));
    }

    @Test
    void mutualAuthenticationRefusesAClientWithoutACertificate() throws Exception {
        Listener listener = listen(options("node", at(0)).withMutualAuth(true));
        CompletableFuture<byte[]> server = serverReceives(listener, Duration.ofSeconds(10));
        TlsOptions anonymous = new TlsOptions(TcpOptions.of(at(listener)), null, null, certs.file("ca.pem"),
                TlsOptions.Verify.PEER, false, true, TlsOptions.DEFAULT_PROTOCOLS);
        try {
            CarrierConnection c = Carriers.tls(anonymous).connect(SERVER, Duration.ofSeconds(10));
            toClose.add(c);
            c.sendHandshake(new byte[] {1});
        } catch (IOException e) {
            // TLS 1.3 may report the refusal to the client only on its next read
        }
        Throwable t = failure(server);
        assertTrue(t instanceof IOException && t.getMessage().startsWith("tls handshake with"), t.toString());
        roundTrip(listener, Carriers.tls(options("node", at(listener))));
    }

    @Test
    void aPeerThatIsNotTlsIsOneClearError() throws Exception {
        Listener listener = listen(options("node", at(0)));
        CompletableFuture<byte[]> server = serverReceives(listener, Duration.ofSeconds(10));
        try (Socket plain = new Socket(CarrierFixture.LOOPBACK, listener.port().orElseThrow())) {
            OutputStream out = plain.getOutputStream();
            out.write(new byte[] {0, 15, 'N', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            out.flush();
            Throwable t = failure(server);
            assertTrue(t.getMessage().contains("does not speak TLS"), t.getMessage());
        }
        try (ServerSocket plainServer = new ServerSocket(0, 1, CarrierFixture.LOOPBACK)) {
            Thread.ofVirtual().start(() -> {
                try (Socket s = plainServer.accept()) {
                    s.getOutputStream().write("HTTP/1.0 400 not a node\r\n\r\n".getBytes());
                    s.getInputStream().read();
                } catch (IOException e) {
                    // the client gave up
                }
            });
            IOException e = assertThrows(IOException.class,
                    () -> Carriers.tls(options("node", at(plainServer.getLocalPort()))).connect(SERVER, Duration.ofSeconds(5)));
            assertTrue(e.getMessage().contains("does not speak TLS"), e.getMessage());
        }
    }

    @Test
    void withAReadSpinPacketsArriveInOrder() throws Exception {
        // the spin asks TLS's buffered plaintext, then the plain socket (TlsStream.available)
        Listener listener = listen(options("node", at(0)));
        CompletableFuture<CarrierConnection> accepted = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                CarrierConnection c = listener.accept();
                assertArrayEquals(new byte[] {1}, c.receiveHandshake(Duration.ofSeconds(10)));
                accepted.complete(c);
            } catch (Throwable t) {
                accepted.completeExceptionally(t);
            }
        });
        CarrierConnection client = Carriers.tls(options("node", at(listener))).connect(SERVER, Duration.ofSeconds(10));
        toClose.add(client);
        client.sendHandshake(new byte[] {1});
        CarrierConnection server = accepted.get(10, TimeUnit.SECONDS);
        toClose.add(server);
        client.preNodeup();
        server.preNodeup();
        QueueChannel in = new QueueChannel().readSpin(TimeUnit.MILLISECONDS.toNanos(10));
        QueueChannel out = new QueueChannel();
        server.handshakeComplete(in);
        client.handshakeComplete(out);
        for (int i = 0; i < 300; i++) {
            out.send(ByteBuffer.allocate(4).putInt(i).array());
            if (i % 3 == 2) { // three at a time, then the reader waits (and spins) for the next
                for (int j = i - 2; j <= i; j++) {
                    assertEquals(j, ByteBuffer.wrap(in.nextData(5000)).getInt());
                }
            }
        }
    }

    @Test
    void tls12AndTls13BothWork() throws Exception {
        for (String version : List.of("TLSv1.2", "TLSv1.3")) {
            Listener listener = listen(options("node", at(0)).withProtocols(version));
            roundTrip(listener, Carriers.tls(options("node", at(listener))));
        }
    }

    @Test
    void pemKeysInPkcs8Pkcs1AndSec1FormsAllServe() throws Exception {
        for (String key : List.of("rsa-pkcs1", "rsa-pkcs8", "ec-sec1")) {
            Listener listener = listen(options(key, at(0)).withVerify(TlsOptions.Verify.NONE));
            roundTrip(listener, Carriers.tls(options("node", at(listener)).withVerify(TlsOptions.Verify.NONE)));
        }
    }

    @Test
    void encryptedKeysInEveryOpenSslFormServeWithTheirPassword() throws Exception {
        char[] password = TlsTestCerts.KEY_PASSWORD.toCharArray();
        for (String key : List.of("node-pbes2", "node-pbes1", "node-aes")) {
            TlsOptions server = TlsOptions.of(TcpOptions.of(at(0)).withBindAddress(CarrierFixture.LOOPBACK),
                    certs.file("node.pem"), certs.file(key + ".key"), certs.file("ca.pem")).withKeyPassword(password);
            Listener listener = listen(server);
            roundTrip(listener, Carriers.tls(options("node", at(listener))));
        }
        TlsOptions rsa = TlsOptions.of(TcpOptions.of(at(0)).withBindAddress(CarrierFixture.LOOPBACK),
                certs.file("rsa-pkcs1.pem"), certs.file("rsa-pkcs1-des3.key"), null)
                .withVerify(TlsOptions.Verify.NONE).withKeyPassword(password);
        Listener listener = listen(rsa);
        roundTrip(listener, Carriers.tls(options("node", at(listener)).withVerify(TlsOptions.Verify.NONE)));
    }

    @Test
    void anEncryptedKeyWithoutOrWithTheWrongPasswordIsAClearErrorWithoutThePassword() {
        for (String key : List.of("node-pbes2", "node-pbes1", "node-aes")) {
            Path file = certs.file(key + ".key");
            TlsOptions noPassword = TlsOptions.of(TcpOptions.of(at(1)), certs.file("node.pem"), file, certs.file("ca.pem"));
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> Carriers.tls(noPassword));
            assertEquals("tls: " + file + ": private key: encrypted (expected: its password, TlsOptions.withKeyPassword "
                    + "or jarl --tls-key-password-file)", none.getMessage());
            IllegalArgumentException wrong = assertThrows(IllegalArgumentException.class,
                    () -> Carriers.tls(noPassword.withKeyPassword("not-the-password".toCharArray())));
            assertTrue(wrong.getMessage().contains("cannot decrypt (wrong password?)")
                    || wrong.getMessage().contains("a wrong password?"), key + ": " + wrong.getMessage());
            assertFalse(wrong.getMessage().contains("not-the-password"), wrong.getMessage());
        }
        TlsOptions base = options("node", at(1));
        TlsOptions withPassword = base.withKeyPassword("secret-pw".toCharArray());
        assertFalse(withPassword.toString().contains("secret-pw"), withPassword.toString());
        assertTrue(withPassword.toString().contains("keyPassword=[redacted]"), withPassword.toString());
        assertEquals(withPassword, base.withKeyPassword("secret-pw".toCharArray()));
        assertFalse(withPassword.equals(base.withKeyPassword("other-pw".toCharArray())));
    }

    @Test
    void aReadySslContextServesAndDialsAndItsTrustDecides() throws Exception {
        javax.net.ssl.SSLContext context = certs.readyContext();
        TcpOptions loopback = TcpOptions.of(at(0)).withBindAddress(CarrierFixture.LOOPBACK);
        Listener server = listen(TlsOptions.of(loopback, context));
        roundTrip(server, Carriers.tls(options("node", at(server))));
        roundTrip(server, Carriers.tls(TlsOptions.of(TcpOptions.of(at(server)), context)));

        // the context trusts only the test CA: a rogue server is refused when dialing
        Listener rogue = listen(options("rogue", at(0)));
        IOException refused = assertThrows(IOException.class,
                () -> Carriers.tls(TlsOptions.of(TcpOptions.of(at(rogue)), context)).connect(SERVER, Duration.ofSeconds(10)));
        assertTrue(refused.getMessage().startsWith("tls connect to server@localhost"), refused.getMessage());

        // with mutualAuth the context's trust refuses a client certificate from another CA
        Listener strict = listen(TlsOptions.of(loopback, context).withMutualAuth(true));
        CompletableFuture<byte[]> first = serverReceives(strict, Duration.ofSeconds(10));
        try {
            CarrierConnection c = Carriers.tls(options("rogue", at(strict)).withVerify(TlsOptions.Verify.NONE))
                    .connect(SERVER, Duration.ofSeconds(10));
            toClose.add(c);
            c.sendHandshake(new byte[] {1});
        } catch (IOException e) {
            // TLS 1.3 may report the refusal to the client only on its next read
        }
        assertTrue(failure(first) instanceof IOException);
        roundTrip(strict, Carriers.tls(options("node", at(strict))));
    }

    @Test
    void aReadyContextAndPemFilesTogetherAreRefused() throws Exception {
        javax.net.ssl.SSLContext context = certs.readyContext();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TlsOptions(
                TcpOptions.of(at(1)), certs.file("node.pem"), null, null, TlsOptions.Verify.PEER, false, true,
                TlsOptions.DEFAULT_PROTOCOLS, null, context, false));
        assertTrue(e.getMessage().startsWith("sslContext: given with certFile"), e.getMessage());
    }

    @Test
    void unusableCertificateAndKeyFilesAreClearErrors() throws IOException {
        Path dir = certs.dir();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Carriers.tls(TlsOptions.of(
                TcpOptions.of(at(1)), certs.file("node.pem"), null, certs.file("ca.pem"))));
        assertTrue(e.getMessage().contains("node.pem: private key: none"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Carriers.tls(TlsOptions.of(
                TcpOptions.of(at(1)), certs.file("node.key"), certs.file("node.key"), certs.file("ca.pem"))));
        assertTrue(e.getMessage().contains("certificates: none"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Carriers.tls(TlsOptions.of(
                TcpOptions.of(at(1)), dir.resolve("missing.pem"), null, null)));
        assertTrue(e.getMessage().contains("missing.pem"), e.getMessage());
    }

    /**
     * Review finding 14: verify=peer without a CA file would trust every certificate a public
     * CA ever issued; the carrier refuses to start unless that store is chosen explicitly.
     */
    @Test
    void verifyPeerNeedsACaFileOrAnExplicitSystemStore() {
        TlsOptions noCa = TlsOptions.of(TcpOptions.of(at(1)), certs.file("node.pem"), certs.file("node.key"), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Carriers.tls(noCa));
        assertTrue(e.getMessage().contains("verify=peer needs the CA certificates"), e.getMessage());
        assertTrue(e.getMessage().contains("--tls-cacerts FILE") && e.getMessage().contains("--tls-system-cas"),
                e.getMessage());
        assertEquals("tls", Carriers.tls(noCa.withSystemTrustStore(true)).name());
        assertEquals("tls", Carriers.tls(noCa.withVerify(TlsOptions.Verify.NONE)).name());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> TlsOptions.of(
                TcpOptions.of(at(1)), null, null, certs.file("ca.pem")).withSystemTrustStore(true));
        assertTrue(both.getMessage().contains("expected: one source of CA certificates"), both.getMessage());
    }

    /**
     * The CA rule is for contexts Jarl builds from PEM files: a ready SSLContext carries its
     * own trust, so it needs no CA file, and the system store cannot be added to it; a key
     * password works with the rule as with any PEM options.
     */
    @Test
    void aReadyContextBringsItsOwnTrustAndAnEncryptedKeyMeetsTheCaRule() throws Exception {
        javax.net.ssl.SSLContext context = certs.readyContext();
        TlsOptions ready = TlsOptions.of(TcpOptions.of(at(1)), context);
        assertNull(ready.missingTrust());
        assertEquals("tls", Carriers.tls(ready).name());
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> ready.withSystemTrustStore(true));
        assertTrue(mixed.getMessage().startsWith("sslContext: given with the system trust store"), mixed.getMessage());

        TlsOptions encrypted = TlsOptions.of(TcpOptions.of(at(1)), certs.file("node.pem"), certs.file("node-pbes2.key"),
                null).withKeyPassword(TlsTestCerts.KEY_PASSWORD.toCharArray());
        IllegalArgumentException noCa = assertThrows(IllegalArgumentException.class, () -> Carriers.tls(encrypted));
        assertTrue(noCa.getMessage().contains("verify=peer needs the CA certificates"), noCa.getMessage());
        TlsOptions trusting = encrypted.withSystemTrustStore(true);
        assertTrue(trusting.systemTrustStore() && trusting.keyPassword() != null, trusting.toString());
        assertTrue(trusting.toString().contains("systemTrustStore=true"), trusting.toString());
        assertEquals("tls", Carriers.tls(trusting).name());
        assertNotEquals(encrypted, trusting);
        assertEquals(trusting, encrypted.withSystemTrustStore(true));
    }

    @Test
    void theCookieIsStillCheckedInsideTls() throws Exception {
        Listener listener = listen(options("node", at(0)));
        CompletableFuture<HandshakeException> server = CompletableFuture.supplyAsync(() -> {
            try (CarrierConnection c = listener.accept()) {
                return assertThrows(HandshakeException.class, () -> Handshake.accept(c,
                        HandshakeConfig.of(SERVER, TestCookies.of("server-cookie"), 1).withSetupTime(Duration.ofSeconds(5)), CarrierFixture.ARBITER));
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, r -> Thread.ofVirtual().start(r));
        CarrierConnection c = Carriers.tls(options("node", at(listener))).connect(SERVER, Duration.ofSeconds(10));
        toClose.add(c);
        assertThrows(HandshakeException.class, () -> Handshake.initiate(c,
                HandshakeConfig.of(CLIENT, TestCookies.of("client-cookie"), 2).withSetupTime(Duration.ofSeconds(5)), SERVER, CarrierFixture.ARBITER));
        assertEquals(HandshakeException.Reason.BAD_DIGEST, server.get(10, TimeUnit.SECONDS).reason());
    }
}
