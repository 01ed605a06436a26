/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jarl.testing.Await;

/**
 * The {@code jarl} launcher's AOT cache and heap settings for {@code serve} and {@code bench}
 * (issue 22), run in a copy of the launcher whose build looks fresh, with a stand-in JDK: its
 * {@code release} file says which version it is, and its {@code java} records each command
 * line it is given and plays the part the launcher relies on (a training {@code serve} prints
 * {@code ready} and writes its cache when stopped, a training {@code bench} writes its cache
 * when done). That the real JDK writes and maps such caches is exercised where the launcher
 * runs for real ({@code bench/compare.sh} in {@code .ci/run}); here the launcher's own
 * decisions are: when it trains, what each command gets, and what it says.
 */
class LauncherAotTest {

    private static final String FAKE_JAVA = """
            #!/usr/bin/env bash
            echo "$*" >>"$FAKE_JVM_LOG"
            out="" cmd=""
            for a; do
              case $a in
                -XX:AOTCacheOutput=*) out=${a#*=} ;;
                serve|bench) [ -z "$cmd" ] && cmd=$a ;;
              esac
            done
            [ -n "$out" ] || exit 0
            [ -n "${FAKE_TRAIN_FAIL:-}" ] && { echo "training fails here" >&2; exit 1; }
            case $cmd in
              serve) trap 'echo cache >"$out"; exit 143' TERM; echo "ready fake"; while :; do sleep 0.05; done ;;
              bench) sleep "${FAKE_BENCH_SECONDS:-0.3}"; echo cache >"$out" ;;
            esac
            """;

    @TempDir
    Path root;
    private Path jvmLog;
    private Path jdk;

    @BeforeEach
    void copyLauncher() throws IOException {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Files.createDirectories(root.resolve("tools"));
        Files.copy(repo.resolve("jarl"), root.resolve("jarl"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(repo.resolve("tools/find-jdk"), root.resolve("tools/find-jdk"), StandardCopyOption.COPY_ATTRIBUTES);
        Path lib = Files.createDirectories(root.resolve("jarl-cli/target/lib"));
        FileTime past = FileTime.from(Instant.now().minusSeconds(60));
        for (Path jar : List.of(lib.resolve("jarl.jar"), root.resolve("jarl-cli/target/jarl-cli.jar"))) {
            Files.createFile(jar);
            Files.setLastModifiedTime(jar, past);
        }
        jdk = Files.createDirectories(root.resolve("jdk/bin"));
        for (String tool : List.of("java", "javac")) {
            Path p = jdk.resolve(tool);
            Files.writeString(p, FAKE_JAVA);
            assertTrue(p.toFile().setExecutable(true));
        }
        jdk = jdk.getParent();
        jdkVersion("25.0.9", "25.0.9+1-test");
        jvmLog = root.resolve("jvm.log");
        Files.createFile(jvmLog);
    }

    private void jdkVersion(String version, String runtime) throws IOException {
        Files.writeString(jdk.resolve("release"),
                "JAVA_VERSION=\"" + version + "\"\nJAVA_RUNTIME_VERSION=\"" + runtime + "\"\n");
    }

    private record Run(int exit, String output, List<String> jvms) {
        /** The command line of the JVM the launcher finally ran (the last one started). */
        String last() {
            return jvms.get(jvms.size() - 1);
        }

        long trainings() {
            return jvms.stream().filter(j -> j.contains("-XX:AOTCacheOutput=")).count();
        }
    }

    private Run jarl(Map<String, String> env, String... args) throws Exception {
        Process p = start(env, args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), out);
        return new Run(p.exitValue(), out, readAndClearLog());
    }

    private Process start(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("jarl").toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("JARL_"));
        pb.environment().put("JAVA_HOME", jdk.toString());
        pb.environment().put("FAKE_JVM_LOG", jvmLog.toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    private List<String> readAndClearLog() throws IOException {
        List<String> lines = Files.readAllLines(jvmLog);
        Files.writeString(jvmLog, "");
        return lines;
    }

    /** Sets the files' time before the jars', as a build of new jars after them would. */
    private static void olderThanTheJars(Path... files) throws IOException {
        for (Path f : files) {
            Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(120)));
        }
    }

    private Path cache(String runtime, String command) {
        return root.resolve("jarl-cli/target/aot/" + runtime + "/" + command + ".aot");
    }

