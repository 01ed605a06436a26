/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

/**
 * Strict UTF-8 validation, as the BEAM checks atom text: no overlong form, no surrogate, no
 * value above U+10FFFF, no sequence cut at the end. Pure; used by {@link TermReader}.
 */
final class Utf8 {

    private Utf8() {
    }

    /** Why a byte sequence is not valid UTF-8, and where (an index into the array). */
    static final class Malformed extends Exception {
        private static final long serialVersionUID = 1L;
        final String actual;
        final String expected;
        final int at;

        Malformed(String actual, String expected, int at) {
            super(actual, null, false, false);
            this.actual = actual;
            this.expected = expected;
            this.at = at;
        }
    }

    /**
     * The number of code points in {@code data[p..p+len)}.
     *
     * @throws Malformed at the first byte that breaks strict UTF-8
     */
    static int characters(byte[] data, int p, int len) throws Malformed {
        int chars = 0;
        int i = p;
        int stop = p + len;
        while (i < stop) {
            int b = data[i] & 0xFF;
            int more;
            int min;
            int cp;
            if (b < 0x80) {
                i++;
                chars++;
                continue;
            } else if (b >= 0xC2 && b <= 0xDF) {
                more = 1;
                min = 0x80;
                cp = b & 0x1F;
            } else if (b >= 0xE0 && b <= 0xEF) {
                more = 2;
                min = 0x800;
                cp = b & 0x0F;
            } else if (b >= 0xF0 && b <= 0xF4) {
                more = 3;
                min = 0x10000;
                cp = b & 0x07;
            } else {
                throw new Malformed("byte 0x" + Integer.toHexString(b), "valid UTF-8", i);
            }
            if (stop - i <= more) {
                throw new Malformed("UTF-8 sequence cut at the end", "valid UTF-8", i);
            }
            for (int k = 1; k <= more; k++) {
                int c = data[i + k] & 0xFF;
                if ((c & 0xC0) != 0x80) {
                    throw new Malformed("byte 0x" + Integer.toHexString(c), "a UTF-8 continuation byte", i + k);
                }
                cp = (cp << 6) | (c & 0x3F);
            }
            if (cp < min || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
                throw new Malformed("code point U+" + Integer.toHexString(cp).toUpperCase(),
                        "valid UTF-8 (no overlong form, surrogate or value above U+10FFFF)", i);
            }
            i += more + 1;
            chars++;
        }
        return chars;
    }
}
