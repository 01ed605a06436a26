/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.ericsson.otp.erlang.OtpEpmd;
import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpMbox;
import com.ericsson.otp.erlang.OtpNode;

import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/** A JInterface 1.13 node and a Jarl node connect to each other both ways and exchange messages. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class JInterfaceInteropTest {

    private RealEpmd epmd;

    @BeforeAll
    void start() {
        Assumptions.assumeTrue(Files.exists(Path.of("/usr/share/java/OtpErlang.jar")), "JInterface jar not installed");
        epmd = RealEpmd.start();
        OtpEpmd.useEpmdPort(epmd.port());
    }

    @AfterAll
    void stop() {
        if (epmd != null) {
            epmd.close();
        }
    }

    private Node jarl() throws Exception {
        return Node.start(NodeConfig.builder(Otp.uniqueName("jarl") + "@" + Otp.shortHost()).cookie("jarltest")
                .epmdPort(epmd.port()).build());
    }

    @Test
    void jinterfaceConnectsToJarl() throws Exception {
        OtpNode jin = new OtpNode(Otp.uniqueName("jin") + "@" + Otp.shortHost(), "jarltest");
        try (Node jarl = jarl(); Mailbox box = jarl.createMailbox("jbox")) {
            OtpMbox m = jin.createMbox("inbox");
            assertTrue(jin.ping(jarl.name().toString(), 5000));
            m.send("jbox", jarl.name().toString(), new OtpErlangTuple(new OtpErlangObject[] {m.self(), new OtpErlangAtom("hi")}));
            Tuple t = (Tuple) box.receive(Duration.ofSeconds(5)).orElseThrow();
            assertEquals(Atom.of("hi"), t.get(1));
            Pid jinPid = (Pid) t.get(0);
            assertEquals(NodeName.parse(jin.node()), NodeName.parse(jinPid.node().name()));
            box.send(jinPid, Atom.of("ho"));
            assertEquals(new OtpErlangAtom("ho"), m.receive(5000));
        } finally {
            jin.close();
        }
    }

    @Test
    void jarlConnectsToJInterface() throws Exception {
        OtpNode jin = new OtpNode(Otp.uniqueName("jin") + "@" + Otp.shortHost(), "jarltest");
        try (Node jarl = jarl(); Mailbox box = jarl.createMailbox()) {
            OtpMbox m = jin.createMbox("inbox");
            NodeName jinName = NodeName.parse(jin.node());
            assertTrue(jarl.ping(jinName, Duration.ofSeconds(5)));
            box.send("inbox", jinName, Tuple.of(box.self(), Atom.of("hello")));
            OtpErlangTuple got = (OtpErlangTuple) m.receive(5000);
            assertEquals(new OtpErlangAtom("hello"), got.elementAt(1));
            OtpErlangPid from = (OtpErlangPid) got.elementAt(0);
            assertEquals(jarl.name().toString(), from.node());
            m.send(from, new OtpErlangAtom("back"));
            assertEquals(Atom.of("back"), box.receive(Duration.ofSeconds(5)).orElseThrow());
        } finally {
            jin.close();
        }
    }
}