    @Test
    void trainedOnFirstUseThenUsedByServeAndBenchOnly() throws Exception {
        Run first = jarl(Map.of(), "--help");
        assertEquals(0, first.exit(), first.output());
        assertTrue(first.output().contains("jarl: training the AOT cache for serve and bench"), first.output());
        assertEquals(2, first.trainings(), first.jvms().toString());
        // the training's target and driver listen on loopback only, under names on localhost
        for (String training : first.jvms().stream().filter(j -> j.contains("-XX:AOTCacheOutput=")).toList()) {
            assertTrue(training.matches(".* --listen 127\\.0\\.0\\.1( .*)?"), training);
            assertTrue(training.matches(".* --name jarl_aot_(target|driver)_\\d+@localhost .*"), training);
            // each records its profile with the heap it runs with: only bench has the launcher's
            assertEquals(training.contains(" bench "), training.contains("-Xms1g -Xmn512m -XX:+AlwaysPreTouch"), training);
        }
        assertTrue(Files.exists(cache("25.0.9+1-test", "serve")));
        assertTrue(Files.exists(cache("25.0.9+1-test", "bench")));
        assertFalse(first.last().contains("-XX:AOTCache="), "--help runs without the cache: " + first.last());

        Run serve = jarl(Map.of(), "serve", "--name", "a@localhost");
        assertEquals(0, serve.trainings(), "trained again: " + serve.jvms());
        assertEquals("", serve.output());
        assertTrue(serve.last().contains("-XX:AOTCache=" + cache("25.0.9+1-test", "serve")), serve.last());
        assertFalse(serve.last().contains("-Xms"), "serve runs with the JVM's heap defaults: " + serve.last());

        Run bench = jarl(Map.of(), "bench", "t@localhost");
        assertEquals(0, bench.trainings());
        assertTrue(bench.last().contains("-XX:AOTCache=" + cache("25.0.9+1-test", "bench")), bench.last());
        assertTrue(bench.last().contains("-Xms1g -Xmn512m -XX:+AlwaysPreTouch -XX:G1HeapRegionSize=4m"), bench.last());

        Run other = jarl(Map.of(), "names");
        assertFalse(other.last().contains("AOTCache"), other.last());
        assertFalse(other.last().contains("-Xms"), "heap settings reach other commands: " + other.last());
    }

    @Test
    void trainedAgainWhenAJarChangesAndPerJdkVersion() throws Exception {
        assertEquals(2, jarl(Map.of(), "--help").trainings());
        olderThanTheJars(cache("25.0.9+1-test", "serve"), cache("25.0.9+1-test", "bench")); // a new jarl.jar
        Run rebuilt = jarl(Map.of(), "serve");
        assertEquals(2, rebuilt.trainings(), rebuilt.output());
        assertTrue(rebuilt.last().contains("-XX:AOTCache=" + cache("25.0.9+1-test", "serve")), rebuilt.last());

        jdkVersion("25.0.10", "25.0.10+7-test");
        Run otherJdk = jarl(Map.of(), "serve");
        assertEquals(2, otherJdk.trainings(), "a cache of another JDK was reused: " + otherJdk.jvms());
        assertTrue(otherJdk.last().contains("-XX:AOTCache=" + cache("25.0.10+7-test", "serve")), otherJdk.last());
    }

    @Test
    void aFailedTrainingIsSaidOnceAndTheCommandsRunWithoutIt() throws Exception {
        Run failed = jarl(Map.of("FAKE_TRAIN_FAIL", "1"), "serve");
        assertEquals(0, failed.exit(), failed.output());
        assertTrue(failed.output().contains("jarl: could not train the AOT cache (log: "), failed.output());
        assertFalse(failed.last().contains("AOTCache"), failed.last());
        assertFalse(failed.last().contains("-Xms"), failed.last());
        assertTrue(Files.readString(root.resolve("jarl-cli/target/aot/25.0.9+1-test/train.log")).contains("training fails here"));

        Run again = jarl(Map.of(), "serve");
        assertEquals(0, again.trainings(), "retried for the same build: " + again.jvms());
        assertEquals("", again.output());
        Run verbose = jarl(Map.of(), "serve", "--verbose");
        assertTrue(verbose.output().contains("jarl: no AOT cache (training failed for this build"), verbose.output());
        Run benchWithout = jarl(Map.of(), "bench", "t@localhost");
        assertTrue(benchWithout.last().contains("-XX:+AlwaysPreTouch"), "heap settings without the cache: " + benchWithout.last());

        olderThanTheJars(root.resolve("jarl-cli/target/aot/25.0.9+1-test/failed")); // a new build
        Run newBuild = jarl(Map.of(), "serve");
        assertEquals(2, newBuild.trainings(), "a new build is trained again: " + newBuild.jvms());
        assertTrue(newBuild.last().contains("-XX:AOTCache="), newBuild.last());
    }

    @Test
    void aJdkOlderThan24RunsWithoutItSayingSoOnlyWhenVerbose() throws Exception {
        jdkVersion("21.0.4", "21.0.4+7-test");
        Run quiet = jarl(Map.of(), "serve");
        assertEquals(0, quiet.exit(), quiet.output());
        assertEquals("", quiet.output());
        assertEquals(1, quiet.jvms().size(), "a training JVM ran: " + quiet.jvms());
        assertFalse(quiet.last().contains("AOTCache"), quiet.last());
        assertFalse(quiet.last().contains("-Xms"), quiet.last());
        Run verbose = jarl(Map.of(), "serve", "--verbose");
        assertTrue(verbose.output().contains("jarl: no AOT cache: JDK 21.0.4+7-test at " + jdk + " (needs 24 or newer)"),
                verbose.output());
    }

