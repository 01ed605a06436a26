/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * The carrier across a real kernel path: two network namespaces this test creates, joined
 * by a veth pair whose two ends shape traffic with a token bucket ({@code tc tbf}, 20 Mbit/s,
 * 20 ms of queue): the kernel delays datagrams in the queue and drops what overflows it, so
 * congestion control and loss recovery meet real queueing. One JVM per namespace
 * ({@link NetnsPeer}). The private addresses exist only on the veth pair, and both
 * namespaces are deleted afterwards.
 *
 * <p>Skipped, with the reason, unless running as root on Linux with {@code ip} and
 * {@code tc}. (This kernel has no {@code netem}, so random loss and fixed delay come from
 * the token bucket's queue instead.)
 */
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class UdpNetnsTest {

    static final String A_ADDRESS = "192.168.231.1";
    static final String B_ADDRESS = "192.168.231.2";

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void throughAShapedVethPairBetweenNamespaces() throws Exception {
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux"), "not Linux");
        Assumptions.assumeTrue(dev.jarl.testing.Tools.runs(List.of("ip", "-V")), "the ip command does not run");
        Assumptions.assumeTrue(run("id", "-u").trim().equals("0"), "not root: cannot create network namespaces");
        String suffix = Long.toString(ProcessHandle.current().pid());
        String nsA = "jarlu-a-" + suffix;
        String nsB = "jarlu-b-" + suffix;
        List<Process> started = new ArrayList<>();
        try {
            String probe = tryRun("ip", "netns", "add", nsA);
            Assumptions.assumeTrue(probe == null, "ip netns add failed: " + probe);
            sh("ip", "netns", "add", nsB);
            sh("ip", "link", "add", "jv-a-" + suffix, "netns", nsA, "type", "veth", "peer", "name", "jv-b-" + suffix,
                    "netns", nsB);
            for (String[] end : new String[][] {{nsA, "jv-a-" + suffix, A_ADDRESS}, {nsB, "jv-b-" + suffix, B_ADDRESS}}) {
                sh("ip", "-n", end[0], "link", "set", "lo", "up");
                sh("ip", "-n", end[0], "addr", "add", end[2] + "/30", "dev", end[1]);
                sh("ip", "-n", end[0], "link", "set", end[1], "up");
                String shaped = tryRun("ip", "netns", "exec", end[0], "tc", "qdisc", "add", "dev", end[1], "root", "tbf",
                        "rate", "20mbit", "burst", "32kbit", "latency", "20ms");
                Assumptions.assumeTrue(shaped == null, "tc tbf failed: " + shaped);
            }
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String cp = System.getProperty("java.class.path");
            Process listener = new ProcessBuilder("ip", "netns", "exec", nsA, java, "-cp", cp,
                    NetnsPeer.class.getName(), "listen", A_ADDRESS, "40123").redirectErrorStream(true).start();
            started.add(listener);
            BufferedReader lout = new BufferedReader(new InputStreamReader(listener.getInputStream(), StandardCharsets.UTF_8));
            List<String> listenerLines = new ArrayList<>();
            String first = lout.readLine();
            listenerLines.add(String.valueOf(first));
            assertTrue(first != null && first.startsWith("LISTENING"), "listener said: " + first);
            CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> drain(lout, listenerLines),
                    r -> Thread.ofVirtual().start(r));
            Process dialer = new ProcessBuilder("ip", "netns", "exec", nsB, java, "-cp", cp,
                    NetnsPeer.class.getName(), "dial", A_ADDRESS, "40123").redirectErrorStream(true).start();
            started.add(dialer);
            List<String> dialerLines = new ArrayList<>();
            drain(new BufferedReader(new InputStreamReader(dialer.getInputStream(), StandardCharsets.UTF_8)), dialerLines);
            assertTrue(dialer.waitFor(50, TimeUnit.SECONDS));
            assertTrue(listener.waitFor(15, TimeUnit.SECONDS));
            rest.get(5, TimeUnit.SECONDS);
            System.out.println("listener: " + listenerLines);
            System.out.println("dialer: " + dialerLines);
            assertTrue(listenerLines.stream().anyMatch(l -> l.startsWith("RECEIVED " + NetnsPeer.MESSAGES)),
                    listenerLines.toString());
            assertTrue(dialerLines.stream().anyMatch(l -> l.startsWith("SENT answer ok")), dialerLines.toString());
            assertTrue(listenerLines.stream().anyMatch(l -> l.startsWith("CLOSED [closed by peer")), listenerLines.toString());
        } finally {
            for (Process p : started) {
                p.destroyForcibly();
            }
            tryRun("ip", "netns", "del", nsA);
            tryRun("ip", "netns", "del", nsB);
        }
    }

    private static void drain(BufferedReader in, List<String> into) {
        try {
            for (String line; (line = in.readLine()) != null; ) {
                into.add(line);
            }
        } catch (IOException e) {
            into.add("read failed: " + e);
        }
    }

    private static void sh(String... command) throws Exception {
        String error = tryRun(command);
        if (error != null) {
            throw new AssertionError(String.join(" ", command) + ": " + error);
        }
    }

    /** Runs a command; null when it succeeded, else its output. */
    private static String tryRun(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? null : "exit " + p.exitValue() + ": " + out.trim();
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }
}
