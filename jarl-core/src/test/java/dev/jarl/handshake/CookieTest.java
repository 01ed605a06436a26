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
            assertArrayEquals(Cookie.of("HOMECOOKIE").digest(42), Cookie.fromHomeFile().digest(42));
        } finally {
            System.setProperty("user.home", saved);
        }
    }
}
