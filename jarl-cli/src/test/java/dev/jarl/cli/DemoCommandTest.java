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
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.jarl.testing.Otp;

/** {@code jarl demo} as a new user runs it: nothing else running, its own EPMD, real erl. */
@Tag("interop")
class DemoCommandTest {

    @Test
    void everyStepWorksAndNothingIsLeftRunning() {
        Otp.requireErl();
        int port = Otp.freePort();
        JarlProcess demo = JarlProcess.run(Map.of("ERL_EPMD_PORT", Integer.toString(port)), Duration.ofSeconds(120), "demo");
        String out = demo.stdout();
        assertEquals(0, demo.exitCode(), out + demo.stderr());
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
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return s.isConnected();
        } catch (IOException e) {
            return false;
        }
    }
}
