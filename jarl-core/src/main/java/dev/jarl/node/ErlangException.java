/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.Objects;

import dev.jarl.term.Atom;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;

/**
 * An Erlang exception: one of the three classes {@code error}, {@code exit} and
 * {@code throw}, with its reason and (for {@code error}) a stack trace.
 *
 * <p>Two uses. A registered {@link ErlangFunction} throws one to raise that class in its
 * Erlang caller, as {@code erlang:error/1}, {@code exit/1} and {@code throw/1} do; and
 * {@link Node#rpc} reports one that the called Erlang function raised, inside
 * {@link RpcException.Raised}.
 *
 * <pre>{@code
 * node.functions().register("accounts", "get", 1, args -> {
 *     Term account = store.get(args.get(0));
 *     if (account == null) {
 *         throw new ErlangException.Throw(Term.atom("not_found"));   // caller's catch sees not_found
 *     }
 *     return account;
 * });
 * }</pre>
 */
public abstract sealed class ErlangException extends RuntimeException {

    private static final long serialVersionUID = 1L;
    private static final Atom EXIT_CLASS = Atom.of("exit");
    private static final Atom THROW_CLASS = Atom.of("throw");

    /** The reason (or the thrown value). */
    private final transient Term reason;
    /** The stack trace as Erlang shows it: a list of {@code {M, F, ArityOrArgs, Location}}. */
    private final transient Term stacktrace;

    private ErlangException(String kind, Term reason, Term stacktrace) {
        super(kind + ":" + Objects.requireNonNull(reason, "reason"), null, false, false);
        this.reason = reason;
        this.stacktrace = Objects.requireNonNull(stacktrace, "stacktrace");
    }

    /** The Erlang class: {@code error}, {@code exit} or {@code throw}. */
    public abstract Atom erlangClass();

    /** The reason, or the thrown value for {@link Throw}. */
    public Term reason() {
        return reason;
    }

    /** The Erlang stack trace ({@code []} when none is known). */
    public Term stacktrace() {
        return stacktrace;
    }

    /** {@code erlang:error(Reason)}. */
    public static final class Error extends ErlangException {
        private static final long serialVersionUID = 1L;

        /** An error with {@code reason}; the stack is filled in by Jarl when raised from Java. */
        public Error(Term reason) {
            this(reason, TermList.NIL);
        }

        /** An error with {@code reason} and an Erlang stack trace. */
        public Error(Term reason, Term stacktrace) {
            super("error", reason, stacktrace);
        }

        @Override
        public Atom erlangClass() {
            return Atom.ERROR;
        }
    }

    /** {@code exit(Reason)}. */
    public static final class Exit extends ErlangException {
        private static final long serialVersionUID = 1L;

        /** An exit with {@code reason}. */
        public Exit(Term reason) {
            this(reason, TermList.NIL);
        }

        /** An exit with {@code reason} and the stack trace it was raised with. */
        public Exit(Term reason, Term stacktrace) {
            super("exit", reason, stacktrace);
        }

        @Override
        public Atom erlangClass() {
            return EXIT_CLASS;
        }
    }

    /** {@code throw(Value)}. */
    public static final class Throw extends ErlangException {
        private static final long serialVersionUID = 1L;

        /** A throw of {@code value}. */
        public Throw(Term value) {
            this(value, TermList.NIL);
        }

        /** A throw of {@code value} with the stack trace it was raised with. */
        public Throw(Term value, Term stacktrace) {
            super("throw", value, stacktrace);
        }

        @Override
        public Atom erlangClass() {
            return THROW_CLASS;
        }
    }
}
