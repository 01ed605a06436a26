/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench.growth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The BEAM side of {@link Growth}: growth.erl (a resource of this package) compiled with
 * {@code erlc}, a target {@code erl} node with the sink and echo roles, and a driver
 * {@code erl} node that runs the plan (starting its peers with OTP's {@code peer} module)
 * and prints one line per point. Every process this starts is ended by its handle.
 */
final class BeamSide {

    private BeamSide() {
    }

    /** Why the BEAM side cannot run here (no working erl, erlc or epmd), or empty. */
    static Optional<String> unavailable() {
        for (String tool : List.of("erl", "erlc", "epmd")) {
            if (which(tool) == null) {
                return Optional.of("'" + tool + "' is not on the PATH (Debian: apt-get install erlang-nox)");
            }
        }
        try {
            Process p = new ProcessBuilder("erl", "-noshell", "-noinput", "-eval", "erlang:halt(0).")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("erl did not start within 60 s");
            }
            return p.exitValue() == 0 ? Optional.empty() : Optional.of("erl exits with " + p.exitValue());
        } catch (IOException | InterruptedException e) {
            return Optional.of("erl does not run: " + e);
        }
    }

    private static Path which(String tool) {
        String path = System.getenv("PATH");
        for (String dir : path == null ? new String[0] : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Runs the plan on two BEAM nodes (and the driver's peers) registered with the EPMD on {@code epmdPort}. */
    static List<Point> run(Plan plan, int epmdPort, String cookie, Path work, Consumer<String> log) throws Exception {
        Path code = Files.createDirectories(work.resolve("beam"));
        try (InputStream in = BeamSide.class.getResourceAsStream("growth.erl")) {
            if (in == null) {
                throw new IllegalStateException("growth.erl is missing from the class path");
            }
            Files.copy(in, code.resolve("growth.erl"));
        }
        Process erlc = new ProcessBuilder("erlc", "-o", code.toString(), code.resolve("growth.erl").toString())
                .redirectErrorStream(true).start();
        String erlcOut = new String(erlc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (erlc.waitFor() != 0) {
            throw new IllegalStateException("erlc growth.erl failed: " + erlcOut);
        }
        String prefix = "growth" + ProcessHandle.current().pid();
        List<Process> started = new ArrayList<>();
        try {
            Process target = erl(epmdPort, cookie, code, prefix + "_btgt", work.resolve("beam-target.log"),
                    "growth:start_target().");
            started.add(target);
            waitForReady(target, work.resolve("beam-target.log"));
            String expr = "growth:main(list_to_atom(\"" + prefix + "_btgt@\" ++ lists:last(string:split(atom_to_list(node()), \"@\"))), "
                    + plan.toErlang(code.toString()) + "), erlang:halt(0).";
            Process driver = erl(epmdPort, cookie, code, prefix + "_bdrv", work.resolve("beam-driver.log"), expr);
            started.add(driver);
            List<Point> points = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(driver.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                boolean ended = false;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("point ")) {
                        points.add(Point.parse(line));
                        log.accept("beam " + points.get(points.size() - 1));
                    } else if (line.equals("end")) {
                        ended = true;
                    } else if (!line.isBlank()) {
                        log.accept("beam driver: " + line);
                    }
                }
                if (!ended) {
                    throw new IllegalStateException("the BEAM driver stopped before the end; its log: "
                            + Files.readString(work.resolve("beam-driver.log")));
                }
            }
            return points;
        } finally {
            for (Process p : started) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    private static Process erl(int epmdPort, String cookie, Path code, String sname, Path errLog, String eval)
            throws IOException {
        ProcessBuilder pb = new ProcessBuilder("erl", "-sname", sname, "-setcookie", cookie, "-hidden",
                "-start_epmd", "false", "-noshell", "-noinput", "+P", "2000000", "-pa", code.toString(), "-eval", eval)
                .redirectError(errLog.toFile());
        pb.environment().put("ERL_EPMD_PORT", Integer.toString(epmdPort));
        return pb.start();
    }

    private static void waitForReady(Process target, Path errLog) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.equals("ready")) {
                // keep draining its output so it never blocks on a full pipe
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        while (out.readLine() != null) {
                            // discard
                        }
                    } catch (IOException e) {
                        // the target ended
                    }
                });
                return;
            }
        }
        throw new IllegalStateException("the BEAM target did not start; its log: " + Files.readString(errLog));
    }
}
