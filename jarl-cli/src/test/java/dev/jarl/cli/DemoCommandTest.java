/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jarl.testing.ListeningSockets;
import dev.jarl.testing.Otp;

/**
 * {@code jarl demo} as a new user runs it: nothing else running, its own EPMD, real erl; and
 * on a machine without a working erl, where the Java steps run and the Erlang ones are listed.
 */
@Tag("interop")
class DemoCommandTest {

    @Test
    void everyStepWorksAndNothingIsLeftRunning() throws Exception {
        Otp.requireErl();
        int port = Otp.freePort();
        // JarlProcess gives it --listen 127.0.0.1: what the demo and its erl listen on, sampled while it runs
        JarlProcess demo = JarlProcess.start(Map.of("ERL_EPMD_PORT", Integer.toString(port)), "demo");
        Set<String> listened = new TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (demo.isAlive() && System.nanoTime() < deadline) {
            List<Long> pids = new ArrayList<>(List.of(demo.pid()));
            ProcessHandle.of(demo.pid()).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
            for (long pid : pids) {
                try {
                    listened.addAll(ListeningSockets.ofProcess(pid));
                } catch (IOException ended) {
                    // it exited between listing and reading: nothing of it listens any more
                }
            }
            Thread.sleep(20); // real time: the demo listens only while it runs, so it is sampled
        }
        demo.awaitExit(Duration.ofSeconds(5));
        String out = demo.stdout();
        assertEquals(0, demo.exitCode(), out + demo.stderr());
        assertFalse(listened.isEmpty(), "no listener of the demo seen");
        assertTrue(ListeningSockets.loopbackOnly(List.copyOf(listened)), "the demo listened on " + listened);
        assertTrue(out.contains("steps worked"), out);
        assertFalse(out.contains("FAIL"), out);
        assertTrue(out.contains("start erl -sname"), "the Erlang steps ran:\n" + out);
        assertTrue(out.contains("Erlang monitors a Java process"), out);
        assertTrue(out.contains("Erlang calls Java: rpc:call") && out.contains("Java calls Erlang: rpc"), "RPC each way:\n" + out);
        for (String carrier : new String[] {"tcp:", "uds:", "udp:", "mem:"}) {
            assertTrue(out.contains(carrier), "no " + carrier + " step:\n" + out);
        }
        // the embedded EPMD the demo started is gone with it, and so is everything it started
        assertFalse(listening(port), "something still listens on the demo's EPMD port " + port);
    }

    @Test
    void withoutErlangTheJavaStepsStillRun() {
        int port = Otp.freePort();
        JarlProcess demo = JarlProcess.run(Map.of("ERL_EPMD_PORT", Integer.toString(port)), Duration.ofSeconds(120),
                "demo", "--no-erlang");
        assertEquals(0, demo.exitCode(), demo.stdout() + demo.stderr());
        assertTrue(demo.stdout().contains("skipped (--no-erlang)"), demo.stdout());
        assertTrue(lastLine(demo.stdout()).endsWith("(with a real Erlang node) were left out: --no-erlang."), demo.stdout());
    }

    /** A machine without Erlang: no erl on the PATH at all. */
    @Test
    void withoutErlInstalledTheLastLineSaysWhichStepsNeedItAndHowToInstallIt(@TempDir Path emptyBin) {
        String out = demoWithPath(emptyBin);
        assertTrue(out.contains("A real Erlang node: skipped (erl is not installed)"), out);
        assertSkippedStepsAndInstallHint(out, "need erl, which is not installed: install Erlang/OTP");
    }

    /**
     * A machine whose erl is there but broken (Erlang removed under a leftover launcher, as
     * with /usr/lib/erlang hidden): found by running it, not by its presence on the PATH.
     */
    @Test
    void anErlThatDoesNotRunCountsAsMissing(@TempDir Path bin) throws IOException {
        Path erl = bin.resolve("erl");
        Files.writeString(erl, "#!/bin/sh\necho \"erlexec: /usr/lib/erlang/erts/bin/erlexec: not found\" >&2\nexit 127\n");
        Files.setPosixFilePermissions(erl, PosixFilePermissions.fromString("rwxr-xr-x"));
        String out = demoWithPath(bin);
        assertSkippedStepsAndInstallHint(out, "need erl, which does not run here (it exited 127: erlexec: ");
    }

    private static String demoWithPath(Path pathDir) {
        int port = Otp.freePort();
        JarlProcess demo = JarlProcess.run(Map.of("ERL_EPMD_PORT", Integer.toString(port), "PATH", pathDir.toString()),
                Duration.ofSeconds(120), "demo");
        String out = demo.stdout();
        assertEquals(0, demo.exitCode(), out + demo.stderr());
        assertFalse(out.contains("FAIL"), out);
        assertFalse(listening(port), "something still listens on the demo's EPMD port " + port);
        return out;
    }

    private static void assertSkippedStepsAndInstallHint(String out, String why) {
        for (String carrier : new String[] {"tcp:", "uds:", "udp:", "mem:"}) {
            assertTrue(out.contains(carrier), "the Java steps still run, " + carrier + " missing:\n" + out);
        }
        assertTrue(out.contains("steps that ran worked"), out);
        // every Erlang step is listed, numbered, as skipped; the last line names them and says how to get erl
        List<String> skippedSteps = out.lines().filter(l -> l.endsWith("skip (needs erl)")).toList();
        assertTrue(skippedSteps.size() >= 10, out);
        assertTrue(skippedSteps.get(0).contains("start erl -sname"), out);
        assertTrue(out.contains("Erlang calls Java: rpc:call") && out.contains("Erlang monitors a Java process"), out);
        int first = Integer.parseInt(skippedSteps.get(0).strip().split("\\.")[0]);
        int last = Integer.parseInt(skippedSteps.get(skippedSteps.size() - 1).strip().split("\\.")[0]);
        String line = lastLine(out);
        assertTrue(line.startsWith("Steps " + first + "-" + last + " (with a real Erlang node) " + why), line);
        assertTrue(line.contains("apt-get install erlang-nox") && line.endsWith("run jarl demo again."), line);
    }

    private static String lastLine(String out) {
        List<String> lines = out.strip().lines().toList();
        return lines.get(lines.size() - 1);
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return s.isConnected();
        } catch (IOException e) {
            return false;
        }
    }
}
