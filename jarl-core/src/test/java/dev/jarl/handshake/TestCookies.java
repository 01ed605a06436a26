/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import dev.jarl.node.Cookie;

/** Cookies for tests that drive the handshake directly: the node's {@link Cookie}, as a {@link Secret}. */
public final class TestCookies {

    private TestCookies() {
    }

    /** {@link Cookie#of(String)} as the handshake takes it. */
    public static Secret of(String text) {
        return secret(Cookie.of(text));
    }

    /** {@link Cookie#of(String, String)} as the handshake takes it. */
    public static Secret of(String text, String source) {
        return secret(Cookie.of(text, source));
    }

    /** {@code cookie} as the handshake takes it. */
    public static Secret secret(Cookie cookie) {
        return new Secret() {
            @Override
            public byte[] digest(int challenge) {
                return cookie.digest(challenge);
            }

            @Override
            public boolean matches(int challenge, byte[] digest) {
                return cookie.matches(challenge, digest);
            }

            @Override
            public String source() {
                return cookie.source();
            }
        };
    }
}
