/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

/**
 * Text a peer controls, made safe for a log line or an exception message: every character
 * that could break or forge a line, or steer a terminal, is written as an escape, the way
 * Erlang writes it in a string ({@code \n}, {@code \e}, {@code \233}, {@code \x{202E}}), and
 * long text is cut. A node name with a newline and an escape sequence in it so prints as
 * {@code x\njarl: FAKE\e[31m@host}, on one line and without colour.
 *
 * <p>Escaped: C0 controls, DEL, C1 controls (U+0080..U+009F), the backslash itself, and the
 * Unicode format and separator characters that reorder or break text (bidirectional
 * overrides, zero-width characters, line and paragraph separators).
 */
public final class Printable {

    /** The most characters of the text kept; longer text ends in {@code ...}. */
    public static final int MAX_CHARACTERS = 256;

    private Printable() {
    }

    /** {@code text} escaped and cut to {@value #MAX_CHARACTERS} characters; {@code "null"} for null. */
    public static String escape(String text) {
        if (text == null) {
            return "null";
        }
        if (isPlain(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_CHARACTERS) + 16);
        int kept = 0;
        for (int i = 0; i < text.length(); ) {
            if (kept == MAX_CHARACTERS) {
                return out.append("...").toString();
            }
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            appendEscaped(out, c);
            kept++;
        }
        return out.toString();
    }

    /** True when {@code c} must be escaped in a log line. */
    static boolean needsEscape(int c) {
        if (c < 0x20 || c == 0x7F || c == '\\' || (c >= 0x80 && c < 0xA0)) {
            return true;
        }
        if (c < 0xA0) {
            return false;
        }
        int type = Character.getType(c);
        return type == Character.FORMAT || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE;
    }

    /** Appends {@code c} as Erlang writes it inside a quoted string or atom. */
    static void appendEscaped(StringBuilder out, int c) {
        switch (c) {
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case 11 -> out.append("\\v");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            case 27 -> out.append("\\e");
            case 127 -> out.append("\\d");
            case '\\' -> out.append("\\\\");
            default -> {
                if (c < 0xA0 && needsEscape(c)) {
                    // three octal digits, as erl writes them: a digit after the escape is not read into it
                    String octal = Integer.toOctalString(c);
                    out.append('\\').append("000", octal.length(), 3).append(octal);
                } else if (needsEscape(c)) {
                    out.append("\\x{").append(Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)).append('}');
                } else {
                    out.appendCodePoint(c);
                }
            }
        }
    }

    private static boolean isPlain(String text) {
        if (text.length() > MAX_CHARACTERS) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
