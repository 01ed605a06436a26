/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;

import dev.jarl.carrier.Carrier;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;

/**
 * Access to the real Erlang/OTP installation for interop tests.
 *
 * <p>Interop tests call {@link #requireErl()} first. Where {@code erl} does not run they are
 * skipped with a message starting {@code INTEROP TEST NOT RUN} and giving the reason, except
 * under CI ({@code CI=true}), where a missing Erlang is a failure: CI must prove interop, not
 * skip it. Tools are found by running them ({@link Tools}).
 */
public final class Otp {

    private static final String INSTALL_HINT =
            "apt-get install erlang-nox erlang-examples erlang-jinterface";

    private Otp() {
    }

    /** The {@code erl} executable; skips the test (or fails it under CI) when there is none. */
    public static Path requireErl() {
        return require("erl");
    }

    /** The {@code epmd} executable, as {@link #requireErl()}. */
    public static Path requireEpmd() {
        return require("epmd");
    }

    /**
     * The root of a Debian tree holding the Erlang release under test, run with
     * {@code chroot}; null for the machine's own Erlang. Set with {@code -Djarl.otp.root=DIR}
     * or the environment variable {@code JARL_OTP_ROOT} (see {@code .ci/prepare-otp}).
     */
    public static Path root() {
        String r = System.getProperty("jarl.otp.root");
        if (r == null || r.isBlank()) {
            r = System.getenv("JARL_OTP_ROOT");
        }
        return r == null || r.isBlank() ? null : Path.of(r);
    }

    /**
     * The command that runs {@code tool} of the release under test: the tool itself, or,
     * with a root set, the tool inside that tree. {@code epmd} always comes from the machine.
     *
     * <p>Inside the tree, {@code /tmp} is the machine's {@code /tmp} (bind-mounted in a
     * private mount namespace that ends with the process, so nothing is left mounted) and the
     * working directory is kept when it lies under {@code /tmp}: files a test creates under
     * {@code /tmp} (JUnit's {@code @TempDir}, sockets, certificates) have the same path for
     * Java and for erl. Needs root, as the OTP matrix in CI has.
     */
    public static List<String> command(String tool) {
        Path root = root();
        Path found = require(tool);
        if (root == null || tool.equals("epmd")) {
            return new ArrayList<>(List.of(found.toString()));
        }
        return command(root, tool);
    }

    private static List<String> command(Path root, String tool) {
        String script = "R=$1; T=$2; shift 2; mount --bind /tmp \"$R/tmp\" || exit 97; "
                + "exec chroot \"$R\" /bin/sh -c 'cd \"$1\" 2>/dev/null || cd /; shift; exec \"$@\"' sh \"$PWD\" \"/usr/bin/$T\" \"$@\"";
        return new ArrayList<>(List.of("unshare", "--mount", "--", "/bin/sh", "-c", script, "jarl-otp",
                root.toString(), tool));
    }

    /**
     * True when heavy suites (fault injection, floods) run in full: against the machine's own
     * Erlang, OTP 25 in CI. Against a newer release's tree ({@link #root()} set) they run
     * reduced, since what they prove does not change with the release.
     */
    public static boolean fullSuite() {
        return root() == null;
    }

    /** The OTP release under test, e.g. {@code "25"}; asked once of erl itself. */
    public static String release() {
        String r = release;
        if (r == null) {
            r = eval("io:format(\"~s\", [erlang:system_info(otp_release)])").strip();
            release = r;
        }
        return r;
    }

    private static volatile String release;

    /**
     * An executable from the Erlang installation ({@code erl}, {@code erlc}, {@code epmd}),
     * checked by running it once per JVM (see {@link Tools}): a file on the {@code PATH} is
     * not enough, it may be a dangling link or a script whose interpreter is gone. Skips the
     * test, or fails it under CI, when the tool does not run.
     */
    public static Path require(String tool) {
        Path root = root();
        boolean machine = root == null || tool.equals("epmd");
        Path found = machine ? which(tool) : inRoot(root, tool);
        String banner = "INTEROP TEST NOT RUN";
        String hint = "install Erlang/OTP (" + INSTALL_HINT + ")";
        if (found == null) {
            String where = machine ? "on the PATH" : "under " + root + " (jarl.otp.root)";
            Tools.unavailable(banner, "'" + tool + "' is not " + where + "; " + hint);
        }
        List<String> probe = machine ? new ArrayList<>(List.of(found.toString())) : command(root, tool);
        switch (tool) {
            // erl must boot: this is what fails when the emulator or its libraries are missing
            case "erl" -> Tools.require(banner, tool, boot(probe), hint);
            // neither has a version option: their usage text shows the real program ran
            case "epmd", "erlc" -> {
                probe.add("-help");
                Tools.require(banner, tool, probe, p -> p.output().contains(tool), hint);
            }
            default -> {
                probe.add("-help");
                Tools.require(banner, tool, probe, Tools.Probe::ran, hint);
            }
        }
        return found;
    }

