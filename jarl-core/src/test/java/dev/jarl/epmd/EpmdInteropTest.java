/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jarl.testing.Await;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/**
 * Both directions against real OTP 25: real {@code erl} nodes registering with Jarl's server,
 * OTP's {@code epmd} binary listing Jarl's server, and Jarl's client agreeing with
 * {@code erl_epmd} and {@code net_adm} on every answer, against real epmd and Jarl's server.
 */
class EpmdInteropTest {

    /**
     * The address {@code erl -sname} nodes use for this host: they register through 127.0.0.1
     * but look peers up at the address the short host name resolves to. On most machines that
     * is a loopback address; binding it keeps the test off every other interface.
     */
    static InetAddress hostAddress() throws IOException {
        InetAddress a = InetAddress.getByName(Otp.shortHost());
        return a.isLoopbackAddress() ? a : InetAddress.getLoopbackAddress();
    }

    @Test
    void realErlNodesRegisterWithJarlsServerAndFindEachOther() throws Exception {
        Otp.requireErl();
        try (EpmdServer server = EpmdServer.start(hostAddress(), 0)) {
            String a = Otp.uniqueName("ia");
            String b = Otp.uniqueName("ib");
            try (ErlNode na = ErlNode.start(a, "ick", server.port());
                 ErlNode nb = ErlNode.start(b, "ick", server.port())) {
                assertEquals(sorted(List.of(a, b)), sorted(server.registeredNames()));
                // OTP's epmd binary as a client of Jarl's server
                String listing = RealEpmdClientTest.realNames(server.port());
                assertTrue(listing.startsWith("epmd: up and running on port " + server.port() + " with data:\n"), listing);
                int portA = server.registered().stream().filter(n -> n.name().equals(a)).findFirst().orElseThrow().port();
                assertTrue(listing.contains("name " + a + " at port " + portA + "\n"), listing);
                // what erl registered
                NodeAddress reg = server.registered().stream().filter(n -> n.name().equals(b)).findFirst().orElseThrow();
                assertEquals(new NodeAddress(b, reg.port(), 77, 0, 6, 5, new byte[0]), reg);
                // net_adm:names() on one node lists both through Jarl's server
                String names = na.eval("{ok, L} = net_adm:names(), lists:sort(L)");
                assertEquals(expectedNames(server.registered()), names);
                // the PORT2 answers are right: the nodes reach each other
                assertEquals("pong", na.eval("net_adm:ping('" + nb.name() + "')"));
                assertEquals("pong", nb.eval("net_adm:ping('" + na.name() + "')"));
                agree(na, new EpmdClient(InetAddress.getLoopbackAddress(), server.port(), Duration.ofSeconds(5)),
                        List.of(a, b, "nobody"));
            }
            // the nodes are gone: so are their names
            Await.within(Duration.ofSeconds(10), () -> server.registeredNames().isEmpty());
            assertEquals(List.of(), server.registeredNames());
        }
    }

    /**
     * When the EPMD a real node registered with stops, the node does not hang: OTP 25's
     * {@code erl_epmd} retries every 2 s and registers with the next EPMD on that port.
     */
    @Test
    void realErlNodeOutlivesJarlsServerAndRegistersWithTheNextOne() throws Exception {
        Otp.requireErl();
        EpmdServer first = EpmdServer.start(hostAddress(), 0);
        int port = first.port();
        String a = Otp.uniqueName("ir");
        try (ErlNode na = ErlNode.start(a, "ick", port)) {
            assertEquals(List.of(a), first.registeredNames());
            first.close();
            assertEquals("ok", na.eval("ok"), "the node still answers");
            try (EpmdServer second = startRetrying(port)) {
                Await.within(Duration.ofSeconds(10), () -> !second.registeredNames().isEmpty());
                assertEquals(List.of(a), second.registeredNames());
            }
        } finally {
            first.close();
        }
    }

    /** Binds {@code port} again, retrying for a while: under load the old socket may linger. */
    private static EpmdServer startRetrying(int port) throws Exception {
        EpmdServer[] started = {null};
        java.net.BindException[] last = {null};
        Await.within(Duration.ofSeconds(10), () -> {
            try {
                started[0] = EpmdServer.start(hostAddress(), port);
                return true;
            } catch (java.net.BindException inUse) {
                last[0] = inUse;
                return false;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (started[0] == null) {
            throw last[0];
        }
        return started[0];
    }

    @Test
    void jarlClientAndErlAgreeOnRealEpmd() throws Exception {
        try (RealEpmd epmd = RealEpmd.start()) {
            EpmdClient jarl = new EpmdClient(InetAddress.getLoopbackAddress(), epmd.port(), Duration.ofSeconds(5));
            String x = Otp.uniqueName("ix");
            String jarlName = Otp.uniqueName("ij");
            try (ErlNode nx = ErlNode.start(x, "ick", epmd.port());
                 EpmdRegistration mine = jarl.register(jarlName, 4242, false)) {
                assertTrue(mine.isOpen());
                agree(nx, jarl, List.of(x, jarlName, "nobody"));
                assertEquals("{port,4242,6}", nx.eval("erl_epmd:port_please(\"" + jarlName + "\", {127,0,0,1})"));
            }
        }
    }

    /** Jarl's client and erl's {@code erl_epmd}/{@code net_adm} give the same answers. */
    private static void agree(ErlNode erl, EpmdClient jarl, List<String> aliveNames) throws IOException {
        List<NameEntry> names = jarl.names();
        assertEquals(erl.eval("{ok, L} = net_adm:names(), lists:sort(L)"), expectedNames(names.stream()
                .map(e -> new NodeAddress(e.name(), e.port(), 77, 0, 6, 5, new byte[0])).toList()));
        for (String alive : aliveNames) {
            Optional<NodeAddress> mine = jarl.portPlease(alive);
            String theirs = erl.eval("erl_epmd:port_please(\"" + alive + "\", {127,0,0,1})");
            String expected = mine.map(n -> "{port," + n.port() + "," + Math.min(6, n.highestVersion()) + "}").orElse("noport");
            assertEquals(expected, theirs, "port_please " + alive);
            assertEquals(names.stream().anyMatch(e -> e.name().equals(alive)), mine.isPresent());
        }
    }

    /** {@code [{"a",1},{"b",2}]} sorted, as erl prints {@code lists:sort(L)} with {@code ~w}. */
    private static String expectedNames(List<NodeAddress> nodes) {
        List<NodeAddress> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(NodeAddress::name));
        StringBuilder b = new StringBuilder("[");
        for (NodeAddress n : sorted) {
            if (b.length() > 1) {
                b.append(',');
            }
            b.append("{[");
            b.append(n.name().chars().mapToObj(Integer::toString).reduce((p, q) -> p + "," + q).orElse(""));
            b.append("],").append(n.port()).append('}');
        }
        return b.append(']').toString();
    }

    private static List<String> sorted(List<String> l) {
        return l.stream().sorted().toList();
    }
}
