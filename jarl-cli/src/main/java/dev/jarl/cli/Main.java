/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.PrintWriter;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jarl} command: entry point and the list of subcommands. */
@Command(name = "jarl",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "A JVM node for Erlang distribution.",
        subcommands = {CommandLine.HelpCommand.class, ServeCommand.class, BenchCommand.class, PingCommand.class,
                SendCommand.class, CallCommand.class, NamesCommand.class, EpmdCommand.class, DemoCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Runs the command line and returns the exit code. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::onError);
        Cli.configureLogging(java.util.Arrays.asList(args).contains("--verbose"));
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** One line on stderr for expected failures; a stack trace only with --verbose. */
    private static int onError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || parsed.subcommands().stream().anyMatch(p -> p.hasMatchedOption("--verbose"));
        if (e instanceof CliException c) {
            err.println("jarl " + cl.getCommandName() + ": " + c.getMessage());
            if (verbose) {
                e.printStackTrace(err);
            }
            return c.exitCode();
        }
        err.println("jarl " + cl.getCommandName() + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        if (verbose) {
            e.printStackTrace(err);
        }
        return 1;
    }
}
