/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.PrintWriter;
import java.util.Arrays;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jarl} command: entry point and the list of subcommands. */
@Command(name = "jarl",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "A JVM node for Erlang distribution.",
        footer = {"", "Shell completion (bash, zsh): source <(jarl generate-completion)"},
        subcommands = {CommandLine.HelpCommand.class, ServeCommand.class, BenchCommand.class, PingCommand.class,
                SendCommand.class, CallCommand.class, PgCommand.class, GlobalCommand.class, NamesCommand.class,
                StatsCommand.class, TopCommand.class, EpmdCommand.class, DemoCommand.class, ErlCommand.class,
                AutoComplete.GenerateCompletion.class})
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
        // jarl erl: erl's arguments ("-sname a") are its own, with or without "--" before them
        cl.getSubcommands().get("erl").setUnmatchedOptionsArePositionalParams(true);
        cl.setExecutionStrategy(Main::execute);
        Cli.configureLogging(Arrays.asList(args).contains("--verbose"));
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the last command given, as picocli does, but first refuses arguments no command
     * took: picocli lets {@code --help} win over them, so {@code jarl nosuch --help} would
     * print the top-level help and exit 0 instead of saying that there is no command nosuch.
     */
    private static int execute(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (!p.unmatched().isEmpty()) {
                throw new CommandLine.UnmatchedArgumentException(p.commandSpec().commandLine(), p.unmatched());
            }
        }
        return new CommandLine.RunLast().execute(parsed);
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
