/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

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
        return write(name, content, "r--------");
    }

    /** {@code content} in a new file {@code name} under {@link #dir} with {@code mode} ({@code rw-r--r--}). */
    private Path write(String name, byte[] content, String mode) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    /** The refusal of {@code file} with {@code mode}: the file, the mode and the fix, never the cookie. */
    static String openToOthers(Path file, String mode) {
        return "cookie file " + file + ": mode " + mode + " lets group or others access it (expected: accessible by "
                + "its owner only, as erl requires); run chmod 400 " + file + ", or give the cookie another way: jarl "
                + "--cookie, or an environment variable through NodeConfig.Builder.cookieFromEnvironment";
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
        Path huge = write("huge", new byte[(int) CookieFile.MAX_SIZE + 1]);
        assertTrue(assertThrows(IOException.class, () -> CookieFile.read(huge)).getMessage().contains("bytes (expected: at most"));
    }

    /**
     * Review finding 12: a cookie file group or others may access, or one that is not a
     * regular file, is refused as erl's auth refuses it, with the file and the fix named.
     */
    @Test
    void aFileGroupOrOthersMayAccessIsRefusedNamingTheFileAndTheFix() throws Exception {
        Path file = write("cookie", "SECRETCOOKIE\n".getBytes());
        Map<String, String> refused = Map.of("rw-r--r--", "0644", "r---w----", "0420", "r-----r--", "0404",
                "rw----rw-", "0606", "r----x---", "0410", "r-------x", "0401");
        for (Map.Entry<String, String> mode : refused.entrySet()) {
            String ls = mode.getKey();
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(ls));
            IOException e = assertThrows(IOException.class, () -> CookieFile.read(file), ls);
            assertEquals(openToOthers(file, mode.getValue() + " (" + ls + ")"), e.getMessage());
            assertFalse(e.getMessage().contains("SECRETCOOKIE"), e.getMessage());
        }
        for (String mode : List.of("r--------", "rw-------", "rwx------")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            assertArrayEquals(digest(Cookie.of("SECRETCOOKIE")), digest(CookieFile.read(file)), mode);
        }
        // a link to a private regular file is read, as erl reads it (it follows links); the link's own mode is 0777
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        assertArrayEquals(digest(Cookie.of("SECRETCOOKIE")), digest(CookieFile.read(link)));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r-----"));
        assertEquals(openToOthers(link, "0440 (r--r-----)"),
                assertThrows(IOException.class, () -> CookieFile.read(link)).getMessage());
        IOException devNull = assertThrows(IOException.class, () -> CookieFile.read(Path.of("/dev/null")));
        assertEquals("cookie file /dev/null: not a regular file (expected: a regular file, as erl requires)",
                devNull.getMessage());
    }

    /**
     * The files read without a cookie given ({@code Node.start}, {@code jarl}) go through the
     * same check: the home file and the XDG file alike; the one Jarl creates is 0400.
     */
    @Test
    void theDefaultFilesAreCheckedAndANewOneIsPrivate() throws Exception {
        Path home = dir.resolve("home/.erlang.cookie");
        Path xdg = dir.resolve("config/erlang/.erlang.cookie");
        Files.createDirectories(home.getParent());
        List<Path> files = List.of(home, xdg);
        write("config/erlang/.erlang.cookie", "XDGCOOKIE\n".getBytes(), "rw-r-----");
        assertEquals(openToOthers(xdg, "0640 (rw-r-----)"),
                assertThrows(IOException.class, () -> CookieFile.readOrCreate(files)).getMessage());
        assertFalse(Files.exists(home), "a home file was created beside a refused XDG file");
        Files.delete(xdg);

        Cookie created = CookieFile.readOrCreate(files);
        assertEquals("file " + home, created.source());
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home)));
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("r--r--r--"));
        assertEquals(openToOthers(home, "0444 (r--r--r--)"),
                assertThrows(IOException.class, () -> CookieFile.readOrCreate(files)).getMessage());
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
     * distribution, its cookie has Jarl's digest; where erl refuses the file (its content, or
     * a mode that lets group or others access it), so does Jarl.
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
        // a valid cookie in files of each kind of mode: owner only (read, write, execute), group, others
        List<String> modes = List.of("r--------", "rw-------", "rwx------", "r--r-----", "r---w----", "r-----r--",
                "r-------x", "rw-rw-rw-");
        try (RealEpmd epmd = RealEpmd.start()) {
            for (Map.Entry<String, byte[]> c : contents.entrySet()) {
                assertErlAndJarlAgree(c.getKey(), c.getValue(), "r--------", epmd.port());
            }
            for (String mode : modes) {
                assertErlAndJarlAgree("mode-" + mode, "MODECOOKIE\n".getBytes(), mode, epmd.port());
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
            // an XDG file the group may read: both refuse it, and neither falls back to a new home file
            Files.setPosixFilePermissions(xdg, PosixFilePermissions.fromString("rw-r-----"));
            assertEquals("refused", erlCookieDigest(emptyHome, dir.resolve("xdg-config"), epmd.port()));
            assertThrows(IOException.class, () -> CookieFile.readOrCreate(files));
            assertFalse(Files.exists(emptyHome.resolve(".erlang.cookie")), "a home file was created beside a refused XDG one");
        }
    }

    /** {@code content} as the home cookie file with {@code mode}: erl and Jarl take the same cookie, or both refuse it. */
    private void assertErlAndJarlAgree(String name, byte[] content, String mode, int epmdPort) throws Exception {
        Path home = dir.resolve("erl-" + name);
        Path file = write("erl-" + name + "/.erlang.cookie", content, mode);
        String erl = erlCookieDigest(home, null, epmdPort);
        String jarl;
        try {
            jarl = HexFormat.of().formatHex(digest(CookieFile.read(file))).toUpperCase(java.util.Locale.ROOT);
        } catch (IOException refused) {
            jarl = "refused";
        }
        assertEquals(erl, jarl, name + ": erl and Jarl read the cookie file differently");
    }

    /**
     * Starts distribution in an erl with {@code HOME} (and {@code XDG_CONFIG_HOME}, when not
     * null) set; the cookie's digest for 42, or "refused".
     */
    private static String erlCookieDigest(Path home, Path xdgConfigHome, int epmdPort) throws Exception {
        List<String> cmd = Otp.command("erl");
        cmd.addAll(List.of("-noshell", "-noinput", "-start_epmd", "false"));
        cmd.addAll(Otp.ERL_LOOPBACK_ONLY);
        cmd.addAll(List.of("-eval",
                "R = case net_kernel:start([" + Otp.uniqueName("ck") + ", shortnames]) of "
                        + "{ok, _} -> binary:encode_hex(erlang:md5([atom_to_list(erlang:get_cookie()), \"42\"])); "
                        + "_ -> <<\"refused\">> end, io:format(\"#~s#~n\", [R]), erlang:halt(0)."));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        // an erl that refuses the cookie file stops with a crash dump: keep it out of the working tree
        pb.directory(home.toFile());
        pb.environment().put("ERL_CRASH_DUMP", home.resolve("erl_crash.dump").toString());
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
