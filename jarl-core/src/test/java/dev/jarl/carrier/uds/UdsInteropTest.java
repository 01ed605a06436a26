/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.uds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.UdsOptions;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.OtpExamples;

/**
 * A Jarl node and a real OTP node running OTP's {@code erl_uds_dist} example
 * ({@code erl -proto_dist erl_uds -no_epmd}), compiled at test time, in one socket directory:
 * no EPMD anywhere. Ping both ways, messages to names and pids both ways, a 1 MB binary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class UdsInteropTest {

    private Path sockets;
    private ErlNode erl;
    private NodeName erlName;

    @BeforeAll
    void start() throws IOException {
        Path beams = OtpExamples.compile("erl_uds_dist");
        sockets = Files.createTempDirectory(Path.of("/tmp"), "jarl-uds-interop");
        erl = ErlNode.builder().sname(Otp.uniqueName("erlu")).cookie("jarltest").noEpmd().directory(sockets)
                .args("-proto_dist", "erl_uds", "-pa", ErlNode.inside(beams)).start();
        erlName = NodeName.parse(erl.name());
        erl.eval("register(ebox, self()), ok");
    }

    @AfterAll
    void stop() throws IOException {
        if (erl != null) {
            erl.close();
        }
        if (sockets != null) {
            try (var files = Files.list(sockets)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(sockets);
        }
    }

    private Node jarl() throws IOException {
        return Node.start(NodeConfig.builder(Otp.uniqueName("jarlu") + "@" + Otp.shortHost()).cookie("jarltest")
                .carrier(Carriers.uds(UdsOptions.of(sockets))).useEpmd(false).build());
    }

    private static String q(Node n) {
        return "'" + n.name() + "'";
    }

    /** Both nodes' sockets in the one directory; creations drawn above 3 as the example built on OTP 23+ does. */
    @Test
    void socketsLiveWhereTheOtherSideLooksAndCreationsAreBig() throws Exception {
        assertTrue(Files.exists(sockets.resolve(erlName.alive())), "erl_uds_dist's socket");
        assertTrue(Files.notExists(sockets.resolve(erlName.alive() + ".uds")), "erl_uds_dist on OTP 23+ keeps no creation file");
        assertTrue(Long.parseLong(erl.eval("erlang:system_info(creation)")) >= 4);
        try (Node jarl = jarl(); Mailbox box = jarl.createMailbox()) {
            assertTrue(Files.exists(sockets.resolve(jarl.name().alive())));
            box.send("ebox", erlName, Term.tuple(Atom.of("pid"), box.self()));
            assertEquals(Integer.toUnsignedString(jarl.creation()),
                    erl.eval("receive {pid, P} -> {_, _, _, C} = {node(P), 0, 0, binary:decode_unsigned(binary:part(term_to_binary(P), byte_size(term_to_binary(P)) - 4, 4))}, C after 5000 -> timeout end"));
        }
    }

    @Test
    void jarlPingsErlang() throws Exception {
        try (Node jarl = jarl()) {
            assertTrue(jarl.ping(erlName, Duration.ofSeconds(10)));
            assertEquals("true", erl.eval("lists:member(" + q(jarl) + ", nodes(hidden))"));
        }
    }

    @Test
    void erlangPingsJarl() throws Exception {
        try (Node jarl = jarl()) {
            assertEquals("pong", erl.eval("net_adm:ping(" + q(jarl) + ")"));
            assertTrue(jarl.nodes().contains(erlName));
        }
    }

    /** A link, a monitor and an RPC each way, over erl_uds_dist. */
    @Test
    void linkMonitorAndRpcOverUnixSockets() throws Exception {
        try (Node jarl = jarl()) {
            dev.jarl.testing.CarrierSignals.check(jarl, erl);
        }
    }

    @Test
    void messagesBothWays() throws Exception {
        try (Node jarl = jarl(); Mailbox box = jarl.createMailbox("jbox")) {
            erl.eval("{jbox, " + q(jarl) + "} ! {self(), hello}, ok");
            Tuple t = (Tuple) box.receive(Duration.ofSeconds(10)).orElseThrow();
            assertEquals(Atom.of("hello"), t.get(1));
            Pid erlPid = (Pid) t.get(0);
            box.send(erlPid, Atom.of("to_pid"));
            assertEquals("to_pid", erl.eval("receive to_pid -> to_pid after 5000 -> timeout end"));
            byte[] big = new byte[1 << 20];
            new Random(3).nextBytes(big);
            box.send("ebox", erlName, Term.tuple(Atom.of("big"), box.self(), Binary.of(big)));
            assertEquals("ok", erl.eval("receive {big, P, B} -> P ! {back, byte_size(B), erlang:md5(B)}, ok after 5000 -> timeout end"));
            Tuple back = (Tuple) box.receive(Duration.ofSeconds(10)).orElseThrow();
            assertEquals(Term.tuple(Atom.of("back"), dev.jarl.term.Int.of(big.length), Binary.of(md5(big))), back);
        }
    }

    static byte[] md5(byte[] b) throws Exception {
        return java.security.MessageDigest.getInstance("MD5").digest(b);
    }
}
