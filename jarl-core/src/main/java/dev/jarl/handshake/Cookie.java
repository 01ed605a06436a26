/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

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
     * The cookie in {@code ~/.erlang.cookie} (the {@code user.home} directory), read as
     * {@link #fromFile(Path)} reads a file. Does not create the file.
     *
     * @throws IOException when the file is missing, unreadable, or open to others; the
     *                     message names the file
     */
    public static Cookie fromHomeFile() throws IOException {
        return fromFile(Path.of(System.getProperty("user.home"), ".erlang.cookie"));
    }

    /**
     * The cookie in {@code file}, trailing white space removed, as {@code erl}'s {@code auth}
     * reads it, and refused where {@code auth} refuses it: a file that is not a regular file
     * (after symbolic links), or, on a POSIX file system, one with any permission bit for
     * group or others ({@code mode & 077 != 0}), since anyone who reads the cookie may join
     * the cluster and run code on every node of it. The message names the file and the fix.
     *
     * @throws IOException when the file is missing, unreadable, not a regular file, open to
     *                     group or others, or empty
     */
    public static Cookie fromFile(Path file) throws IOException {
        checkPrivate(file);
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

    /** Refuses {@code file} unless it is a regular file only its owner may access. */
    private static void checkPrivate(Path file) throws IOException {
        BasicFileAttributes attributes;
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        try {
            attributes = posix ? Files.readAttributes(file, PosixFileAttributes.class)
                    : Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new IOException("cookie file " + file + ": cannot read (" + e + ")", e);
        }
        if (!attributes.isRegularFile()) {
            String type = attributes.isDirectory() ? "a directory" : attributes.isOther() ? "a special file" : "not a regular file";
            throw new IOException("cookie file " + file + " is " + type + " (expected: a regular file holding the cookie)");
        }
        if (attributes instanceof PosixFileAttributes p) {
            Set<PosixFilePermission> open = EnumSet.copyOf(p.permissions());
            open.retainAll(GROUP_OR_OTHERS);
            if (!open.isEmpty()) {
                throw new IOException("cookie file " + file + " must be accessible by its owner only (mode "
                        + PosixFilePermissions.toString(p.permissions()) + "; expected: no permission for group or others),"
                        + " as erl requires: run chmod 400 " + file + ", or give the cookie another way");
            }
        }
    }

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

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
