/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import java.net.ProtocolException;
import java.util.Objects;

/**
 * How a connection ended, or why an attempt to make one failed: the one reason a connection
 * goes down with, whoever noticed first. A carrier reports it through
 * {@link DistChannel#closed(ConnectionFate)}; the node passes it on to the connection table,
 * to {@code nodedown} messages (as the {@code nodedown_reason} atom OTP uses), to its node
 * listeners and to the log. OTP carries these reasons as atoms from {@code dist_util} to
 * {@code net_kernel}; here each is a record, so that no reason is recovered from a message
 * text.
 *
 * <table>
 *   <caption>Fates and the {@code nodedown_reason} a monitoring process sees</caption>
 *   <tr><th>fate</th><th>{@code nodedown_reason}</th></tr>
 *   <tr><td>{@link Closed}, {@link TransportError}, {@link ProtocolError}, {@link HandshakeFailed}</td>
 *       <td>{@code connection_closed}</td></tr>
 *   <tr><td>{@link Disconnected}</td><td>{@code disconnect}</td></tr>
 *   <tr><td>{@link TickTimeout}</td><td>{@code net_tick_timeout}</td></tr>
 * </table>
 *
 * <p>{@code toString()} is the sentence for logs. Text a peer chose is escaped by whoever
 * puts it in ({@link dev.jarl.term.Printable}).
 */
public sealed interface ConnectionFate {

    /** What happened, without the kind of fate in front: the text the carrier or node gave. */
    String detail();

    /**
     * The transport closed in an orderly way: the peer closed it, or this node did for a
     * reason of its own that is none of the others (it is stopping, a new connection from a
     * restarted peer replaces this one).
     *
     * @param detail who closed it, for example {@code connection closed by peer}
     */
    record Closed(String detail) implements ConnectionFate {
        /** Checks for null. */
        public Closed {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String toString() {
            return detail;
        }
    }

    /** Closed on request ({@code erlang:disconnect_node/1}, {@code Node.disconnect}). */
    record Disconnected() implements ConnectionFate {
        @Override
        public String detail() {
            return "disconnected";
        }

        @Override
        public String toString() {
            return detail();
        }
    }

    /** The peer sent nothing for the tick time ({@code net_tick_timeout}). */
    record TickTimeout() implements ConnectionFate {
        @Override
        public String detail() {
            return "net_tick_timeout";
        }

        @Override
        public String toString() {
            return detail();
        }
    }

    /**
     * The transport failed, or a party of the connection did.
     *
     * @param detail what failed, for example {@code read failed: Connection reset}
     * @param cause  the exception behind it
     */
    record TransportError(String detail, Throwable cause) implements ConnectionFate {
        /** Checks for nulls. */
        public TransportError {
            Objects.requireNonNull(detail, "detail");
            Objects.requireNonNull(cause, "cause");
        }

        @Override
        public String toString() {
            return detail;
        }
    }

    /**
     * The peer broke the protocol: a length over the limit, a malformed packet, a signal
     * that fails the identity checks (what erts calls an invalid distribution message).
     * Logged at WARNING.
     *
     * @param detail what was wrong, in the form {@code field: actual (expected: ...)}
     */
    record ProtocolError(String detail) implements ConnectionFate {
        /** Checks for null. */
        public ProtocolError {
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public String toString() {
            return "protocol error: " + detail;
        }
    }

    /**
     * The handshake failed, so the connection never came up.
     *
     * @param reason why, as {@link HandshakeException#reason()} says
     * @param detail the sentence for people ({@link HandshakeException#detail()})
     */
    record HandshakeFailed(HandshakeException.Reason reason, String detail) implements ConnectionFate {
        /** Checks for nulls. */
        public HandshakeFailed {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        /** The fate of a handshake that threw {@code e}. */
        public static HandshakeFailed of(HandshakeException e) {
            return new HandshakeFailed(e.reason(), e.detail());
        }

        @Override
        public String toString() {
            return reason + ": " + detail;
        }
    }

    /**
     * The fate of a carrier that records its failure as a sentence and the exception behind
     * it: none is {@link Closed}, a {@link ProtocolException} is a {@link ProtocolError} (the
     * peer broke the framing), any other a {@link TransportError}.
     */
    static ConnectionFate of(String detail, Throwable cause) {
        Objects.requireNonNull(detail, "detail");
        if (cause == null) {
            return new Closed(detail);
        }
        return cause instanceof ProtocolException ? new ProtocolError(detail) : new TransportError(detail, cause);
    }
}
