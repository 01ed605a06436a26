/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;

/**
 * {@code jarl stats} and {@code jarl top} against a real {@code erl} node and a
 * {@code jarl serve} node, after known traffic between the two: {@value #MESSAGES} messages of
 * {@value #PAYLOAD} bytes from erl to the Jarl node's {@code sink}.
 */
@Tag("interop")
class StatsCommandsInteropTest {

    private static final String COOKIE = "statstest";
    private static final Duration LIMIT = Duration.ofSeconds(60);
    private static final int MESSAGES = 400;
    private static final int PAYLOAD = 1000;
    /** Every connection object carries these keys, for either kind of node. */
    private static final List<String> CONNECTION_KEYS = List.of("peer", "carrier", "address", "state", "type", "since",
            "flags", "bytes_in", "bytes_out", "packets_in", "packets_out", "ticks_in", "ticks_out", "queued_bytes",
            "queued_packets", "busy_waits", "busy_ms", "carrier_stats");
    private static final List<String> NODE_KEYS = List.of("node", "kind", "time", "uptime_ms", "processes",
            "registered_names", "mailbox_high_water", "deepest_mailboxes", "rpcs_served", "rpcs_failed",
            "connections");

    private static ErlTarget target;
    private static ErlNode erl;
    private static Map<String, String> env;
    private static JarlProcess serve;
    private static String served;

    @BeforeAll
    static void startNodes() {
        target = ErlTarget.start("statserl", COOKIE);
        erl = target.erl;
        env = target.env;
        served = Otp.uniqueName("statsrv") + "@" + Otp.shortHost();
        serve = JarlProcess.start(env, "serve", "--name", served, "--cookie", COOKIE);
        assertEquals("ready " + served, serve.awaitLine("ready", LIMIT));
        // the known traffic: MESSAGES messages of PAYLOAD bytes to the Jarl node's sink, then a sync
        assertEquals(Integer.toString(MESSAGES), erl.eval("S = {sink, '" + served + "'}, B = binary:copy(<<\"x\">>, "
                + PAYLOAD + "), [S ! {msg, B} || _ <- lists:seq(1, " + MESSAGES + ")], "
                + "R = make_ref(), S ! {sync, self(), R}, receive {R, C} -> C after 10000 -> timeout end"));
        // Erlang reads a Jarl node's figures with an ordinary RPC; a call of nothing fails
        assertEquals("{true,jarl}", erl.eval("M = rpc:call('" + served + "', jarl, stats, []), "
                + "{is_list(maps:get(connections, M)), maps:get(kind, M)}"));
        assertEquals("undef", erl.eval("{badrpc, {'EXIT', {undef, _}}} = rpc:call('" + served + "', nosuch, f, []), undef"));
    }

    @AfterAll
    static void stopNodes() {
        try {
            if (serve != null) {
                serve.close();
            }
        } finally {
            ErlTarget.close(target);
        }
    }

    @Test
    void statsJsonOfAnErlangNodeShowsTheTrafficToTheJarlNode() {
        Map<String, Object> s = statsJson(erl.name());
        assertEquals("beam", s.get("kind"));
        assertEquals(erl.name(), s.get("node"));
        assertTrue(((Number) s.get("processes")).longValue() > 10, s.toString());
        Map<String, Object> c = connection(s, served);
        assertEquals("tcp", c.get("carrier"));
        assertEquals("up", c.get("state"));
        assertTrue(List.of("normal", "hidden").contains(c.get("type")), c.toString());
        long out = ((Number) c.get("packets_out")).longValue();
        // every message and the sync, no more than erl counts itself afterwards
        assertTrue(out >= MESSAGES + 1, c.toString());
        assertTrue(out <= erlPacketsOut(served), c.toString());
        assertTrue(((Number) c.get("bytes_out")).longValue() >= (long) MESSAGES * PAYLOAD, c.toString());
        assertTrue(((Number) c.get("packets_in")).longValue() >= 1, c.toString());
    }

    @Test
    void statsJsonOfAJarlNodeShowsTheTrafficFromErl() {
        Map<String, Object> s = statsJson(served);
        assertEquals("jarl", s.get("kind"));
        assertEquals(served, s.get("node"));
        Map<String, Object> c = connection(s, erl.name());
        assertEquals("tcp", c.get("carrier"));
        assertEquals("up", c.get("state"));
        assertTrue(c.get("address").toString().startsWith("127.0.0.1:"), c.toString());
        assertNotNull(c.get("since"));
        assertTrue(((List<?>) c.get("flags")).contains("FRAGMENTS"), c.toString());
        long in = ((Number) c.get("packets_in")).longValue();
        assertTrue(in >= MESSAGES + 1, c.toString());
        // what erl sent, ticks aside, is what the Jarl node counted in
        assertTrue(in <= erlPacketsOut(served), c.toString());
        assertTrue(((Number) c.get("bytes_in")).longValue() >= (long) MESSAGES * PAYLOAD, c.toString());
        assertTrue(((Number) c.get("packets_out")).longValue() >= 1, c.toString());
        assertEquals(0L, c.get("queued_bytes"));
        // the sink's mailbox held messages; the node served erl's two RPCs (at least: other tests' too)
        assertTrue(((Number) s.get("mailbox_high_water")).longValue() >= 1, s.toString());
        assertTrue(((Number) s.get("rpcs_served")).longValue() >= 2, s.toString());
        assertTrue(((Number) s.get("rpcs_failed")).longValue() >= 1, s.toString());
    }

