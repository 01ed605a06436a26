/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.CarrierFixture;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.carriers.TlsOptions;
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
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * Jarl's TLS carrier against real OTP nodes on {@code inet_tls_dist}
 * ({@code erl -proto_dist inet_tls -ssl_dist_optfile FILE}) with a real EPMD: one erl node
 * offering only TLS 1.3 and one offering only TLS 1.2, both verifying peers against the test
 * CA and requiring client certificates. Ping both ways, messages to names and pids both ways
 * with a 1 MB binary; a Jarl node with a wrong cookie or a certificate from another CA is
 * refused, and so is an erl node whose certificate Jarl does not trust.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class TlsInteropTest {

    private final TlsTestCerts certs = TlsTestCerts.shared();
    private RealEpmd epmd;
    private ErlNode erl13;
    private ErlNode erl12;

    @BeforeAll
    void start() throws IOException {
        Otp.requireErl();
        epmd = RealEpmd.start();
        erl13 = erl("erlt13", "node", "tlsv1.3");
        erl12 = erl("erlt12", "node", "tlsv1.2");
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {erl13, erl12, epmd}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort
            }
        }
    }

    /** An erl node on inet_tls_dist with {@code identity}.pem, trusting ca.pem, offering only {@code version}. */
    private ErlNode erl(String prefix, String identity, String version) throws IOException {
        String ssl = "{certfile, \"" + ErlNode.inside(certs.file(identity + ".pem")) + "\"}, {keyfile, \""
                + ErlNode.inside(certs.file(identity + ".key")) + "\"}, {cacertfile, \"" + ErlNode.inside(certs.file("ca.pem"))
                + "\"}, {verify, verify_peer}, {versions, ['" + version + "']}";
        Path optfile = certs.dir().resolve(prefix + "-" + identity + ".conf");
        Files.writeString(optfile, "[{server, [" + ssl + ", {fail_if_no_peer_cert, true}]}, {client, [" + ssl + "]}].\n");
        ErlNode node = ErlNode.builder().sname(Otp.uniqueName(prefix)).cookie("jarltest").epmdPort(epmd.port())
                .args("-proto_dist", "inet_tls", "-ssl_dist_optfile", ErlNode.inside(optfile)).start();
        node.eval("register(ebox, self()), ok");
        return node;
    }

    private Node jarl(String identity, String cookie) throws IOException {
        TlsOptions tls = TlsOptions.of(TcpOptions.of(AddressResolver.epmd(epmd.port())).withBindAddress(CarrierFixture.LOOPBACK),
                certs.file(identity + ".pem"), certs.file(identity + ".key"), certs.file("ca.pem")).withMutualAuth(true);
        return Node.start(NodeConfig.builder(Otp.uniqueName("jarlt") + "@" + Otp.shortHost()).cookie(cookie)
                .epmdPort(epmd.port()).carrier(Carriers.tls(tls)).build());
    }

    private Node jarl(TlsOptions tls) throws IOException {
        return Node.start(NodeConfig.builder(Otp.uniqueName("jarlt") + "@" + Otp.shortHost()).cookie("jarltest")
                .epmdPort(epmd.port()).carrier(Carriers.tls(tls)).build());
    }

    /** An encrypted PEM key with its password, and a ready SSLContext, each meeting erl both ways. */
    @Test
    void anEncryptedKeyAndAReadyContextBothMeetErlang() throws Exception {
        TcpOptions tcp = TcpOptions.of(AddressResolver.epmd(epmd.port())).withBindAddress(CarrierFixture.LOOPBACK);
        TlsOptions encrypted = TlsOptions.of(tcp, certs.file("node.pem"), certs.file("node-pbes2.key"), certs.file("ca.pem"))
                .withKeyPassword(TlsTestCerts.KEY_PASSWORD.toCharArray()).withMutualAuth(true);
        TlsOptions ready = TlsOptions.of(tcp, certs.readyContext()).withMutualAuth(true);
        for (TlsOptions tls : List.of(encrypted, ready)) {
            try (Node jarl = jarl(tls)) {
                assertTrue(jarl.ping(NodeName.parse(erl13.name()), Duration.ofSeconds(10)), tls.toString());
                erl13.eval("erlang:disconnect_node(" + q(jarl) + ")");
                assertEquals("pong", erl13.eval("net_adm:ping(" + q(jarl) + ")"), tls.toString());
            }
        }
    }

    private static String q(Node n) {
        return "'" + n.name() + "'";
    }

    @Test
    void jarlPingsErlangOverTls13AndTls12() throws Exception {
        for (ErlNode erl : new ErlNode[] {erl13, erl12}) {
            try (Node jarl = jarl("node", "jarltest")) {
                assertTrue(jarl.ping(NodeName.parse(erl.name()), Duration.ofSeconds(10)), erl.name());
                assertEquals("true", erl.eval("lists:member(" + q(jarl) + ", nodes(hidden))"));
            }
        }
    }

    @Test
    void erlangPingsJarlOverTls13AndTls12() throws Exception {
        for (ErlNode erl : new ErlNode[] {erl13, erl12}) {
            try (Node jarl = jarl("node", "jarltest")) {
                assertEquals("pong", erl.eval("net_adm:ping(" + q(jarl) + ")"), erl.name());
                assertTrue(jarl.nodes().contains(NodeName.parse(erl.name())));
            }
        }
    }

    /** A link, a monitor and an RPC each way, over inet_tls_dist with TLS 1.3 and 1.2. */
    @Test
    void linkMonitorAndRpcOverTls() throws Exception {
        for (ErlNode erl : new ErlNode[] {erl13, erl12}) {
            try (Node jarl = jarl("node", "jarltest")) {
                dev.jarl.testing.CarrierSignals.check(jarl, erl);
            }
        }
    }

    @Test
    void messagesBothWays() throws Exception {
        NodeName erlName = NodeName.parse(erl13.name());
        try (Node jarl = jarl("node", "jarltest"); Mailbox box = jarl.createMailbox("jbox")) {
            erl13.eval("{jbox, " + q(jarl) + "} ! {self(), hello}, ok");
            Tuple t = (Tuple) box.receive(Duration.ofSeconds(10)).orElseThrow();
            assertEquals(Atom.of("hello"), t.get(1));
            box.send((Pid) t.get(0), Atom.of("to_pid"));
            assertEquals("to_pid", erl13.eval("receive to_pid -> to_pid after 5000 -> timeout end"));
            byte[] big = new byte[1 << 20];
            new Random(5).nextBytes(big);
            box.send("ebox", erlName, Term.tuple(Atom.of("big"), box.self(), Binary.of(big)));
            assertEquals("ok", erl13.eval("receive {big, P, B} -> P ! {back, byte_size(B), erlang:md5(B)}, ok after 5000 -> timeout end"));
            assertEquals(Term.tuple(Atom.of("back"), Int.of(big.length), Binary.of(MessageDigest.getInstance("MD5").digest(big))),
                    box.receive(Duration.ofSeconds(10)).orElseThrow());
        }
    }

    @Test
    void theCookieIsStillCheckedAfterTls() throws Exception {
        try (Node jarl = jarl("node", "not-the-cookie")) {
            assertFalse(jarl.ping(NodeName.parse(erl13.name()), Duration.ofSeconds(5)));
            assertEquals("pang", erl13.eval("net_adm:ping(" + q(jarl) + ")"));
        }
    }

    @Test
    void certificatesFromAnotherCaAreRefusedBothWays() throws Exception {
        try (Node rogue = jarl("rogue", "jarltest")) {
            assertFalse(rogue.ping(NodeName.parse(erl13.name()), Duration.ofSeconds(5)), "erl trusted a rogue client");
            assertEquals("pang", erl13.eval("net_adm:ping(" + q(rogue) + ")"), "erl trusted a rogue server");
        }
        try (ErlNode rogueErl = erl("erlrogue", "rogue", "tlsv1.3"); Node jarl = jarl("node", "jarltest")) {
            assertFalse(jarl.ping(NodeName.parse(rogueErl.name()), Duration.ofSeconds(5)), "Jarl trusted a rogue server");
            assertEquals("pang", rogueErl.eval("net_adm:ping(" + q(jarl) + ")"), "Jarl trusted a rogue client");
            assertTrue(jarl.ping(NodeName.parse(erl13.name()), Duration.ofSeconds(10)), "the node goes on");
        }
    }
}
