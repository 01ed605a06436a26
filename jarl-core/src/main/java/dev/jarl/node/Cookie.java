/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

import dev.jarl.handshake.Secret;

/**
 * The magic cookie two nodes share: a secret that never travels, proven with challenges.
 *
 * <p>The digest for a challenge is {@code MD5(cookie ++ decimal(challenge))} with the
 * challenge printed as an <em>unsigned</em> 32-bit number, as OTP's
 * {@code dist_util:gen_digest/2} computes it from the cookie atom's characters. Because OTP
 * hashes those characters as bytes, a cookie must be Latin-1 text.
 *
 * <p>Where a cookie comes from: {@link #of(String)} (text the application holds),
 * {@link #fromEnvironment(String)} (a variable such as {@code RELEASE_COOKIE}, as Elixir
 * releases use), or {@link CookieFile} (a file, and the files {@code erl} reads). Each cookie
 * remembers a description of its {@link #source()}, never its text, so an error can say which
 * cookie was used: "the cookies differ (ours came from file /home/app/.erlang.cookie)".
 *
 * <p>{@link #toString()} never shows the text, so a cookie that reaches a log by mistake
 * stays secret. Instances are immutable and thread-safe.
 */
public final class Cookie {

    private final byte[] text;
    private final String source;

    private Cookie(byte[] text, String source) {
        this.text = text;
        this.source = source;
    }

    /**
     * A cookie with the given text; its {@linkplain #source() source} reads
     * {@code "Cookie.of"}.
     *
     * @throws IllegalArgumentException when the text is empty or has a character outside
     *                                  Latin-1 (the message does not show the text)
     */
    public static Cookie of(String text) {
        return of(text, "Cookie.of");
    }

    /**
     * A cookie with the given text and a description of where it came from, for messages
     * (for example {@code "--cookie"} or {@code "the vault entry node/cookie"}). The
     * description must not contain the cookie.
     *
     * @throws IllegalArgumentException when the text is empty or has a character outside
     *                                  Latin-1 (the message does not show the text), or the
     *                                  source is blank
     */
    public static Cookie of(String text, String source) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(source, "source");
        if (source.isBlank()) {
            throw new IllegalArgumentException("cookie source: blank (expected: a description such as \"--cookie\")");
        }
        if (text.isEmpty()) {
            throw new IllegalArgumentException("cookie from " + source + ": empty (expected: at least one character)");
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xFF) {
                throw new IllegalArgumentException("cookie from " + source + ": character at index " + i
                        + " is outside Latin-1 (expected: Latin-1 text, as OTP hashes it as bytes)");
            }
        }
        return new Cookie(text.getBytes(StandardCharsets.ISO_8859_1), source);
    }

    /**
     * The cookie in the environment variable {@code variable}, taken as it is (Elixir
     * releases pass {@code RELEASE_COOKIE} to {@code -setcookie} unchanged). Its
     * {@linkplain #source() source} reads {@code "environment variable NAME"}.
     *
     * @throws IllegalArgumentException when the variable is not set or empty, or holds a
     *                                  character outside Latin-1; the message names the
     *                                  variable, never its value
     */
    public static Cookie fromEnvironment(String variable) {
        return fromEnvironment(variable, System::getenv);
    }

    /** {@link #fromEnvironment(String)} reading variables through {@code env} (tests). */
    static Cookie fromEnvironment(String variable, java.util.function.UnaryOperator<String> env) {
        Objects.requireNonNull(variable, "variable");
        String value = env.apply(variable);
        String source = "environment variable " + variable;
        if (value == null) {
            throw new IllegalArgumentException(source + ": not set (expected: the distribution cookie)");
        }
        return of(value, source);
    }

    /**
     * Where this cookie came from, for messages: {@code "Cookie.of"}, {@code "--cookie"},
     * {@code "file /home/app/.erlang.cookie"}, {@code "environment variable RELEASE_COOKIE"}.
     * Never the cookie itself.
     */
    public String source() {
        return source;
    }

    /** The 16-byte digest proving knowledge of this cookie for {@code challenge}. */
    public byte[] digest(int challenge) {
        MessageDigest md5 = md5();
        md5.update(text);
        md5.update(Integer.toUnsignedString(challenge).getBytes(StandardCharsets.US_ASCII));
        return md5.digest();
    }

    /** True when {@code digest} is this cookie's digest for {@code challenge}; constant time. */
    public boolean matches(int challenge, byte[] digest) {
        return MessageDigest.isEqual(digest(challenge), digest);
    }

    /** This cookie as the handshake takes it. */
    Secret secret() {
        Cookie cookie = this;
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

            @Override
            public String toString() {
                return cookie.toString();
            }
        };
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }

    /** {@code Cookie[redacted, from SOURCE]}: the source, never the text. */
    @Override
    public String toString() {
        return "Cookie[redacted, from " + source + "]";
    }
}
