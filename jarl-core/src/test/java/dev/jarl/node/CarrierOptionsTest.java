/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.DistFlags;
import dev.jarl.carrier.FlagRules;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.MemNetwork;
import dev.jarl.testing.Await;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;
import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Tuple;

/**
 * The seed's whole carrier API as {@code net_kernel} exposes it: options of a live connection
 * ({@code net_kernel:setopts(Node, Opts)}, {@code getopts/2}), options for new connections
 * ({@code setopts(new, Opts)}), and a carrier's {@code reject_flags} and {@code require_flags}
 * against real Erlang.
 */
@Timeout(60)
class CarrierOptionsTest {

    private static Node tcpNode(int epmdPort) throws IOException {
        return Node.start(NodeConfig.builder(Otp.uniqueName("opt") + "@" + Otp.shortHost()).cookie("c")
                .epmdPort(epmdPort).build());
    }

    /** The socket under a TCP connection, found the way a debugger would: the carrier keeps it private. */
    private static SocketChannel socketOf(CarrierConnection transport) throws ReflectiveOperationException {
        Object at = transport;
        for (Class<?> c = at.getClass(); c != null; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getName().equals("stream")) {
                    f.setAccessible(true);
                    Object stream = f.get(at);
                    for (Field g : stream.getClass().getDeclaredFields()) {
                        if (SocketChannel.class.isAssignableFrom(g.getType())) {
                            g.setAccessible(true);
                            return (SocketChannel) g.get(stream);
                        }
                    }
                }
            }
        }
        throw new AssertionError("no socket under " + transport);
    }

    @Test
    void nodelayAndBufferSizesOfALiveTcpConnectionAreSetAndReadThroughTheNode() throws Exception {
        int epmdPort = Otp.freePort();
        try (Node a = tcpNode(epmdPort); Node b = tcpNode(epmdPort)) {
            a.connect(b.name());
            SocketChannel socket = socketOf(a.connection(b.name()).transport());
            assertTrue(a.getOption(b.name(), StandardSocketOptions.TCP_NODELAY), "Jarl's default");

            a.setOption(b.name(), StandardSocketOptions.TCP_NODELAY, false);
            a.setOption(b.name(), StandardSocketOptions.SO_SNDBUF, 96 * 1024);
            a.setOption(b.name(), StandardSocketOptions.SO_RCVBUF, 48 * 1024);

            assertFalse(socket.getOption(StandardSocketOptions.TCP_NODELAY), "on the socket");
            assertFalse(a.getOption(b.name(), StandardSocketOptions.TCP_NODELAY));
            int sndbuf = socket.getOption(StandardSocketOptions.SO_SNDBUF);
            int rcvbuf = socket.getOption(StandardSocketOptions.SO_RCVBUF);
            // the kernel may round or double what it was asked (Linux doubles)
            assertTrue(sndbuf >= 96 * 1024 && sndbuf <= 2 * 96 * 1024, "SO_SNDBUF on the socket: " + sndbuf);
            assertTrue(rcvbuf >= 48 * 1024 && rcvbuf <= 2 * 48 * 1024, "SO_RCVBUF on the socket: " + rcvbuf);
            assertEquals(sndbuf, a.getOption(b.name(), StandardSocketOptions.SO_SNDBUF));
            assertEquals(rcvbuf, a.getOption(b.name(), StandardSocketOptions.SO_RCVBUF));

            a.setOption(b.name(), StandardSocketOptions.TCP_NODELAY, true);
            assertTrue(socket.getOption(StandardSocketOptions.TCP_NODELAY));
            // the connection still carries messages
            assertTrue(a.ping(b.name(), Duration.ofSeconds(5)));
        }
    }

    @Test
    void optionsForNewConnectionsApplyToConnectionsSetUpLaterNotToLiveOnes() throws Exception {
        int epmdPort = Otp.freePort();
        try (Node a = tcpNode(epmdPort); Node b = tcpNode(epmdPort); Node c = tcpNode(epmdPort)) {
            a.connect(b.name());
            assertNull(a.getNewConnectionOption(StandardSocketOptions.TCP_NODELAY), "nothing set yet");
            a.setNewConnectionOption(StandardSocketOptions.TCP_NODELAY, false);
            assertEquals(false, a.getNewConnectionOption(StandardSocketOptions.TCP_NODELAY));
            a.connect(c.name()); // dialled by a
            assertFalse(socketOf(a.connection(c.name()).transport()).getOption(StandardSocketOptions.TCP_NODELAY));
            assertTrue(socketOf(a.connection(b.name()).transport()).getOption(StandardSocketOptions.TCP_NODELAY),
                    "a live connection keeps its options");

            b.setNewConnectionOption(StandardSocketOptions.SO_RCVBUF, 40 * 1024);
            c.connect(b.name()); // accepted by b, which publishes its side a moment after c's
            Await.until(Duration.ofSeconds(5), () -> b.connection(c.name()) != null, () -> "b never saw c's connection");
            int rcvbuf = socketOf(b.connection(c.name()).transport()).getOption(StandardSocketOptions.SO_RCVBUF);
            assertTrue(rcvbuf >= 40 * 1024 && rcvbuf <= 2 * 40 * 1024, "accepted connection's SO_RCVBUF: " + rcvbuf);
        }
    }

    @Test
    void anOptionTheCarrierLacksOrAMissingConnectionIsRefusedClearly() throws Exception {
        MemNetwork net = new MemNetwork();
        try (Node a = Node.start(NodeConfig.builder("a@mem").cookie("c").carrier(net.carrier()).build());
             Node b = Node.start(NodeConfig.builder("b@mem").cookie("c").carrier(net.carrier()).build())) {
            IOException none = assertThrows(IOException.class,
                    () -> a.getOption(b.name(), StandardSocketOptions.TCP_NODELAY));
            assertTrue(none.getMessage().contains("noconnection"), none.getMessage());
            a.connect(b.name());
            assertThrows(UnsupportedOperationException.class,
                    () -> a.setOption(b.name(), StandardSocketOptions.TCP_NODELAY, true));
            assertThrows(UnsupportedOperationException.class,
                    () -> a.setNewConnectionOption(StandardSocketOptions.SO_SNDBUF, 1024));
        }
        int epmdPort = Otp.freePort();
        try (Node a = tcpNode(epmdPort)) {
            UnsupportedOperationException linger = assertThrows(UnsupportedOperationException.class,
                    () -> a.setNewConnectionOption(StandardSocketOptions.SO_LINGER, 5));
            assertTrue(linger.getMessage().contains("SO_LINGER") && linger.getMessage().contains("TCP_NODELAY"),
                    linger.getMessage());
        }
    }

    @Test
    void onlyAtomCacheFlagsAndFragmentsCanBeRejectedAndOnlyDefaultFlagsAdded() {
        IllegalArgumentException reject = assertThrows(IllegalArgumentException.class,
                () -> FlagRules.rejecting(DistFlags.UTF8_ATOMS));
        assertTrue(reject.getMessage().contains("UTF8_ATOMS"), reject.getMessage());
        IllegalArgumentException add = assertThrows(IllegalArgumentException.class,
                () -> new FlagRules(DistFlags.NAME_ME, 0, 0));
        assertTrue(add.getMessage().contains("NAME_ME"), add.getMessage());
        FlagRules ok = new FlagRules(DistFlags.SPAWN, DistFlags.DIST_HDR_ATOM_CACHE | DistFlags.FRAGMENTS, DistFlags.ALIAS);
        assertEquals(DistFlags.MANDATORY_25 | DistFlags.SPAWN, ok.offered(DistFlags.MANDATORY_25 | DistFlags.FRAGMENTS));
        assertEquals(DistFlags.MANDATORY_25 | DistFlags.ALIAS, ok.required(DistFlags.MANDATORY_25));
    }

    // ------------------------------------------------------------------ against real Erlang

    private static Node erlPeer(RealEpmd epmd, FlagRules rules) throws IOException {
        return Node.start(NodeConfig.builder(Otp.uniqueName("jflags") + "@" + Otp.shortHost()).cookie("flags")
                .epmdPort(epmd.port())
                .carrier(Carriers.withFlags(Otp.loopbackTcp(epmd.port()), rules))
                .build());
    }

    @Test
    void aCarrierRejectingTheAtomCacheTalksToErlangWithoutIt() throws Exception {
        Otp.requireErl();
        try (RealEpmd epmd = RealEpmd.start();
             ErlNode erl = ErlNode.start(Otp.uniqueName("eflags"), "flags", epmd.port());
             Node plain = erlPeer(epmd, FlagRules.NONE);
             Node rejecting = erlPeer(epmd, FlagRules.rejecting(DistFlags.DIST_HDR_ATOM_CACHE));
             Mailbox box = rejecting.createMailbox("box")) {
            NodeName erlName = NodeName.parse(erl.name());
            plain.connect(erlName);
            assertTrue((plain.agreedFlags(erlName).orElseThrow() & DistFlags.DIST_HDR_ATOM_CACHE) != 0,
                    "without the rule Erlang agrees to the atom cache");
            rejecting.connect(erlName);
            long agreed = rejecting.agreedFlags(erlName).orElseThrow();
            assertEquals(0, agreed & DistFlags.DIST_HDR_ATOM_CACHE, "agreed: " + DistFlags.names(agreed));
            // messages with atoms go both ways without the cache
            erl.eval("spawn(fun() -> receive {From, Msg} -> From ! {echo, Msg, node()} end end) ! "
                    + "{{box, '" + rejecting.name() + "'}, {hello, [atoms, in, a, list]}}, ok");
            Tuple echo = (Tuple) box.receive(Duration.ofSeconds(10)).orElseThrow();
            assertEquals(Atom.of("echo"), echo.get(0));
            assertEquals(Atom.of(erl.name()), echo.get(2));
            assertEquals(0, rejecting.agreedFlags(erlName).orElseThrow() & DistFlags.DIST_HDR_ATOM_CACHE);
        }
    }

    @Test
    void aRequiredFlagErlangLacksRefusesTheConnectionNamingIt() throws Exception {
        Otp.requireErl();
        // NAME_ME is a request of a node that wants a name; no accepting node offers it
        try (RealEpmd epmd = RealEpmd.start();
             ErlNode erl = ErlNode.start(Otp.uniqueName("eflags"), "flags", epmd.port());
             Node strict = erlPeer(epmd, FlagRules.requiring(DistFlags.NAME_ME))) {
            NodeName erlName = NodeName.parse(erl.name());
            IOException e = assertThrows(IOException.class, () -> strict.connect(erlName, Duration.ofSeconds(10)));
            assertTrue(e.getMessage().contains("NAME_ME"), e.getMessage());
            assertTrue(strict.nodes().isEmpty());
            assertFalse(strict.ping(erlName, Duration.ofSeconds(5)));
        }
    }
}
