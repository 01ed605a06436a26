/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jarl.testing.Otp;
import dev.jarl.testing.ReleaseMatrix;

/**
 * Review finding 12 for the command line: every cookie file {@code jarl} reads (the home
 * file, the XDG file, {@code --cookie-file}) is refused in one line, naming the file and the
 * fix, when group or others may access it; the file it creates is 0400. No Erlang needed: the
 * cookie is read before anything is dialed.
 */
class CookieFileCliTest {

    private static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private Map<String, String> env;
    private Path home;

    @BeforeEach
    void isolatedHome() throws Exception {
        ReleaseMatrix.notReleaseSpecific(); // no Erlang involved
        home = Files.createDirectories(dir.resolve("home"));
        env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
        env.put("ERL_EPMD_PORT", Integer.toString(Otp.freePort())); // nothing listens there: the ping fails fast
    }

    private Path write(Path file, String mode) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "SECRETCOOKIE\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    /** {@code jarl ping OPTIONS} refuses {@code file}, whose mode is {@code mode}, in one line that never shows the cookie. */
    private void assertRefused(Path file, String mode, String... options) {
        JarlProcess p = ping(options);
        assertEquals(1, p.exitCode());
        assertEquals("jarl ping: cookie file " + file + ": mode " + mode + " lets group or others access it (expected: "
                + "accessible by its owner only, as erl requires); run chmod 400 " + file + ", or give the cookie "
                + "another way: jarl --cookie, or an environment variable through NodeConfig.Builder.cookieFromEnvironment",
                p.stderr().strip());
        assertFalse(p.stderr().contains("SECRETCOOKIE"));
    }

    private JarlProcess ping(String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "ping";
        System.arraycopy(options, 0, args, 1, options.length);
        args[args.length - 1] = "nobody@localhost";
        return JarlProcess.run(env, LIMIT, args);
    }

    @Test
    void aMissingHomeCookieIsCreatedReadableByItsOwnerOnly() throws Exception {
        JarlProcess p = ping();
        assertEquals("pang", p.stdout().strip(), p.stderr());
        Path file = home.resolve(".erlang.cookie");
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).matches("[A-Z]{20}"));
    }

    @Test
    void aHomeCookieOthersMayReadIsRefusedInOneLine() throws Exception {
        assertRefused(write(home.resolve(".erlang.cookie"), "rw-r--r--"), "0644 (rw-r--r--)");
    }

    @Test
    void anXdgCookieTheGroupMayReadIsRefusedAndNoHomeFileAppears() throws Exception {
        assertRefused(write(dir.resolve("config/erlang/.erlang.cookie"), "r--r-----"), "0440 (r--r-----)");
        assertFalse(Files.exists(home.resolve(".erlang.cookie")));
    }

    @Test
    void aCookieFileOthersMayWriteIsRefusedAndAPrivateOneIsRead() throws Exception {
        Path file = write(dir.resolve("cookie"), "r------w-");
        assertRefused(file, "0402 (r------w-)", "--cookie-file", file.toString());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        JarlProcess read = ping("--cookie-file", file.toString());
        assertEquals("pang", read.stdout().strip(), read.stderr());
    }
}
