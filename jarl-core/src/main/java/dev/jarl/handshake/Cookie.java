/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The magic cookie two nodes share: a secret that never travels, proven with challenges.
 *
 * <p>The digest for a challenge is {@code MD5(cookie ++ decimal(challenge))} with the
 * challenge printed as an <em>unsigned</em> 32-bit number, as OTP's
 * {@code dist_util:gen_digest/2} computes it from the cookie atom's characters. Because OTP
 * hashes those characters as bytes, a cookie must be Latin-1 text.
 *
 * <p>{@link #toString()} never shows the text, so a cookie that reaches a log by mistake
 * stays secret. Instances are immutable and thread-safe.
 */
public final class Cookie {

    private final byte[] text;

    private Cookie(byte[] text) {
        this.text = text;
    }

    /**
     * A cookie with the given text.
     *
     * @throws IllegalArgumentException when the text is empty or has a character outside
     *                                  Latin-1 (the message does not show the text)
     */
    public static Cookie of(String text) {
        Objects.requireNonNull(text, "text");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("cookie: empty (expected: at least one character)");
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) > 0xFF) {
                throw new IllegalArgumentException("cookie: character at index " + i
                        + " is outside Latin-1 (expected: Latin-1 text, as OTP hashes it as bytes)");
            }
        }
        return new Cookie(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /**
     * The cookie in {@code ~/.erlang.cookie} (the {@code user.home} directory), trailing
     * white space removed, as {@code erl} reads it. Does not create the file.
     *
     * @throws IOException when the file is missing or unreadable; the message names the file
     */
    public static Cookie fromHomeFile() throws IOException {
        Path file = Path.of(System.getProperty("user.home"), ".erlang.cookie");
        String content;
        try {
            content = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IOException("cookie file " + file + ": cannot read (" + e + ")", e);
        }
        String stripped = content.stripTrailing();
        if (stripped.isEmpty()) {
            throw new IOException("cookie file " + file + ": empty");
        }
        return of(stripped);
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

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every Java platform", e);
        }
    }

    /** Always {@code Cookie[redacted]}. */
    @Override
    public String toString() {
        return "Cookie[redacted]";
    }
}
