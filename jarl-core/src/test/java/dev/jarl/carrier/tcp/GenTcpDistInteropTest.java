/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.OtpExamples;
import dev.jarl.testing.RealEpmd;

/**
 * Jarl's TCP carrier speaks the wire format of OTP's {@code gen_tcp_dist} example (the
 * distribution controller written as Erlang processes, compiled at test time;
 * {@code erl -proto_dist gen_tcp}), with a real EPMD: ping both ways, messages to names and
 * pids both ways, 10 000 messages in order each way, and a 1 MB binary there and back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class GenTcpDistInteropTest {

    private RealEpmd epmd;
    private ErlNode erl;
    private NodeName erlName;

    @BeforeAll
    void start() {
        Path beams = OtpExamples.compile("gen_tcp_dist");
        epmd = RealEpmd.start();
        erl = ErlNode.builder().sname(Otp.uniqueName("erlg")).cookie("jarltest").epmdPort(epmd.port())
                .args("-proto_dist", "gen_tcp", "-pa", ErlNode.inside(beams)).start();
        erlName = NodeName.parse(erl.name());
        assertTrue(erl.eval("code:is_loaded(gen_tcp_dist)").startsWith("{file,"), "gen_tcp_dist not loaded");
        erl.eval("register(ebox, self()), ok");
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(erl, epmd);
    }

    private Node jarl() throws IOException {
        return Node.start(NodeConfig.builder(Otp.uniqueName("jarlg") + "@" + Otp.shortHost()).cookie("jarltest")
                .epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).build());
    }

    /** gen_tcp_dist's controller is an Erlang process; inet_tcp_dist's would be a port. */
    private String controllerIsAProcess(Node jarl) {
        return erl.eval("{_, C} = lists:keyfind(" + q(jarl) + ", 1, erlang:system_info(dist_ctrl)), is_pid(C)");
    }

    private static String q(Node n) {
        return "'" + n.name() + "'";
    }

    @Test
    void jarlPingsGenTcpDist() throws Exception {
        try (Node jarl = jarl()) {
            assertTrue(jarl.ping(erlName, Duration.ofSeconds(10)));
            assertEquals("true", erl.eval("lists:member(" + q(jarl) + ", nodes(hidden))"));
            assertEquals("true", controllerIsAProcess(jarl));
        }
    }

    @Test
    void genTcpDistPingsJarl() throws Exception {
        try (Node jarl = jarl()) {
            assertEquals("pong", erl.eval("net_adm:ping(" + q(jarl) + ")"));
            assertTrue(jarl.nodes().contains(erlName));
            assertEquals("true", controllerIsAProcess(jarl));
        }
    }

    /** A link, a monitor and an RPC each way, with erl's side on gen_tcp_dist. */
    @Test
    void linkMonitorAndRpcWithGenTcpDist() throws Exception {
        try (Node jarl = jarl()) {
            dev.jarl.testing.CarrierSignals.check(jarl, erl);
        }
    }

    @Test
    void messagesBothWaysInOrder() throws Exception {
        int n = 10_000;
        try (Node jarl = jarl(); Mailbox box = jarl.createMailbox("jbox")) {
            erl.eval("{jbox, " + q(jarl) + "} ! {self(), hello}, ok");
            Tuple t = (Tuple) box.receive(Duration.ofSeconds(10)).orElseThrow();
            assertEquals(Atom.of("hello"), t.get(1));
            box.send((Pid) t.get(0), Atom.of("to_pid"));
            assertEquals("to_pid", erl.eval("receive to_pid -> to_pid after 5000 -> timeout end"));

            for (int i = 1; i <= n; i++) {
                box.send("ebox", erlName, Tuple.of(Atom.of("seq"), Int.of(i)));
            }
            assertEquals("ok", erl.evalResult("F = fun F(N) when N > " + n + " -> ok; F(N) -> receive {seq, N} -> F(N + 1); "
                    + "{seq, M} -> {bad, N, M} after 10000 -> {timeout, N} end end, F(1)", Duration.ofSeconds(60)).text());
            erl.eval("[{jbox, " + q(jarl) + "} ! {seq, I} || I <- lists:seq(1, " + n + ")], ok");
            for (int i = 1; i <= n; i++) {
                assertEquals(Tuple.of(Atom.of("seq"), Int.of(i)), box.receive(Duration.ofSeconds(10)).orElseThrow());
            }

            byte[] big = new byte[1 << 20];
            new Random(9).nextBytes(big);
            box.send("ebox", erlName, Term.tuple(Atom.of("big"), box.self(), Binary.of(big)));
            assertEquals("ok", erl.eval("receive {big, P, B} -> P ! {back, B, erlang:md5(B)}, ok after 5000 -> timeout end"));
            assertEquals(Term.tuple(Atom.of("back"), Binary.of(big), Binary.of(MessageDigest.getInstance("MD5").digest(big))),
                    box.receive(Duration.ofSeconds(10)).orElseThrow());
        }
    }
}
