package dev.jarl.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

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

    private static Path build(String module) {
        Path root = Otp.root();
        Path lib = (root == null ? Path.of("/") : root).resolve("usr/lib/erlang/lib");
        Path source;
        try (Stream<Path> kernels = Files.list(lib)) {
            source = kernels.filter(p -> p.getFileName().toString().startsWith("kernel-"))
                    .map(p -> p.resolve("examples").resolve(module).resolve("src").resolve(module + ".erl"))
                    .filter(Files::isRegularFile).findFirst().orElse(null);
        } catch (IOException e) {
            source = null;
        }
        if (source == null) {
            String message = "INTEROP TEST NOT RUN: OTP example " + module + " not found under " + lib
                    + "/kernel-*/examples (install erlang-examples)";
            System.err.println("*** " + message);
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(message + " [CI=true: interop tests must run]");
            }
            Assumptions.abort(message);
        }
        try {
            Path dir = root == null ? Files.createTempDirectory("jarl-" + module)
                    : Files.createTempDirectory(Files.createDirectories(root.resolve("tmp")), "jarl-" + module);
            dir.toFile().deleteOnExit();
            List<String> erlc = Otp.command("erlc");
            erlc.addAll(List.of("-o", ErlNode.inside(dir), ErlNode.inside(source)));
            Otp.run(erlc, 120);
            dir.resolve(module + ".beam").toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new AssertionError("could not compile " + source, e);
        }
    }
}
