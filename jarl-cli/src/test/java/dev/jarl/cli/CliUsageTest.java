/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jarl.testing.ReleaseMatrix;

/** What {@code jarl} says to mistyped commands, and its shell completion. No Erlang needed. */
class CliUsageTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @BeforeEach
    void onceAcrossReleases() {
        ReleaseMatrix.notReleaseSpecific(); // no Erlang involved
    }

    @Test
    void anUnknownCommandWithHelpIsAnErrorNotTheTopLevelHelp() {
        JarlProcess p = JarlProcess.run(Map.of(), LIMIT, "nosuch", "--help");
        assertEquals(2, p.exitCode());
        assertEquals("", p.stdout());
        assertEquals("Unmatched argument at index 0: 'nosuch'", p.stderr().lines().findFirst().orElse(""));

        JarlProcess extra = JarlProcess.run(Map.of(), LIMIT, "names", "--help", "a", "b");
        assertEquals(2, extra.exitCode());
        assertTrue(extra.stderr().startsWith("Unmatched argument at index 3: 'b'"), extra.stderr());

        JarlProcess help = JarlProcess.run(Map.of(), LIMIT, "ping", "--help");
        assertEquals(0, help.exitCode(), help.stderr());
        assertTrue(help.stdout().startsWith("Usage: jarl ping"), help.stdout());
    }

    @Test
    void bothCookieOptionsAtOnceAreRefused() {
        JarlProcess p = JarlProcess.run(Map.of(), LIMIT, "ping", "--cookie", "a", "--cookie-file", "/nonexistent", "x@y");
        assertEquals(2, p.exitCode());
        assertEquals("jarl ping: give --cookie or --cookie-file, not both", p.stderr().strip());
    }

    @Test
    void anUnknownRttModeIsRefusedBeforeAnyNodeStarts() {
        JarlProcess p = JarlProcess.run(Map.of(), LIMIT, "bench", "--cookie", "c", "--rtt-mode", "spin", "x@y");
        assertEquals(2, p.exitCode());
        assertEquals("jarl bench: --rtt-mode: spin (expected handler or receive)", p.stderr().strip());
        assertEquals("", p.stdout());
        JarlProcess help = JarlProcess.run(Map.of(), LIMIT, "bench", "--help");
        assertEquals(0, help.exitCode(), help.stderr());
        assertTrue(help.stdout().contains("--rtt-mode=handler|receive"), help.stdout());
    }

    @Test
    void anUnreadableCookieFileIsOneLineNamingIt() {
        JarlProcess p = JarlProcess.run(Map.of(), LIMIT, "ping", "--cookie-file", "/nonexistent/cookie", "x@y");
        assertEquals(1, p.exitCode());
        assertEquals("jarl ping: cookie file /nonexistent/cookie: no such file", p.stderr().strip());
    }

    /** The generated script, sourced by a real bash, completes {@code jarl} and its commands. */
    @Test
    void theCompletionScriptLoadsInBashAndCompletesCommands(@TempDir Path dir) throws Exception {
        JarlProcess gen = JarlProcess.run(Map.of(), LIMIT, "generate-completion");
        assertEquals(0, gen.exitCode(), gen.stderr());
        Path script = Files.writeString(dir.resolve("jarl-completion.bash"), gen.stdout());
        String out = bash("source " + script + " && complete -p jarl && "
                + "COMP_WORDS=(jarl pi) COMP_CWORD=1 COMP_LINE='jarl pi' COMP_POINT=7 && _complete_jarl && "
                + "echo \"${COMPREPLY[@]}\"");
        List<String> lines = out.lines().toList();
        assertTrue(lines.get(0).startsWith("complete ") && lines.get(0).endsWith(" jarl"), out);
        assertEquals("ping", lines.get(1).strip(), out);
    }

    private static String bash(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