    /**
     * Makes sure Elixir runs ({@code elixir --version}: the machine's Elixir on the machine's
     * Erlang); skips the test, or fails it under CI, as {@link #requireErl()} does.
     */
    public static void requireElixir() {
        Tools.require("INTEROP TEST NOT RUN", "elixir", List.of("elixir", "--version"),
                "install Elixir (apt-get install elixir)");
    }

    /** True when {@code erl} of the release under test runs. */
    public static boolean hasErl() {
        Path root = root();
        Path found = root != null ? inRoot(root, "erl") : which("erl");
        if (found == null) {
            return false;
        }
        return Tools.runs(boot(root != null ? command(root, "erl") : new ArrayList<>(List.of(found.toString()))));
    }

    /** {@code erl} plus the arguments that boot it and stop at once: the probe for a working erl. */
    private static List<String> boot(List<String> erl) {
        erl.addAll(List.of("-noshell", "-noinput", "-eval", "erlang:halt(0)."));
        return erl;
    }

    private static Path inRoot(Path root, String tool) {
        Path p = root.resolve("usr/bin").resolve(tool);
        return Files.isExecutable(p) || Files.isSymbolicLink(p) ? p : null;
    }

    /** The first {@code tool} on the PATH, to name it in messages; whether it runs is checked by running it. */
    private static Path which(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.exists(candidate, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Runs {@code erl -noshell} without distribution, evaluates {@code expressions} (Erlang
     * expressions separated by commas, no final full stop) and returns what it printed.
     * Fails the test when erl exits non-zero or takes longer than a minute.
     */
    public static String eval(String expressions) {
        List<String> cmd = command("erl");
        cmd.addAll(List.of("-noshell", "-noinput", "-eval", expressions + ", erlang:halt(0)."));
        return run(cmd, 60);
    }

    /** Runs a command, returns its standard output; fails on a non-zero exit or a timeout. */
    public static String run(List<String> cmd, int timeoutSeconds) {
        try {
            Path err = Files.createTempFile("jarl-otp", ".err");
            try {
                Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
                p.getOutputStream().close();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    Assertions.fail(cmd.get(0) + " did not finish in " + timeoutSeconds + " s");
                }
                String stdout = new String(out, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    Assertions.fail(String.join(" ", cmd) + " exited " + p.exitValue() + "\nstdout:\n" + stdout
                            + "\nstderr:\n" + Files.readString(err));
                }
                return stdout;
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new AssertionError("could not run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + cmd, e);
        }
    }

    /**
     * The {@code erl} arguments that keep its distribution listener on loopback (kernel's
     * {@code inet_dist_use_interface}): the house rule for network tests. Every {@code erl}
     * or {@code elixir} a test starts as a node passes them ({@link ErlNode} does).
     */
    public static final List<String> ERL_LOOPBACK_ONLY = List.of("-kernel", "inet_dist_use_interface", "{127,0,0,1}");

    /** The address a test's {@code epmd} listens on ({@code ERL_EPMD_ADDRESS}): loopback only. */
    public static final String EPMD_LOOPBACK_ONLY = "127.0.0.1";

    /**
     * The TCP carrier of a Jarl node in a test: listening on loopback only (the house rule for
     * network tests; the default carrier listens on every address, as {@code erl} does), peers
     * found through the EPMD on {@code epmdPort}.
     */
    public static Carrier loopbackTcp(int epmdPort) {
        return Carriers.tcp(TcpOptions.of(AddressResolver.epmd(epmdPort)).withBindAddress(InetAddress.getLoopbackAddress()));
    }

    /** The short host name that {@code erl -sname} uses on this machine. */
    public static String shortHost() {
        try {
            String h = InetAddress.getLocalHost().getHostName();
            int dot = h.indexOf('.');
            return dot < 0 ? h : h.substring(0, dot);
        } catch (UnknownHostException e) {
            throw new AssertionError("no local host name", e);
        }
    }

    /** A TCP port on loopback that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError("no free port", e);
        }
    }

    /** A node-name part unique to this JVM and call, e.g. {@code t_ping_4711_3}. */
    public static String uniqueName(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    }

    private static final java.util.concurrent.atomic.AtomicInteger COUNTER = new java.util.concurrent.atomic.AtomicInteger();
}
