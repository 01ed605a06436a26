/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/** Cookie files read and created as {@code erl} reads and creates them, checked against a real {@code erl}. */
class CookieFileTest {

    @TempDir
    Path dir;

    private Path write(String name, byte[] content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        return file;
    }

    private static byte[] digest(Cookie c) {
        return c.digest(42);
    }

    @Test
    void trailingLineEndsAndSpacesAfterThemAreDropped() throws Exception {
        assertArrayEquals(digest(Cookie.of("ABCDEF")), digest(CookieFile.read(write("a", "ABCDEF\n".getBytes()))));
        assertArrayEquals(digest(Cookie.of("ABC")), digest(CookieFile.read(write("b", "ABC\r\n  \n".getBytes()))));
        // erl keeps spaces that come before the first line end: they are printable
        assertArrayEquals(digest(Cookie.of("ABC DEF ")), digest(CookieFile.read(write("c", "ABC DEF \n".getBytes()))));
        Cookie c = CookieFile.read(write("d", "XYZ".getBytes()));
        assertEquals("file " + dir.resolve("d"), c.source());
    }

    @Test
    void whatErlRefusesIsRefusedNamingTheFileAndTheOffset() throws Exception {
        Path tab = write("tab", "ABC\tDEF".getBytes());
        IOException e = assertThrows(IOException.class, () -> CookieFile.read(tab));
        assertEquals("cookie file " + tab + ": byte 0x09 at offset 3 (expected: printable ASCII, then only line ends "
                + "or spaces, as erl reads it)", e.getMessage());
        Path twoLines = write("two", "ABC\nDEF".getBytes());
        assertTrue(assertThrows(IOException.class, () -> CookieFile.read(twoLines)).getMessage().contains("0x44 at offset 4"));
        Path latin1 = write("latin1", "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(assertThrows(IOException.class, () -> CookieFile.read(latin1)).getMessage().contains("0xe9 at offset 3"));
        for (String empty : List.of("", "\n", "\r\n ")) {
            Path file = write("empty" + empty.length(), empty.getBytes());
            IOException x = assertThrows(IOException.class, () -> CookieFile.read(file));
            assertTrue(x.getMessage().startsWith("cookie file " + file + ": "), x.getMessage());
        }
        IOException missing = assertThrows(IOException.class, () -> CookieFile.read(dir.resolve("none")));
        assertEquals("cookie file " + dir.resolve("none") + ": no such file", missing.getMessage());
        IOException directory = assertThrows(IOException.class, () -> CookieFile.read(dir));
        assertTrue(directory.getMessage().contains("not a regular file"), directory.getMessage());
        Path huge = dir.resolve("huge");
        Files.write(huge, new byte[(int) CookieFile.MAX_SIZE + 1]);
        assertTrue(assertThrows(IOException.class, () -> CookieFile.read(huge)).getMessage().contains("bytes (expected: at most"));
    }

    @Test
    void theDefaultFilesAreErlsInErlsOrder() {
        assertEquals(List.of(Path.of("/home/u/.erlang.cookie"), Path.of("/home/u/.config/erlang/.erlang.cookie")),
                CookieFile.defaultFiles(Map.of("HOME", "/home/u")::get));
        assertEquals(List.of(Path.of("/home/u/.erlang.cookie"), Path.of("/xdg/erlang/.erlang.cookie")),
                CookieFile.defaultFiles(Map.of("HOME", "/home/u", "XDG_CONFIG_HOME", "/xdg")::get));
        assertEquals(Path.of(System.getProperty("user.home"), ".erlang.cookie"),
                CookieFile.defaultFiles(Map.<String, String>of()::get).get(0));
    }

    @Test
    void theHomeFileWinsThenTheXdgFileThenANewHomeFile() throws Exception {
        Path home = dir.resolve("home/.erlang.cookie");
        Path xdg = dir.resolve("config/erlang/.erlang.cookie");
        List<Path> files = List.of(home, xdg);
        write("config/erlang/.erlang.cookie", "XDGCOOKIE\n".getBytes());
        Cookie fromXdg = CookieFile.readOrCreate(files);
        assertEquals("file " + xdg, fromXdg.source());
        write("home/.erlang.cookie", "HOMECOOKIE\n".getBytes());
        assertEquals("file " + home, CookieFile.readOrCreate(files).source());

        Path fresh = dir.resolve("fresh/.erlang.cookie");
        Files.createDirectories(fresh.getParent());
        Cookie created = CookieFile.readOrCreate(List.of(fresh, dir.resolve("fresh/none")));
        assertEquals("file " + fresh, created.source());
        String text = Files.readString(fresh);
        assertTrue(text.matches("[A-Z]{20}"), text);
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        assertArrayEquals(digest(Cookie.of(text)), digest(created));
        try (var left = Files.list(fresh.getParent())) {
            assertEquals(List.of(fresh), left.toList(), "the temporary file stayed");
        }
        assertFalse(CookieFile.create(fresh), "an existing file was replaced");
        assertEquals(text, Files.readString(fresh));
    }

    @Test
    void processesRacingToCreateAllReadTheSameCookie() throws Exception {
        Path file = dir.resolve("race/.erlang.cookie");
        Files.createDirectories(file.getParent());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<byte[]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Callable<byte[]> load = () -> digest(CookieFile.readOrCreate(List.of(file)));
                results.add(pool.submit(load));
            }
            byte[] first = results.get(0).get(10, TimeUnit.SECONDS);
            for (Future<byte[]> f : results) {
                assertArrayEquals(first, f.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The same files given to a real {@code erl} (through {@code HOME}): where erl starts
     * distribution, its cookie has Jarl's digest; where erl refuses the file, so does Jarl.
     */
    @Test
    @Tag("interop")
    void erlReadsEachFileAsJarlDoes() throws Exception {
        Otp.requireErl();
        Map<String, byte[]> contents = Map.of(
                "plain", "ABCDEF\n".getBytes(),
                "spaces", "ABC DEF \n".getBytes(),
                "crlf", "ABC\r\n  \n".getBytes(),
                "tab", "ABC\tDEF".getBytes(),
                "twolines", "ABC\nDEF".getBytes(),
                "latin1", "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1),
                "empty", new byte[0],
                "newline", "\n".getBytes(),
                "space", " \n".getBytes());
        try (RealEpmd epmd = RealEpmd.start()) {
            for (Map.Entry<String, byte[]> c : contents.entrySet()) {
                Path home = dir.resolve("erl-" + c.getKey());
                Path file = write("erl-" + c.getKey() + "/.erlang.cookie", c.getValue());
                String erl = erlCookieDigest(home, null, epmd.port());
                String jarl;
                try {
                    jarl = HexFormat.of().formatHex(digest(CookieFile.read(file))).toUpperCase(java.util.Locale.ROOT);
                } catch (IOException refused) {
                    jarl = "refused";
                }
                assertEquals(erl, jarl, c.getKey() + ": erl and Jarl read the cookie file differently");
            }
            // no home file: both take $XDG_CONFIG_HOME/erlang/.erlang.cookie
            Path xdg = write("xdg-config/erlang/.erlang.cookie", "FROMXDG\n".getBytes());
            Path emptyHome = Files.createDirectories(dir.resolve("xdg-home"));
            List<Path> files = CookieFile.defaultFiles(Map.of("HOME", emptyHome.toString(),
                    "XDG_CONFIG_HOME", dir.resolve("xdg-config").toString())::get);
            assertEquals(xdg, files.get(1));
            Cookie jarl = CookieFile.readOrCreate(files);
            assertEquals("file " + xdg, jarl.source());
            assertEquals(erlCookieDigest(emptyHome, dir.resolve("xdg-config"), epmd.port()),
                    HexFormat.of().formatHex(digest(jarl)).toUpperCase(java.util.Locale.ROOT));
            assertFalse(Files.exists(emptyHome.resolve(".erlang.cookie")), "a home file was created beside the XDG one");
        }
    }

    /**
     * Starts distribution in an erl with {@code HOME} (and {@code XDG_CONFIG_HOME}, when not
     * null) set; the cookie's digest for 42, or "refused".
     */
    private static String erlCookieDigest(Path home, Path xdgConfigHome, int epmdPort) throws Exception {
        List<String> cmd = Otp.command("erl");
        cmd.addAll(List.of("-noshell", "-noinput", "-start_epmd", "false", "-eval",
                "R = case net_kernel:start([" + Otp.uniqueName("ck") + ", shortnames]) of "
                        + "{ok, _} -> binary:encode_hex(erlang:md5([atom_to_list(erlang:get_cookie()), \"42\"])); "
                        + "_ -> <<\"refused\">> end, io:format(\"#~s#~n\", [R]), erlang:halt(0)."));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("ERL_EPMD_PORT", Integer.toString(epmdPort));
        if (xdgConfigHome == null) {
            pb.environment().remove("XDG_CONFIG_HOME");
        } else {
            pb.environment().put("XDG_CONFIG_HOME", xdgConfigHome.toString());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "erl did not finish");
        int start = out.indexOf('#');
        int end = out.indexOf('#', start + 1);
        assertTrue(start >= 0 && end > start, "no result from erl:\n" + out);
        return out.substring(start + 1, end);
    }
}
