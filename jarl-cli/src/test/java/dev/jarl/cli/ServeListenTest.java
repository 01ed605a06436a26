/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.epmd.EpmdClient;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.NodeName;
import dev.jarl.testing.ListeningSockets;
import dev.jarl.testing.Otp;
import dev.jarl.testing.ReleaseMatrix;

/**
 * {@code jarl serve --listen ADDRESS} (issue 22: the launcher's AOT training target listens
 * on loopback only): the node's listener and the EPMD it starts both bind that address, read
 * back from the kernel's socket tables, and a peer on loopback still reaches it.
 */
class ServeListenTest {

    private static final Duration LIMIT = Duration.ofSeconds(30);
    @Test
    void theListenerAndTheEmbeddedEpmdBindOnlyTheAddressGiven() throws Exception {
        ReleaseMatrix.notReleaseSpecific(); // no Erlang involved
        int epmdPort = Otp.freePort();
        String name = Otp.uniqueName("listen") + "@localhost";
        try (JarlProcess serve = JarlProcess.start(Map.of("ERL_EPMD_PORT", Integer.toString(epmdPort)),
                "serve", "--name", name, "--cookie", "c", "--listen", "127.0.0.1")) {
            assertEquals("ready " + name, serve.awaitLine("ready", LIMIT));
            int nodePort = new EpmdClient(InetAddress.getLoopbackAddress(), epmdPort, Duration.ofSeconds(5))
                    .portPlease(NodeName.parse(name).alive()).orElseThrow().port();
            assertEquals(List.of("127.0.0.1"), ListeningSockets.on(epmdPort), "EPMD");
            assertEquals(List.of("127.0.0.1"), ListeningSockets.on(nodePort), "the node's listener");
            try (Node peer = Node.start(NodeConfig.builder(Otp.uniqueName("peer") + "@localhost").cookie("c")
                    .epmdPort(epmdPort).carrier(Carriers.tcp(TcpOptions.of(AddressResolver.epmd(epmdPort))
                            .withBindAddress(InetAddress.getLoopbackAddress()))).build())) {
                assertTrue(peer.ping(NodeName.parse(name), Duration.ofSeconds(10)), "ping over loopback");
            }
        }
    }

    @Test
    void anUnknownAddressOrOneForUnixSocketsIsRefusedWithOneLine() {
        ReleaseMatrix.notReleaseSpecific();
        Map<String, String> env = Map.of("ERL_EPMD_PORT", Integer.toString(Otp.freePort()));
        JarlProcess unknown = JarlProcess.run(env, LIMIT, "serve", "--name", "x@localhost", "--cookie", "c",
                "--listen", "no-such-host.invalid");
        assertEquals(2, unknown.exitCode(), unknown.stderr());
        assertEquals("jarl serve: --listen no-such-host.invalid: unknown address", unknown.stderr().strip());
        JarlProcess uds = JarlProcess.run(env, LIMIT, "serve", "--name", "x@localhost", "--cookie", "c",
                "--carrier", "uds", "--listen", "127.0.0.1");
        assertEquals(2, uds.exitCode(), uds.stderr());
        assertEquals("jarl serve: --listen: not for --carrier uds (its node listens on a socket file)",
                uds.stderr().strip());
        JarlProcess help = JarlProcess.run(env, LIMIT, "serve", "--help");
        assertTrue(help.stdout().contains("--listen=ADDRESS"), help.stdout());
    }
}
