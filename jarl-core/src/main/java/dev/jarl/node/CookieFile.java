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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Cookie files, read as {@code erl} reads them and created as {@code erl} creates them: the
 * one place in Jarl that reads or writes a cookie file.
 *
 * <p>{@code erl} without {@code -setcookie} (OTP 24 and later, {@code auth:read_cookie/0})
 * takes the first of these that exists, and creates the first when neither does
 * ({@link #readOrCreateDefault()} does the same):
 * <ol>
 *   <li>{@code $HOME/.erlang.cookie}</li>
 *   <li>{@code $XDG_CONFIG_HOME/erlang/.erlang.cookie}, where {@code XDG_CONFIG_HOME}
 *       defaults to {@code $HOME/.config}</li>
 * </ol>
 *
 * <p>Reading ({@link #read(Path)}) follows {@code auth}'s checks: the file (after symbolic
 * links) must be a regular file that, on a POSIX file system, grants group and others
 * nothing ({@code mode & 077 == 0}), since whoever reads the cookie may join the cluster and
 * run code on every node of it; and it must hold printable ASCII ({@code ' '} to
 * {@code '~'}), after which only line ends and spaces may follow, and are dropped
 * ({@code auth:check_cookie/2}). A file {@code erl} would refuse is refused here too, with
 * the file's name in the message and what to do about it (never the cookie). This holds for
 * every file: the default ones, {@code jarl --cookie-file} and
 * {@code NodeConfig.Builder.cookieFile}. Creating writes 20 random upper-case letters,
 * readable by the owner only (mode 0400), and never replaces a file another process created
 * first.
 *
 * <p>{@code HOME} is the environment variable, as {@code erl} uses it, or the
 * {@code user.home} system property when it is not set.
 */
public final class CookieFile {

    private static final Logger LOG = System.getLogger(CookieFile.class.getName());

    /** Larger cookie files are refused unread; OTP keeps the cookie as an atom (255 characters). */
    static final long MAX_SIZE = 64 * 1024;
    private static final int CREATED_LENGTH = 20;

    private CookieFile() {
    }

    /**
     * The cookie in {@code file}, as {@code erl} reads a cookie file; its
     * {@linkplain Cookie#source() source} reads {@code "file PATH"}.
     *
     * @throws IOException when the file is missing, unreadable, not a regular file, open to
     *                     group or others, empty, or holds a byte {@code erl} refuses; the
     *                     message names the file (and, when it is open to others, the fix)
     */
    public static Cookie read(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        BasicFileAttributes attributes;
        try {
            attributes = file.getFileSystem().supportedFileAttributeViews().contains("posix")
                    ? Files.readAttributes(file, PosixFileAttributes.class)
                    : Files.readAttributes(file, BasicFileAttributes.class);
        } catch (NoSuchFileException e) {
            throw new IOException("cookie file " + file + ": no such file", e);
        } catch (IOException e) {
            throw new IOException("cookie file " + file + ": cannot read (" + e + ")", e);
        }
        checkAttributes(file, attributes);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cookie file " + file + ": cannot read (" + e + ")", e);
        }
        return Cookie.of(text(file, bytes), "file " + file);
    }

    /**
     * What {@code erl} requires of a cookie file before reading it: a regular file, with no
     * permission for group or others where the attributes are POSIX ones
     * ({@code auth:check_attributes/4}), of a sane size. Every file read goes through here.
     */
    private static void checkAttributes(Path file, BasicFileAttributes attributes) throws IOException {
        if (!attributes.isRegularFile()) {
            throw new IOException("cookie file " + file + ": not a regular file (expected: a regular file, as erl requires)");
        }
        if (attributes instanceof PosixFileAttributes posix) {
            Set<PosixFilePermission> open = EnumSet.noneOf(PosixFilePermission.class);
            open.addAll(posix.permissions());
            open.retainAll(GROUP_OR_OTHERS);
            if (!open.isEmpty()) {
                throw new IOException("cookie file " + file + ": mode " + mode(posix.permissions())
                        + " lets group or others access it (expected: accessible by its owner only, as erl requires);"
                        + " run chmod 400 " + file + ", or give the cookie another way: " + OTHER_WAYS);
            }
        }
        if (attributes.size() > MAX_SIZE) {
            throw new IOException("cookie file " + file + ": " + attributes.size() + " bytes (expected: at most "
                    + MAX_SIZE + ")");
        }
    }

    /** The ways to give a cookie without a file, as a refusal names them. */
    private static final String OTHER_WAYS = "jarl --cookie, or an environment variable through "
            + "NodeConfig.Builder.cookieFromEnvironment";

    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    /** {@code 0644 (rw-r--r--)}: the octal mode as {@code chmod} takes it, then as {@code ls} shows it. */
    private static String mode(Set<PosixFilePermission> permissions) {
        int bits = 0;
        for (PosixFilePermission p : permissions) {
            bits |= 0400 >> p.ordinal(); // declared OWNER_READ first, OTHERS_EXECUTE last: the bits in ls order
        }
        return String.format("%04o (%s)", bits, PosixFilePermissions.toString(permissions));
    }

    /** The cookie text of {@code bytes}, by {@code auth:check_cookie/2}'s rules. */
    static String text(Path file, byte[] bytes) throws IOException {
        int end = 0;
        while (end < bytes.length && bytes[end] >= 0x20 && bytes[end] <= 0x7E) {
            end++;
        }
        for (int i = end; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            if (b != '\n' && b != '\r' && b != ' ') {
                throw new IOException(String.format("cookie file %s: byte 0x%02x at offset %d (expected: printable "
                        + "ASCII, then only line ends or spaces, as erl reads it)", file, b, i));
            }
        }
        if (end == 0) {
            throw new IOException("cookie file " + file + ": empty (expected: at least one printable character)");
        }
        return new String(bytes, 0, end, StandardCharsets.US_ASCII);
    }

    /**
     * The files {@code erl} looks in, in its order: {@code $HOME/.erlang.cookie}, then
     * {@code $XDG_CONFIG_HOME/erlang/.erlang.cookie} ({@code XDG_CONFIG_HOME} defaulting to
     * {@code $HOME/.config}).
     */
    public static List<Path> defaultFiles() {
        return defaultFiles(System::getenv);
    }

    /** {@link #defaultFiles()} with variables read through {@code env} (tests). */
    static List<Path> defaultFiles(UnaryOperator<String> env) {
        String home = env.apply("HOME");
        if (home == null || home.isEmpty()) {
            home = System.getProperty("user.home");
        }
        String config = env.apply("XDG_CONFIG_HOME");
        Path configHome = config == null || config.isEmpty() ? Path.of(home, ".config") : Path.of(config);
        return List.of(Path.of(home, ".erlang.cookie"), configHome.resolve("erlang").resolve(".erlang.cookie"));
    }

    /**
     * The cookie {@code erl} would use without {@code -setcookie}: from the first of
     * {@link #defaultFiles()} that exists, else from a new {@code $HOME/.erlang.cookie}
     * created as {@code erl} creates it.
     *
     * @throws IOException when the file found cannot be read or is refused, or none exists
     *                     and the new one cannot be created; the message names the file
     */
    public static Cookie readOrCreateDefault() throws IOException {
        return readOrCreate(defaultFiles());
    }

    /** The first of {@code files} that exists, read; else the first one created. */
    static Cookie readOrCreate(List<Path> files) throws IOException {
        for (Path file : files) {
            if (Files.exists(file)) {
                return read(file);
            }
        }
        Path file = files.get(0);
        create(file);
        return read(file);
    }

    /**
     * Creates {@code file} holding a new random cookie (20 upper-case letters, as {@code erl}
     * makes them), mode 0400 where the file system has POSIX permissions. The file appears
     * whole or not at all: the cookie is written to a private temporary file that is then
     * linked to the name, so a process reading it never sees it half-written, and a file
     * that another process created first is kept.
     *
     * @return true when this call created the file, false when it already existed
     * @throws IOException when the file cannot be created; the message names it
     */
    public static boolean create(Path file) throws IOException {
        Objects.requireNonNull(file, "file");
        SecureRandom random = new SecureRandom();
        byte[] text = new byte[CREATED_LENGTH];
        for (int i = 0; i < text.length; i++) {
            text[i] = (byte) ('A' + random.nextInt(26));
        }
        Path dir = file.toAbsolutePath().getParent();
        boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
        Path tmp = null;
        try {
            tmp = posix
                    ? Files.createTempFile(dir, ".erlang.cookie.", ".tmp",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                    : Files.createTempFile(dir, ".erlang.cookie.", ".tmp");
            Files.write(tmp, text);
            if (posix) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r--------"));
            }
            try {
                Files.createLink(file, tmp);
            } catch (UnsupportedOperationException noHardLinks) {
                Files.move(tmp, file); // fails, without replacing, when the file exists
                tmp = null;
            }
            LOG.log(Level.INFO, "created cookie file {0}, as erl creates it", file);
            return true;
        } catch (FileAlreadyExistsException raced) {
            return false;
        } catch (IOException e) {
            throw new IOException("cookie file " + file + ": cannot create (" + e + ")", e);
        } finally {
            if (tmp != null) {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
