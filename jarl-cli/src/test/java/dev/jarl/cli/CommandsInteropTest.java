/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.ReleaseMatrix;

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

    /**
     * {@code jarl serve}'s echo is a member of {@code jarl_echo} in the default pg scope
     * (CONFORMANCE.md), found by an erl node that connects to the hidden serve node, and
     * {@code jarl pg} lists the group from either node; a scope that is not running is an error.
     */
    @Test
    void serveEchoIsInJarlEchoAndJarlPgListsIt() {
        erl.eval("case whereis(pg) of undefined -> {ok, _} = pg:start(pg), ok; _ -> ok end");
        String name = Otp.uniqueName("pgsrv") + "@" + host();
        String node = "'" + name + "'";
        try (JarlProcess serve = JarlProcess.start(env, "serve", "--name", name, "--cookie", COOKIE)) {
            assertEquals("ready " + name, serve.awaitLine("ready", LIMIT));
            assertEquals("pong", erl.eval("net_adm:ping(" + node + ")"));
            assertEquals("{via_pg,1}", erl.eval("P = (fun W(0) -> none; W(N) -> case [M || M <- pg:get_members(jarl_echo),"
                    + " node(M) =:= " + node + "] of [M] -> M; _ -> timer:sleep(20), W(N - 1) end end)(500),"
                    + " P ! {self(), {via_pg, 1}}, receive {via_pg, _} = X -> X after 5000 -> timeout end"));
            // each member as the target's shell prints it: erl's own number for the serve node, Jarl's form on Jarl
            String asErlPrintsIt = erl.eval("hd([M || M <- pg:get_members(jarl_echo), node(M) =:= " + node + "])");
            assertTrue(asErlPrintsIt.matches("<[1-9][0-9]*\\.[0-9]+\\.[0-9]+>"), asErlPrintsIt);
            for (String target : List.of(name, erl.name())) {
                JarlProcess pg = JarlProcess.run(env, LIMIT, "pg", "--cookie", COOKIE, target);
                assertEquals(0, pg.exitCode(), pg.stderr());
                assertTrue(pg.stdout().contains("jarl_echo (1 member)"), pg.stdout());
                String member = target.equals(name) ? "<" + name + "." : asErlPrintsIt;
                assertTrue(pg.stdout().lines().anyMatch(l -> l.strip().startsWith(member)), member + " in:\n" + pg.stdout());
            }
            JarlProcess none = JarlProcess.run(env, LIMIT, "pg", "--cookie", COOKIE, name, "no_such_scope");
            assertEquals(1, none.exitCode(), none.stdout());
            assertTrue(none.stderr().contains("scope no_such_scope is not running on " + name), none.stderr());
        }
    }

    /**
     * Terms at the BEAM's limits through {@code jarl serve} (review finding 3, probes P6 and
     * P6b): a 100 000-deep left-nested iolist and a 1 000 000-deep list from a real {@code erl}
     * echo back equal, and the connection stays up (before the fix, depth 1 100 brought it down).
     */
    @Test
    void deepTermsEchoBackAndTheConnectionStaysUp() {
        String name = Otp.uniqueName("deep") + "@" + host();
        try (JarlProcess serve = JarlProcess.start(env, "serve", "--name", name, "--cookie", COOKIE)) {
            assertEquals("ready " + name, serve.awaitLine("ready", LIMIT));
            String node = "'" + name + "'";
            assertEquals("pong", erl.eval("net_adm:ping(" + node + ")"));
            erl.eval("monitor_node(" + node + ", true), ok");
            // an iolist as [Acc, X] builds it, 100 000 levels deep on the left
            assertEquals("true", erl.eval("L = lists:foldl(fun(X, A) -> [A, X] end, [], lists:seq(1, 100000)),"
                    + " {echo, " + node + "} ! {self(), {iolist, L}},"
                    + " receive {iolist, R} -> R =:= L after 60000 -> timeout end"));
            // a list nested 1 000 000 deep: [[[...]]]
            assertEquals("true", erl.eval("D = lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 1000000)),"
                    + " {echo, " + node + "} ! {self(), {deep, D}},"
                    + " receive {deep, E} -> E =:= D after 60000 -> timeout end"));
            // the same connection is still up and answering
            assertEquals("none", erl.eval("receive {nodedown, _} = Down -> Down after 0 -> none end"));
            assertEquals("true", erl.eval("lists:member(" + node + ", nodes(hidden))"));
            assertEquals("{after_deep,1}", erl.eval("{echo, " + node + "} ! {self(), {after_deep, 1}},"
                    + " receive {after_deep, _} = X -> X after 10000 -> timeout end"));
            assertEquals("none", erl.eval("receive {nodedown, _} = Down2 -> Down2 after 0 -> none end"));
        }
    }

    /** Both ways of driving the round trips (--rtt-mode) against a real erl echo; handler is the default. */
    @ParameterizedTest
    @ValueSource(strings = {"handler", "receive"})
    void benchDrivesAnErlangTarget(String rttMode) {
        JarlProcess bench = JarlProcess.run(env, LIMIT, "bench", "--cookie", COOKIE, "--rtt-mode", rttMode,
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

    /**
     * --phase-sync: the run stops at each phase's two edges until a line arrives (what
     * bench/compare.sh answers after reading the CPU times); --warm adds an untimed pass,
     * which prints no edges; the CPU figures follow the five; an input that ends at an edge
     * ends the run with a message.
     */
    @Test
    void benchStopsAtEachPhaseEdgeForAScript() throws Exception {
        ReleaseMatrix.notReleaseSpecific(); // Jarl drives Jarl: the same against every release
        String name = Otp.uniqueName("bsync") + "@" + host();
        try (JarlProcess serve = JarlProcess.start(env, "serve", "--name", name, "--cookie", COOKIE)) {
            serve.awaitLine("ready", LIMIT);
            Path err = Files.createTempFile("jarl-bench-sync", ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(JarlProcess.command("bench", "--cookie", COOKIE, "--small", "3000",
                        "--rtt", "300", "--big", "4", "--warm", "--phase-sync", name)).redirectError(err.toFile());
                pb.environment().putAll(env);
                Process bench = pb.start();
                List<String> edges = new ArrayList<>();
                StringBuilder figures = new StringBuilder();
                try (BufferedReader out = new BufferedReader(new InputStreamReader(bench.getInputStream(), StandardCharsets.UTF_8));
                     Writer in = new java.io.OutputStreamWriter(bench.getOutputStream(), StandardCharsets.UTF_8)) {
                    String line;
                    while ((line = out.readLine()) != null) {
                        if (line.startsWith("phase ") || line.startsWith("done ")) {
                            edges.add(line);
                            in.write("go\n");
                            in.flush();
                        } else {
                            figures.append(line).append('\n');
                        }
                    }
                }
                assertTrue(bench.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS), "bench did not end");
                assertEquals(0, bench.exitValue(), Files.readString(err));
                List<String> expected = new ArrayList<>();
                for (String phase : List.of("send_small", "rtt", "recv_small", "send_1mb", "recv_1mb")) {
                    expected.add("phase " + phase);
                    expected.add("done " + phase);
                }
                assertEquals(expected, edges);
                assertFiveFigures(figures.toString());
                for (String key : List.of("cpu_s_per_m_send_small", "cpu_s_per_k_rtt", "cpu_s_per_m_recv_small",
                        "cpu_s_per_k_send_1mb", "cpu_s_per_k_recv_1mb")) {
                    String line = figures.toString().lines().filter(l -> l.startsWith(key + " ")).findFirst()
                            .orElseThrow(() -> new AssertionError("no " + key + " line in:\n" + figures));
                    assertTrue(Double.parseDouble(line.substring(key.length() + 1)) >= 0, line);
                }

                ProcessBuilder closed = new ProcessBuilder(JarlProcess.command("bench", "--cookie", COOKIE, "--small", "10",
                        "--rtt", "10", "--big", "1", "--phase-sync", name)).redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                closed.environment().putAll(env);
                Process ended = closed.start();
                String out = new String(ended.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(ended.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS), "bench did not end");
                assertEquals(1, ended.exitValue(), out);
                assertEquals("phase send_small", out.strip());
                assertTrue(Files.readString(err).contains("--phase-sync: standard input ended at phase send_small"),
                        Files.readString(err));
            } finally {
                Files.deleteIfExists(err);
            }
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
    void visibleServeRegistersEchoGloballyAndJarlGlobalListsIt() {
        String name = Otp.uniqueName("gsrv") + "@" + host();
        try (JarlProcess serve = JarlProcess.start(env, "serve", "--name", name, "--cookie", COOKIE, "--visible")) {
            assertEquals("ready " + name, serve.awaitLine("ready", LIMIT));
            assertEquals("pong", erl.eval("net_adm:ping('" + name + "')"));
            assertEquals("ok", erl.evalResult("global:sync()", LIMIT).text());
            String echo = "{jarl_echo,'" + name + "'}";
            assertEquals("{hello,2}", erl.eval("global:send(" + echo + ", {self(), {hello, 2}}), "
                    + "receive {hello, _} = X -> X after 5000 -> timeout end"));
            JarlProcess listed = JarlProcess.run(env, LIMIT, "global", "--cookie", COOKIE, erl.name());
            assertEquals(0, listed.exitCode(), listed.stderr());
            // the line as erl on that node prints the name and the pid (its own number for the serve node)
            String printed = "{jarl_echo," + name + "} " + erl.eval("global:whereis_name(" + echo + ")");
            assertTrue(listed.stdout().lines().anyMatch(l -> l.equals(printed)), printed + " in:\n" + listed.stdout());
            serve.terminate();
            serve.awaitExit(Duration.ofSeconds(20));
            assertEquals("undefined", erl.eval("global:sync(), global:whereis_name(" + echo + ")"));
        }
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
