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

    /**
     * A well-formed signal that fails the identity checks erts makes of every signal it
     * receives: a sender that is not a process of the peer, a target that is not one of this
     * node. Fatal, as the BEAM's {@code invalid_message}.
     */
    public static final class InvalidSignal extends DistProtocolException {

        @Serial
        private static final long serialVersionUID = 1L;

        private final String op;
        private final String problem;
        private final String control;

        /** Operation {@code op} failed a check; {@code control} is its control tuple as text. */
        public InvalidSignal(String op, String problem, String control) {
            super(op + ": " + problem + " in " + shorten(control));
            this.op = op;
            this.problem = problem;
            this.control = shorten(control);
        }

        private static String shorten(String text) {
            return text.length() > 200 ? text.substring(0, 200) + "..." : text;
        }

        /** The control tuple as text, cut after 200 characters. */
        public String control() {
            return control;
        }

        /** The name of the operation, e.g. {@code LINK}. */
        public String op() {
            return op;
        }

        /** What is wrong, e.g. {@code sender <0.1.2> is not a process of b@h (expected: ...)}. */
        public String problem() {
            return problem;
        }
    }
}
