/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;

/**
 * The machine's Elixir ({@code elixir} on the {@code PATH}, Debian's {@code elixir}: 1.14 on
 * OTP 25 here), for tests that take Elixir's own output as the reference. Always the
 * machine's, whatever release {@code jarl.otp.root} selects: the reference is Elixir 1.14.
 *
 * <p>Tests call {@link #require()} first. Where {@code elixir} cannot be run they are skipped
 * by name with the reason, except under CI ({@code CI=true}), where that is a failure.
 */
public final class Elixir {

    private static volatile String version;

    private Elixir() {
    }

    /**
     * Elixir's version ({@code "1.14.0"}); skips the test (fails it under CI) when elixir cannot
     * be run, through {@link Otp#requireElixir()}, as every tool the tests need.
     */
    public static String require() {
        Otp.requireElixir();
        String v = version;
        if (v == null) {
            v = probe();
            version = v;
        }
        if (v.isEmpty()) {
            Assertions.fail("elixir --version runs but elixir -e cannot print System.version()");
        }
        return v;
    }

    private static String probe() {
        try {
            return run(List.of("elixir", "-e", "IO.write(System.version())"), 60).strip();
        } catch (IOException | AssertionError e) {
            return "";
        }
    }

    /** Runs {@code script} (Elixir source) with {@code elixir}; returns its standard output. */
    public static String runScript(String script) throws IOException {
        require();
        Path file = Files.createTempFile(Path.of("/tmp"), "jarl-elixir", ".exs");
        try {
            Files.writeString(file, script, StandardCharsets.UTF_8);
            return run(List.of("elixir", file.toString()), 120);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static String run(List<String> cmd, int timeoutSeconds) throws IOException {
        Path err = Files.createTempFile(Path.of("/tmp"), "jarl-elixir", ".err");
        try {
            Process p = new ProcessBuilder(new ArrayList<>(cmd)).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("elixir did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n"
                        + Files.readString(err));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running elixir", e);
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
