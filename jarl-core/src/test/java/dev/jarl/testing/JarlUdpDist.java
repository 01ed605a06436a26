/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The repository's Erlang distribution module {@code jarl_udp_dist} ({@code jarl-udp-dist/}),
 * compiled once per JVM by the {@code erlc} of the release under test, so each matrix release
 * builds it with its own compiler. Without Erlang the calling test skips (fails under CI), as
 * every Erlang-only test does.
 */
public final class JarlUdpDist {

    private static Path compiled;

    private JarlUdpDist() {
    }

    /** The module's source directory, {@code jarl-udp-dist/src}, found from the working directory up. */
    public static Path sourceDir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path src = d.resolve("jarl-udp-dist").resolve("src");
            if (Files.isRegularFile(src.resolve("jarl_udp_dist.erl"))) {
                return src;
            }
        }
        throw new AssertionError("jarl-udp-dist/src/jarl_udp_dist.erl not found above " + Path.of("").toAbsolutePath());
    }

    /**
     * The directory (under {@code /tmp}, so {@code erl} of another tree sees it) holding
     * {@code jarl_udp_dist.beam} and {@code jarl_udp.app}; pass {@link ErlNode#inside} of it
     * to {@code erl -pa}.
     */
    public static synchronized Path compile() {
        Otp.requireErl();
        if (compiled == null) {
            compiled = build();
        }
        return compiled;
    }

    /**
     * The {@code erl} arguments of a node on {@code jarl_udp}, bound to loopback only, plus
     * {@code -jarl_udp_<option> <value>} pairs from {@code options}.
     */
    public static String[] args(String... options) {
        List<String> a = new ArrayList<>(List.of("-proto_dist", "jarl_udp", "-pa", ErlNode.inside(compile()),
                "-kernel", "inet_dist_use_interface", "{127,0,0,1}"));
        for (int i = 0; i + 1 < options.length; i += 2) {
            a.add("-jarl_udp_" + options[i]);
            a.add(options[i + 1]);
        }
        return a.toArray(String[]::new);
    }

    private static Path build() {
        Path src = sourceDir();
        try {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "jarl-udp-dist");
            dir.toFile().deleteOnExit();
            // the source is copied under /tmp: erlc of a release in another tree runs inside it
            Path erl = Files.copy(src.resolve("jarl_udp_dist.erl"), dir.resolve("jarl_udp_dist.erl"));
            erl.toFile().deleteOnExit();
            List<String> erlc = Otp.command("erlc");
            erlc.addAll(List.of("-Werror", "-o", ErlNode.inside(dir), ErlNode.inside(erl)));
            Otp.run(erlc, 120);
            dir.resolve("jarl_udp_dist.beam").toFile().deleteOnExit();
            // the .app file, so application:load(jarl_udp) and -jarl_udp options work from this directory
            String app = Files.readString(src.resolve("jarl_udp.app.src"));
            Path appFile = Files.writeString(dir.resolve("jarl_udp.app"), app);
            appFile.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new AssertionError("could not compile jarl_udp_dist", e);
        }
    }
}
