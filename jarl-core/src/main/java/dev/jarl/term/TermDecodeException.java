/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.io.Serial;

/**
 * Malformed external term format: the one exception the decoder throws for any input.
 *
 * <p>The message reads {@code what: actual (expected: constraint) at offset n}, for example
 * {@code atom length: 300 characters (expected: at most 255) at offset 2}. The offset counts
 * from the start of the slice given to the reader (for a compressed term, from the start of
 * the uncompressed data).
 */
public final class TermDecodeException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final long offset;

    /**
     * @param what       the field or element that is wrong
     * @param actual     what was found
     * @param constraint what was expected
     * @param offset     where, in bytes from the start of the input
     */
    public TermDecodeException(String what, String actual, String constraint, long offset) {
        super(what + ": " + actual + " (expected: " + constraint + ") at offset " + offset);
        this.offset = offset;
    }

    /** Same, with the cause (for example the inflater's error). */
    public TermDecodeException(String what, String actual, String constraint, long offset, Throwable cause) {
        super(what + ": " + actual + " (expected: " + constraint + ") at offset " + offset, cause);
        this.offset = offset;
    }

    /** Where the problem is, in bytes from the start of the input. */
    public long offset() {
        return offset;
    }
}
