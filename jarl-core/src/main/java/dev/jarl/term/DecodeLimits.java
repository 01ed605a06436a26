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
 * @param maxDepth            how deep containers (tuples, lists, maps, funs) may nest; the
 *                            decoder uses no Java stack per level, but {@code equals},
 *                            {@code hashCode}, {@code compareTo} and {@code toString}
 *                            recurse per level, so keep it modest
 * @param maxBinarySize       the most bytes of one binary, bit string or big integer
 * @param maxUncompressedSize the most bytes a compressed term (tag 80) may inflate to
 */
public record DecodeLimits(int maxDepth, int maxBinarySize, int maxUncompressedSize) {

    /**
     * Depth 1 000; binaries and compressed terms up to 512 MiB (the default maximum message
     * size). The depth keeps {@code equals}, {@code compareTo} and {@code toString} of any
     * decoded term well inside a 1 MiB thread stack (they overflow it past about 2 200
     * levels); raise it only with bigger stacks.
     */
    public static final DecodeLimits DEFAULT = new DecodeLimits(1_000, 512 << 20, 512 << 20);

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
