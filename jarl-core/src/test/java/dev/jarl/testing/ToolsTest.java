/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** Tools are found by running them: what a file on the PATH cannot tell. Needs no Erlang. */
class ToolsTest {

    @TempDir
    Path dir;

    @Test
    void aMissingProgramDoesNotRun() {
        Tools.Probe p = Tools.probe(List.of(dir.resolve("nosuch").toString(), "--version"));
        assertFalse(p.ran());
        assertTrue(p.failure().contains("No such file or directory"), p.failure());
    }

    @Test
    void aDanglingLinkIsThereButDoesNotRun() throws IOException {
        // as /usr/bin/erl is when /usr/lib/erlang is gone
        Path link = Files.createSymbolicLink(dir.resolve("erl"), dir.resolve("gone/bin/erl"));
        assertTrue(Files.isSymbolicLink(link));
        Tools.Probe p = Tools.probe(List.of(link.toString()));
        assertFalse(p.ran());
        assertFalse(Tools.runs(List.of(link.toString())));
    }

    @Test
    void aScriptThatFailsWhenRunIsNotAWorkingTool() throws IOException {
        // as /usr/bin/elixir is when Erlang is gone: present, executable, failing
        Path script = dir.resolve("elixir");
        Files.writeString(script, "#!/bin/sh\necho 'erl: not found' >&2\nexit 3\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertTrue(Files.isExecutable(script));
        List<String> cmd = List.of(script.toString(), "--version");
        Tools.Probe p = Tools.probe(cmd);
        assertTrue(p.ran());
        assertEquals(3, p.exitCode());
        assertTrue(p.output().contains("erl: not found"), p.output());
        assertFalse(Tools.runs(cmd));
        assertSame(p, Tools.probe(cmd), "probed once per JVM");

        // skipped with the banner, the tool and the reason; a failure instead under CI
        Throwable t = assertThrows(Throwable.class,
                () -> Tools.require("SOME TEST NOT RUN", "elixir", cmd, "install it"));
        Class<? extends Throwable> expected = "true".equals(System.getenv("CI")) ? AssertionFailedError.class
                : TestAbortedException.class;
        assertInstanceOf(expected, t);
        assertTrue(t.getMessage().startsWith("SOME TEST NOT RUN: elixir does not run ("), t.getMessage());
        assertTrue(t.getMessage().contains("exited 3: erl: not found); install it"), t.getMessage());
    }

    @Test
    void aWorkingToolPasses() {
        assertTrue(Tools.runs(List.of("/bin/sh", "-c", "exit 0")));
        Tools.require("SOME TEST NOT RUN", "sh", List.of("/bin/sh", "-c", "echo fine"), p -> p.output().contains("fine"),
                "install a shell");
    }

    @Test
    void elixirRunsWhereItIsInstalled() {
        Otp.requireElixir();
        Tools.Probe p = Tools.probe(List.of("elixir", "--version"));
        assertTrue(p.output().contains("Elixir "), p.output());
    }
}
