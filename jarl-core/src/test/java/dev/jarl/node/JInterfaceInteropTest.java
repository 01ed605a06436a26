/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Tuple;
import dev.jarl.testing.JInterface;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * A JInterface node (OTP's own Java node, loaded from the installed {@code OtpErlang.jar}; see
 * {@link JInterface}) and a Jarl node connect to each other both ways and exchange messages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class JInterfaceInteropTest {

    private JInterface ji;
    private RealEpmd epmd;

    @BeforeAll
    void start() {
        ji = JInterface.require();
        epmd = RealEpmd.start();
        ji.useEpmdPort(epmd.port());
    }

    @AfterAll
    void stop() {
        if (epmd != null) {
            epmd.close();
        }
    }

    private Node jarl() throws Exception {
        return Node.start(NodeConfig.builder(Otp.uniqueName("jarl") + "@" + Otp.shortHost()).cookie("jarltest")
                .epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).build());
    }

    @Test
    void jinterfaceConnectsToJarl() throws Exception {
        try (JInterface.JNode jin = ji.node(Otp.uniqueName("jin") + "@" + Otp.shortHost(), "jarltest");
             Node jarl = jarl(); Mailbox box = jarl.createMailbox("jbox")) {
            JInterface.JMbox m = jin.createMbox("inbox");
            assertTrue(jin.ping(jarl.name().toString(), 5000));
            m.send("jbox", jarl.name().toString(), ji.tuple(m.self(), ji.atom("hi")));
            Tuple t = (Tuple) box.receive(Duration.ofSeconds(5)).orElseThrow();
            assertEquals(Atom.of("hi"), t.get(1));
            Pid jinPid = (Pid) t.get(0);
            assertEquals(NodeName.parse(jin.name()), NodeName.parse(jinPid.node().name()));
            box.send(jinPid, Atom.of("ho"));
            assertEquals(ji.atom("ho"), m.receive(5000));
        }
    }

    @Test
    void jarlConnectsToJInterface() throws Exception {
        try (JInterface.JNode jin = ji.node(Otp.uniqueName("jin") + "@" + Otp.shortHost(), "jarltest");
             Node jarl = jarl(); Mailbox box = jarl.createMailbox()) {
            JInterface.JMbox m = jin.createMbox("inbox");
            NodeName jinName = NodeName.parse(jin.name());
            assertTrue(jarl.ping(jinName, Duration.ofSeconds(5)));
            box.send("inbox", jinName, Tuple.of(box.self(), Atom.of("hello")));
            Object got = m.receive(5000);
            assertTrue(ji.isTuple(got), "JInterface got " + got);
            assertEquals(ji.atom("hello"), ji.elementAt(got, 1));
            Object from = ji.elementAt(got, 0);
            assertEquals(jarl.name().toString(), ji.pidNode(from));
            m.send(from, ji.atom("back"));
            assertEquals(Atom.of("back"), box.receive(Duration.ofSeconds(5)).orElseThrow());
        }
    }
}
