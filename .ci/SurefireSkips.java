/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import javax.xml.parsers.DocumentBuilderFactory;

import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Reads the Surefire reports of a build and checks what the bare-machine pass of CI must
 * show (run with a JDK 21+ as a single-file program, no build needed):
 *
 * <pre>
 *   java .ci/SurefireSkips.java bare DIR           the pass without Erlang, in project DIR
 *   java .ci/SurefireSkips.java compare BARE FULL  that pass against the one with Erlang
 * </pre>
 *
 * {@code bare}: every test is reported by name (no class with no tests listed), none failed,
 * every skipped test gives a reason, the JInterface tests were skipped for want of
 * JInterface, and some interop tests were skipped for want of Erlang (else Erlang was not
 * hidden). Prints the skipped tests per class with their reasons.
 *
 * <p>{@code compare}: the same tests ran in both passes, each test skipped for want of Erlang
 * or JInterface passed in the full pass, and every other test ended the same way in both:
 * so without Erlang every test that does not need it ran.
 */
public final class SurefireSkips {

    static final String ERLANG = "INTEROP TEST NOT RUN";
    static final String JINTERFACE = "JINTERFACE TEST NOT RUN";

    /** One testcase of a report: its outcome, and for a skip the reason's first line. */
    record Case(String key, String outcome, String reason) {

        boolean needsErlang() {
            return outcome.equals("skipped") && reason.startsWith(ERLANG);
        }

        boolean needsJInterface() {
            return outcome.equals("skipped") && reason.startsWith(JINTERFACE);
        }

        /** The outcome as compared across passes; a skip for another reason must match exactly. */
        String comparable() {
            return outcome.equals("skipped") ? "skipped: " + reason : outcome;
        }
    }

