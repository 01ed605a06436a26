/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.List;

import dev.jarl.term.Term;

/**
 * A Java function that Erlang code can call as {@code Module:Function(Args...)} once it is
 * {@link Functions#register registered}: from {@code erpc:call}, {@code rpc:call}, their
 * cast and multicall forms, and {@code spawn/4} or {@code spawn_request/5} on the Jarl node.
 * Each call runs in its own Jarl process on its own virtual thread.
 *
 * <p>What the function does becomes what an Erlang function would have done: returning a
 * term returns it; throwing {@link ErlangException.Error}, {@link ErlangException.Exit} or
 * {@link ErlangException.Throw} raises that class with that reason; any other exception
 * raises an {@code error} whose reason is {@code {'ClassName', <<"message">>}} (see
 * {@link ExitException#reasonOf}). Returning {@code null} is an error too.
 *
 * <pre>{@code
 * node.functions().register("Elixir.Billing", "charge", 2, args -> {
 *     long cents = ((Int) args.get(1)).longValue();
 *     if (cents <= 0) {
 *         throw new ErlangException.Error(Term.tuple("bad_amount", args.get(1)));
 *     }
 *     return Term.tuple("ok", billing.charge(args.get(0), cents));
 * });
 * }</pre>
 */
@FunctionalInterface
public interface ErlangFunction {

    /**
     * Runs one call.
     *
     * @param args the call's arguments, as many as the arity it was registered with
     * @return the result term
     * @throws Exception an {@link ErlangException} to raise an Erlang class, anything else
     *                   to raise {@code error}; an interrupt means the calling process was
     *                   killed
     */
    Term apply(List<Term> args) throws Exception;
}
