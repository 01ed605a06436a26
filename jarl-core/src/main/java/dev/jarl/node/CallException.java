/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.Objects;

import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * A {@code gen_server:call} that failed: the Java form of the exit {@code gen_server:call}
 * raises. {@link #reason()} is what {@code gen:call} exits with ({@code timeout},
 * {@code noproc}, {@code {nodedown, Node}} or the server's exit reason);
 * {@link #exitReason()} is the whole {@code {Reason, {gen_server, call, [Server, Request,
 * Timeout]}}} an Erlang caller would see. The subclasses tell the cases apart.
 *
 * <pre>{@code
 * try {
 *     Term reply = box.call(Term.atom("db"), Term.atom("stats"), Duration.ofSeconds(5));
 * } catch (CallException.NoProc | CallException.NodeDown e) {
 *     // no server
 * } catch (CallException.Timeout e) {
 *     // slow server
 * } catch (CallException.Exited e) {
 *     Term why = e.reason();   // it died during the call
 * }
 * }</pre>
 */
public class CallException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Term reason;
    private final transient Term exitReason;

    CallException(Term reason, Term server, Term request, long timeoutMillis) {
        super("gen_server:call to " + server + " failed: " + reason);
        this.reason = Objects.requireNonNull(reason, "reason");
        Term t = timeoutMillis < 0 ? Atom.of("infinity") : Int.of(timeoutMillis);
        this.exitReason = Tuple.of(reason, Tuple.of(Atom.of("gen_server"), Atom.of("call"), TermList.of(server, request, t)));
    }

    /** What {@code gen:call} exits with. */
    public Term reason() {
        return reason;
    }

    /** What {@code gen_server:call} exits with: {@code {Reason, {gen_server, call, [S, R, T]}}}. */
    public Term exitReason() {
        return exitReason;
    }

    static CallException of(Term reason, Term server, Term request, long timeoutMillis) {
        if (Atom.NOPROC.equals(reason)) {
            return new NoProc(server, request, timeoutMillis);
        }
        if (Atom.of("timeout").equals(reason)) {
            return new Timeout(server, request, timeoutMillis);
        }
        if (reason instanceof Tuple t && t.isTagged(Atom.of("nodedown"), 2)) {
            return new NodeDown(reason, server, request, timeoutMillis);
        }
        return new Exited(reason, server, request, timeoutMillis);
    }

    /** No answer in time: reason {@code timeout}. */
    public static final class Timeout extends CallException {
        private static final long serialVersionUID = 1L;

        Timeout(Term server, Term request, long timeoutMillis) {
            super(Atom.of("timeout"), server, request, timeoutMillis);
        }
    }

    /** No such process or name: reason {@code noproc}. */
    public static final class NoProc extends CallException {
        private static final long serialVersionUID = 1L;

        NoProc(Term server, Term request, long timeoutMillis) {
            super(Atom.NOPROC, server, request, timeoutMillis);
        }
    }

    /** The server's node was lost or could not be reached: reason {@code {nodedown, Node}}. */
    public static final class NodeDown extends CallException {
        private static final long serialVersionUID = 1L;

        NodeDown(Term reason, Term server, Term request, long timeoutMillis) {
            super(reason, server, request, timeoutMillis);
        }

        /** The node that went down. */
        public NodeName node() {
            return NodeName.parse(((Atom) ((Tuple) reason()).get(1)).name());
        }
    }

    /** The server ended before it replied; {@link #reason()} is its exit reason. */
    public static final class Exited extends CallException {
        private static final long serialVersionUID = 1L;

        Exited(Term reason, Term server, Term request, long timeoutMillis) {
            super(reason, server, request, timeoutMillis);
        }
    }
}
