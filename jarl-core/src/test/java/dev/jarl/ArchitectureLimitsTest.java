/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.jarl.testing.NotReleaseSpecific;

/**
 * The architecture limits of issue 20, read from the source tree so that no merge breaks them
 * silently: {@code Node.java} at most 700 lines, no main source file over 900, no
 * {@code ControlMessage} in {@code dev.jarl.node}, at most 5 exported packages, and at most
 * 15 sleeps in the tests, each with a comment saying why it tests real time. Each failure
 * names the file and the figure.
 */
@NotReleaseSpecific
class ArchitectureLimitsTest {

    static final int NODE_MAX_LINES = 700;
    static final int MAIN_FILE_MAX_LINES = 900;
    static final int MAX_EXPORTS = 5;
    static final int MAX_TEST_SLEEPS = 15;
    /** Built from parts so that this file does not count itself. */
    private static final String SLEEP = "Thread." + "sleep(";
    private static final Pattern EXPORTS = Pattern.compile("(?m)^\\s*exports\\s+([\\w.]+)\\s*;");

    /** The repository root: the nearest directory above the working directory with {@code jarl-core/pom.xml}. */
    static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("jarl-core/pom.xml")) && Files.isRegularFile(p.resolve("pom.xml"))) {
                return p;
            }
        }
        throw new AssertionError("no repository root (with jarl-core/pom.xml) above " + Path.of("").toAbsolutePath());
    }

    /** Every {@code .java} file under {@code src/<kind>/java} of every module. */
    static List<Path> sources(String kind) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root())) {
            for (Path m : modules.filter(Files::isDirectory).sorted().toList()) {
                Path dir = m.resolve("src").resolve(kind).resolve("java");
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> files = Files.walk(dir)) {
                        files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(out::add);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertFalse(out.isEmpty(), () -> "no " + kind + " sources under " + root());
        return out;
    }

    static List<String> lines(Path f) {
        try {
            return Files.readAllLines(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String rel(Path f) {
        return root().relativize(f).toString();
    }

    @Test
    void nodeJavaIsAtMost700Lines() {
        Path node = root().resolve("jarl-core/src/main/java/dev/jarl/node/Node.java");
        int n = lines(node).size();
        assertTrue(n <= NODE_MAX_LINES, () -> rel(node) + " has " + n + " lines, more than " + NODE_MAX_LINES);
    }

    @Test
    void noMainSourceFileIsOver900Lines() {
        List<String> over = new ArrayList<>();
        for (Path f : sources("main")) {
            int n = lines(f).size();
            if (n > MAIN_FILE_MAX_LINES) {
                over.add(rel(f) + " has " + n + " lines");
            }
        }
        assertEquals(List.of(), over, "main source files over " + MAIN_FILE_MAX_LINES + " lines");
    }

    @Test
    void noControlMessageInTheNodePackage() {
        List<String> uses = new ArrayList<>();
        for (Path f : sources("main")) {
            if (!rel(f).replace('\\', '/').contains("/dev/jarl/node/")) {
                continue;
            }
            List<String> ls = lines(f);
            for (int i = 0; i < ls.size(); i++) {
                if (ls.get(i).contains("ControlMessage")) {
                    uses.add(rel(f) + ":" + (i + 1));
                }
            }
        }
        assertEquals(List.of(), uses, "ControlMessage in dev.jarl.node");
    }

    @Test
    void atMostFiveExportedPackages() {
        Path info = root().resolve("jarl-core/src/main/java/module-info.java");
        List<String> exported = new ArrayList<>();
        Matcher m = EXPORTS.matcher(String.join("\n", lines(info)));
        while (m.find()) {
            exported.add(m.group(1));
        }
        assertFalse(exported.isEmpty(), () -> rel(info) + " exports nothing: the pattern no longer reads it");
        assertTrue(exported.size() <= MAX_EXPORTS,
                () -> rel(info) + " exports " + exported.size() + " packages, more than " + MAX_EXPORTS + ": " + exported);
    }

    @Test
    void atMost15SleepsInTestsEachSayingWhyItTestsRealTime() {
        List<String> sleeps = new ArrayList<>();
        List<String> unexplained = new ArrayList<>();
        for (Path f : sources("test")) {
            List<String> ls = lines(f);
            for (int i = 0; i < ls.size(); i++) {
                String line = ls.get(i);
                int at = line.indexOf(SLEEP);
                if (at < 0 || line.substring(0, at).contains("//")) {
                    continue;
                }
                String where = rel(f) + ":" + (i + 1);
                sleeps.add(where);
                String comment = line.contains("//") ? line.substring(line.indexOf("//"))
                        : i > 0 && ls.get(i - 1).strip().startsWith("//") ? ls.get(i - 1) : "";
                if (!comment.contains("real time")) {
                    unexplained.add(where);
                }
            }
        }
        assertTrue(sleeps.size() <= MAX_TEST_SLEEPS,
                () -> sleeps.size() + " sleeps in tests, more than " + MAX_TEST_SLEEPS + ": " + sleeps);
        assertEquals(List.of(), unexplained,
                "sleeps in tests without a '// real time: why' comment on the line or the line above");
    }
}
