/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jarl.epmd.EpmdClient;
import dev.jarl.term.NodeName;
import dev.jarl.testing.ListeningSockets;
import dev.jarl.testing.Otp;
import dev.jarl.testing.ReleaseMatrix;

/**
 * The node of a client command ({@code ping}, {@code call}, {@code stats}, {@code top}, ...)
 * listens on loopback only and stays out of EPMD by default; {@code --listen ADDRESS} makes it
 * listen there and register. Read back from the kernel's socket tables while {@code jarl top}
 * runs against a {@code jarl serve} node.
 */
class ClientListenTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void aClientNodeListensOnLoopbackOnlyAndUnregisteredUnlessToldWhere() throws Exception {
        ReleaseMatrix.notReleaseSpecific(); // no Erlang involved
        int epmdPort = Otp.freePort();
        Map<String, String> env = Map.of("ERL_EPMD_PORT", Integer.toString(epmdPort));
        String served = Otp.uniqueName("target") + "@localhost";
        EpmdClient epmd = new EpmdClient(InetAddress.getLoopbackAddress(), epmdPort, Duration.ofSeconds(5));
        try (JarlProcess serve = JarlProcess.start(env, "serve", "--name", served, "--cookie", "c")) {
            assertEquals("ready " + served, serve.awaitLine("ready", LIMIT));

            String quiet = Otp.uniqueName("client");
            try (JarlProcess top = watch(env, quiet, served)) {
                List<String> listening = ListeningSockets.ofProcess(top.pid());
                assertFalse(listening.isEmpty(), "the client node has a listener");
                assertEquals(List.of("127.0.0.1"), listening, "the client node listens on");
                assertTrue(epmd.portPlease(quiet).isEmpty(), "the client node is not in EPMD");
            }

            String reachable = Otp.uniqueName("client");
            try (JarlProcess top = watch(env, reachable, served, "--listen", "127.0.0.1")) {
                assertEquals(List.of("127.0.0.1"), ListeningSockets.ofProcess(top.pid()), "with --listen 127.0.0.1");
                int port = epmd.portPlease(reachable).orElseThrow(
                        () -> new AssertionError("with --listen the client node registers with EPMD")).port();
                assertEquals(List.of("127.0.0.1"), ListeningSockets.on(port), "its registered port");
            }
        }
    }

    @Test
    void everyClientCommandHasListenAndAnUnknownAddressIsRefused() {
        ReleaseMatrix.notReleaseSpecific();
        Map<String, String> env = Map.of("ERL_EPMD_PORT", Integer.toString(Otp.freePort()));
        for (String command : List.of("ping", "call", "send", "global", "pg", "stats", "top")) {
            JarlProcess help = JarlProcess.run(env, LIMIT, command, "--help");
            assertTrue(help.stdout().contains("--listen=ADDRESS"), command + ": " + help.stdout());
        }
        JarlProcess p = JarlProcess.run(env, LIMIT, "ping", "--cookie", "c", "--listen", "no-such-host.invalid",
                "x@localhost");
        assertEquals(2, p.exitCode(), p.stderr());
        assertEquals("jarl ping: --listen no-such-host.invalid: unknown address", p.stderr().strip());
    }

    /** {@code jarl top} as client {@code name} of {@code target}, once its first snapshot is out. */
    private static JarlProcess watch(Map<String, String> env, String name, String target, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("top", "--plain", "--interval", "0.5", "--count", "120",
                "--cookie", "c", "--name", name + "@" + NodeName.parse(target).host()));
        args.addAll(List.of(more));
        args.add(target);
        JarlProcess top = JarlProcess.start(env, args.toArray(String[]::new));
        top.awaitOutput("--- " + target + " ", LIMIT);
        return top;
    }
}
