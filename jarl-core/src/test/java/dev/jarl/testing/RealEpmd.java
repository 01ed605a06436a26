/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * OTP's own {@code epmd}, run in the foreground on a port of its own for one test, and ended
 * by its PID on close. It never touches a daemon on the default port.
 */
public final class RealEpmd implements AutoCloseable {

    private final Process process;
    private final int port;

    private RealEpmd(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code epmd -port P} on a free port, listening on loopback only, and waits until
     * it accepts connections. A port another process takes between the choice and epmd's bind
     * is given up for a new one.
     */
    public static RealEpmd start() {
        return start(Otp.EPMD_LOOPBACK_ONLY);
    }

    /**
     * As {@link #start()}, listening only on loopback and {@code addresses} (comma-separated,
     * epmd's {@code ERL_EPMD_ADDRESS}; epmd adds loopback itself). Tests pass loopback
     * addresses or ones of a network namespace they made.
     */
    public static RealEpmd start(String addresses) {
        Objects.requireNonNull(addresses, "addresses (expected: loopback or a test namespace's addresses)");
        Path epmd = Otp.requireEpmd();
        AssertionError last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = Otp.freePort();
            try {
                ProcessBuilder pb = new ProcessBuilder(epmd.toString(), "-port", Integer.toString(port))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
                pb.environment().put("ERL_EPMD_ADDRESS", addresses);
                Process p = pb.start();
                RealEpmd e = new RealEpmd(p, port);
                e.awaitListening();
                return e;
            } catch (IOException e) {
                throw new AssertionError("could not start epmd", e);
            } catch (AssertionError portTaken) {
                last = portTaken;
            }
        }
        throw last;
    }

    private void awaitListening() {
        try {
            boolean listening = Await.within(Duration.ofSeconds(10), () -> {
                if (!process.isAlive()) {
                    return true;
                }
                try {
                    new Socket(InetAddress.getLoopbackAddress(), port).close();
                    return true;
                } catch (IOException notYet) {
                    return false;
                }
            });
            // an epmd that lost the port to another process exits at once
            if (listening && !Await.within(Duration.ofMillis(30), () -> !process.isAlive())) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new AssertionError("interrupted", e);
        }
        if (!process.isAlive()) {
            throw new AssertionError("epmd -port " + port + " exited with " + process.exitValue());
        }
        close();
        throw new AssertionError("epmd -port " + port + " did not start listening");
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
