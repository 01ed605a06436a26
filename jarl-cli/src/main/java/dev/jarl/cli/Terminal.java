/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The controlling terminal, for {@code jarl top}: whether there is one, and character mode
 * (keys arrive without Enter, not echoed) through {@code stty}, restored on
 * {@link #restore()} and by a shutdown hook, so Ctrl-C leaves the terminal as it was.
 */
final class Terminal {

    private final String saved;
    private final Thread hook;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean restored;

    private Terminal(String saved) {
        this.saved = saved;
        this.hook = new Thread(this::reset, "jarl-terminal-restore");
    }

    /**
     * True when standard input and output are both a terminal ({@link Progress#isTerminal()})
     * and {@code TERM} is not {@code dumb}.
     */
    static boolean isInteractive() {
        return !"dumb".equals(System.getenv("TERM")) && Progress.isTerminal();
    }

    /**
     * Puts the terminal in character mode; null when {@code stty} is not there or fails (keys
     * then arrive line by line: q and Enter).
     */
    static Terminal characterMode() {
        try {
            String saved = stty("-g").trim();
            if (saved.isEmpty()) {
                return null;
            }
            stty("-icanon", "-echo", "min", "1");
            Terminal t = new Terminal(saved);
            Runtime.getRuntime().addShutdownHook(t.hook);
            return t;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Restores the terminal's mode and shows the cursor again. Idempotent. */
    void restore() {
        reset();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs or ran
        }
    }

    private void reset() {
        lock.lock();
        try {
            if (restored) {
                return;
            }
            restored = true;
        } finally {
            lock.unlock();
        }
        System.out.print("\033[?25h");
        System.out.flush();
        try {
            stty(saved);
        } catch (IOException e) {
            System.err.println("jarl top: could not restore the terminal (run: stty sane): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String stty(String... args) throws IOException, InterruptedException {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "stty";
        System.arraycopy(args, 0, cmd, 1, args.length);
        Process p = new ProcessBuilder(cmd).redirectInput(new File("/dev/tty"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroy();
            throw new IOException("stty " + String.join(" ", args) + " failed");
        }
        return new String(out, StandardCharsets.US_ASCII);
    }
}
