/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import dev.jarl.epmd.EpmdClient;
import dev.jarl.epmd.NameEntry;
import dev.jarl.epmd.NamesResponse;
import dev.jarl.term.Printable;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jarl names [HOST]}: the nodes registered with an EPMD, printed as {@code epmd -names} prints them. */
@Command(name = "names",
        mixinStandardHelpOptions = true,
        description = {"Lists the nodes registered with EPMD, as 'epmd -names' does.",
                "Asks this host's EPMD (over loopback) unless a HOST is given."},
        footer = {"",
                "The EPMD port is --port, else ERL_EPMD_PORT, else 4369.",
                "Exits 1 with one line on stderr when no EPMD answers.",
                "",
                "Examples:",
                "  jarl names",
                "  ERL_EPMD_PORT=4370 jarl names db1.example.com"})
public final class NamesCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "HOST",
            description = "Host whose EPMD to ask (default: this host).")
    String host;

    @CommandLine.Mixin
    EpmdPortOption epmdPort;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            int port = epmdPort.resolve();
            if (timeoutSeconds < 1) {
                throw new IllegalArgumentException("--timeout: " + timeoutSeconds + " (expected: at least 1)");
            }
            Duration timeout = Duration.ofSeconds(timeoutSeconds);
            EpmdClient client = host == null
                    ? new EpmdClient(InetAddress.getLoopbackAddress(), port, timeout)
                    : new EpmdClient(InetAddress.getByName(host), port, timeout);
            NamesResponse names = client.namesResponse();
            out.println("epmd: up and running on port " + names.epmdPort() + " with data:");
            for (NameEntry e : names.names()) {
                out.println("name " + Printable.escape(e.name()) + " at port " + e.port());
            }
            out.flush();
            return 0;
        } catch (UnknownHostException e) {
            err.println("jarl names: unknown host " + host);
        } catch (IOException | IllegalArgumentException e) {
            err.println("jarl names: " + e.getMessage());
        }
        err.flush();
        return 1;
    }
}
