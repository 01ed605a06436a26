/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.Arrays;
import java.util.Set;

/** Erlang syntax for {@code toString}, close to {@code io:format("~w")}. */
final class TermFormat {

    private static final Set<String> RESERVED = Set.of("after", "and", "andalso", "band", "begin", "bnot", "bor",
            "bsl", "bsr", "bxor", "case", "catch", "cond", "div", "end", "fun", "if", "let", "not", "of", "or",
            "orelse", "receive", "rem", "try", "when", "xor", "maybe", "else");

    private TermFormat() {
    }

    static String toString(Term t) {
        StringBuilder out = new StringBuilder();
        append(out, t);
        return out.toString();
    }

    /** Appends {@code t} in Erlang syntax, with an explicit stack: any depth, no recursion. */
    static void append(StringBuilder out, Term t) {
        if (!open(out, t)) {
            return;
        }
        Term[] nodes = new Term[16];
        int[] next = new int[16];
        nodes[0] = t;
        int sp = 1;
        while (sp > 0) {
            Term node = nodes[sp - 1];
            int i = next[sp - 1]++;
            Term child;
            switch (node) {
                case Tuple tu -> {
                    if (i == tu.arity()) {
                        out.append('}');
                        child = null;
                    } else {
                        if (i > 0) {
                            out.append(',');
                        }
                        child = tu.array()[i];
                    }
                }
                case TermMap m -> {
                    if (i == 2 * m.size()) {
                        out.append('}');
                        child = null;
                    } else if ((i & 1) == 0) {
                        if (i > 0) {
                            out.append(',');
                        }
                        child = m.keyArray()[i >>> 1];
                    } else {
                        out.append(" => ");
                        child = m.valueArray()[i >>> 1];
                    }
                }
                default -> {
                    TermList l = (TermList) node;
                    int n = l.size();
                    if (i < n) {
                        if (i > 0) {
                            out.append(',');
                        }
                        child = l.array()[i];
                    } else if (i == n && !l.isProper()) {
                        out.append('|');
                        child = l.rawTail();
                    } else {
                        out.append(']');
                        child = null;
                    }
                }
            }
            if (child == null) {
                nodes[--sp] = null;
            } else if (open(out, child)) {
                if (sp == nodes.length) {
                    nodes = Arrays.copyOf(nodes, sp * 2);
                    next = Arrays.copyOf(next, sp * 2);
                }
                nodes[sp] = child;
                next[sp++] = 0;
            }
        }
    }

    /**
     * Writes a leaf, or a string-like list, whole and returns false; writes the opening
     * bracket of a container whose elements follow and returns true.
     */
    private static boolean open(StringBuilder out, Term t) {
        switch (t) {
            case Tuple tu -> {
                out.append('{');
                return true;
            }
            case TermMap m -> {
                out.append("#{");
                return true;
            }
            case TermList l -> {
                Term[] elements = l.array();
                if (elements.length == 0) {
                    out.append("[]");
                    return false;
                }
                if (l.isProper() && printable(elements)) {
                    out.append('"');
                    for (Term e : elements) {
                        appendChar(out, (int) ((Int) e).longValue(), '"');
                    }
                    out.append('"');
                    return false;
                }
                out.append('[');
                return true;
            }
            default -> {
                out.append(t);
                return false;
            }
        }
    }

    /** Printable as {@code io_lib:printable_list/1} with the default Latin-1 range says. */
    private static boolean printable(Term[] elements) {
        for (Term e : elements) {
            if (!(e instanceof Int i) || !i.isLong()) {
                return false;
            }
            long c = i.longValue();
            boolean ok = (c >= 32 && c <= 126) || (c >= 160 && c <= 255) || c == '\n' || c == '\r' || c == '\t'
                    || c == 11 || c == '\b' || c == '\f' || c == 27;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * Appends {@code c} inside a quoted atom or string: the quote escaped, and every control,
     * C1 and format character escaped as {@link Printable} does, so that no term from a peer
     * can break or forge a log line.
     */
    private static void appendChar(StringBuilder out, int c, char quote) {
        if (c == quote) {
            out.append('\\').append(quote);
        } else {
            Printable.appendEscaped(out, c);
        }
    }

    /** An atom as Erlang writes it: bare when it is a plain lower-case name, else quoted. */
    static String atom(String name) {
        if (bare(name)) {
            return name;
        }
        StringBuilder out = new StringBuilder(name.length() + 2).append('\'');
        name.codePoints().forEach(c -> appendChar(out, c, '\''));
        return out.append('\'').toString();
    }

    private static boolean bare(String name) {
        if (name.isEmpty() || RESERVED.contains(name)) {
            return false;
        }
        char first = name.charAt(0);
        if (!lower(first)) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(lower(c) || upper(c) || (c >= '0' && c <= '9') || c == '_' || c == '@')) {
                return false;
            }
        }
        return true;
    }

