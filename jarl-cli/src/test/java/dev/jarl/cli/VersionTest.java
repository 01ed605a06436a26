/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** {@code jarl --version} says the version the build gave the artifact, not a literal in the code. */
class VersionTest {

    @Test
    void versionComesFromTheBuild() {
        String expected = System.getProperty("jarl.expected.version");
        assertNotNull(expected, "Surefire passes the POM's version as jarl.expected.version");
        for (String flag : List.of("--version", "-V")) {
            JarlProcess p = JarlProcess.run(Map.of(), Duration.ofSeconds(30), flag);
            assertEquals(0, p.exitCode(), p.stderr());
            List<String> lines = p.stdout().lines().toList();
            assertEquals("jarl " + expected, lines.get(0), p.stdout());
            assertTrue(lines.get(1).startsWith("Java " + Runtime.version().feature()), p.stdout());
        }
    }
}
