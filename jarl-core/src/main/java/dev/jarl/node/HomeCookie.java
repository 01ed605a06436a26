/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import dev.jarl.handshake.Cookie;

/**
 * {@code ~/.erlang.cookie}, read as {@code erl} reads it and created as {@code erl} creates
 * it when missing: 20 random upper-case letters, readable by the owner only (mode 0400).
 */
final class HomeCookie {

    private static final Logger LOG = System.getLogger(HomeCookie.class.getName());

    private HomeCookie() {
    }

    static Cookie load() throws IOException {
        return load(Path.of(System.getProperty("user.home"), ".erlang.cookie"));
    }

    /**
     * The cookie in {@code file}, created first when missing; refused, as {@code erl} refuses
     * it, when it is not a regular file or group or others may access it
     * ({@link Cookie#fromFile}).
     */
    static Cookie load(Path file) throws IOException {
        if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            create(file);
        }
        try {
            return Cookie.fromFile(file);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + " (NodeConfig.Builder.cookie)", e);
        }
    }

    private static void create(Path file) throws IOException {
        SecureRandom random = new SecureRandom();
        StringBuilder text = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            text.append((char) ('A' + random.nextInt(26)));
        }
        byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
        try {
            if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                Files.write(file, bytes, StandardOpenOption.TRUNCATE_EXISTING);
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
            } else {
                Files.write(file, bytes, StandardOpenOption.CREATE_NEW);
            }
            LOG.log(Level.INFO, "created cookie file {0}", file);
        } catch (FileAlreadyExistsException raced) {
            // another process created it first; read theirs
        }
    }
}