    record Reports(List<Case> cases, List<String> emptySuites) {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("bare")) {
            System.exit(bare(read(Path.of(args[1]))));
        } else if (args.length == 3 && args[0].equals("compare")) {
            System.exit(compare(read(Path.of(args[1])), read(Path.of(args[2]))));
        }
        System.err.println("usage: java .ci/SurefireSkips.java bare DIR | compare BARE_DIR FULL_DIR");
        System.exit(2);
    }

    static int bare(Reports r) {
        List<String> problems = new ArrayList<>();
        if (r.cases().isEmpty()) {
            problems.add("no test reports at all");
        }
        r.emptySuites().forEach(s -> problems.add(s + ": reported no test by name"));
        Map<String, Map<String, Integer>> skippedByClass = new TreeMap<>();
        int passed = 0, erlang = 0, jinterface = 0, other = 0;
        for (Case c : r.cases()) {
            switch (c.outcome()) {
                case "passed" -> passed++;
                case "skipped" -> {
                    if (c.reason().isBlank()) {
                        problems.add(c.key() + ": skipped without a reason");
                    }
                    if (c.needsErlang()) {
                        erlang++;
                    } else if (c.needsJInterface()) {
                        jinterface++;
                    } else {
                        other++;
                    }
                    skippedByClass.computeIfAbsent(c.key().substring(0, c.key().indexOf('#')), k -> new TreeMap<>())
                            .merge(c.reason(), 1, Integer::sum);
                }
                default -> problems.add(c.key() + ": " + c.outcome() + " " + c.reason());
            }
            if (c.key().startsWith("dev.jarl.node.JInterfaceInteropTest#") && !c.needsJInterface()) {
                problems.add(c.key() + ": expected a skip for want of JInterface, got " + c.comparable());
            }
        }
        if (erlang == 0) {
            problems.add("no test was skipped for want of Erlang: was Erlang hidden?");
        }
        if (jinterface == 0) {
            problems.add("no JInterface test was skipped for want of JInterface: was JInterfaceInteropTest run?");
        }
        System.out.println("surefire: skipped tests, by class (count: reason):");
        skippedByClass.forEach((cls, reasons) -> reasons.forEach((why, n) ->
                System.out.printf("surefire:   %-52s %3d: %s%n", cls, n, abbreviate(why, 150))));
        System.out.printf("surefire: %d tests: %d passed, %d skipped needing Erlang, %d needing JInterface,"
                + " %d for other reasons%n", r.cases().size(), passed, erlang, jinterface, other);
        return report(problems);
    }

    static int compare(Reports bare, Reports full) {
        List<String> problems = new ArrayList<>();
        Map<String, List<String>> without = new TreeMap<>();
        Map<String, List<String>> with = new TreeMap<>();
        for (Case c : bare.cases()) {
            // what needed Erlang or JInterface must have passed where they were there
            without.computeIfAbsent(c.key(), k -> new ArrayList<>())
                    .add(c.needsErlang() || c.needsJInterface() ? "passed" : c.comparable());
        }
        for (Case c : full.cases()) {
            with.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c.comparable());
        }
        for (String key : union(without, with)) {
            List<String> a = sorted(without.get(key));
            List<String> b = sorted(with.get(key));
            if (!a.equals(b)) {
                problems.add(key + ": without Erlang " + a + " (needing Erlang counted as passed), with Erlang " + b);
            }
        }
        long needed = bare.cases().stream().filter(c -> c.needsErlang() || c.needsJInterface()).count();
        System.out.printf("surefire: %d tests in both passes; the %d skipped without Erlang or JInterface all passed"
                + " with them; every other test ended the same way in both%n", full.cases().size(), needed);
        return report(problems);
    }

    static int report(List<String> problems) {
        if (problems.isEmpty()) {
            return 0;
        }
        System.out.println("surefire: " + problems.size() + " problem(s):");
        problems.stream().limit(100).forEach(p -> System.out.println("surefire:   " + abbreviate(p, 400)));
        return 1;
    }

    static Reports read(Path project) throws Exception {
        List<Case> cases = new ArrayList<>();
        List<String> empty = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(project, 4)) {
            files = s.filter(p -> p.getParent() != null && p.getParent().endsWith(Path.of("target", "surefire-reports"))
                    && p.getFileName().toString().startsWith("TEST-") && p.toString().endsWith(".xml")).sorted().toList();
        }
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        for (Path file : files) {
            Element suite = f.newDocumentBuilder().parse(file.toFile()).getDocumentElement();
            NodeList testcases = suite.getElementsByTagName("testcase");
            if (testcases.getLength() == 0) {
                empty.add(suite.getAttribute("name"));
            }
            for (int i = 0; i < testcases.getLength(); i++) {
                Element tc = (Element) testcases.item(i);
                String key = tc.getAttribute("classname") + "#" + tc.getAttribute("name");
                String outcome = "passed";
                String reason = "";
                for (Node n = tc.getFirstChild(); n != null; n = n.getNextSibling()) {
                    if (n instanceof Element e && List.of("skipped", "failure", "error").contains(e.getTagName())) {
                        outcome = e.getTagName().equals("skipped") ? "skipped" : "failed";
                        reason = reason(e);
                    }
                }
                cases.add(new Case(key, outcome, reason));
            }
        }
        return new Reports(cases, empty);
    }

    /** The first line of the message: the attribute, else the stack trace's first line. */
    static String reason(Element e) {
        String m = e.getAttribute("message");
        if (m.isBlank()) {
            m = e.getTextContent();
        }
        m = m.strip().lines().findFirst().orElse("");
        for (String prefix : List.of("org.opentest4j.TestAbortedException: ", "Assumption failed: ")) {
            if (m.startsWith(prefix)) {
                m = m.substring(prefix.length());
            }
        }
        return m.strip();
    }

    static List<String> union(Map<String, ?> a, Map<String, ?> b) {
        TreeMap<String, Boolean> all = new TreeMap<>();
        a.keySet().forEach(k -> all.put(k, true));
        b.keySet().forEach(k -> all.put(k, true));
        return List.copyOf(all.keySet());
    }

    static List<String> sorted(List<String> l) {
        return l == null ? List.of() : l.stream().sorted().toList();
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    private SurefireSkips() {
    }
}
