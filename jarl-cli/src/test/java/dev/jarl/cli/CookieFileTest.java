/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Review finding 12 for the command line's cookie file: created private, refused when open to others. */
class CookieFileTest {

    @Test
    void aMissingCookieFileIsCreatedReadableByItsOwnerOnly(@TempDir Path home) throws Exception {
        Path file = home.resolve(".erlang.cookie");
        CookieFile.readOrCreate(file);
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(Files.readString(file).matches("[A-Z]{20}"));
    }

    @Test
    void aCookieFileOthersMayReadIsRefusedNamingTheFileAndTheFix(@TempDir Path home) throws Exception {
        Path file = home.resolve(".erlang.cookie");
        Files.writeString(file, "OPENCOOKIE");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        CliException e = assertThrows(CliException.class, () -> CookieFile.readOrCreate(file));
        assertTrue(e.getMessage().contains("cookie file " + file + " must be accessible by its owner only"), e.getMessage());
        assertTrue(e.getMessage().contains("chmod 400 " + file), e.getMessage());
        assertTrue(e.getMessage().endsWith("(--cookie COOKIE)"), e.getMessage());
        assertTrue(!e.getMessage().contains("OPENCOOKIE"));
    }
}