    @Test
    void theOffSwitches() throws Exception {
        Run noAot = jarl(Map.of("JARL_AOT", "off"), "serve");
        assertEquals(0, noAot.trainings());
        assertFalse(noAot.last().contains("AOTCache"), noAot.last());
        assertFalse(noAot.last().contains("-Xms"), noAot.last());
        Run noAotBench = jarl(Map.of("JARL_AOT", "off"), "bench", "t@localhost");
        assertTrue(noAotBench.last().contains("-XX:+AlwaysPreTouch"), noAotBench.last());
        assertFalse(Files.exists(root.resolve("jarl-cli/target/aot")), "JARL_AOT=off left a cache directory");

        Run noHeap = jarl(Map.of("JARL_HEAP", "off"), "bench", "t@localhost");
        assertEquals(2, noHeap.trainings());
        assertTrue(noHeap.last().contains("-XX:AOTCache="), noHeap.last());
        assertFalse(noHeap.last().contains("-Xms") || noHeap.last().contains("AlwaysPreTouch"), noHeap.last());

        Run bad = jarl(Map.of("JARL_AOT", "maybe"), "serve");
        assertEquals(2, bad.exit());
        assertEquals("jarl: JARL_AOT=maybe (expected: on or off)\n", bad.output());
        assertEquals(List.of(), bad.jvms());
    }

    @Test
    void concurrentFirstUsesTrainOnceAndAllUseTheCache() throws Exception {
        List<Process> ps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ps.add(start(Map.of(), "serve", "--name", "n" + i + "@localhost"));
        }
        for (Process p : ps) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), out);
            assertEquals(0, p.exitValue(), out);
        }
        List<String> jvms = readAndClearLog();
        assertEquals(2, jvms.stream().filter(j -> j.contains("-XX:AOTCacheOutput=")).count(), jvms.toString());
        List<String> runs = jvms.stream().filter(j -> j.contains(" serve --name n")).toList();
        assertEquals(3, runs.size(), jvms.toString());
        runs.forEach(r -> assertTrue(r.contains("-XX:AOTCache=" + cache("25.0.9+1-test", "serve")), r));
        assertEquals("cache\n", Files.readString(cache("25.0.9+1-test", "serve")));
    }

    /**
     * A launcher interrupted while it trains (SIGTERM from a supervisor, SIGINT from Ctrl-C)
     * ends the training JVMs it started and leaves neither a cache nor a failure mark; the
     * next launch trains again.
     */
    @Test
    void anInterruptedTrainingEndsItsJvmsAndLeavesNoCache() throws Exception {
        Path aot = cache("25.0.9+1-test", "serve").getParent();
        for (String signal : List.of("TERM", "INT")) {
            // the fake driver trains for 60 s here, so the signal always lands inside the training
            // (with the usual 0.3 s a loaded machine could finish it before the kill was sent)
            Process p = start(Map.of("FAKE_BENCH_SECONDS", "60"), "--help");
            try {
                Await.until(Duration.ofSeconds(20), () -> !trainingJvms().isEmpty(), () -> "no training JVM started");
                Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start();
                assertEquals(0, kill.waitFor(), "kill -" + signal);
                // the training's clean-up may take a while, though bounded: it waits up to 5 s per
                // training process group for its killed members to be reaped (orphans wait for
                // PID 1, which here reaps only every few seconds), polling with `sleep 0.1`, a
                // fork each, slow on a loaded machine; 20 s was too short twice in CI
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the launcher did not end on SIG" + signal);
                assertTrue(p.exitValue() != 0, "exit " + p.exitValue() + " after SIG" + signal);
                assertEquals(List.of(), trainingJvms().stream().map(ProcessHandle::pid).toList(),
                        "training JVMs left running after SIG" + signal);
                try (var left = Files.list(aot)) {
                    assertEquals(List.of(), left.map(f -> f.getFileName().toString()).toList(),
                            "left in " + aot + " after SIG" + signal);
                }
            } finally {
                p.destroyForcibly();
                trainingJvms().forEach(ProcessHandle::destroyForcibly);
            }
            readAndClearLog();
        }
        Run again = jarl(Map.of(), "--help");
        assertEquals(0, again.exit(), again.output());
        assertEquals(2, again.trainings(), again.jvms().toString());
        assertEquals("cache\n", Files.readString(cache("25.0.9+1-test", "serve")));
    }

    /** The stand-in JVMs of this test's launcher that record a cache, alive now. */
    private List<ProcessHandle> trainingJvms() {
        String java = jdk.resolve("bin/java").toString();
        return ProcessHandle.allProcesses().filter(h -> h.info().commandLine()
                .filter(c -> c.contains(java) && c.contains("-XX:AOTCacheOutput=")).isPresent()).toList();
    }
}
