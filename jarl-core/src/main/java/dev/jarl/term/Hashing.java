/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.security.SecureRandom;

/**
 * The hash codes of terms, keyed by a random seed chosen once per process.
 *
 * <p>Java's own hash codes are public and predictable: every integer {@code (x << 32) | x}
 * has {@code Long.hashCode} 0, and strings made of the blocks {@code "Aa"} and {@code "BB"}
 * share one {@code String.hashCode}. A peer that sends a map with such keys would make a
 * hash index probe quadratically (review finding 7). Terms therefore hash their contents
 * with a seed no peer knows; {@link TermMap} still bounds its probing and falls back to a
 * sorted index, so even a peer that learned the seed gets no more than O(n log n).
 */
final class Hashing {

    private static final long SEED = new SecureRandom().nextLong();
    private static final long K = 0x9E37_79B9_7F4A_7C15L;

    private Hashing() {
    }

    /** The finaliser of MurmurHash3: every input bit affects every output bit. */
    private static long fmix(long h) {
        h ^= h >>> 33;
        h *= 0xFF51_AFD7_ED55_8CCDL;
        h ^= h >>> 33;
        h *= 0xC4CE_B9FE_1A85_EC53L;
        h ^= h >>> 33;
        return h;
    }

    /** The hash of one 64-bit value, under {@code kind} (so an integer and a float of the same bits differ). */
    static int of(int kind, long value) {
        return (int) fmix((value ^ SEED) + kind * K);
    }

    /** Continues a hash {@code h} with {@code value}. */
    static long step(long h, long value) {
        return Long.rotateLeft((h ^ fmix(value + SEED)) * K, 29);
    }

    /** A started hash for a value of {@code kind}. */
    static long start(int kind) {
        return SEED ^ (kind * K);
    }

    /** The final 32 bits of a hash. */
    static int finish(long h) {
        return (int) fmix(h);
    }

    /** The hash of text (an atom's name), 4 characters at a time. */
    static int text(int kind, String s) {
        long h = start(kind);
        int n = s.length();
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            h = step(h, (long) s.charAt(i) | (long) s.charAt(i + 1) << 16 | (long) s.charAt(i + 2) << 32
                    | (long) s.charAt(i + 3) << 48);
        }
        long last = n;
        for (int shift = 16; i < n; i++, shift += 16) {
            last |= (long) s.charAt(i) << shift;
        }
        return finish(step(h, last));
    }

    /** The hash of bytes, 8 at a time. */
    static int bytes(int kind, byte[] a, int offset, int length, long extra) {
        long h = start(kind);
        int i = offset;
        int end = offset + length;
        for (; i + 8 <= end; i += 8) {
            long w = 0;
            for (int k = 0; k < 8; k++) {
                w = w << 8 | (a[i + k] & 0xFF);
            }
            h = step(h, w);
        }
        long last = 0;
        for (; i < end; i++) {
            last = last << 8 | (a[i] & 0xFF);
        }
        return finish(step(step(h, last), (long) length << 8 ^ extra));
    }
}
