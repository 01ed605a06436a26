/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.ReleaseMatrix;

/**
 * A new user's first errors against a real Erlang node, each shown as the exact line the
 * user sees: a wrong cookie from both sides, the cookie files erl reads, {@code --verbose},
 * and {@code jarl bench}'s progress on a terminal.
 */
@Tag("interop")
class FirstErrorsInteropTest {

    private static final String COOKIE = "firstcontact";
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static ErlTarget target;
    private static ErlNode erl;
    private static Map<String, String> env;

    @TempDir
    Path dir;

    @BeforeAll
    static void startErlang() {
        target = ErlTarget.start("first", COOKIE);
        erl = target.erl;
        env = target.env;
    }

    @AfterAll
    static void stopErlang() {
        ErlTarget.close(target);
    }

    /** {@code text} in {@code file}, mode 0400 as erl (and Jarl) require of a cookie file. */
    private static Path privateFile(Path file, String text) throws java.io.IOException {
        Files.deleteIfExists(file);
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        return file;
    }

    private static List<String> lines(String text) {
        return text.lines().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void aWrongCookieWhenJarlDialsIsOneLineSayingTheCookiesDiffer() {
        JarlProcess p = JarlProcess.run(env, LIMIT, "ping", "--cookie", "not-" + COOKIE, erl.name());
        assertEquals(1, p.exitCode());
        assertEquals("pang", p.stdout().strip());
        assertEquals(List.of("jarl ping: " + erl.name() + " closed the connection right after receiving our cookie "
                + "digest: most likely the cookies differ (ours came from --cookie)"), lines(p.stderr()));
    }

    @Test
    void aWrongCookieFileIsNamedAsTheSource() throws Exception {
        Path file = privateFile(dir.resolve("cookie"), "WRONGCOOKIE\n");
        JarlProcess p = JarlProcess.run(env, LIMIT, "ping", "--cookie-file", file.toString(), erl.name());
        assertEquals(1, p.exitCode());
        assertEquals(List.of("jarl ping: " + erl.name() + " closed the connection right after receiving our cookie "
                + "digest: most likely the cookies differ (ours came from file " + file + ")"), lines(p.stderr()));
        privateFile(file, COOKIE + "\n");
        JarlProcess right = JarlProcess.run(env, LIMIT, "ping", "--cookie-file", file.toString(), erl.name());
        assertEquals(0, right.exitCode(), right.stderr());
        assertEquals("pong", right.stdout().strip());
    }

    @Test
    void aWrongCookieWhenErlangDialsIsOneWarningOnTheServingSide() {
        String name = Otp.uniqueName("strict") + "@" + Otp.shortHost();
        try (JarlProcess serve = JarlProcess.start(env, "serve", "--name", name, "--cookie", "jarls-" + COOKIE)) {
            serve.awaitLine("ready", LIMIT);
            assertEquals("pang", erl.eval("net_adm:ping('" + name + "')"));
            serve.terminate();
            serve.awaitExit(Duration.ofSeconds(20));
            assertEquals(List.of("jarl: warning: " + erl.name() + " sent a cookie digest that does not match our cookie: "
                    + "the cookies differ (ours came from --cookie); connection refused"), lines(serve.stderr()));
        }
    }

    @Test
    void withoutCookieOptionsTheFilesErlReadsAreUsedInErlsOrder() throws Exception {
        ReleaseMatrix.notReleaseSpecific(); // erl's own reading of these files: CookieFileTest, per release
        Path home = Files.createDirectories(dir.resolve("home"));
        Path xdg = Files.createDirectories(dir.resolve("config/erlang"));
        privateFile(xdg.resolve(".erlang.cookie"), COOKIE);
        Map<String, String> xdgEnv = new HashMap<>(env);
        xdgEnv.put("HOME", home.toString());
        xdgEnv.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        JarlProcess p = JarlProcess.run(xdgEnv, LIMIT, "ping", erl.name());
        assertEquals(0, p.exitCode(), p.stderr());
        assertEquals("pong", p.stdout().strip());
        assertFalse(Files.exists(home.resolve(".erlang.cookie")), "a home cookie file was created beside the XDG one");

        privateFile(home.resolve(".erlang.cookie"), "HOMEWINS");
        JarlProcess homeFirst = JarlProcess.run(xdgEnv, LIMIT, "ping", erl.name());
        assertEquals(1, homeFirst.exitCode());
        assertTrue(homeFirst.stderr().contains("(ours came from file " + home.resolve(".erlang.cookie") + ")"),
                homeFirst.stderr());
    }

    @Test
    void verboseShowsJarlsOwnLogsAndStackTracesNotTheJdks() {
        ReleaseMatrix.notReleaseSpecific();
        JarlProcess quiet = JarlProcess.run(env, LIMIT, "ping", "--cookie", COOKIE, erl.name());
        assertEquals(0, quiet.exitCode(), quiet.stderr());
        assertEquals("", quiet.stderr());

        JarlProcess verbose = JarlProcess.run(env, LIMIT, "ping", "--verbose", "--cookie", COOKIE, erl.name());
        assertEquals(0, verbose.exitCode(), verbose.stderr());
        List<String> log = lines(verbose.stderr());
        assertTrue(log.stream().anyMatch(l -> l.startsWith("jarl: info: node ") && l.contains(" started")), verbose.stderr());
        assertTrue(log.stream().allMatch(l -> l.startsWith("jarl: ")), "a line not from Jarl:\n" + verbose.stderr());
        // the JDK logs System.exit at DEBUG (JDK 21+); scoping --verbose to dev.jarl keeps it out
        assertFalse(verbose.stderr().contains("Runtime.exit"), verbose.stderr());

        JarlProcess failing = JarlProcess.run(env, LIMIT, "ping", "--verbose", "--cookie", "x" + COOKIE, erl.name());
        assertEquals(1, failing.exitCode());
        assertTrue(failing.stderr().contains("\tat dev.jarl."), "no stack trace with --verbose:\n" + failing.stderr());
        assertFalse(failing.stderr().contains("Runtime.exit"), failing.stderr());
    }

    @Test
    void benchShowsProgressOnATerminalAndOnlyTheFiguresOtherwise() {
        ReleaseMatrix.notReleaseSpecific();
        String[] args = {"bench", "--cookie", COOKIE, "--small", "3000", "--rtt", "300", "--big", "4", erl.name()};
        JarlProcess piped = JarlProcess.run(env, LIMIT, args);
        assertEquals(0, piped.exitCode(), piped.stderr());
        assertEquals(List.of("send_small_msgs_per_s", "rtt_us", "recv_small_msgs_per_s", "send_1mb_mbytes_per_s",
                "recv_1mb_mbytes_per_s", "cpu_s_per_m_send_small", "cpu_s_per_k_rtt", "cpu_s_per_m_recv_small",
                "cpu_s_per_k_send_1mb", "cpu_s_per_k_recv_1mb"),
                lines(piped.stdout()).stream().map(l -> l.split(" ")[0]).toList());

        JarlProcess terminal = JarlProcess.runOnTerminal(env, LIMIT, args);
        assertEquals(0, terminal.exitCode(), terminal.stdout() + terminal.stderr());
        String screen = terminal.stdout();
        for (String phase : List.of("warm-up: 50000 small messages sent in ", "send_small: 3000 small messages sent in ",
                "rtt: 300 round trips in ", "recv_small: 3000 small messages received in ",
                "send_1mb: 4 1 MB messages sent in ", "recv_1mb: 4 1 MB messages received in ")) {
            assertTrue(screen.contains(phase), "no '" + phase + "' on the terminal:\n" + screen);
        }
        assertTrue(screen.contains("recv_1mb_mbytes_per_s "), screen);
    }
}