    private static boolean lower(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 0xDF && c <= 0xFF && c != 0xF7);
    }

    private static boolean upper(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7);
    }

    /** {@code <<"text">>} for printable ASCII, otherwise {@code <<1,2,3>>}; {@code lastBits} 0 for whole bytes. */
    static String bits(byte[] data, int offset, int length, int lastBits) {
        StringBuilder out = new StringBuilder(length * 4 + 4).append("<<");
        int whole = lastBits == 0 ? length : length - 1;
        boolean text = whole > 0 && lastBits == 0;
        for (int i = 0; i < whole && text; i++) {
            int b = data[offset + i] & 0xFF;
            text = b >= 32 && b <= 126;
        }
        if (text) {
            out.append('"');
            for (int i = 0; i < whole; i++) {
                appendChar(out, data[offset + i] & 0xFF, '"');
            }
            out.append('"');
        } else {
            for (int i = 0; i < whole; i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(data[offset + i] & 0xFF);
            }
            if (lastBits != 0) {
                if (whole > 0) {
                    out.append(',');
                }
                out.append((data[offset + whole] & 0xFF) >>> (8 - lastBits)).append(':').append(lastBits);
            }
        }
        return out.append(">>").toString();
    }

    /** "d" or "10" when one significant digit reads back as {@code abs}, else null. */
    private static String oneDigit(double abs, String twoDigits, int pointExp) {
        int first = twoDigits.charAt(0) - '0';
        String best = null;
        java.math.BigDecimal exact = new java.math.BigDecimal(abs);
        java.math.BigDecimal bestDistance = null;
        for (int d = first; d <= first + 1; d++) {
            java.math.BigDecimal candidate = java.math.BigDecimal.valueOf(d).scaleByPowerOfTen(pointExp);
            if (Double.parseDouble(candidate.toString()) == abs) {
                java.math.BigDecimal distance = candidate.subtract(exact).abs();
                if (bestDistance == null || distance.compareTo(bestDistance) < 0) {
                    best = Integer.toString(d);
                    bestDistance = distance;
                }
            }
        }
        return best;
    }

    /**
     * The shortest text that reads back as {@code value}, laid out as Erlang's
     * {@code float_to_list(F, [short])}: plain decimal or scientific, whichever is shorter,
     * plain decimal on a tie ({@code 100.0}, {@code 1.0e6}, {@code 1.23e-4}).
     */
    static String floatText(double value) {
        if (value == 0.0) {
            return (1 / value < 0) ? "-0.0" : "0.0";
        }
        String java = Double.toString(Math.abs(value)); // shortest repr since JDK 19
        int e = java.indexOf('E');
        String mantissa = e < 0 ? java : java.substring(0, e);
        int exp = e < 0 ? 0 : Integer.parseInt(java.substring(e + 1));
        int dot = mantissa.indexOf('.');
        String digits = mantissa.substring(0, dot) + mantissa.substring(dot + 1);
        int pointExp = exp + dot - 1; // value = d.ddd x 10^pointExp once leading zeros are gone
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
        }
        pointExp -= lead;
        digits = digits.substring(lead);
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits = digits.substring(0, end);
        if (digits.length() == 2) {
            // Java prints at least two digits; Erlang prints the shortest, which may be one
            String one = oneDigit(Math.abs(value), digits, pointExp);
            if (one != null) {
                pointExp += one.length() - 1; // a carry (9.6 -> 10) moves the point
                digits = one.substring(0, 1);
            }
        }
        String sign = value < 0 ? "-" : "";
        String sci = digits.charAt(0) + "." + (digits.length() > 1 ? digits.substring(1) : "0") + "e" + pointExp;
        String plain;
        if (pointExp >= 0) {
            if (digits.length() <= pointExp + 1) {
                plain = digits + "0".repeat(pointExp + 1 - digits.length()) + ".0";
            } else {
                plain = digits.substring(0, pointExp + 1) + "." + digits.substring(pointExp + 1);
            }
        } else {
            plain = "0." + "0".repeat(-pointExp - 1) + digits;
        }
        return sign + (plain.length() <= sci.length() ? plain : sci);
    }
}
