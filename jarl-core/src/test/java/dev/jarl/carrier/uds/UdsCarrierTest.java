/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.uds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.Listener;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.UdsOptions;
import dev.jarl.term.NodeName;

/** The Unix socket carrier's paths, creations and bad input; the contract suite covers the rest. */
class UdsCarrierTest {

    static final NodeName NODE = NodeName.parse("alpha@anyhost");

    @TempDir
    Path dir;

    Carrier carrier() {
        return Carriers.uds(UdsOptions.of(dir));
    }

    @Test
    void listensOnTheAlivePartAndRemovesTheSocketOnClose() throws IOException {
        try (Listener l = carrier().listen(NODE)) {
            assertEquals(dir.resolve("alpha").toString(), l.address());
            assertTrue(l.port().isEmpty(), "uds does not use EPMD");
            assertTrue(Files.exists(dir.resolve("alpha")));
        }
        assertTrue(Files.notExists(dir.resolve("alpha")));
    }

    @Test
    void creationIsDrawnAtRandomAboveThreeAsErlUdsDistOnOtp23AndLater() throws IOException {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 5; i++) {
            try (Listener l = carrier().listen(NODE)) {
                int c = l.creation().orElseThrow();
                assertTrue(Integer.toUnsignedLong(c) >= 4, Integer.toUnsignedString(c));
                seen.add(c);
            }
        }
        assertTrue(seen.size() > 1, "creations repeat: " + seen);
        assertTrue(Files.notExists(dir.resolve("alpha.uds")));
    }

    @Test
    void creationFileStepsThroughOneToThreeAsErlUdsDistBuiltWithoutDistVersion6() throws IOException {
        Carrier fileCarrier = Carriers.uds(UdsOptions.of(dir).withCreationFile(true));
        int[] seen = new int[5];
        for (int i = 0; i < seen.length; i++) {
            try (Listener l = fileCarrier.listen(NODE)) {
                seen[i] = l.creation().orElseThrow();
            }
        }
        assertEquals("[1, 2, 3, 1, 2]", java.util.Arrays.toString(seen));
        assertEquals("2", Files.readString(dir.resolve("alpha.uds")));
        Files.writeString(dir.resolve("alpha.uds"), "x");
        try (Listener l = fileCarrier.listen(NODE)) {
            assertEquals(1, l.creation().orElseThrow());
        }
    }

    @Test
    void aStaleSocketIsReplaced() throws IOException {
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(dir.resolve("alpha")));
        }
        assertTrue(Files.exists(dir.resolve("alpha")), "the JDK left the socket file behind");
        try (Listener l = carrier().listen(NODE)) {
            assertTrue(l.creation().isPresent());
        }
    }

    @Test
    void aSocketAnotherNodeListensOnIsRefused() throws IOException {
        try (Listener first = carrier().listen(NODE)) {
            assertTrue(first.creation().isPresent());
            IOException e = assertThrows(IOException.class, () -> carrier().listen(NODE));
            assertTrue(e.getMessage().contains("duplicate name") && e.getMessage().contains(dir.resolve("alpha").toString()),
                    e.getMessage());
            assertTrue(Files.exists(dir.resolve("alpha")), "the running node's socket must stay");
        }
    }

    @Test
    void aFileThatIsNotASocketIsLeftAlone() throws IOException {
        Files.writeString(dir.resolve("alpha"), "precious");
        IOException e = assertThrows(IOException.class, () -> carrier().listen(NODE));
        assertTrue(e.getMessage().contains("a regular file (expected: a Unix socket or nothing)"), e.getMessage());
        assertEquals("precious", Files.readString(dir.resolve("alpha")));
        Files.delete(dir.resolve("alpha"));
        Files.createDirectory(dir.resolve("alpha"));
        e = assertThrows(IOException.class, () -> carrier().listen(NODE));
        assertTrue(e.getMessage().contains("a directory"), e.getMessage());
    }

    @Test
    void permissionDeniedIsOneClearError() throws IOException {
        Path where;
        if ("root".equals(System.getProperty("user.name"))) {
            where = Path.of("/sys/kernel"); // root passes file modes; sysfs still refuses a socket
        } else {
            where = Files.createDirectory(dir.resolve("locked"));
            assertTrue(where.toFile().setWritable(false, false));
        }
        Carrier c = Carriers.uds(UdsOptions.of(where));
        IOException e = assertThrows(IOException.class, () -> c.listen(NODE));
        assertTrue(e.getMessage().startsWith("uds listen for alpha@anyhost at " + where.resolve("alpha")), e.getMessage());
        assertTrue(e.getMessage().matches("(?s).*(ermission denied|not permitted).*"), e.getMessage());
    }

    @Test
    void connectToANodeThatIsNotThereNamesThePath() {
        IOException e = assertThrows(IOException.class, () -> carrier().connect(NodeName.parse("beta@h"), Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains(dir.resolve("beta").toString()) && e.getMessage().contains("no such socket"),
                e.getMessage());
    }

    @Test
    void aPathTooLongForASocketIsRefused() {
        NodeName longName = NodeName.parse("n".repeat(120) + "@h");
        IOException e = assertThrows(IOException.class, () -> carrier().listen(longName));
        assertTrue(e.getMessage().contains("socket path length"), e.getMessage());
    }
    /**
     * Review finding 10: an alive part that is no plain file name (a peer's pid can carry any
     * node name) is refused before any system call, so no socket outside the directory is
     * dialed and no file outside it is touched.
     */
    @Test
    void anAlivePartThatIsNoFileNameIsRefusedBeforeAnySystemCall() throws Exception {
        Path sockets = java.nio.file.Files.createDirectory(dir.resolve("sockets"));
        Carrier c = Carriers.uds(UdsOptions.of(sockets));
        try (java.nio.channels.ServerSocketChannel trap =
                     java.nio.channels.ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            trap.bind(java.net.UnixDomainSocketAddress.of(dir.resolve("trap")));
            trap.configureBlocking(false);
            for (String alive : java.util.List.of("../trap", "a/b", dir.resolve("trap").toString(), ".", "..")) {
                NodeName peer = new NodeName(alive, "anyhost");
                assertFalse(c.select(peer), alive);
                IOException e = assertThrows(IOException.class, () -> c.connect(peer, java.time.Duration.ofSeconds(1)),
                        alive);
                assertTrue(e.getMessage().contains("(expected: a file name in " + sockets + ", not '.' or '..')"),
                        e.getMessage());
                assertThrows(IOException.class, () -> c.listen(peer), alive);
            }
            assertEquals(null, trap.accept(), "a socket outside the directory was dialed");
            assertTrue(c.select(NodeName.parse("fine.name-1@anyhost")));
            // NUL cannot reach the carrier (no node name holds a control character); refused here too
            assertThrows(IllegalArgumentException.class, () -> new NodeName("a\0b", "anyhost"));
            assertEquals("contains NUL", UdsCarrier.fileNameProblem("a\0b"));
        }
    }
}
