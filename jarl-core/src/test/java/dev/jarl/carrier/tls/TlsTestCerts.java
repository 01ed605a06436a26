/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.jarl.carrier.CarrierFixture;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.carriers.TlsOptions;
import dev.jarl.testing.Otp;
import dev.jarl.testing.Tools;

/**
 * Certificates made at test time with {@code openssl} (never committed), once per JVM, in a
 * temporary directory under {@code /tmp} (which erl shares when it runs from another tree):
 *
 * <ul>
 *   <li>{@code ca.pem}: the test CA;</li>
 *   <li>{@code node.pem}/{@code node.key}: signed by it, naming {@code localhost}, this
 *       machine's short host name and {@code 127.0.0.1}, for servers and clients alike;</li>
 *   <li>{@code wronghost.pem}/{@code wronghost.key}: signed by the CA, naming only
 *       {@code elsewhere.invalid};</li>
 *   <li>{@code rogue-ca.pem}, {@code rogue.pem}/{@code rogue.key}: another CA and a node
 *       certificate it signed, which the test CA does not vouch for;</li>
 *   <li>{@code rsa-pkcs1.key}, {@code ec-sec1.key}, {@code rsa-pkcs8.key}: keys in the other
 *       PEM forms, with matching self-signed certificates {@code *.pem};</li>
 *   <li>{@code node.key} encrypted with {@link #KEY_PASSWORD} in each form OpenSSL writes:
 *       {@code node-pbes2.key} (PKCS#8, PBES2 with AES-256, OpenSSL 3's default),
 *       {@code node-pbes1.key} (PKCS#8, PBE-SHA1-3DES), {@code node-aes.key} (traditional
 *       SEC 1 with {@code DEK-Info: AES-256-CBC}), and {@code rsa-pkcs1-des3.key}
 *       (traditional PKCS#1 with DES-EDE3-CBC, for {@code rsa-pkcs1.pem});</li>
 *   <li>{@code node.p12}: {@code node.pem} and its key in a PKCS#12 key store, password
 *       {@link #KEY_PASSWORD}, for a ready {@code SSLContext}.</li>
 * </ul>
 */
public final class TlsTestCerts {

    /** The password of the encrypted keys and of {@code node.p12}. */
    public static final String KEY_PASSWORD = "pem-pass-\u00e9t\u00e9";

    private static final java.util.concurrent.locks.ReentrantLock LOCK = new java.util.concurrent.locks.ReentrantLock();
    private static volatile TlsTestCerts shared;

    private final Path dir;

    private TlsTestCerts(Path dir) {
        this.dir = dir;
    }

    /** The certificates of this JVM, made on first use; skips the test when openssl is missing. */
    public static TlsTestCerts shared() {
        TlsTestCerts c = shared;
        if (c == null) {
            LOCK.lock();
            try {
                if (shared == null) {
                    shared = make();
                }
                c = shared;
            } finally {
                LOCK.unlock();
            }
        }
        return c;
    }

    /** A file of the set, e.g. {@code ca.pem}. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    /** The directory holding them. */
    public Path dir() {
        return dir;
    }

    /** Options for a node with {@code node.pem}, trusting {@code ca.pem}, on loopback, peers found with {@code resolver}. */
    public TlsOptions options(AddressResolver resolver) {
        return TlsOptions.of(TcpOptions.of(resolver).withBindAddress(CarrierFixture.LOOPBACK),
                file("node.pem"), file("node.key"), file("ca.pem"));
    }

    /**
     * A ready {@code SSLContext} with {@code node.p12}'s key and certificate, trusting
     * {@code ca.pem}: made from JDK key stores, as an application or framework hands one over.
     */
    public javax.net.ssl.SSLContext readyContext() {
        try {
            char[] password = KEY_PASSWORD.toCharArray();
            java.security.KeyStore keys = java.security.KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(file("node.p12"))) {
                keys.load(in, password);
            }
            var kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            java.security.KeyStore cas = java.security.KeyStore.getInstance("PKCS12");
            cas.load(null, null);
            try (var in = Files.newInputStream(file("ca.pem"))) {
                cas.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            var tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(cas);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new AssertionError("could not make a context from node.p12", e);
        }
    }

    private static TlsTestCerts make() {
        // found by running it (dev.jarl.testing.Tools), as every external tool the tests use
        Tools.require("TLS TEST NOT RUN", "openssl", List.of("openssl", "version"), "install openssl (apt-get install openssl)");
        try {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "jarl-tls");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            String o = "openssl";
            String ec = "ec_paramgen_curve:prime256v1";
            run(dir, o, "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                    "-days", "2", "-subj", "/CN=jarl test CA");
            run(dir, o, "req", "-x509", "-newkey", "ec", "-pkeyopt", ec, "-nodes", "-keyout", "rogue-ca.key",
                    "-out", "rogue-ca.pem", "-days", "2", "-subj", "/CN=jarl rogue CA");
            String sans = "DNS:localhost,DNS:" + Otp.shortHost() + ",IP:127.0.0.1";
            signed(dir, o, "node", "ca", sans);
            signed(dir, o, "wronghost", "ca", "DNS:elsewhere.invalid");
            signed(dir, o, "rogue", "rogue-ca", sans);
            run(dir, o, "genrsa", "-traditional", "-out", "rsa-pkcs1.key", "2048");
            run(dir, o, "pkcs8", "-topk8", "-nocrypt", "-in", "rsa-pkcs1.key", "-out", "rsa-pkcs8.key");
            run(dir, o, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "ec-sec1.key");
            for (String k : List.of("rsa-pkcs1", "rsa-pkcs8", "ec-sec1")) {
                run(dir, o, "req", "-x509", "-new", "-key", k + ".key", "-out", k + ".pem", "-days", "2", "-subj", "/CN=" + k);
            }
            Path pass = dir.resolve("key-password");
            Files.writeString(pass, KEY_PASSWORD + "\n", java.nio.charset.StandardCharsets.UTF_8);
            String out = "file:" + pass;
            run(dir, o, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "node.key", "-out", "node-pbes2.key", "-passout", out);
            run(dir, o, "pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-in", "node.key", "-out", "node-pbes1.key", "-passout", out);
            run(dir, o, "ec", "-aes256", "-in", "node.key", "-out", "node-aes.key", "-passout", out);
            run(dir, o, "rsa", "-traditional", "-des3", "-in", "rsa-pkcs1.key", "-out", "rsa-pkcs1-des3.key", "-passout", out);
            run(dir, o, "pkcs12", "-export", "-in", "node.pem", "-inkey", "node.key", "-out", "node.p12",
                    "-name", "node", "-passout", out);
            return new TlsTestCerts(dir);
        } catch (IOException e) {
            throw new AssertionError("could not make test certificates", e);
        }
    }

    private static void signed(Path dir, String openssl, String name, String ca, String sans) throws IOException {
        run(dir, openssl, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + sans
                + "\nextendedKeyUsage=serverAuth,clientAuth\nbasicConstraints=CA:FALSE\n");
        run(dir, openssl, "x509", "-req", "-in", name + ".csr", "-CA", ca + ".pem", "-CAkey", ca + ".key",
                "-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
    }

    private static void run(Path dir, String... cmd) throws IOException {
        List<String> command = new ArrayList<>(List.of(cmd));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed:\n" + new String(out));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // best effort at exit
        }
    }
}
