/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import dev.jarl.handshake.Cookie;

/**
 * {@code ~/.erlang.cookie}, read as {@code erl} reads it and created as {@code erl} creates
 * it when missing: 20 random upper-case letters, readable by the owner only (mode 0400).
 */
final class CookieFile {

    private CookieFile() {
    }

    static Path path() {
        return Path.of(System.getProperty("user.home"), ".erlang.cookie");
    }

    static Cookie readOrCreate() {
        return readOrCreate(path());
    }

    /**
     * The cookie in {@code file}, created first when missing, read and checked as
     * {@link Cookie#fromFile} does (a regular file only its owner may access, as erl requires).
     */
    static Cookie readOrCreate(Path file) {
        try {
            if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                create(file);
            }
            return Cookie.fromFile(file);
        } catch (IOException e) {
            throw new CliException(e.getMessage() + " (--cookie COOKIE)");
        }
    }

    private static void create(Path file) throws IOException {
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder(20);
        for (int i = 0; i < 20; i++) {
            sb.append((char) ('A' + random.nextInt(26)));
        }
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--------")));
        } catch (FileAlreadyExistsException raced) {
            return;
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(file);
        }
        try {
            // the file is read-only for its owner now, as erl leaves it; write through a copy
            Path tmp = Files.createTempFile(file.getParent(), ".erlang.cookie", ".tmp");
            Files.writeString(tmp, sb, StandardCharsets.ISO_8859_1);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r--------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: keep the default mode
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
