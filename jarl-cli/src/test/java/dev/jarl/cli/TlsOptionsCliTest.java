/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jarl.carrier.tls.TlsTestCerts;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TlsOptions;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.NodeName;
import dev.jarl.testing.Otp;
import dev.jarl.testing.ReleaseMatrix;

/** {@code jarl serve --carrier tls} with an encrypted key: its password from a file, or a one-line error without it. */
class TlsOptionsCliTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @Test
    void anEncryptedKeyServesWithItsPasswordFile(@TempDir Path dir) throws Exception {
        ReleaseMatrix.notReleaseSpecific(); // Jarl to Jarl
        TlsTestCerts certs = TlsTestCerts.shared();
        Path password = Files.writeString(dir.resolve("key-password"), TlsTestCerts.KEY_PASSWORD + "\n", StandardCharsets.UTF_8);
        int epmdPort = Otp.freePort();
        Map<String, String> env = Map.of("ERL_EPMD_PORT", Integer.toString(epmdPort));
        String name = Otp.uniqueName("tlssrv") + "@localhost";
        String[] tls = {"--carrier", "tls", "--tls-cert", certs.file("node.pem").toString(),
                "--tls-key", certs.file("node-pbes2.key").toString(), "--tls-cacerts", certs.file("ca.pem").toString()};

        JarlProcess noPassword = JarlProcess.run(env, LIMIT, concat(new String[] {"serve", "--name", name, "--cookie", "c"}, tls));
        assertEquals(2, noPassword.exitCode());
        assertEquals("jarl serve: tls: " + certs.file("node-pbes2.key") + ": private key: encrypted (expected: "
                + "its password, TlsOptions.withKeyPassword or jarl --tls-key-password-file)", noPassword.stderr().strip());

        String[] withPassword = concat(new String[] {"serve", "--name", name, "--cookie", "c",
                "--tls-key-password-file", password.toString()}, tls);
        try (JarlProcess serve = JarlProcess.start(env, withPassword)) {
            assertEquals("ready " + name, serve.awaitLine("ready", LIMIT));
            TlsOptions client = certs.options(AddressResolver.epmd(epmdPort));
            try (Node jarl = Node.start(NodeConfig.builder(Otp.uniqueName("tlscli") + "@localhost").cookie("c")
                    .epmdPort(epmdPort).carrier(Carriers.tls(client)).build())) {
                assertTrue(jarl.ping(NodeName.parse(name), Duration.ofSeconds(10)));
            }
            assertFalse(serve.stderr().contains(TlsTestCerts.KEY_PASSWORD), serve.stderr());
        }
    }

    /**
     * Review finding 14 beside the key password: with PEM files, --tls-verify peer (the
     * default) needs --tls-cacerts or --tls-system-cas, one of the two, and either works with
     * --tls-key-password-file.
     */
    @Test
    void theCaRuleAndTheKeyPasswordWorkTogether(@TempDir Path dir) throws Exception {
        ReleaseMatrix.notReleaseSpecific(); // no Erlang involved
        TlsTestCerts certs = TlsTestCerts.shared();
        Path password = Files.writeString(dir.resolve("key-password"), TlsTestCerts.KEY_PASSWORD + "\n", StandardCharsets.UTF_8);
        Map<String, String> env = Map.of("ERL_EPMD_PORT", Integer.toString(Otp.freePort()));
        String name = Otp.uniqueName("tlsca") + "@localhost";
        String[] serve = {"serve", "--name", name, "--cookie", "c", "--carrier", "tls",
                "--tls-cert", certs.file("node.pem").toString(), "--tls-key", certs.file("node-pbes2.key").toString(),
                "--tls-key-password-file", password.toString()};

        JarlProcess noCa = JarlProcess.run(env, LIMIT, serve);
        assertEquals(2, noCa.exitCode());
        assertEquals("jarl serve: tls: verify=peer needs the CA certificates a peer's chain must lead to: give "
                + "cacertsFile (jarl: --tls-cacerts FILE, as ssl_dist_optfile's cacertfile), choose the JDK's public CA "
                + "store explicitly (withSystemTrustStore(true); jarl: --tls-system-cas), or give a ready SSLContext with "
                + "its own trust", noCa.stderr().strip());

        JarlProcess both = JarlProcess.run(env, LIMIT, concat(serve, new String[] {"--tls-cacerts",
                certs.file("ca.pem").toString(), "--tls-system-cas"}));
        assertEquals(2, both.exitCode());
        assertEquals("jarl serve: TLS options: cacertsFile " + certs.file("ca.pem") + " and the system trust store "
                + "(expected: one source of CA certificates)", both.stderr().strip());

        try (JarlProcess systemCas = JarlProcess.start(env, concat(serve, new String[] {"--tls-system-cas"}))) {
            assertEquals("ready " + name, systemCas.awaitLine("ready", LIMIT));
        }
        JarlProcess help = JarlProcess.run(env, LIMIT, "serve", "--help");
        assertEquals(0, help.exitCode(), help.stderr());
        assertTrue(help.stdout().contains("--tls-system-cas") && help.stdout().contains("--tls-key-password-file"),
                help.stdout());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
