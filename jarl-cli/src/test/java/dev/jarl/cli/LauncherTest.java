/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code jarl} launcher script itself (review finding 8): the JVM it starts exits on its
 * first {@code OutOfMemoryError}, so a supervisor restarts a clean node instead of keeping a
 * half-dead one. Run in a copy of the launcher whose build looks fresh, with
 * {@code JARL_JAVA_OPTS} asking the JVM for its final flags instead of running Jarl.
 */
class LauncherTest {

    @Test
    void theJvmExitsOnOutOfMemoryError(@TempDir Path root) throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        Files.createDirectories(root.resolve("tools"));
        Files.copy(repo.resolve("jarl"), root.resolve("jarl"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(repo.resolve("tools/find-jdk"), root.resolve("tools/find-jdk"), StandardCopyOption.COPY_ATTRIBUTES);
        Path target = Files.createDirectories(root.resolve("jarl-cli/target/lib"));
        Files.createFile(target.resolve("jarl.jar"));
        Files.createFile(root.resolve("jarl-cli/target/jarl-cli.jar")); // newer than any source: no build
        ProcessBuilder pb = new ProcessBuilder(root.resolve("jarl").toString()).redirectErrorStream(true);
        pb.environment().put("JARL_JAVA_OPTS", "-XX:+PrintFlagsFinal -version");
        pb.environment().put("JARL_AOT", "off"); // the AOT cache has its own test (LauncherAotTest)
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.lines().anyMatch(l -> l.matches("\\s*bool ExitOnOutOfMemoryError\\s+= true .*")),
                "the launcher's JVM does not exit on OutOfMemoryError:\n"
                        + out.lines().filter(l -> l.contains("OutOfMemory")).toList());
    }
}
