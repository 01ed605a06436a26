/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Erlang term syntax, as typed at an Erlang shell or passed to {@code erl_call -a}:
 * {@code [1, {ok, <<"bin">>}, #{a => "str"}, 'quoted atom', 2.5e3, 16#ff, $a, [1|2]]}.
 *
 * <p>Covers literals only: integers (decimal, {@code Base#Digits}, {@code $c} characters,
 * any size), floats, atoms (bare and quoted), strings (character lists), binaries made of
 * integers and strings ({@code <<1, 2, "abc">>}, with an optional {@code /utf8} on strings),
 * tuples, proper and improper lists, maps. Not expressions, variables, pids or funs.
 *
 * <p>Errors are {@link TermSyntaxException}s that give the position (0-based character
 * offset) and what was expected there.
 *
 * <pre>{@code
 * Term args = TermParser.parse("[[1,2,3]]");
 * }</pre>
 */
public final class TermParser {

    private final String text;
    private int pos;

    private TermParser(String text) {
        this.text = text;
    }

    /**
     * Parses one term; an optional final full stop and surrounding white space are allowed.
     * Any depth of nesting is read, with an explicit stack rather than recursion.
     *
     * @throws TermSyntaxException when the text is not one well-formed term
     */
    public static Term parse(String text) {
        TermParser p = new TermParser(text);
        p.skipSpace();
        Term t = p.term();
        p.skipSpace();
        if (p.pos < text.length() && text.charAt(p.pos) == '.') {
            p.pos++;
            p.skipSpace();
        }
        if (p.pos < text.length()) {
            throw p.error("end of input");
        }
        return t;
    }

    private static final int TUPLE = 0;
    private static final int LIST = 1;
    private static final int MAP = 2;

    /** An open container: its kind, the terms read so far, and for a list its tail state. */
    private static final class Open {
        final int kind;
        final List<Term> items = new ArrayList<>();
        /** Lists: {@code [a|[b|[c]]]} is read as one list; this counts the extra ']' owed. */
        int extraCloses;
        /** Lists: true while reading the term after '|'. */
        boolean inTail;
        Term tail;

        Open(int kind) {
            this.kind = kind;
        }
    }

    private Term term() {
        List<Open> stack = new ArrayList<>();
        for (;;) {
            // a term starts here: a container opens, or a leaf is read
            skipSpace();
            Term value = null;
            if (pos >= text.length()) {
                throw error("a term");
            }
            char c = text.charAt(pos);
            if (c == '{') {
                pos++;
                skipSpace();
                if (peek('}')) {
                    pos++;
                    value = Tuple.EMPTY;
                } else {
                    stack.add(new Open(TUPLE));
                    continue;
                }
            } else if (c == '[') {
                pos++;
                skipSpace();
                if (peek(']')) {
                    pos++;
                    value = TermList.NIL;
                } else {
                    stack.add(new Open(LIST));
                    continue;
                }
            } else if (c == '#') {
                pos++;
                expect('{');
                skipSpace();
                if (peek('}')) {
                    pos++;
                    value = TermMap.EMPTY;
                } else {
                    stack.add(new Open(MAP));
                    continue;
                }
            } else {
                value = leaf(c);
            }
            // hand the value to the open containers, closing each one it completes
            for (;;) {
                if (stack.isEmpty()) {
                    return value;
                }
                Open top = stack.get(stack.size() - 1);
                Term closed = deliver(top, value);
                if (closed == null) {
                    break; // the next term of the same container follows
                }
                stack.remove(stack.size() - 1);
                value = closed;
            }
        }
    }

    /** Adds a finished term to an open container; the container when the term completed it, else null. */
    private Term deliver(Open open, Term value) {
        skipSpace();
        switch (open.kind) {
            case TUPLE -> {
                open.items.add(value);
                if (peek(',')) {
                    pos++;
                    return null;
                }
                if (peek('}')) {
                    pos++;
                    return Tuple.of(open.items);
                }
                throw error("',' or '}'");
            }
            case MAP -> {
                open.items.add(value);
                if ((open.items.size() & 1) == 1) {
                    if (!text.startsWith("=>", pos)) {
                        throw error("'=>'");
                    }
                    pos += 2;
                    return null;
                }
                if (peek(',')) {
                    pos++;
                    return null;
                }
                if (peek('}')) {
                    pos++;
                    int n = open.items.size() / 2;
                    Term[] keys = new Term[n];
                    Term[] values = new Term[n];
                    for (int i = 0; i < n; i++) {
                        keys[i] = open.items.get(2 * i);
                        values[i] = open.items.get(2 * i + 1);
                    }
                    return TermMap.buildLastWins(keys, values);
                }
                throw error("',' or '}'");
            }
            default -> {
                if (open.inTail) {
                    open.tail = value;
                    return closeList(open);
                }
                open.items.add(value);
                if (peek(',')) {
                    pos++;
                    return null;
                }
                if (peek(']')) {
                    open.tail = TermList.NIL;
                    return closeList(open);
                }
                if (peek('|')) {
                    pos++;
                    // a list tail merges into this list: [a|[b,c]] is [a,b,c], read in place
                    skipSpace();
                    if (!peek('[')) {
                        open.inTail = true;
                        return null;
                    }
                    pos++;
                    skipSpace();
                    if (peek(']')) {
                        pos++;
                        open.tail = TermList.NIL;
                        return closeList(open);
                    }
                    open.extraCloses++;
                    return null;
                }
                throw error("',', '|' or ']'");
            }
        }
    }

    /** Reads the ']' that close a list (one per merged tail too) and makes it. */
    private Term closeList(Open open) {
        for (int k = 0; k <= open.extraCloses; k++) {
            skipSpace();
            expect(']');
        }
        return TermList.improper(open.items, open.tail);
    }

    /** A term that is not a tuple, list or map. */
    private Term leaf(char c) {
        switch (c) {
            case '<':
                return binary();
            case '"':
                return TermList.ofString(quoted('"'));
            case '\'': {
                int at = pos;
                return atom(quoted('\''), at);
            }
            case '$': {
                pos++;
                return Int.of(character());
            }
            default:
                break;
        }
        if (c == '-' || c == '+' || isDigit(c)) {
            return number();
        }
        if (Character.isLowerCase(c)) {
            int start = pos;
            while (pos < text.length() && isAtomChar(text.charAt(pos))) {
                pos++;
            }
            return atom(text.substring(start, pos), start);
        }
        throw error("a term");
    }

    /** The atom {@code name}, which started at {@code at}; too long a name is a syntax error, as in erl. */
    private static Atom atom(String name, int at) {
        int chars = name.codePointCount(0, name.length());
        if (chars > Atom.MAX_CHARACTERS) {
            throw new TermSyntaxException("atom of " + chars + " characters (expected: at most " + Atom.MAX_CHARACTERS + ")",
                    at);
        }
        return Atom.of(name);
    }

    private Term binary() {
        if (!text.startsWith("<<", pos)) {
            throw error("'<<'");
        }
        pos += 2;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        skipSpace();
        if (text.startsWith(">>", pos)) {
            pos += 2;
            return Binary.of(out.toByteArray());
        }
        while (true) {
            skipSpace();
            if (peek('"')) {
                String s = quoted('"');
                boolean utf8 = false;
                if (text.startsWith("/utf8", pos)) {
                    pos += 5;
                    utf8 = true;
                }
                if (utf8) {
                    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
                } else {
                    for (int i = 0; i < s.length(); i++) {
                        out.write(s.charAt(i) & 0xff);
                    }
                }
            } else {
                int at = pos;
                Term n = peek('$') ? Int.of(characterAfterDollar()) : number();
                if (!(n instanceof Int i) || !i.isLong()) {
                    throw new TermSyntaxException("binary segment: expected an integer", at);
                }
                out.write((int) (i.longValue() & 0xff));
            }
            skipSpace();
            if (peek(',')) {
                pos++;
            } else if (text.startsWith(">>", pos)) {
                pos += 2;
                return Binary.of(out.toByteArray());
            } else {
                throw error("',' or '>>'");
            }
        }
    }

    private int characterAfterDollar() {
        pos++;
        return character();
    }

    private Term number() {
        int start = pos;
        boolean negative = false;
        if (peek('-') || peek('+')) {
            negative = text.charAt(pos) == '-';
            pos++;
        }
        int digitsStart = pos;
        if (pos >= text.length() || !isDigit(text.charAt(pos))) {
            pos = start;
            throw error("a number");
        }
        while (pos < text.length() && (isDigit(text.charAt(pos)) || text.charAt(pos) == '_')) {
            pos++;
        }
        String digits = text.substring(digitsStart, pos).replace("_", "");
        if (peek('#')) {
            pos++;
            // found by TermParserFuzzTest: a base of many digits overflowed Integer.parseInt
            int radix = digits.length() > 2 ? Integer.MAX_VALUE : Integer.parseInt(digits);
            if (radix < 2 || radix > 36) {
                throw new TermSyntaxException("base " + digits + " (expected: 2..36)", digitsStart);
            }
            int valueStart = pos;
            while (pos < text.length() && Character.digit(text.charAt(pos), radix) >= 0) {
                pos++;
            }
            if (pos == valueStart) {
                throw error("digits in base " + radix);
            }
            BigInteger v = new BigInteger(text.substring(valueStart, pos), radix);
            return Int.of(negative ? v.negate() : v);
        }
        if (peek('.') && pos + 1 < text.length() && isDigit(text.charAt(pos + 1))) {
            pos++;
            while (pos < text.length() && isDigit(text.charAt(pos))) {
                pos++;
            }
            if (peek('e') || peek('E')) {
                pos++;
                if (peek('-') || peek('+')) {
                    pos++;
                }
                int expStart = pos;
                while (pos < text.length() && isDigit(text.charAt(pos))) {
                    pos++;
                }
                if (expStart == pos) {
                    throw error("an exponent");
                }
            }
            double d = Double.parseDouble(text.substring(start, pos).replace("_", ""));
            if (Double.isInfinite(d)) {
                throw new TermSyntaxException("float out of range", start);
            }
            return new Float64(d);
        }
        BigInteger v = new BigInteger(digits);
        return Int.of(negative ? v.negate() : v);
    }

    private String quoted(char quote) {
        int start = pos;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw new TermSyntaxException("unterminated " + (quote == '"' ? "string" : "quoted atom"), start);
            }
            char c = text.charAt(pos);
            if (c == quote) {
                pos++;
                return sb.toString();
            }
            if (c == '\\') {
                pos++;
                sb.appendCodePoint(escape());
            } else {
                sb.append(c);
                pos++;
            }
        }
    }

    /** A character after {@code $}: itself, or an escape sequence. */
    private int character() {
        if (pos >= text.length()) {
            throw error("a character after '$'");
        }
        char c = text.charAt(pos);
        if (c == '\\') {
            pos++;
            return escape();
        }
        int cp = text.codePointAt(pos);
        pos += Character.charCount(cp);
        return cp;
    }

    private int escape() {
        if (pos >= text.length()) {
            throw error("an escape sequence");
        }
        char c = text.charAt(pos++);
        switch (c) {
            case 'n': return '\n';
            case 't': return '\t';
            case 'r': return '\r';
            case 's': return ' ';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'e': return 27;
            case 'v': return 11;
            case 'd': return 127;
            case 'x': {
                if (peek('{')) {
                    int close = text.indexOf('}', pos);
                    if (close < 0) {
                        throw error("'}' closing \\x{...}");
                    }
                    String hex = text.substring(pos + 1, close);
                    pos = close + 1;
                    return parseHex(hex, close);
                }
                int end = Math.min(pos + 2, text.length());
                String hex = text.substring(pos, end);
                pos = end;
                return parseHex(hex, pos);
            }
            default:
                if (c >= '0' && c <= '7') {
                    int v = c - '0';
                    for (int i = 0; i < 2 && pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '7'; i++) {
                        v = v * 8 + (text.charAt(pos++) - '0');
                    }
                    return v;
                }
                if (c == '^' && pos < text.length()) {
                    return text.charAt(pos++) & 31;
                }
                return c;
        }
    }

    private int parseHex(String hex, int at) {
        try {
            int v = Integer.parseInt(hex, 16);
            if (!Character.isValidCodePoint(v)) {
                throw new TermSyntaxException("\\x escape " + hex + " is not a code point", at);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new TermSyntaxException("\\x escape: '" + hex + "' is not hexadecimal", at);
        }
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (c == '%') {
                while (pos < text.length() && text.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                return;
            }
        }
    }

    private boolean peek(char c) {
        return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
        if (!peek(c)) {
            throw error("'" + c + "'");
        }
        pos++;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAtomChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '@';
    }

    private TermSyntaxException error(String expected) {
        String found = pos >= text.length() ? "end of input" : "'" + text.charAt(pos) + "'";
        return new TermSyntaxException(found + " (expected: " + expected + ")", pos);
    }
}
