/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The addresses TCP sockets listen on, read back from the kernel's tables
 * ({@code /proc/net/tcp}, {@code /proc/net/tcp6}): what a test checks to prove that what it
 * started listens on loopback only (the house rule for network tests).
 */
public final class ListeningSockets {

    /** ::1 as /proc/net/tcp6 prints it. */
    private static final String IPV6_LOOPBACK = "00000000000000000000000001000000";
    /** The prefix of an IPv4-mapped address in /proc/net/tcp6. */
    private static final String IPV4_MAPPED = "0000000000000000FFFF0000";

    private ListeningSockets() {
    }

    /**
     * The local addresses of the sockets listening on {@code port}: {@code 127.0.0.1} for
     * 127.0.0.0/8 (plain or IPv4-mapped), {@code ::1}, else the kernel's hex form (e.g.
     * {@code 00000000} for every IPv4 address). Fails when none listens there.
     */
    public static List<String> on(int port) throws IOException {
        String hexPort = String.format(Locale.ROOT, "%04X", port);
        List<String> found = listening(row -> row[1].endsWith(":" + hexPort));
        assertFalse(found.isEmpty(), "no socket listens on port " + port);
        return found;
    }

    /**
     * The local addresses of the TCP sockets that process {@code pid} (Linux) holds open in
     * the listening state, named as {@link #on} names them; for a process whose ports a test
     * cannot know. Empty when it listens on none.
     */
    public static List<String> ofProcess(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closedMeanwhile) {
                    continue;
                }
                if (target.startsWith("socket:[")) {
                    inodes.add(target.substring("socket:[".length(), target.length() - 1));
                }
            }
        }
        return listening(row -> row.length > 9 && inodes.contains(row[9])); // 9: the inode
    }

    /** True when every socket listening on {@code port} is on a loopback address. */
    public static boolean loopbackOnly(List<String> addresses) {
        return addresses.stream().allMatch(a -> a.equals("127.0.0.1") || a.equals("::1"));
    }

    /** The named local addresses of the rows of the kernel's TCP tables in LISTEN that {@code which} accepts. */
    private static List<String> listening(Predicate<String[]> which) throws IOException {
        List<String> found = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] row = line.trim().split("\\s+");
                if (row.length >= 4 && row[3].equals("0A") && which.test(row)) { // 0A: LISTEN
                    found.add(named(row[1].substring(0, row[1].indexOf(':'))));
                }
            }
        }
        return found;
    }

    private static String named(String hex) {
        String v4 = hex.length() == 8 ? hex : hex.startsWith(IPV4_MAPPED) ? hex.substring(IPV4_MAPPED.length()) : null;
        if (v4 != null) {
            // little-endian: the first octet is the last byte
            return v4.endsWith("7F") ? "127.0.0.1" : hex;
        }
        return hex.equals(IPV6_LOOPBACK) ? "::1" : hex;
    }
}
