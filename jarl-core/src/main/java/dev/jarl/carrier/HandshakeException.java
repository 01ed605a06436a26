/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.io.IOException;
import java.util.Objects;


/**
 * A handshake that did not complete. The connection is dead: the caller closes it. The
 * {@link #reason()} says why; the message adds detail in the form
 * {@code field: actual (expected: constraint) at offset n} for malformed input, names the
 * peer where it is known, and never contains the cookie.
 */
public final class HandshakeException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Why a handshake failed. */
    public enum Reason {
        /** The peer is not allowed here, or the acceptor answered {@code not_allowed}. */
        NOT_ALLOWED,
        /** The acceptor answered {@code nok}: its own attempt to us wins (simultaneous connect). */
        NOK,
        /**
         * A connection to the peer already exists and this attempt is not the pending one:
         * the initiator answered (or, initiating, we answered) {@code false} to {@code alive}.
         */
        ALIVE,
        /** The peer lacks flags this node requires; the message names them. */
        MISSING_FLAGS,
        /** The peer's digest does not match our cookie: the cookies differ. */
        BAD_DIGEST,
        /**
         * The peer closed the connection right after receiving our digest, as a BEAM node
         * does when our digest does not match its cookie: most likely the cookies differ.
         */
        DIGEST_REJECTED,
        /** A step took longer than the setup time. */
        TIMEOUT,
        /** The peer's name is invalid, or not the node that was dialed. */
        BAD_NAME,
        /** A malformed or unexpected message. */
        PROTOCOL,
        /** The transport closed or failed mid-handshake. */
        CLOSED,
        /**
         * The attempt was shut down without an error: the node told us to stop
         * (another incoming attempt from the peer is under way) or the thread was interrupted.
         */
        SHUTDOWN
    }

    private final Reason reason;
    private final String detail;

    /** A failure with a reason and a message. */
    public HandshakeException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** A failure with a reason, a message and the exception behind it. */
    public HandshakeException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, cause);
        this.reason = reason;
        this.detail = message;
    }

    /** Why the handshake failed. */
    public Reason reason() {
        return reason;
    }

    /**
     * The message without the reason in front: the sentence to show a person, for example
     * {@code "rabbit@host closed the connection right after our cookie digest: ..."}.
     */
    public String detail() {
        return detail;
    }
}
