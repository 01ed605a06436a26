/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

/**
 * Bounds on what a {@link TermReader} accepts, so hostile input fails fast instead of
 * exhausting memory.
 *
 * <p>Every length on the wire is also checked against the bytes that remain before anything
 * is allocated, so without compression a term never costs much more memory than its bytes.
 *
 * @param maxDepth            how deep containers (tuples, lists, maps, funs) may nest;
 *                            {@link #UNLIMITED_DEPTH} by default, as on the BEAM: no part of
 *                            Jarl recurses per level, so depth costs only the bytes that
 *                            spell it. Set a lower limit to refuse deep terms; a
 *                            distribution connection that receives one closes, logging the
 *                            reason at WARNING
 * @param maxBinarySize       the most bytes of one binary, bit string or big integer
 * @param maxUncompressedSize the most bytes a compressed term (tag 80) may inflate to
 */
public record DecodeLimits(int maxDepth, int maxBinarySize, int maxUncompressedSize) {

    /** No limit on nesting: {@link Integer#MAX_VALUE} levels, more than any input can spell. */
    public static final int UNLIMITED_DEPTH = Integer.MAX_VALUE;

    /**
     * Any depth; binaries and compressed terms up to 512 MiB (the default maximum message
     * size).
     */
    public static final DecodeLimits DEFAULT = new DecodeLimits(UNLIMITED_DEPTH, 512 << 20, 512 << 20);

    /** Checks that every limit is positive. */
    public DecodeLimits {
        if (maxDepth < 1) {
            throw new IllegalArgumentException("maxDepth: " + maxDepth + " (expected: at least 1)");
        }
        if (maxBinarySize < 0) {
            throw new IllegalArgumentException("maxBinarySize: " + maxBinarySize + " (expected: at least 0)");
        }
        if (maxUncompressedSize < 0) {
            throw new IllegalArgumentException("maxUncompressedSize: " + maxUncompressedSize + " (expected: at least 0)");
        }
    }

    /** These limits with another maximum depth. */
    public DecodeLimits withMaxDepth(int depth) {
        return new DecodeLimits(depth, maxBinarySize, maxUncompressedSize);
    }

    /** These limits with another maximum binary size. */
    public DecodeLimits withMaxBinarySize(int size) {
        return new DecodeLimits(maxDepth, size, maxUncompressedSize);
    }

    /** These limits with another maximum uncompressed size. */
    public DecodeLimits withMaxUncompressedSize(int size) {
        return new DecodeLimits(maxDepth, maxBinarySize, size);
    }
}
