/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Map;

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
        assertEquals("Cookie[redacted, from Cookie.of]", Cookie.of("secret-cookie").toString());
        assertEquals("Cookie[redacted, from --cookie]", Cookie.of("secret-cookie", "--cookie").toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Cookie.of("s\u20ACcret"));
        assertFalse(e.getMessage().contains("cret"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Cookie.of(""));
    }

    @Test
    void anEnvironmentVariableIsTakenAsItIsAndNamedAsTheSource() {
        Map<String, String> env = Map.of("RELEASE_COOKIE", "release-secret ", "EMPTY", "");
        Cookie c = Cookie.fromEnvironment("RELEASE_COOKIE", env::get);
        assertArrayEquals(Cookie.of("release-secret ").digest(7), c.digest(7));
        assertEquals("environment variable RELEASE_COOKIE", c.source());

        IllegalArgumentException unset = assertThrows(IllegalArgumentException.class,
                () -> Cookie.fromEnvironment("MY_COOKIE", env::get));
        assertEquals("environment variable MY_COOKIE: not set (expected: the distribution cookie)", unset.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> Cookie.fromEnvironment("EMPTY", env::get));
        assertEquals("cookie from environment variable EMPTY: empty (expected: at least one character)", empty.getMessage());
    }
}
