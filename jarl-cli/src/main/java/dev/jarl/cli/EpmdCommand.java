/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import dev.jarl.epmd.EpmdServer;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jarl epmd}: Jarl's EPMD in the foreground, until SIGTERM, Ctrl-C or {@code epmd -kill}. */
@Command(name = "epmd",
        mixinStandardHelpOptions = true,
        description = {"Runs Jarl's EPMD in the foreground until SIGTERM or Ctrl-C.",
                "Erlang nodes ('erl -sname x') and Jarl nodes register with it as with OTP's epmd.",
                "Like OTP's epmd it listens on all interfaces unless --address is given, and",
                "'epmd -kill' stops it when no node is registered."},
        footer = {"",
                "The port is --port, else ERL_EPMD_PORT, else 4369.",
                "",
                "Examples:",
                "  jarl epmd",
                "  jarl epmd --port 4370 --address 127.0.0.1"})
public final class EpmdCommand implements Callable<Integer> {

    @CommandLine.Mixin
    EpmdPortOption epmdPort;

    @Option(names = {"-a", "--address"}, paramLabel = "ADDRESS",
            description = "Address to listen on (default: all interfaces).")
    String address;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        EpmdServer server;
        try {
            int listenPort = epmdPort.resolve();
            if (listenPort < 0 || listenPort > 65535) {
                throw new IllegalArgumentException("--port: " + listenPort + " (expected: 0-65535)");
            }
            InetAddress bind = address == null ? null : InetAddress.getByName(address);
            server = EpmdServer.start(bind, listenPort);
        } catch (UnknownHostException e) {
            err.println("jarl epmd: unknown address " + address);
            err.flush();
            return 1;
        } catch (IOException | IllegalArgumentException e) {
            err.println("jarl epmd: " + e.getMessage());
            err.flush();
            return 1;
        }
        Thread hook = new Thread(server::close, "jarl-epmd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        out.println("jarl epmd: listening on " + server.endpoint());
        out.flush();
        try {
            while (!server.awaitClosed(Duration.ofDays(1))) {
                // keep serving
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: the JVM is on its way out
            }
        }
        return 0;
    }
}
