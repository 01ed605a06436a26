/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Review finding 12 for a node started without a cookie: the home cookie file is checked as erl checks it. */
class HomeCookieTest {

    @Test
    void createdPrivateAndRefusedOnceOthersMayReadIt(@TempDir Path home) throws Exception {
        Path file = home.resolve(".erlang.cookie");
        HomeCookie.load(file);
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r-----"));
        IOException e = assertThrows(IOException.class, () -> HomeCookie.load(file));
        assertTrue(e.getMessage().startsWith("cookie file " + file + " must be accessible by its owner only"),
                e.getMessage());
        assertTrue(e.getMessage().contains("chmod 400 " + file) && e.getMessage().endsWith("(NodeConfig.Builder.cookie)"),
                e.getMessage());
    }
}
