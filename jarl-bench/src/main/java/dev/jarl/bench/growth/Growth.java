/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.bench.growth;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * How cost grows (issue 22), for Jarl and the BEAM in the same run: aggregate throughput and
 * round-trip latency (p50, p99) against message size (16 B to 64 MiB), against the number
 * of peers (1 to 64 connections to one target) and against the number of concurrent sending
 * processes on one node (1 to 100 000), with the memory each connection and each idle
 * process takes. Writes {@code growth.md} (a Markdown table) and {@code growth.svg} (a
 * chart) into the output directory and prints the table.
 *
 * <pre>
 * java -cp jarl-bench/target/benchmarks.jar dev.jarl.bench.growth.Growth [--quick] [--only SWEEP[,SWEEP...]] [--points X[,X...]] [--out DIR] [--no-beam]
 * </pre>
 *
 * <p>Jarl's nodes (the target, the driver, the peers) share this JVM; the BEAM's are
 * {@code erl} processes. Both register with one EPMD on a free port (a real {@code epmd}
 * when Erlang is installed, else Jarl's embedded one). Without a working {@code erl} the
 * BEAM side is skipped with a message, and the run fails instead under {@code CI=true}.
 * The workload of each point is in {@code growth.erl} and {@link JarlSide}; docs/benchmarks.md
 * describes it.
 */
public final class Growth {

    private Growth() {
    }

    /** What a run produced: the files, and whether the BEAM side ran (else why not). */
    public record Result(Path markdown, Path svg, List<Point> jarl, List<Point> beam, Optional<String> beamSkipped) {
    }

    public static void main(String[] args) throws Exception {
        Plan plan = Plan.full();
        Path out = Path.of("growth");
        boolean beam = true;
        java.util.EnumSet<Sweep> only = java.util.EnumSet.allOf(Sweep.class);
        java.util.Set<Long> points = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> plan = Plan.quick();
                case "--out" -> {
                    if (i + 1 >= args.length) {
                        usage("--out needs a directory");
                    }
                    out = Path.of(args[++i]);
                }
                case "--no-beam" -> beam = false;
                case "--only" -> {
                    if (i + 1 >= args.length) {
                        usage("--only needs sweeps: size, peers, procs (comma-separated)");
                    }
                    only = java.util.EnumSet.noneOf(Sweep.class);
                    try {
                        for (String key : args[++i].split(",")) {
                            only.add(Sweep.of(key.trim()));
                        }
                    } catch (IllegalArgumentException e) {
                        usage(e.getMessage());
                    }
                }
                case "--points" -> {
                    if (i + 1 >= args.length) {
                        usage("--points needs swept values, comma-separated (bytes, peers or processes)");
                    }
                    points = new java.util.TreeSet<>();
                    try {
                        for (String x : args[++i].split(",")) {
                            points.add(Long.parseLong(x.trim()));
                        }
                    } catch (NumberFormatException e) {
                        usage("--points: not a number: " + e.getMessage());
                    }
                }
                case "-h", "--help" -> {
                    usage(null);
                    return;
                }
                default -> usage("unknown argument: " + args[i]);
            }
        }
        if (only.size() < Sweep.values().length) {
            plan = plan.only(only);
        }
        if (points != null) {
            try {
                plan = plan.points(points);
            } catch (IllegalArgumentException e) {
                usage(e.getMessage());
            }
        }
        Result r = run(plan, out, beam, line -> System.err.println("growth: " + line));
        System.out.print(Files.readString(r.markdown()));
        System.err.println("growth: wrote " + r.markdown() + " and " + r.svg());
    }

    private static void usage(String error) {
        String text = "usage: Growth [--quick] [--only SWEEP[,SWEEP...]] [--points X[,X...]] [--out DIR] [--no-beam]";
        if (error != null) {
            System.err.println("growth: " + error);
            System.err.println(text);
            System.exit(2);
        }
        System.out.println(text);
    }

    /**
     * Runs {@code plan} for Jarl and, when {@code withBeam} and Erlang runs here, for the
     * BEAM; writes both files into {@code out}.
     *
     * @throws IllegalStateException when the BEAM side was wanted but cannot run and the
     *                               environment variable CI is {@code true}
     */
    public static Result run(Plan plan, Path out, boolean withBeam, Consumer<String> log) throws Exception {
        Optional<String> skipped = withBeam ? BeamSide.unavailable() : Optional.of("--no-beam");
        if (skipped.isPresent() && withBeam) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("BEAM side cannot run under CI=true: " + skipped.get());
            }
            log.accept("BEAM SIDE NOT RUN: " + skipped.get() + "; Jarl's side only");
        }
        Files.createDirectories(out);
        Path work = Files.createTempDirectory("jarl-growth");
        String cookie = "growth" + Long.toHexString(System.nanoTime());
        int epmdPort = freePort();
        Process epmd = skipped.isEmpty() ? startEpmd(epmdPort) : null;
        List<Point> jarl;
        List<Point> beam = List.of();
        try {
            log.accept("jarl side (" + plan.name() + ")");
            try (JarlSide side = new JarlSide(epmdPort, cookie)) {
                jarl = side.run(plan, log);
            }
            if (skipped.isEmpty()) {
                log.accept("BEAM side (" + plan.name() + ")");
                beam = BeamSide.run(plan, epmdPort, cookie, work, log);
            }
        } finally {
            if (epmd != null) {
                epmd.destroy();
                if (!epmd.waitFor(5, TimeUnit.SECONDS)) {
                    epmd.destroyForcibly();
                }
            }
            deleteTree(work);
        }
        List<String> notes = new ArrayList<>();
        notes.add("command: java -cp jarl-bench/target/benchmarks.jar " + Growth.class.getName()
                + (plan.name().startsWith("quick") ? " --quick" : "") + argument(plan.name(), "only")
                + argument(plan.name(), "points")
                + (withBeam ? "" : " --no-beam"));
        notes.add("plan: " + plan.name() + "; " + Runtime.getRuntime().availableProcessors() + " CPUs; load average "
                + loadAverage() + " at the end; Java " + Runtime.version() + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
        notes.add("Jarl: target, driver and peers in one JVM over TCP on loopback; BEAM: "
                + (skipped.isEmpty() ? "erl " + erlRelease() + " nodes (target, driver, peers via peer:start)"
                        : "not run (" + skipped.get() + ")"));
        String title = "How cost grows: Jarl and the BEAM (" + plan.name() + ", "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ")";
        Path md = out.resolve("growth.md");
        Path svg = out.resolve("growth.svg");
        Files.writeString(md, Report.markdown(title, notes, jarl, beam), StandardCharsets.UTF_8);
        Files.writeString(svg, Report.svg(title, jarl, beam), StandardCharsets.UTF_8);
        return new Result(md, svg, jarl, beam, skipped);
    }

    /** " --OPTION VALUES" for a plan {@link Plan#only} or {@link Plan#points} named, else "". */
    private static String argument(String planName, String option) {
        String open = "(" + option + " ";
        int k = planName.indexOf(open);
        return k < 0 ? "" : " --" + option + " " + planName.substring(k + open.length(), planName.indexOf(')', k));
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return String.format(Locale.ROOT, "%.2f",
                    java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }

    private static String erlRelease() {
        try {
            Process p = new ProcessBuilder("erl", "-noshell", "-noinput", "-eval",
                    "io:format(\"OTP ~s\", [erlang:system_info(otp_release)]), erlang:halt(0).").start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return v;
        } catch (IOException | InterruptedException e) {
            return "(release unknown)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A real epmd on {@code port}, running once it accepts connections. */
    private static Process startEpmd(int port) throws Exception {
        Process p = new ProcessBuilder("epmd", "-port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return p;
            } catch (IOException e) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("epmd -port " + port + " exited with " + p.exitValue());
                }
                Thread.sleep(50);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("epmd did not listen on port " + port + " within 10 s");
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
