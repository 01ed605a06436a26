/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.JarlUdpDist;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * Two BEAM nodes over the repository's {@code jarl_udp_dist} ({@code erl -proto_dist jarl_udp},
 * compiled by the release's own erlc) with a real EPMD of their own on loopback: OTP's own
 * distribution behaviour (ping, messages in order, large binaries cut into thousands of
 * segments, links, monitors, erpc both ways, global names) as over TCP, a clean close seen at
 * once, and a silent peer declared down by the idle timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(180)
class JarlUdpDistBeamTest {

    private static final Duration LONG = Duration.ofSeconds(90);

    private RealEpmd epmd;
    private ErlNode a;
    private ErlNode b;

    @BeforeAll
    void start() {
        JarlUdpDist.compile();
        epmd = RealEpmd.start("127.0.0.1");
        a = node("ua");
        b = node("ub");
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(a, b, epmd);
    }

    private ErlNode node(String prefix, String... options) {
        ErlNode n = ErlNode.builder().sname(Otp.uniqueName(prefix)).cookie("jarltest").epmdPort(epmd.port())
                .args(JarlUdpDist.args(options)).start();
        assertTrue(n.eval("code:is_loaded(jarl_udp_dist)").startsWith("{file,"), "jarl_udp_dist not loaded");
        return n;
    }

    private static String q(ErlNode n) {
        return "'" + n.name() + "'";
    }

    @Test
    void pingOverAControllerProcessOnTheUdpPortInEpmd() {
        assertEquals("pong", a.eval("net_adm:ping(" + q(b) + ")"));
        assertEquals("true", b.eval("lists:member(" + q(a) + ", nodes())"));
        assertEquals("true", a.eval("{_, C} = lists:keyfind(" + q(b) + ", 1, erlang:system_info(dist_ctrl)), is_pid(C)"));
        // the port b registered in EPMD is the UDP port its acceptor listens on
        String port = a.eval("{port, P, _} = erl_epmd:port_please(\"" + b.name().split("@")[0] + "\", {127,0,0,1}), P");
        assertEquals("true", b.eval("lists:any(fun(S) -> case inet:sockname(S) of {ok, {_, " + port + "}} -> true; "
                + "_ -> false end end, [S || S <- erlang:ports(), erlang:port_info(S, name) =:= {name, \"udp_inet\"}])"));
    }

    @Test
    void messagesInOrderAndLargeBinariesBothWays() {
        assertEquals("pong", a.eval("net_adm:ping(" + q(b) + ")"));
        b.eval("register(sink, spawn(fun() -> receive {go, From, N} -> "
                + "F = fun F(I) when I > N -> From ! {done, I - 1}; F(I) -> receive {seq, I} -> F(I + 1); "
                + "{seq, J} -> From ! {bad, I, J} after 20000 -> From ! {timeout, I} end end, F(1) end end)), ok");
        assertEquals("{done,100000}", a.evalResult("{sink, " + q(b) + "} ! {go, self(), 100000}, "
                + "[{sink, " + q(b) + "} ! {seq, I} || I <- lists:seq(1, 100000)], "
                + "receive R -> R after 60000 -> timeout end", LONG).text());
        // 8 MB each way: thousands of segments, and OTP's own fragments of a large packet
        b.eval("register(echo, spawn(fun L() -> receive {P, B} -> P ! {back, B, erlang:md5(B)}, L() end end)), ok");
        assertEquals("true", a.evalResult("B = crypto:strong_rand_bytes(8000000), {echo, " + q(b) + "} ! {self(), B}, "
                + "receive {back, B2, M} -> B2 =:= B andalso M =:= erlang:md5(B) after 60000 -> timeout end", LONG).text());
    }

    @Test
    void linksMonitorsErpcAndGlobalAsOverTcp() {
        assertEquals("pong", a.eval("net_adm:ping(" + q(b) + ")"));
        assertEquals("boom", a.eval("process_flag(trap_exit, true), "
                + "P = spawn_link(" + q(b) + ", fun() -> receive go -> exit(boom) end end), P ! go, "
                + "receive {'EXIT', P, R} -> R after 10000 -> timeout end"));
        assertEquals("gone", a.eval("P = spawn(" + q(b) + ", fun() -> receive go -> exit(gone) end end), "
                + "M = erlang:monitor(process, P), P ! go, receive {'DOWN', M, process, P, R} -> R after 10000 -> timeout end"));
        assertEquals("noproc", a.eval("M = erlang:monitor(process, {nobody_here, " + q(b) + "}), "
                + "receive {'DOWN', M, process, _, R} -> R after 10000 -> timeout end"));
        assertEquals(b.name(), a.eval("erpc:call(" + q(b) + ", erlang, node, [])"));
        assertEquals(a.name(), b.eval("erpc:call(" + q(a) + ", erlang, node, [])"));
        assertEquals("{error,{exception,badarith}}", a.eval("try erpc:call(" + q(b) + ", erlang, '/', [1, 0]) "
                + "catch error:{exception, E, _} -> {error, {exception, E}} end"));
        // global names: registered on a, seen on b
        a.eval("G = spawn(fun() -> receive stop -> ok end end), yes = global:register_name(jarl_udp_g, G), put(g, G), ok");
        assertEquals("true", b.eval("global:sync(), P = global:whereis_name(jarl_udp_g), is_pid(P) andalso node(P) =:= " + q(a)));
        a.eval("get(g) ! stop, ok");
    }

    /** A node that disconnects sends CLOSE: its peer sees the node go down at once, not after an idle timeout. */
    @Test
    void cleanCloseIsSeenByThePeer() {
        try (ErlNode c = node("uc")) {
            a.eval("net_kernel:monitor_nodes(true, [nodedown_reason]), ok");
            assertEquals("pong", c.eval("net_adm:ping(" + q(a) + ")"));
            a.eval("receive {nodeup, " + q(c) + ", _} -> ok after 10000 -> timeout end");
            assertEquals("true", c.eval("erlang:disconnect_node(" + q(a) + ")"));
            // idle timeout 30 s and net_ticktime 60 s by default: down within 10 s is the CLOSE
            assertEquals("ok", a.eval("R = receive {nodedown, " + q(c) + ", _} -> ok after 10000 -> timeout end, "
                    + "net_kernel:monitor_nodes(false, [nodedown_reason]), R"));
            assertEquals("false", a.eval("lists:member(" + q(c) + ", nodes())"));
            // and the connection comes back on demand
            assertEquals("pong", c.eval("net_adm:ping(" + q(a) + ")"));
        }
    }

    /** A stopped peer (SIGSTOP) sends nothing: the idle timeout (3 s here) declares it down. */
    @Test
    void silentPeerIsDeclaredDown() {
        try (ErlNode watcher = node("uw", "keepalive_ms", "300", "idle_timeout_ms", "3000");
                ErlNode victim = node("uv")) {
            watcher.eval("net_kernel:monitor_nodes(true), ok");
            assertEquals("pong", watcher.eval("net_adm:ping(" + q(victim) + ")"));
            watcher.eval("receive {nodeup, " + q(victim) + "} -> ok after 10000 -> timeout end");
            victim.signal("STOP");
            try {
                assertEquals("ok", watcher.evalResult("receive {nodedown, " + q(victim) + "} -> ok after 30000 -> timeout end",
                        Duration.ofSeconds(40)).text());
                assertEquals("false", watcher.eval("lists:member(" + q(victim) + ", nodes())"));
            } finally {
                victim.signal("CONT");
            }
        }
    }
}
