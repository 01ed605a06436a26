package dev.jarl.cli;

import dev.jarl.carrier.Carriers;
import dev.jarl.carrier.TcpOptions;
import dev.jarl.carrier.UdpOptions;
import dev.jarl.carrier.UdsOptions;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.NodeName;
import picocli.CommandLine.Option;

/** {@code --carrier} and the options of each carrier. */
final class CarrierOptions {

    @Option(names = "--carrier", paramLabel = "tcp|uds|udp", defaultValue = "tcp",
            description = {"The transport under each connection (default: ${DEFAULT-VALUE}).",
                    "tcp: as erl's inet_tcp_dist, through EPMD.",
                    "uds: as OTP's erl_uds_dist example, no EPMD: a node's socket is the file named after "
                            + "its alive part in the current directory.",
                    "udp: Jarl's reliable UDP carrier (docs/udp-carrier.md), through EPMD."})
    String carrier;

    @Option(names = "--udp-datagram-size", paramLabel = "BYTES",
            description = "Largest UDP datagram to send (default: 65000 on loopback hosts, else 1400).")
    Integer udpDatagramSize;

    void apply(NodeConfig.Builder config, NodeName self) {
        switch (carrier) {
            case "tcp" -> config.carrier(Carriers.tcp(TcpOptions.defaults()));
            case "uds" -> config.carrier(Carriers.uds(UdsOptions.defaults())).useEpmd(false);
            case "udp" -> {
                int size = udpDatagramSize != null ? udpDatagramSize
                        : isLoopbackHost(self) ? UdpOptions.LOOPBACK_DATAGRAM_SIZE : UdpOptions.DEFAULT_DATAGRAM_SIZE;
                try {
                    config.carrier(Carriers.udp(UdpOptions.defaults().withDatagrams(size, UdpOptions.DEFAULT_WINDOW_BYTES)));
                } catch (IllegalArgumentException e) {
                    throw new CliException("--udp-datagram-size: " + e.getMessage(), 2);
                }
            }
            default -> throw new CliException("--carrier " + carrier + ": unknown (expected: tcp, uds or udp)", 2);
        }
    }

    /** True when the node's host is this machine's name or a loopback address. */
    private static boolean isLoopbackHost(NodeName name) {
        String host = name.host();
        if (host.equals(NodeOptions.localHost(null)) || host.equals("localhost")) {
            return true;
        }
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
