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

import dev.jarl.carrier.AddressResolver;
import dev.jarl.carrier.Carriers;
import dev.jarl.carrier.TlsOptions;
import dev.jarl.carrier.tls.TlsTestCerts;
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

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
