/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;
import dev.jarl.testing.ReleaseMatrix;

/**
 * {@code jarl erl}: a real Erlang node on {@code jarl_udp} started in one line (the module
 * compiled into the cache on first use, found there on the second), which reaches a Jarl node
 * on the UDP carrier and exits with erl's own code; without a working erl, the install hint
 * and exit 127; the carriers it does not start refused with a reason.
 */
class ErlCommandTest {

    private static final Duration LIMIT = Duration.ofSeconds(90);

    /**
     * A directory for the PATH holding {@code erl} and {@code erlc} of the release under test:
     * the matrix releases run inside their tree ({@link Otp#command}), so {@code jarl erl}
     * runs them through these scripts, as it would a user's erl.
     */
    private static Path releaseTools(Path dir) throws IOException {
        for (String tool : List.of("erl", "erlc")) {
            String cmd = Otp.command(tool).stream().map(ErlCommand::shellQuote).collect(Collectors.joining(" "));
            Path script = dir.resolve(tool);
            Files.writeString(script, "#!/bin/sh\nexec " + cmd + " \"$@\"\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    @Test
    void aBeamNodeOnJarlUdpReachesAJarlNodeAndExitsWithErlsCode(@TempDir Path tmp) throws Exception {
        Otp.requireErl();
        Otp.require("erlc");
        Path tools = releaseTools(Files.createDirectories(tmp.resolve("bin")));
        Path cache = tmp.resolve("cache");
        try (RealEpmd epmd = RealEpmd.start("127.0.0.1")) {
            UdpOptions udp = UdpOptions.of(AddressResolver.epmd(epmd.port())).withBindAddress(InetAddress.getLoopbackAddress());
            try (Node jarl = Node.start(NodeConfig.builder(Otp.uniqueName("jerl") + "@" + Otp.shortHost())
                    .cookie("erlcmd").epmdPort(epmd.port()).carrier(Carriers.udp(udp)).build());
                    Mailbox box = jarl.createMailbox("jbox")) {
                Map<String, String> env = Map.of("PATH", tools + ":" + System.getenv("PATH"),
                        "XDG_CACHE_HOME", cache.toString(), "ERL_EPMD_PORT", Integer.toString(epmd.port()));
                // erl pings the Jarl node, proves the connection runs on jarl_udp, sends a hello and
                // halts with the code the Jarl node sends back
                String eval = "J = '" + jarl.name() + "', pong = net_adm:ping(J), "
                        + "#{phase := up} = jarl_udp_dist:info(J), "
                        + "{jbox, J} ! {hello, self(), list_to_binary(erlang:system_info(otp_release))}, "
                        + "receive {code, C} -> erlang:halt(C) after 30000 -> erlang:halt(99) end.";
                for (int round = 1; round <= 2; round++) {
                    String name = Otp.uniqueName("erlcmd");
                    try (JarlProcess erl = JarlProcess.start(env, "erl", "--carrier", "udp", "--", "-sname", name,
                            "-setcookie", "erlcmd", "-start_epmd", "false", "-noshell",
                            "-kernel", "inet_dist_use_interface", "{127,0,0,1}", "-eval", eval)) {
                        Tuple hello = (Tuple) box.receive(LIMIT).orElseThrow(() -> new AssertionError(
                                "no hello from erl\nstdout:\n" + erl.stdout() + "\nstderr:\n" + erl.stderr()));
                        assertEquals(Atom.of("hello"), hello.get(0));
                        assertEquals(Binary.of(Otp.release().getBytes(java.nio.charset.StandardCharsets.US_ASCII)), hello.get(2));
                        box.send((Pid) hello.get(1), Term.tuple(Atom.of("code"), Int.of(40 + round)));
                        assertEquals(40 + round, erl.awaitExit(LIMIT), erl.stderr());
                        // compiled once, on the first use; the second finds it in the cache
                        assertEquals(round == 1, erl.stderr().contains("jarl erl: compiling jarl_udp_dist"), erl.stderr());
                    }
                }
                try (var dirs = Files.list(cache.resolve("jarl/jarl_udp_dist"))) {
                    List<Path> built = dirs.toList();
                    assertEquals(1, built.size(), built.toString());
                    assertTrue(built.get(0).getFileName().toString().startsWith("erts-"), built.toString());
                    assertTrue(Files.isRegularFile(built.get(0).resolve("jarl_udp_dist.beam")));
                }
            }
        }
    }

    @Test
    void withoutErlItSaysHowToInstallErlangAndExits127(@TempDir Path empty) {
        ReleaseMatrix.notReleaseSpecific();
        JarlProcess p = JarlProcess.run(Map.of("PATH", empty.toString()), LIMIT, "erl", "--carrier", "udp", "--",
                "-sname", "a");
        assertEquals(127, p.exitCode(), p.stderr());
        assertTrue(p.stderr().contains("jarl erl: erl is not installed (no erl on the PATH): install Erlang/OTP 25 or newer"),
                p.stderr());
        assertTrue(p.stderr().contains("apt-get install erlang-nox"), p.stderr());
    }

    @Test
    void anErlThatDoesNotRunIsReportedWithTheHint(@TempDir Path bin) throws IOException {
        ReleaseMatrix.notReleaseSpecific();
        Path erl = bin.resolve("erl");
        Files.writeString(erl, "#!/bin/sh\necho 'erlexec: cannot find the emulator' >&2\nexit 1\n");
        Files.setPosixFilePermissions(erl, PosixFilePermissions.fromString("rwxr-xr-x"));
        JarlProcess p = JarlProcess.run(Map.of("PATH", bin + ":/usr/bin:/bin"), LIMIT, "erl", "--carrier", "tcp");
        assertEquals(127, p.exitCode(), p.stderr());
        assertTrue(p.stderr().contains("does not run here (erl -version exited 1: erlexec: cannot find the emulator)"),
                p.stderr());
        assertTrue(p.stderr().contains("install Erlang/OTP"), p.stderr());
    }

    @Test
    void carriersItDoesNotStartAreRefusedWithAReason() {
        ReleaseMatrix.notReleaseSpecific();
        for (var c : Map.of("tls", "erl -proto_dist inet_tls", "uds", "erl_uds_dist", "quic", "unknown (expected: udp or tcp)")
                .entrySet()) {
            JarlProcess p = JarlProcess.run(Map.of(), LIMIT, "erl", "--carrier", c.getKey());
            assertEquals(2, p.exitCode(), p.stderr());
            assertTrue(p.stderr().startsWith("jarl erl: --carrier " + c.getKey() + ": "), p.stderr());
            assertTrue(p.stderr().contains(c.getValue()), p.stderr());
        }
        JarlProcess missing = JarlProcess.run(Map.of(), LIMIT, "erl", "--", "-sname", "a");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.stderr().contains("Missing required option: '--carrier=udp|tcp'"), missing.stderr());
        JarlProcess size = JarlProcess.run(Map.of(), LIMIT, "erl", "--carrier", "udp", "--udp-datagram-size", "900");
        assertEquals(2, size.exitCode());
        assertTrue(size.stderr().contains("--udp-datagram-size: 900 (expected: 1200..65507)"), size.stderr());
    }
}
