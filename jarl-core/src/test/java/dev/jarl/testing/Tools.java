/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * External programs the tests need ({@code erl}, {@code epmd}, {@code elixir},
 * {@code openssl}...), found by running them, never by looking for a file on the
 * {@code PATH}: with Erlang hidden, {@code /usr/bin/erl} may be a dangling link and
 * {@code /usr/bin/elixir} a script that fails only once it runs.
 *
 * <p>A probe runs a harmless command of the tool ({@code elixir --version}) once per JVM
 * and remembers the outcome. {@link #require} turns a failed probe into a skip with the
 * reason, or into a failure under CI ({@code CI=true}), where every test must run.
 */
public final class Tools {

    /** How long a probe may take: a cold {@code erl} or {@code elixir} start is well under it. */
    private static final int PROBE_SECONDS = 60;

    private static final Map<List<String>, Probe> PROBES = new ConcurrentHashMap<>();

    private Tools() {
    }

    /** What came of running a command once: its exit code and output, or why it did not run. */
    public record Probe(List<String> command, int exitCode, String output, String failure) {

        /** True when the command started and finished (with any exit code). */
        public boolean ran() {
            return failure == null;
        }

        /** Why the probe did not pass, for a skip message. */
        String why() {
            if (!ran()) {
                return failure;
            }
            String first = output.strip().lines().findFirst().orElse("no output");
            return "'" + String.join(" ", command) + "' exited " + exitCode + ": " + first;
        }
    }

    /**
     * Runs {@code command} (once per JVM; later calls get the remembered outcome), with its
     * standard error merged into its output and no input.
     */
    public static Probe probe(List<String> command) {
        return PROBES.computeIfAbsent(List.copyOf(command), Tools::run);
    }

    private static Probe run(List<String> command) {
        Path out = null;
        try {
            out = Files.createTempFile("jarl-probe", ".out");
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(PROBE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return new Probe(command, -1, "", "'" + String.join(" ", command) + "' did not finish in "
                        + PROBE_SECONDS + " s");
            }
            return new Probe(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), null);
        } catch (IOException e) {
            // "Cannot run program "erl": Exec failed, error: 2 (No such file or directory)": keep the OS's words
            String m = String.valueOf(e.getMessage()).strip();
            int open = m.lastIndexOf('(');
            String os = open >= 0 && m.endsWith(")") ? m.substring(open + 1, m.length() - 1) : m;
            return new Probe(command, -1, "", "'" + command.get(0) + "': " + os);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted probing " + command, e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a leftover empty temp file is harmless
                }
            }
        }
    }

    /** True when {@code command} runs and exits 0. */
    public static boolean runs(List<String> command) {
        Probe p = probe(command);
        return p.ran() && p.exitCode() == 0;
    }

    /**
     * Makes sure a tool works, by running {@code command} and asking {@code accept} about the
     * outcome; otherwise skips the calling test with a message starting with {@code banner}
     * (for example {@code "INTEROP TEST NOT RUN"}) that names the tool, the reason and
     * {@code installHint}. Under CI ({@code CI=true}) it fails instead.
     */
    public static void require(String banner, String tool, List<String> command, Predicate<Probe> accept,
            String installHint) {
        Probe p = probe(command);
        if (p.ran() && accept.test(p)) {
            return;
        }
        unavailable(banner, tool + " does not run (" + p.why() + "); " + installHint);
    }

    /** {@link #require} accepting exit code 0 only: {@code require(banner, "elixir", List.of("elixir", "--version"), hint)}. */
    public static void require(String banner, String tool, List<String> command, String installHint) {
        require(banner, tool, command, p -> p.exitCode() == 0, installHint);
    }

    /**
     * Skips the calling test with {@code banner + ": " + reason}, printed on standard error as
     * well, or fails it under CI ({@code CI=true}).
     */
    public static void unavailable(String banner, String reason) {
        String message = banner + ": " + reason;
        System.err.println("*** " + message);
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail(message + " [CI=true: these tests must run]");
        }
        Assumptions.abort(message);
    }
}
