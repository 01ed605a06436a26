/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

/**
 * Text that is not well-formed Erlang term syntax, from {@link TermParser}. The message
 * says what was found, what was expected, and where: {@code 'x' (expected: ',' or ']') at
 * position 7}.
 */
public final class TermSyntaxException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int position;

    /** A syntax error at {@code position}, a 0-based character offset. */
    public TermSyntaxException(String problem, int position) {
        super(problem + " at position " + position);
        this.position = position;
    }

    /** The 0-based character offset of the error. */
    public int position() {
        return position;
    }
}
