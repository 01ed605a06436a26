/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The {@code jarl} commands run as a user runs them (separate JVMs, real arguments), against
 * real Erlang nodes registered with a private EPMD.
 */
@Tag("interop")
class CommandsInteropTest {

    private static final String COOKIE = "clitest";
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static ErlTarget target;
    private static ErlNode erl;
    private static Map<String, String> env;

    @BeforeAll
    static void startErlang() {
        target = ErlTarget.start("clierl", COOKIE);
        erl = target.erl;
        env = target.env;
        // an inbox for `jarl send`
        erl.eval("""
                Me = self(),
                register(inbox, spawn(fun Inbox() -> receive M -> Me ! {inbox, M}, Inbox() end end)),
                ok""");
    }

    @AfterAll
    static void stopErlang() {
        ErlTarget.close(target);
    }

    private static String host() {
        return Otp.shortHost();
    }

    @Test
    void serveAnswersAnErlangNodeAndStopsOnSigterm() {
        String name = Otp.uniqueName("srv") + "@" + host();
        try (JarlProcess serve = JarlProcess.start(env, "serve", "--name", name, "--cookie", COOKIE)) {
            assertEquals("ready " + name, serve.awaitLine("ready", LIMIT));
            assertEquals("pong", erl.eval("net_adm:ping('" + name + "')"));
            assertEquals("{hello,1}", erl.eval("{echo, '" + name + "'} ! {self(), {hello, 1}}, "
                    + "receive {hello, _} = X -> X after 5000 -> timeout end"));
            assertEquals("1000", erl.eval("S = {sink, '" + name + "'}, [S ! {msg, I} || I <- lists:seq(1, 1000)], "
                    + "R = make_ref(), S ! {sync, self(), R}, receive {R, C} -> C after 10000 -> timeout end"));
            assertEquals("{500,500}", erl.eval("{flood, '" + name + "'} ! {flood, self(), 500, <<\"x\">>}, "
                    + "(fun L(C) -> receive {msg, _, <<\"x\">>} -> L(C + 1); {flood_done, N} -> {C, N} "
                    + "after 10000 -> timeout end end)(0)"));
            serve.terminate();
            serve.awaitExit(Duration.ofSeconds(20));
            assertEquals("pang", erl.eval("net_adm:ping('" + name + "')"));
        }
    }

    @Test
    void benchDrivesAnErlangTarget() {
        JarlProcess bench = JarlProcess.run(env, LIMIT, "bench", "--cookie", COOKIE,
                "--small", "3000", "--rtt", "300", "--big", "4", erl.name());
        assertEquals(0, bench.exitCode(), bench.stderr());
        assertFiveFigures(bench.stdout());
    }

    @Test
    void benchDrivesAJarlTarget() {
        String name = Otp.uniqueName("bsrv") + "@" + host();
        try (JarlProcess serve = JarlProcess.start(env, "serve", "--name", name, "--cookie", COOKIE)) {
            serve.awaitLine("ready", LIMIT);
            JarlProcess bench = JarlProcess.run(env, LIMIT, "bench", "--name", Otp.uniqueName("drv") + "@" + host(),
                    "--cookie", COOKIE, "--small", "3000", "--rtt", "300", "--big", "4", name);
            assertEquals(0, bench.exitCode(), bench.stderr());
            assertFiveFigures(bench.stdout());
        }
    }

