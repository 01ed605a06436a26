/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class CookieTest {

    /** Vectors from OTP 25: {@code erlang:md5([Cookie | integer_to_list(Challenge)])}. */
    @Test
    void digestMatchesOtpWithUnsignedChallenge() {
        assertArrayEquals(HexFormat.of().parseHex("8be27731bf161a62aa06afb14962e8f9"), Cookie.of("jarltest").digest(-1));
        assertArrayEquals(HexFormat.of().parseHex("d6b0ab7f1c8ab8f514db9a6d85de160a"), Cookie.of("abc").digest(12345));
    }

    @Test
    void matchesOnlyTheRightDigest() {
        Cookie c = Cookie.of("abc");
        assertTrue(c.matches(12345, c.digest(12345)));
        assertFalse(c.matches(12346, c.digest(12345)));
        assertFalse(Cookie.of("abd").matches(12345, c.digest(12345)));
        assertFalse(c.matches(12345, new byte[3]));
    }

    @Test
    void neverShowsItsText() {
        assertEquals("Cookie[redacted]", Cookie.of("secret-cookie").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cookie.of("s\u20ACcret"));
        assertFalse(e.getMessage().contains("cret"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cookie.of(""));
    }

    @Test
    void homeFileIsReadWithTrailingWhiteSpaceRemoved(@org.junit.jupiter.api.io.TempDir java.nio.file.Path home) throws Exception {
        String saved = System.getProperty("user.home");
        System.setProperty("user.home", home.toString());
        try {
            java.io.IOException missing = assertThrows(java.io.IOException.class, Cookie::fromHomeFile);
            assertTrue(missing.getMessage().contains(".erlang.cookie"), missing.getMessage());
            assertFalse(java.nio.file.Files.exists(home.resolve(".erlang.cookie")), "fromHomeFile created the file");
            java.nio.file.Files.writeString(home.resolve(".erlang.cookie"), "HOMECOOKIE\n");
            java.nio.file.Files.setPosixFilePermissions(home.resolve(".erlang.cookie"),
                    java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
            assertArrayEquals(Cookie.of("HOMECOOKIE").digest(42), Cookie.fromHomeFile().digest(42));
        } finally {
            System.setProperty("user.home", saved);
        }
    }

    /**
     * Review finding 12: a cookie file group or others may access, or one that is not a
     * regular file, is refused as erl's auth refuses it, with the file and the fix named.
     */
    @Test
    void aCookieFileOpenToOthersOrNotRegularIsRefused(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path file = dir.resolve("cookie");
        java.nio.file.Files.writeString(file, "SECRETCOOKIE\n");
        for (String mode : java.util.List.of("rw-r--r--", "r---w----", "r-----r--", "rw----rw-", "r----x---")) {
            java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> Cookie.fromFile(file), mode);
            assertTrue(e.getMessage().startsWith("cookie file " + file + " must be accessible by its owner only (mode "
                    + mode), e.getMessage());
            assertTrue(e.getMessage().contains("chmod 400 " + file), e.getMessage());
            assertFalse(e.getMessage().contains("SECRETCOOKIE"), e.getMessage());
        }
        for (String mode : java.util.List.of("r--------", "rw-------")) {
            java.nio.file.Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString(mode));
            assertArrayEquals(Cookie.of("SECRETCOOKIE").digest(7), Cookie.fromFile(file).digest(7), mode);
        }
        // a link to a private regular file is read, as erl reads it (it follows links)
        java.nio.file.Path link = java.nio.file.Files.createSymbolicLink(dir.resolve("link"), file);
        assertArrayEquals(Cookie.of("SECRETCOOKIE").digest(7), Cookie.fromFile(link).digest(7));
        java.io.IOException directory = assertThrows(java.io.IOException.class, () -> Cookie.fromFile(dir));
        assertEquals("cookie file " + dir + " is a directory (expected: a regular file holding the cookie)",
                directory.getMessage());
        java.io.IOException devNull = assertThrows(java.io.IOException.class,
                () -> Cookie.fromFile(java.nio.file.Path.of("/dev/null")));
        assertTrue(devNull.getMessage().contains("is a special file"), devNull.getMessage());
    }
}
