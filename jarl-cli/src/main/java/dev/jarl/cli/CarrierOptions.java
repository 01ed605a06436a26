/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.carriers.TlsOptions;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.carriers.UdsOptions;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.NodeName;
import picocli.CommandLine.Option;

/** {@code --carrier} and the options of each carrier. */
final class CarrierOptions {

    @Option(names = "--carrier", paramLabel = "tcp|tls|uds|udp", defaultValue = "tcp",
            description = {"The transport under each connection (default: ${DEFAULT-VALUE}).",
                    "tcp: as erl's inet_tcp_dist, through EPMD.",
                    "tls: as erl's inet_tls_dist (-proto_dist inet_tls), TLS 1.3/1.2, through EPMD; see --tls-*.",
                    "uds: as OTP's erl_uds_dist example, no EPMD: a node's socket is the file named after "
                            + "its alive part in the current directory.",
                    "udp: Jarl's reliable UDP carrier (docs/udp-carrier.md), through EPMD."})
    String carrier;

    @Option(names = "--listen", paramLabel = "ADDRESS",
            description = {"tcp, tls, udp: the address this node listens on, and the EPMD it starts when none answers "
                    + "on this host (default: every address, as erl). 127.0.0.1 or ::1 keeps both on loopback; "
                    + "a peer then reaches the node only through a host name that resolves to that address "
                    + "(NAME@localhost)."})
    String listen;

    @Option(names = "--udp-datagram-size", paramLabel = "BYTES",
            description = "Largest UDP datagram to send (default: 65000 on loopback hosts, else 1400).")
    Integer udpDatagramSize;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "tls: this node's certificate chain, PEM (ssl_dist_optfile certfile).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "tls: the private key, PEM (keyfile; default: in the certificate file).")
    Path tlsKey;

    @Option(names = "--tls-key-password-file", paramLabel = "FILE",
            description = "tls: the password of an encrypted private key: the first line of FILE (ssl's password).")
    Path tlsKeyPasswordFile;

    @Option(names = "--tls-cacerts", paramLabel = "FILE",
            description = "tls: the CA certificates peers must chain to, PEM (cacertfile). With --tls-verify peer, "
                    + "give this or --tls-system-cas.")
    Path tlsCacerts;

    @Option(names = "--tls-system-cas",
            description = "tls: trust the JDK's store of public CAs instead of --tls-cacerts (any certificate a public "
                    + "CA issued for the host then passes).")
    boolean tlsSystemCas;

    @Option(names = "--tls-verify", paramLabel = "peer|none", defaultValue = "peer",
            description = "tls: verify the peer's certificate (verify_peer, the default) or not (verify_none).")
    String tlsVerify;

    @Option(names = "--read-spin", defaultValue = "0", paramLabel = "MICROS",
            description = {"tcp, tls: microseconds a connection's input thread that finds no bytes polls its socket "
                    + "before it blocks (NodeConfig.readSpin; default: ${DEFAULT-VALUE}, no spin). Saves the kernel's "
                    + "wake-up of the reader when the next packet comes within the spin, for CPU time; an idle "
                    + "connection spins once, then blocks. See docs/benchmarks.md."})
    long readSpinMicros;

    void apply(NodeConfig.Builder config, NodeName self) {
        if (readSpinMicros < 0 || readSpinMicros > 10_000) {
            throw new CliException("--read-spin: " + readSpinMicros + " (expected: 0 to 10000 microseconds)", 2);
        }
        config.readSpin(Duration.ofNanos(readSpinMicros * 1000));
        InetAddress bind = listenAddress();
        switch (carrier) {
            case "tcp" -> config.carrier(Carriers.tcp(TcpOptions.defaults().withBindAddress(bind)));
            case "uds" -> {
                if (bind != null) {
                    throw new CliException("--listen: not for --carrier uds (its node listens on a socket file)", 2);
                }
                config.carrier(Carriers.uds(UdsOptions.defaults())).useEpmd(false);
            }
            case "tls" -> {
                try {
                    config.carrier(Carriers.tls(tlsOptions()));
                } catch (IllegalArgumentException e) {
                    // an unreadable or malformed PEM file: the message ("tls: FILE: ...") names it
                    throw new CliException(e.getMessage(), 2);
                }
            }
            case "udp" -> {
                int size = udpDatagramSize != null ? udpDatagramSize
                        : isLoopbackHost(self) ? UdpOptions.LOOPBACK_DATAGRAM_SIZE : UdpOptions.DEFAULT_DATAGRAM_SIZE;
                try {
                    config.carrier(Carriers.udp(UdpOptions.defaults().withBindAddress(bind)
                            .withDatagrams(size, UdpOptions.DEFAULT_WINDOW_BYTES)));
                } catch (IllegalArgumentException e) {
                    throw new CliException("--udp-datagram-size: " + e.getMessage(), 2);
                }
            }
            default -> throw new CliException("--carrier " + carrier + ": unknown (expected: tcp, tls, uds or udp)", 2);
        }
    }

    /** The {@code --listen} address, or null for every address. */
    InetAddress listenAddress() {
        return listen == null ? null : Cli.address("--listen", listen);
    }

    private TlsOptions tlsOptions() {
        TlsOptions.Verify verify = switch (tlsVerify) {
            case "peer" -> TlsOptions.Verify.PEER;
            case "none" -> TlsOptions.Verify.NONE;
            default -> throw new CliException("--tls-verify " + tlsVerify + ": unknown (expected: peer or none)", 2);
        };
        for (Path p : new Path[] {tlsCert, tlsKey, tlsCacerts, tlsKeyPasswordFile}) {
            if (p != null && !Files.isReadable(p)) {
                throw new CliException("TLS file " + p + " cannot be read", 2);
            }
        }
        try {
            TlsOptions options = TlsOptions.of(TcpOptions.defaults().withBindAddress(listenAddress()), tlsCert, tlsKey, tlsCacerts).withVerify(verify)
                    .withSystemTrustStore(tlsSystemCas);
            return tlsKeyPasswordFile == null ? options : options.withKeyPassword(keyPassword(tlsKeyPasswordFile));
        } catch (IllegalArgumentException e) {
            throw new CliException("TLS options: " + e.getMessage(), 2);
        }
    }

    /** The first line of {@code file}, without its line end, as OpenSSL's {@code -passin file:} reads it. */
    private static char[] keyPassword(Path file) {
        try {
            byte[] bytes = Files.readAllBytes(file);
            int end = 0;
            while (end < bytes.length && bytes[end] != '\n' && bytes[end] != '\r') {
                end++;
            }
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, 0, end));
            char[] password = new char[chars.remaining()];
            chars.get(password);
            Arrays.fill(bytes, (byte) 0);
            Arrays.fill(chars.array(), '\0');
            return password;
        } catch (IOException e) {
            throw new CliException("--tls-key-password-file " + file + ": cannot read (" + e.getMessage() + ")", 2);
        }
    }

    /** True when the node's host is this machine's name or a loopback address. */
    private static boolean isLoopbackHost(NodeName name) {
        String host = name.host();
        if (host.equals(NodeOptions.localHost(null)) || host.equals("localhost")) {
            return true;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
