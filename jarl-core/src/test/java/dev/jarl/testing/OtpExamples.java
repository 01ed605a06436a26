/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * OTP's example distribution carriers ({@code erl_uds_dist}, {@code gen_tcp_dist}) from the
 * release under test (Debian's {@code erlang-examples} puts them under
 * {@code /usr/lib/erlang/lib/kernel-VSN/examples}), compiled with its {@code erlc} once per
 * JVM. Missing examples skip the test, or fail it under CI, as a missing {@code erl} does.
 */
public final class OtpExamples {

    private static final Map<String, Path> COMPILED = new ConcurrentHashMap<>();

    private OtpExamples() {
    }

    /**
     * The directory (on the host) holding {@code module.beam}, compiled from
     * {@code kernel-*}/{@code examples/module/src/module.erl}; pass {@link ErlNode#inside} of it
     * to {@code erl -pa}.
     */
    public static Path compile(String module) {
        Otp.requireErl();
        return COMPILED.computeIfAbsent(module, OtpExamples::build);
    }

    /** {@code dir/kernel-VSN/sub/module/src/module.erl}, or null. */
    private static Path find(Path dir, String module, String sub) {
        try (Stream<Path> kernels = Files.list(dir)) {
            return kernels.filter(p -> p.getFileName().toString().startsWith("kernel-"))
                    .map(p -> p.resolve(sub).resolve(module).resolve("src").resolve(module + ".erl"))
                    .filter(Files::isRegularFile).findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static Path build(String module) {
        Path root = Otp.root();
        Path tree = root == null ? Path.of("/") : root;
        // Debian up to OTP 28 installs the examples beside the code; later releases under /usr/share/doc
        Path lib = tree.resolve("usr/lib/erlang/lib");
        Path source = find(lib, module, "examples");
        if (source == null) {
            source = find(tree.resolve("usr/share/doc/erlang-examples/lib"), module, "doc/examples");
        }
        if (source == null) {
            Tools.unavailable("INTEROP TEST NOT RUN", "OTP example " + module + " not found under " + lib
                    + "/kernel-*/examples or the erlang-examples documentation (install erlang-examples)");
        }
        try {
            Path dir = Files.createTempDirectory(Path.of("/tmp"), "jarl-" + module);
            dir.toFile().deleteOnExit();
            List<String> erlc = Otp.command("erlc");
            String sourceForErlc = root == null ? source.toString() : "/" + root.relativize(source); // erlc runs inside the tree
            erlc.addAll(List.of("-o", ErlNode.inside(dir), sourceForErlc));
            Otp.run(erlc, 120);
            dir.resolve(module + ".beam").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new AssertionError("could not compile " + source, e);
        }
    }
}