    private static void assertFiveFigures(String out) {
        for (String key : List.of("send_small_msgs_per_s", "rtt_us", "recv_small_msgs_per_s",
                "send_1mb_mbytes_per_s", "recv_1mb_mbytes_per_s")) {
            String line = out.lines().filter(l -> l.startsWith(key + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no " + key + " line in:\n" + out));
            double v = Double.parseDouble(line.substring(key.length() + 1));
            assertTrue(v > 0, line);
        }
    }

    @Test
    void pingPongAndPang() {
        JarlProcess pong = JarlProcess.run(env, LIMIT, "ping", "--cookie", COOKIE, erl.name());
        assertEquals(0, pong.exitCode(), pong.stderr());
        assertEquals("pong", pong.stdout().strip());

        JarlProcess missing = JarlProcess.run(env, LIMIT, "ping", "--cookie", COOKIE, "nosuchnode@" + host());
        assertEquals(1, missing.exitCode());
        assertEquals("pang", missing.stdout().strip());
        assertOneErrorLine(missing.stderr(), "nosuchnode@" + host());
    }

    @Test
    void wrongCookieIsOneLineNamingTheNodeNotTheCookie() {
        JarlProcess p = JarlProcess.run(env, LIMIT, "ping", "--cookie", "notthecookie", erl.name());
        assertEquals(1, p.exitCode());
        assertOneErrorLine(p.stderr(), erl.name());
        assertFalse(p.stderr().contains("notthecookie"), p.stderr());
        assertFalse(p.stderr().contains(COOKIE), p.stderr());
    }

    private static void assertOneErrorLine(String stderr, String mustMention) {
        List<String> lines = stderr.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "expected one line on stderr, got:\n" + stderr);
        assertTrue(lines.get(0).contains(mustMention), lines.get(0));
        assertFalse(stderr.contains("\tat "), "stack trace without --verbose:\n" + stderr);
    }

    @Test
    void callPrintsTheResultInErlangSyntax() {
        JarlProcess p = JarlProcess.run(env, LIMIT, "call", "--cookie", COOKIE, erl.name(), "lists", "reverse", "[[1,2,3]]");
        assertEquals(0, p.exitCode(), p.stderr());
        assertEquals("[3,2,1]", p.stdout().strip());

        JarlProcess tuple = JarlProcess.run(env, LIMIT, "call", "--cookie", COOKIE, erl.name(), "erlang", "list_to_tuple",
                "[[ok, <<\"bin\">>, \"str\", 1.5]]");
        assertEquals(0, tuple.exitCode(), tuple.stderr());
        assertEquals("{ok,<<\"bin\">>,\"str\",1.5}", tuple.stdout().strip());

        JarlProcess elixir = JarlProcess.run(env, LIMIT, "call", "--syntax", "elixir", "--cookie", COOKIE, erl.name(),
                "erlang", "list_to_tuple", "[[ok, <<\"bin\">>, \"str\", 1.5, 'Elixir.Foo.Bar', #{a => [{b, 1}]}]]");
        assertEquals(0, elixir.exitCode(), elixir.stderr());
        assertEquals("{:ok, \"bin\", 'str', 1.5, Foo.Bar, %{a: [b: 1]}}", elixir.stdout().strip());

        JarlProcess undef = JarlProcess.run(env, LIMIT, "call", "--cookie", COOKIE, erl.name(), "nomod", "nofun", "[]");
        assertEquals(1, undef.exitCode());
        assertTrue(undef.stdout().startsWith("{badrpc,{'EXIT',{undef,"), undef.stdout());
    }

    @Test
    void serveAnswersRpcIntoTheJarlModule() {
        String name = Otp.uniqueName("rpcsrv") + "@" + host();
        try (JarlProcess serve = JarlProcess.start(env, "serve", "--name", name, "--cookie", COOKIE)) {
            assertEquals("ready " + name, serve.awaitLine("ready", LIMIT));
            String n = "'" + name + "'";
            assertEquals("{hello,[1]}", erl.eval("rpc:call(" + n + ", jarl, echo, [{hello, [1]}])"));
            assertEquals("{hello,[1]}", erl.eval("erpc:call(" + n + ", jarl, echo, [{hello, [1]}])"));
            assertEquals(n.replace("'", ""), erl.eval("erpc:call(" + n + ", jarl, node, [])").replace("'", ""));
            assertEquals("true", erl.eval("erpc:call(" + n + ", jarl, sum, [[1 bsl 100, 1 bsl 100, -1]]) =:= (1 bsl 101) - 1"));
            assertEquals("ok", erl.eval("rpc:call(" + n + ", jarl, sleep, [50])"));
            assertEquals("{badrpc,{'EXIT',{oops,[{jarl,fail,1,[]}]}}}", erl.eval("rpc:call(" + n + ", jarl, fail, [oops])"));
            assertEquals("{error,{exception,oops,[{jarl,fail,1,[]}]}}",
                    erl.eval("try erpc:call(" + n + ", jarl, fail, [oops]) catch C:R -> {C, R} end"));
            assertEquals("{badrpc,{'EXIT',{undef,[{jarl,nope,[],[]}]}}}", erl.eval("rpc:call(" + n + ", jarl, nope, [])"));
            assertEquals("{error,{exception,undef,[{nomod,f,[1],[]}]}}",
                    erl.eval("try erpc:call(" + n + ", nomod, f, [1]) catch C:R -> {C, R} end"));
            // jarl call into jarl serve
            JarlProcess p = JarlProcess.run(env, LIMIT, "call", "--cookie", COOKIE, name, "jarl", "sum", "[[1,2,3]]");
            assertEquals(0, p.exitCode(), p.stderr());
            assertEquals("6", p.stdout().strip());
        }
    }

    @Test
    void badArgumentsNameThePosition() {
        JarlProcess p = JarlProcess.run(env, LIMIT, "call", "--cookie", COOKIE, erl.name(), "lists", "reverse", "[[1,2,3]");
        assertEquals(2, p.exitCode());
        assertOneErrorLine(p.stderr(), "position 8");
    }

    @Test
    void sendDeliversATerm() {
        JarlProcess p = JarlProcess.run(env, LIMIT, "send", "--cookie", COOKIE, erl.name(), "inbox",
                "{greeting, <<\"hi\">>, [1,2]}");
        assertEquals(0, p.exitCode(), p.stderr());
        assertEquals("{greeting,<<104,105>>,[1,2]}",
                erl.eval("receive {inbox, M} -> M after 5000 -> timeout end"));
    }
}
