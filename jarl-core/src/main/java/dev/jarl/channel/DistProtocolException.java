/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.io.Serial;

/**
 * A distribution packet that breaks the protocol: a bad header, a control tuple of the wrong
 * shape, a term the codec refused. The connection that received it closes with this message
 * as its reason; the node and its other connections go on.
 *
 * <p>The message follows the project's one failure vocabulary:
 * {@code what: actual (expected: constraint)}, with an offset where there is one.
 */
public class DistProtocolException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /** A violation described by {@code message}. */
    public DistProtocolException(String message) {
        super(message);
    }

    /** A violation described by {@code message}, caused by {@code cause}. */
    public DistProtocolException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A control tuple whose operation number this node does not know (for example OTP 28's
     * ALTACT_SIG_SEND). Not fatal: the connection logs it once and drops the packet.
     */
    public static final class UnknownOperation extends DistProtocolException {

        @Serial
        private static final long serialVersionUID = 1L;

        private final int op;

        /** An unknown operation {@code op}. */
        public UnknownOperation(int op) {
            super("control operation: " + op + " (expected: one of 1..8, 12, 13, 16, 18..36)");
            this.op = op;
        }

        /** The operation number. */
        public int op() {
            return op;
        }
    }
}
