/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.MemNetwork;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.carriers.UdsOptions;
import dev.jarl.channel.Signal;
import dev.jarl.term.Atom;
import dev.jarl.term.Pid;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.LogCapture;
import dev.jarl.testing.Otp;

/**
 * Review findings 10 and 11, and the log level of protocol errors: a peer's name with a
 * control character is refused at {@code recv_name} and shows up escaped in the log; no log
 * line carries a raw control character; a protocol error that closes a connection is logged
 * at WARNING with the peer and the reason; a pid on node {@code '../trap@localhost'} does
 * not make a Unix-socket node dial outside its directory.
 */
@Timeout(60)
class HostileNamesTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static Node tcpNode(int port) throws IOException {
        return Node.start(NodeConfig.builder(Otp.uniqueName("names") + "@localhost").cookie("names")
                .carrier(Carriers.tcp(TcpOptions.of(AddressResolver.fixed(new InetSocketAddress(LOOPBACK, port)))
                        .withBindAddress(LOOPBACK).withPort(port))).useEpmd(false).build());
    }

    /** Sends one handshake frame; true when the node then closed without answering. */
    private static boolean closedWithoutAnswer(int port, byte[] message) throws IOException {
        try (Socket s = new Socket(LOOPBACK, port)) {
            s.setSoTimeout(5000);
            new DataOutputStream(s.getOutputStream()).write(PendingHandshakesTest.frame(message));
            try {
                new DataInputStream(s.getInputStream()).readUnsignedShort();
                return false;
            } catch (EOFException closed) {
                return true;
            }
        }
    }

    private static void assertNoRawControls(LogCapture logs) {
        for (LogCapture.Line l : logs.lines()) {
            assertFalse(l.message().chars().anyMatch(c -> Character.isISOControl(c) && c != '\n' || c == 0x1b),
                    "raw control character in a log line: " + l);
            assertFalse(l.message().contains("\n") && !l.message().contains("\tat "), "a line broken in two: " + l);
        }
    }

    @Test
    void aNameWithControlCharactersIsRefusedAtRecvNameAndLoggedEscaped() throws Exception {
        int port = Otp.freePort();
        try (Node a = tcpNode(port); LogCapture logs = new LogCapture(Level.ALL)) {
            String forged = "x\njarl: severe: FAKE ENTRY \u001b[31m\u009b@localhost";
            assertTrue(closedWithoutAnswer(port, PendingHandshakesTest.sendName(forged)),
                    "the node answered a send_name whose name has control characters");
            awaitLine(logs, Level.WARNING, "x\\njarl: severe: FAKE ENTRY \\e[31m\\233@localhost");
            List<LogCapture.Line> refusals = logs.find(Level.WARNING, "recv_name.Name");
            assertEquals(1, refusals.size(), logs.lines().toString());
            assertTrue(refusals.get(0).message().startsWith("incoming connection from 127.0.0.1:"), refusals.toString());
            assertNoRawControls(logs);
            assertEquals(0, a.table().rows(), "a refused name left a row");
        }
    }

    @Test
    void aMalformedHandshakeIsLoggedAtWarningWithThePeerAndTheReason() throws Exception {
        int port = Otp.freePort();
        try (Node a = tcpNode(port); LogCapture logs = new LogCapture(Level.ALL)) {
            assertTrue(closedWithoutAnswer(port, new byte[] {'X', 1, 2, 3}));
            LogCapture.Line line = awaitLine(logs, Level.WARNING, "send_name");
            assertTrue(line.message().matches("incoming connection from 127\\.0\\.0\\.1:\\d+ failed: .*tag.*"), line.toString());
            assertFalse(a.isClosed());
        }
    }

    @Test
    void anInvalidSignalIsLoggedAtWarningWithThePeerAndTheReason() throws Exception {
        MemNetwork net = new MemNetwork();
        try (Node a = Node.start(NodeConfig.builder("a@mem").cookie("c").carrier(net.carrier()).build());
             Node b = Node.start(NodeConfig.builder("b@mem").cookie("c").carrier(net.carrier()).build());
             LogCapture logs = new LogCapture(Level.ALL)) {
            assertTrue(b.ping(a.name(), Duration.ofSeconds(5)));
            Pid elsewhere = new Pid(Atom.of("c\u001b@mem"), 1, 0, 1);
            b.table().send(a.name(), new Signal.Link(elsewhere, a.createMailbox().self()));
            LogCapture.Line line = awaitLine(logs, Level.WARNING, "protocol error");
            assertTrue(line.message().startsWith("connection to b@mem (mem:b@mem) closed: protocol error: invalid "
                    + "distribution message LINK from b@mem: sender <c\\e@mem.1.0> is not a process of b@mem"), line.toString());
            assertNoRawControls(logs);
        }
    }

    @Test
    void aPidOnADotDotNodeDoesNotMakeAUnixSocketNodeDialOutsideItsDirectory(@TempDir Path dir) throws Exception {
        Path sockets = Files.createDirectory(dir.resolve("sockets"));
        // a socket a peer would like this node to write a send_name into
        try (var trap = java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            trap.bind(java.net.UnixDomainSocketAddress.of(dir.resolve("trap")));
            trap.configureBlocking(false);
            try (Node a = Node.start(NodeConfig.builder("a@localhost").cookie("c")
                    .carrier(Carriers.uds(UdsOptions.of(sockets))).build());
                 Mailbox box = a.createMailbox()) {
                for (String node : List.of("../trap@localhost", "/tmp/x@localhost", "a/b@localhost", "..@localhost")) {
                    box.send(new Pid(Atom.of(node), 1, 0, 1), Tuple.of(box.self(), Atom.of("hello")));
                    assertFalse(a.ping(dev.jarl.term.NodeName.parse(node), Duration.ofMillis(500)));
                }
                Await.holdsFor(Duration.ofMillis(200), () -> nothingAccepted(trap),
                        () -> "the node dialed a socket outside its directory");
            }
        }
    }

    /** True while nobody has connected to the non-blocking {@code trap}. */
    static boolean nothingAccepted(java.nio.channels.ServerSocketChannel trap) {
        try {
            return trap.accept() == null;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static LogCapture.Line awaitLine(LogCapture logs, Level level, String text) throws InterruptedException {
        Await.within(Duration.ofSeconds(5), () -> !logs.find(level, text).isEmpty());
        List<LogCapture.Line> found = logs.find(level, text);
        if (!found.isEmpty()) {
            return found.get(0);
        }
        throw new AssertionError("no " + level + " line with '" + text + "' in " + logs.lines());
    }
}
