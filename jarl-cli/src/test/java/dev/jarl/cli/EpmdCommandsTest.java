/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jarl.epmd.EpmdClient;
import dev.jarl.epmd.EpmdException;
import dev.jarl.epmd.EpmdRegistration;
import dev.jarl.epmd.EpmdServer;
import dev.jarl.testing.Await;
import dev.jarl.testing.Otp;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

/** {@code jarl names} and {@code jarl epmd}, run in-process through picocli, and once as a process. */
class EpmdCommandsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** One in-process run of {@code jarl ARGS} with the given environment. */
    private static final class Run {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new Main());

        Run(Map<String, String> env) {
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            ((NamesCommand) cli.getSubcommands().get("names").getCommand()).epmdPort.environment = env;
            ((EpmdCommand) cli.getSubcommands().get("epmd").getCommand()).epmdPort.environment = env;
        }

        int execute(String... args) {
            return cli.execute(args);
        }
    }

    private static String realEpmdNames(int port) {
        return Otp.run(List.of(Otp.requireEpmd().toString(), "-port", Integer.toString(port), "-names"), 10);
    }

    @Test
    void namesPrintsWhatEpmdNamesPrints() throws Exception {
        try (EpmdServer server = EpmdServer.start(LOOPBACK, 0)) {
            EpmdClient client = new EpmdClient(LOOPBACK, server.port(), Duration.ofSeconds(5));
            try (EpmdRegistration a = client.register("alpha", 1111, false);
                 EpmdRegistration b = client.register("beta", 2222, false)) {
                assertTrue(a.isOpen() && b.isOpen());
                Run run = new Run(Map.of());
                assertEquals(0, run.execute("names", "--port", Integer.toString(server.port())));
                String expected = "epmd: up and running on port " + server.port() + " with data:\n"
                        + "name beta at port 2222\nname alpha at port 1111\n";
                assertEquals(expected, run.out.toString());
                assertEquals("", run.err.toString());
                assertEquals(expected, realEpmdNames(server.port()), "OTP's epmd -names prints the same");
                Run viaEnv = new Run(Map.of("ERL_EPMD_PORT", Integer.toString(server.port())));
                assertEquals(0, viaEnv.execute("names", "127.0.0.1"));
                assertEquals(expected, viaEnv.out.toString());
            }
        }
    }

    @Test
    void namesWithoutEpmdFailsWithOneLine() {
        int port = Otp.freePort();
        Run run = new Run(Map.of("ERL_EPMD_PORT", Integer.toString(port)));
        assertEquals(1, run.execute("names"));
        assertEquals("", run.out.toString());
        assertEquals("jarl names: epmd at 127.0.0.1:" + port + ": connection refused\n", run.err.toString());
        Run bad = new Run(Map.of("ERL_EPMD_PORT", "nope"));
        assertEquals(1, bad.execute("names"));
        assertEquals("jarl names: ERL_EPMD_PORT: 'nope' (expected: a port number 1-65535)\n", bad.err.toString());
        Run unknown = new Run(Map.of());
        assertEquals(1, unknown.execute("names", "no-such-host.invalid"));
        assertEquals("jarl names: unknown host no-such-host.invalid\n", unknown.err.toString());
    }

    @Test
    void epmdServesUntilKilledByOtpsEpmd() throws Exception {
        int port = Otp.freePort();
        Run run = new Run(Map.of("ERL_EPMD_PORT", Integer.toString(port)));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread t = Thread.ofVirtual().start(() -> exit.set(run.execute("epmd", "--address", "127.0.0.1")));
        awaitLine(run.out, "jarl epmd: listening on 127.0.0.1:" + port + "\n");
        EpmdClient client = new EpmdClient(LOOPBACK, port, Duration.ofSeconds(5));
        try (EpmdRegistration r = client.register("held", 4000, false)) {
            assertTrue(realEpmdNames(port).contains("name held at port 4000\n"));
            // OTP's epmd -kill is refused while a node is registered
            Process kill = new ProcessBuilder(Otp.requireEpmd().toString(), "-port", Integer.toString(port), "-kill")
                    .redirectErrorStream(true).start();
            String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(kill.waitFor(10, TimeUnit.SECONDS));
            assertEquals(1, kill.exitValue());
            assertEquals("Killing not allowed - living nodes in database.\n", said);
            assertTrue(r.isOpen());
            assertTrue(t.isAlive());
        }
        Otp.run(List.of(Otp.requireEpmd().toString(), "-port", Integer.toString(port), "-kill"), 10);
        t.join(5000);
        assertFalse(t.isAlive(), "jarl epmd still running after epmd -kill");
        assertEquals(0, exit.get());
        assertEquals("", run.err.toString());
        try {
            client.names();
            throw new AssertionError("still answering");
        } catch (EpmdException expected) {
            // refused as a rule; under load the freed port may already answer with a reset
            assertTrue(expected.getMessage().startsWith("epmd at " + client.endpoint() + ": "), expected.getMessage());
        }
    }

    @Test
    void epmdOnATakenPortFailsWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 5, LOOPBACK)) {
            Run run = new Run(Map.of());
            assertEquals(1, run.execute("epmd", "--address", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort())));
            String err = run.err.toString();
            assertTrue(err.startsWith("jarl epmd: epmd: cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": "), err);
            assertEquals(1, err.lines().count(), err);
        }
    }

    @Test
    void helpHasExamples() {
        for (String command : List.of("names", "epmd")) {
            Run run = new Run(Map.of());
            assertEquals(0, run.execute(command, "--help"));
            assertTrue(run.out.toString().contains("Examples:\n  jarl " + command), run.out.toString());
        }
    }

    /** The real process: started, listening, and gone on SIGTERM. */
    @Test
    void sigtermStopsTheForegroundServer() throws Exception {
        int port = Otp.freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "epmd", "--address", "127.0.0.1", "--port", Integer.toString(port))
                .redirectErrorStream(true).start();
        try {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("jarl epmd: listening on 127.0.0.1:" + port, r.readLine());
            assertEquals(List.of(), new EpmdClient(LOOPBACK, port, Duration.ofSeconds(5)).names());
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(10, TimeUnit.SECONDS), "still running after SIGTERM");
        } finally {
            p.destroyForcibly();
        }
    }

    private static void awaitLine(StringWriter out, String expected) throws InterruptedException {
        Await.within(Duration.ofSeconds(10), () -> out.toString().equals(expected));
        assertEquals(expected, out.toString());
    }
}
