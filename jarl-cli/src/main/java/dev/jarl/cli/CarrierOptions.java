package dev.jarl.cli;

import dev.jarl.carrier.Carriers;
import dev.jarl.carrier.TcpOptions;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.NodeName;
import picocli.CommandLine.Option;

/** {@code --carrier} and the options of each carrier. */
final class CarrierOptions {

    @Option(names = "--carrier", paramLabel = "tcp|tls|uds|udp", defaultValue = "tcp",
            description = "The transport under each connection (default: ${DEFAULT-VALUE}).")
    String carrier;

    void apply(NodeConfig.Builder config, NodeName self) {
        switch (carrier) {
            case "tcp" -> config.carrier(Carriers.tcp(TcpOptions.defaults()));
            default -> throw new CliException("--carrier " + carrier + ": not available (expected: tcp)", 2);
        }
    }
}
