package dev.jarl.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code jarl} command: entry point and the list of subcommands. */
@Command(name = "jarl",
        mixinStandardHelpOptions = true,
        version = "jarl 0.1.0-SNAPSHOT",
        description = "A JVM node for Erlang distribution.",
        subcommands = {CommandLine.HelpCommand.class, NamesCommand.class, EpmdCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }
}