    @Test
    void statsTextOfBothKinds() {
        // the rendering does not change with the release: against OTP 25 only (Otp.fullSuite)
        assumeTrue(Otp.fullSuite(), "text rendering: checked against the machine's own Erlang only");
        for (String node : List.of(erl.name(), served)) {
            JarlProcess p = JarlProcess.run(env, LIMIT, "stats", "--cookie", COOKIE, node);
            assertEquals(0, p.exitCode(), p.stderr());
            assertTrue(p.stdout().startsWith(node + " ("), p.stdout());
            assertTrue(p.stdout().contains("PEER"), p.stdout());
            String peer = node.equals(served) ? erl.name() : served;
            assertTrue(p.stdout().lines().anyMatch(l -> l.startsWith(peer + " ")), p.stdout());
        }
    }

    @Test
    void topPrintsPlainSnapshotsWhenNotOnATerminal() {
        // the rendering does not change with the release: against OTP 25 only (Otp.fullSuite)
        assumeTrue(Otp.fullSuite(), "text rendering: checked against the machine's own Erlang only");
        for (String node : List.of(erl.name(), served)) {
            JarlProcess p = JarlProcess.run(env, LIMIT, "top", "--cookie", COOKIE, "--interval", "0.3", "--count", "2", node);
            assertEquals(0, p.exitCode(), p.stderr());
            String out = p.stdout();
            assertEquals(2, out.lines().filter(l -> l.startsWith("--- " + node + " ")).count(), out);
            assertFalse(out.contains("\033["), "no terminal control sequences in plain output: " + out);
            String peer = node.equals(served) ? erl.name() : served;
            assertEquals(2, out.lines().filter(l -> l.startsWith(peer + " ")).count(), out);
            // the second snapshot has rates
            assertEquals(1, out.lines().filter(l -> l.contains("IN/s")).count(), out);
        }
    }

    @Test
    void topRedrawsInPlaceOnATerminalAndRestoresIt() {
        // the rendering does not change with the release: against OTP 25 only (Otp.fullSuite)
        assumeTrue(Otp.fullSuite(), "text rendering: checked against the machine's own Erlang only");
        for (String node : List.of(erl.name(), served)) {
            JarlProcess p = JarlProcess.runOnTerminal(env, LIMIT, "top", "--cookie", COOKIE, "--interval", "0.3",
                    "--count", "2", node);
            assertEquals(0, p.exitCode(), p.stdout() + p.stderr());
            String out = p.stdout();
            assertEquals(2, out.split("\033\\[H", -1).length - 1, "two frames, each from the top: " + out);
            assertTrue(out.contains("jarl top " + node), out);
            assertTrue(out.contains(node.equals(served) ? erl.name() : served), out);
            assertTrue(out.contains("\033[?25l") && out.contains("\033[?25h"), "cursor hidden, then shown again: " + out);
        }
    }

    @Test
    void topQuitsOnQAndOnCtrlCAndRestoresTheTerminal() {
        assumeTrue(Otp.fullSuite(), "keyboard handling: checked against the machine's own Erlang only");
        // q: a clean exit, 0
        try (JarlProcess top = JarlProcess.startOnTerminal(env, "top", "--cookie", COOKIE, "--interval", "0.3", served)) {
            top.awaitOutput("jarl top " + served, LIMIT);
            top.type("q");
            assertEquals(0, top.awaitExit(LIMIT), top.stdout() + top.stderr());
            assertTrue(top.stdout().contains("\033[?25h"), "cursor shown again: " + top.stdout());
        }
        // Ctrl-C: SIGINT from the terminal, 130, and the shutdown hook restores the terminal
        try (JarlProcess top = JarlProcess.startOnTerminal(env, "top", "--cookie", COOKIE, "--interval", "0.3", served)) {
            top.awaitOutput("jarl top " + served, LIMIT);
            top.type("\u0003");
            assertEquals(130, top.awaitExit(LIMIT), top.stdout() + top.stderr());
            assertTrue(top.stdout().contains("\033[?25h"), "cursor shown again: " + top.stdout());
            assertFalse(top.stdout().contains("^C"), "no echo of Ctrl-C: " + top.stdout());
        }
    }

    private static Map<String, Object> statsJson(String node) {
        JarlProcess p = JarlProcess.run(env, LIMIT, "stats", "--json", "--cookie", COOKIE, node);
        assertEquals(0, p.exitCode(), p.stderr());
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) Json.parse(p.stdout());
        assertEquals(NODE_KEYS, List.copyOf(s.keySet()));
        for (Object c : (List<?>) s.get("connections")) {
            assertEquals(CONNECTION_KEYS, List.copyOf(((Map<?, ?>) c).keySet()));
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> connection(Map<String, Object> stats, String peer) {
        for (Object c : (List<?>) stats.get("connections")) {
            if (peer.equals(((Map<?, ?>) c).get("peer"))) {
                return (Map<String, Object>) c;
            }
        }
        throw new AssertionError("no connection to " + peer + " in " + stats);
    }

    /** erl's own count of packets it sent to {@code peer}, now. */
    private static long erlPacketsOut(String peer) {
        return Long.parseLong(erl.eval("{ok, I} = net_kernel:node_info('" + peer + "'), proplists:get_value(out, I)"));
    }
}
