/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.jarl.testing.Await;

/**
 * The {@code jarl} command run as a user runs it: a separate JVM with real arguments, its
 * output read line by line, its exit code checked. It uses the test class path, so it runs
 * the code under test without going through the launcher's build step.
 */
final class JarlProcess implements AutoCloseable {

    private final Process process;
    private final BlockingQueue<String> stdoutLines = new LinkedBlockingQueue<>();
    private final StringBuffer stdout = new StringBuffer();
    private final StringBuffer stderr = new StringBuffer();
    private final Thread outPump;
    private final Thread errPump;

    private JarlProcess(Process process) {
        this.process = process;
        this.outPump = Thread.ofVirtual().start(() -> pump(process.getInputStream(), stdout, true));
        this.errPump = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), stderr, false));
    }

    /** Starts {@code jarl ARGS...} with extra environment variables. */
    static JarlProcess start(Map<String, String> env, Path workDir, String... args) {
        return start(env, workDir, command(args));
    }

    /**
     * The command line that runs {@code jarl ARGS...} on the test class path. A {@code serve}
     * or {@code bench} node, and what {@code demo} starts, listen on loopback only
     * ({@code --listen 127.0.0.1}, the house rule for network tests) unless the test gives
     * {@code --listen} itself or a carrier without addresses ({@code uds}). The client
     * commands ({@code ping}, {@code call}, {@code stats}, ...) need nothing added: their node
     * listens on loopback only unless given {@code --listen} (ClientListenTest proves it).
     */
    static List<String> command(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.jarl.cli.Main"));
        List<String> given = List.of(args);
        cmd.addAll(given);
        boolean listens = !given.isEmpty() && List.of("serve", "bench", "demo").contains(given.get(0));
        boolean addressed = given.stream().anyMatch(a -> a.equals("--listen") || a.startsWith("--listen=")
                || a.equals("uds") || a.equals("--carrier=uds") || a.equals("--help") || a.equals("-h"));
        if (listens && !addressed) {
            cmd.addAll(cmd.size() - given.size() + 1, List.of("--listen", "127.0.0.1"));
        }
        return cmd;
    }

    /**
     * Runs {@code jarl ARGS...} on a terminal of its own, as a user at a shell would: under
     * util-linux {@code script}, which gives it a pseudo-terminal for standard input and
     * output. The output read back is the terminal's (line ends as {@code \r\n}).
     */
    static JarlProcess runOnTerminal(Map<String, String> env, Duration timeout, String... args) {
        JarlProcess p = startOnTerminal(env, args);
        p.awaitExit(timeout);
        return p;
    }

    /**
     * Starts {@code jarl ARGS...} on a terminal of its own, as {@link #runOnTerminal} does,
     * without waiting: {@link #type} then sends it keys, as a user at the keyboard would.
     */
    static JarlProcess startOnTerminal(Map<String, String> env, String... args) {
        StringBuilder shell = new StringBuilder();
        for (String word : command(args)) {
            shell.append(shell.isEmpty() ? "" : " ").append('\'').append(word.replace("'", "'\\''")).append('\'');
        }
        return start(env, null, List.of("script", "-q", "-e", "-c", shell.toString(), "/dev/null"));
    }

    /** Types {@code keys} on the process's terminal (or writes them to its standard input). */
    void type(String keys) {
        try {
            process.getOutputStream().write(keys.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new AssertionError("could not type to jarl: " + e.getMessage(), e);
        }
    }

    /** Waits until standard output contains {@code text}; fails the test if it does not within {@code timeout}. */
    void awaitOutput(String text, Duration timeout) {
        try {
            Await.within(timeout, () -> stdout.indexOf(text) >= 0 || !process.isAlive());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        if (stdout.indexOf(text) < 0) {
            throw new AssertionError("no '" + text + "' in the output within " + timeout + "\nstdout:\n" + stdout
                    + "\nstderr:\n" + stderr);
        }
    }

    private static JarlProcess start(Map<String, String> env, Path workDir, List<String> cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        try {
            return new JarlProcess(pb.start());
        } catch (IOException e) {
            throw new AssertionError("could not start " + cmd, e);
        }
    }

    static JarlProcess start(Map<String, String> env, String... args) {
        return start(env, null, args);
    }

    /** Runs {@code jarl ARGS...} to completion (at most {@code timeout}). */
    static JarlProcess run(Map<String, String> env, Duration timeout, String... args) {
        JarlProcess p = start(env, args);
        p.awaitExit(timeout);
        return p;
    }

    private void pump(java.io.InputStream in, StringBuffer into, boolean lines) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                into.append(line).append('\n');
                if (lines) {
                    stdoutLines.add(line);
                }
            }
        } catch (IOException e) {
            into.append("[stream closed: ").append(e.getMessage()).append("]\n");
        }
    }

    /** Waits for a standard-output line starting with {@code prefix}; returns the line. */
    String awaitLine(String prefix, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left <= 0 ? null : stdoutLines.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("no line starting with '" + prefix + "' within " + timeout
                            + (process.isAlive() ? "" : " (exited " + process.exitValue() + ")")
                            + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr);
                }
                if (line.startsWith(prefix)) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits for the process to exit; fails the test if it does not within {@code timeout}. */
    int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("jarl did not exit within " + timeout + "\nstdout:\n" + stdout
                        + "\nstderr:\n" + stderr);
            }
            outPump.join(5000);
            errPump.join(5000);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    int exitCode() {
        return process.exitValue();
    }

    String stdout() {
        return stdout.toString();
    }

    String stderr() {
        return stderr.toString();
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM (as a user's Ctrl-C or a service manager would). */
    void terminate() {
        process.destroy();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
