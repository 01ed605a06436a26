/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace of a test's own, joined to this one by a veth pair: this side's end
 * has {@link #outside()}, the namespace's end {@link #inside()}, both in a /30 of 10.231.0.0/16
 * that no other interface uses. {@link #cut()} takes the link down (a peer cut off, with no
 * reset or close reaching either side), {@link #mend()} brings it back. Closing deletes the
 * namespace and with it the pair.
 *
 * <p>{@link #create()} needs Linux, root and a working {@code ip} (iproute2), found by
 * running it ({@link Tools}); without them it skips the test by name with the reason, a
 * message starting {@value #BANNER}, or fails it under CI ({@code CI=true}), where the
 * fault tests must run. {@link #unavailable()} tells a test that can do without namespaces.
 */
public final class NetnsPair implements AutoCloseable {

    /** How a skip for want of network namespaces starts. */
    public static final String BANNER = "NETWORK NAMESPACE TEST NOT RUN";

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final String namespace;
    private final String outsideLink;
    private final String outside;
    private final String inside;

    private NetnsPair(String namespace, String outsideLink, String outside, String inside) {
        this.namespace = namespace;
        this.outsideLink = outsideLink;
        this.outside = outside;
        this.inside = inside;
    }

    /**
     * Why this machine cannot make network namespaces for a test, or null when it can as far
     * as can be told without making one: Linux, root, and {@code ip -V} runs.
     */
    public static String unavailable() {
        if (!System.getProperty("os.name").startsWith("Linux")) {
            return "not Linux";
        }
        Tools.Probe ip = Tools.probe(List.of("ip", "-V"));
        if (!ip.ran() || ip.exitCode() != 0) {
            return "the ip command does not run (" + ip.why() + "); install iproute2 (apt-get install iproute2)";
        }
        Tools.Probe id = Tools.probe(List.of("id", "-u"));
        if (!id.ran() || !id.output().strip().equals("0")) {
            return "not root, so the test cannot create them";
        }
        return null;
    }

    /**
     * Makes a namespace and a veth pair, or skips the test saying why it cannot (fails it
     * under CI).
     */
    public static NetnsPair create() throws IOException, InterruptedException {
        String why = unavailable();
        if (why != null) {
            Tools.unavailable(BANNER, why);
        }
        long pid = ProcessHandle.current().pid();
        int n = COUNTER.incrementAndGet();
        String ns = "jarl-" + pid + "-" + n;
        String tag = Long.toString(pid % 100_000) + n;
        String out = "jo" + tag;
        String in = "ji" + tag;
        Result added = run("ip", "netns", "add", ns);
        if (!added.ok) {
            Tools.unavailable(BANNER, "ip netns add failed: " + added.output.strip());
        }
        NetnsPair pair = null;
        try {
            String[] addresses = freeSubnet(pid, n);
            pair = new NetnsPair(ns, out, addresses[0], addresses[1]);
            must("ip", "link", "add", out, "type", "veth", "peer", "name", in, "netns", ns);
            must("ip", "addr", "add", addresses[0] + "/30", "dev", out);
            must("ip", "link", "set", out, "up");
            must("ip", "-n", ns, "link", "set", "lo", "up");
            must("ip", "-n", ns, "addr", "add", addresses[1] + "/30", "dev", in);
            must("ip", "-n", ns, "link", "set", in, "up");
            return pair;
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            run("ip", "link", "del", out);
            run("ip", "netns", "del", ns);
            throw e;
        }
    }

    /** A /30 in 10.231.0.0/16 with no address on this host yet: {outside, inside}. */
    private static String[] freeSubnet(long pid, int n) throws IOException, InterruptedException {
        String used = run("ip", "-o", "-4", "addr", "show").output;
        for (int i = 0; i < 16_384; i++) {
            int block = (int) ((pid * 31 + n * 7 + i) % 16_384);
            int third = block / 64;
            int fourth = (block % 64) * 4;
            String net = "10.231." + third + ".";
            if (!used.contains(net + (fourth + 1) + "/") && !used.contains(net + (fourth + 2) + "/")) {
                return new String[] {net + (fourth + 1), net + (fourth + 2)};
            }
        }
        throw new IOException("no free /30 in 10.231.0.0/16");
    }

    /** The namespace's name, for {@code ip netns exec}. */
    public String namespace() {
        return namespace;
    }

    /** The command prefix that runs a program inside the namespace. */
    public List<String> exec() {
        return List.of("ip", "netns", "exec", namespace);
    }

    /** This side's address on the pair. */
    public String outside() {
        return outside;
    }

    /** The namespace's address on the pair. */
    public String inside() {
        return inside;
    }

    /** Takes the link down: nothing passes either way, and neither side is told. */
    public void cut() throws IOException, InterruptedException {
        must("ip", "link", "set", outsideLink, "down");
    }

    /** Brings the link back up. */
    public void mend() throws IOException, InterruptedException {
        must("ip", "link", "set", outsideLink, "up");
    }

    @Override
    public void close() {
        try {
            run("ip", "link", "del", outsideLink);
            run("ip", "netns", "del", namespace);
        } catch (IOException e) {
            System.err.println("netns " + namespace + ": cleanup failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Result(boolean ok, String output) {
    }

    private static void must(String... command) throws IOException, InterruptedException {
        Result r = run(command);
        if (!r.ok) {
            throw new IOException(String.join(" ", command) + ": " + r.output.strip());
        }
    }

    private static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor() == 0, out);
    }
}
