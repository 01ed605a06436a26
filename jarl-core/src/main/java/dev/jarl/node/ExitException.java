/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.Objects;

import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * A process ends with an exit reason: thrown by a {@link ProcessBody} to exit as Erlang's
 * {@code exit(Reason)} does, and thrown by {@link Mailbox#receive()} and its variants once
 * the process has ended (killed by an exit signal, closed, or its node stopped), carrying
 * the reason it ended with.
 *
 * <pre>{@code
 * node.spawn(self -> {
 *     Term m = self.receive();
 *     if (!(m instanceof Tuple)) {
 *         throw new ExitException(Term.tuple("bad_message", m));   // exits with {bad_message, M}
 *     }
 * });
 * }</pre>
 *
 * <p>It extends {@link IllegalStateException} because receiving on an ended process is a
 * state error; code written against closed mailboxes keeps working.
 */
public class ExitException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** The exit reason as a term. */
    private final transient Term reason;

    /** An exit with {@code reason}. */
    public ExitException(Term reason) {
        super("exit: " + Objects.requireNonNull(reason, "reason"));
        this.reason = reason;
    }

    /** An exit with the atom {@code reason}. */
    public ExitException(String reason) {
        this(Atom.of(reason));
    }

    /** The exit reason. */
    public Term reason() {
        return reason;
    }

    /**
     * The exit reason Jarl gives a process whose body threw {@code t}: the reason of an
     * {@link ExitException}, else {@code {'ClassName', <<"message">>}} (the message empty when
     * there is none), which an Erlang peer reads as an ordinary error reason, e.g.
     * {@code {'java.lang.IllegalStateException', <<"no such account">>}}.
     */
    public static Term reasonOf(Throwable t) {
        if (t instanceof ExitException e) {
            return e.reason();
        }
        String message = t.getMessage();
        return Tuple.of(Atom.of(t.getClass().getName()), Binary.of(message == null ? "" : message));
    }
}
