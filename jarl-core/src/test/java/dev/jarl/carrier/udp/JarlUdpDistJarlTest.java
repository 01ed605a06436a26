/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.CarrierSignals;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.JarlUdpDist;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * A BEAM node over the repository's {@code jarl_udp_dist} and a Jarl node over its UDP carrier
 * ({@code Carriers.udp}), both registered in a real EPMD of their own on loopback: the two
 * implementations of docs/udp-carrier.md speak to each other. Ping both ways, a link, a
 * monitor and RPC each way, 20 000 ordered messages each way, a 4 MB binary there and back,
 * and a clean close each way.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class JarlUdpDistJarlTest {

    private RealEpmd epmd;
    private ErlNode erl;
    private NodeName erlName;

    @BeforeAll
    void start() {
        JarlUdpDist.compile();
        epmd = RealEpmd.start("127.0.0.1");
        erl = ErlNode.builder().sname(Otp.uniqueName("uerl")).cookie("jarltest").epmdPort(epmd.port())
                .args(JarlUdpDist.args()).start();
        erlName = NodeName.parse(erl.name());
        erl.eval("register(ebox, self()), ok");
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(erl, epmd);
    }

    private Node jarl() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        UdpOptions udp = UdpOptions.of(AddressResolver.epmd(epmd.port())).withBindAddress(loopback);
        return Node.start(NodeConfig.builder(Otp.uniqueName("jarlu") + "@" + Otp.shortHost()).cookie("jarltest")
                .epmdPort(epmd.port()).carrier(Carriers.udp(udp)).build());
    }

    private static String q(Node n) {
        return "'" + n.name() + "'";
    }

    @Test
    void pingBothWays() throws Exception {
        try (Node jarl = jarl()) {
            assertTrue(jarl.ping(erlName, Duration.ofSeconds(10)));
            assertEquals("true", erl.eval("lists:member(" + q(jarl) + ", nodes(hidden))"));
            assertEquals("true", erl.eval("{_, C} = lists:keyfind(" + q(jarl) + ", 1, erlang:system_info(dist_ctrl)), is_pid(C)"));
        }
        try (Node jarl = jarl()) {
            assertEquals("pong", erl.eval("net_adm:ping(" + q(jarl) + ")"));
            assertTrue(jarl.nodes().contains(erlName));
        }
    }

    @Test
    void linksMonitorsAndRpcEachWay() throws Exception {
        try (Node jarl = jarl()) {
            CarrierSignals.check(jarl, erl);
        }
    }

    @Test
    void messagesInOrderAndALargeBinaryBothWays() throws Exception {
        int n = 20_000;
        try (Node jarl = jarl(); Mailbox box = jarl.createMailbox("jbox")) {
            erl.eval("{jbox, " + q(jarl) + "} ! {self(), hello}, ok");
            Tuple t = (Tuple) box.receive(Duration.ofSeconds(10)).orElseThrow();
            assertEquals(Atom.of("hello"), t.get(1));
            for (int i = 1; i <= n; i++) {
                box.send("ebox", erlName, Tuple.of(Atom.of("seq"), Int.of(i)));
            }
            assertEquals("ok", erl.evalResult("F = fun F(N) when N > " + n + " -> ok; F(N) -> receive {seq, N} -> F(N + 1); "
                    + "{seq, M} -> {bad, N, M} after 20000 -> {timeout, N} end end, F(1)", Duration.ofSeconds(90)).text());
            erl.eval("[{jbox, " + q(jarl) + "} ! {seq, I} || I <- lists:seq(1, " + n + ")], ok");
            for (int i = 1; i <= n; i++) {
                assertEquals(Tuple.of(Atom.of("seq"), Int.of(i)), box.receive(Duration.ofSeconds(20)).orElseThrow());
            }
            byte[] big = new byte[4 << 20];
            new Random(25).nextBytes(big);
            box.send("ebox", erlName, Term.tuple(Atom.of("big"), box.self(), Binary.of(big)));
            assertEquals("ok", erl.eval("receive {big, P, B} -> P ! {back, B, erlang:md5(B)}, ok after 20000 -> timeout end"));
            assertEquals(Term.tuple(Atom.of("back"), Binary.of(big), Binary.of(MessageDigest.getInstance("MD5").digest(big))),
                    box.receive(Duration.ofSeconds(30)).orElseThrow());
        }
    }

    /** Closing the Jarl node sends CLOSE: erl sees it go at once (idle timeout 30 s, net_ticktime 60 s). */
    @Test
    void cleanCloseEachWay() throws Exception {
        erl.eval("net_kernel:monitor_nodes(true, [{node_type, all}]), ok");
        try {
            Node jarl = jarl();
            try (jarl) {
                assertTrue(jarl.ping(erlName, Duration.ofSeconds(10)));
                erl.eval("receive {nodeup, " + q(jarl) + ", _} -> ok after 10000 -> timeout end");
            }
            assertEquals("ok", erl.eval("receive {nodedown, " + q(jarl) + ", _} -> ok after 10000 -> timeout end"));

            try (Node other = jarl()) {
                assertEquals("pong", erl.eval("net_adm:ping(" + q(other) + ")"));
                assertEquals("true", erl.eval("erlang:disconnect_node(" + q(other) + ")"));
                Await.until(Duration.ofSeconds(10), () -> !other.nodes().contains(erlName), () -> "Jarl sees erl go");
            }
        } finally {
            erl.eval("net_kernel:monitor_nodes(false, [{node_type, all}]), ok");
        }
    }
}
