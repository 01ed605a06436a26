/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.jarl.term.Atom;

/**
 * The Java functions a node lets Erlang call, each under an Erlang module, function and
 * arity. This explicit set is all the Java code a peer can reach: a call, cast or spawn of
 * anything else fails as it would on a BEAM node lacking the module ({@code undef}).
 *
 * <pre>{@code
 * node.functions().register("Elixir.Billing", "charge", 2, args -> billing.charge(args.get(0), args.get(1)));
 * // from iex:  :erpc.call(:"java@host", Billing, :charge, [customer, 1200])
 * // from erl:  rpc:call('java@host', 'Elixir.Billing', charge, [Customer, 1200])
 * }</pre>
 *
 * <p>Thread-safe; registering while calls arrive is fine (a call sees the function or not).
 */
public final class Functions {

    private record Key(Atom module, Atom function, int arity) {
    }

    private final ConcurrentHashMap<Key, ErlangFunction> table = new ConcurrentHashMap<>();

    Functions() {
    }

    /**
     * Registers {@code fn} as {@code module:function/arity}, replacing an earlier one.
     *
     * @throws IllegalArgumentException when {@code arity} is outside 0..255
     */
    public void register(String module, String function, int arity, ErlangFunction fn) {
        Objects.requireNonNull(fn, "fn");
        table.put(key(module, function, arity), fn);
    }

    /** Removes {@code module:function/arity}; true when it was registered. */
    public boolean unregister(String module, String function, int arity) {
        return table.remove(key(module, function, arity)) != null;
    }

    /** The function registered as {@code module:function/arity}, if any. */
    public Optional<ErlangFunction> lookup(String module, String function, int arity) {
        return Optional.ofNullable(table.get(key(module, function, arity)));
    }

    ErlangFunction lookup(Atom module, Atom function, int arity) {
        return table.get(new Key(module, function, arity));
    }

    private static Key key(String module, String function, int arity) {
        if (arity < 0 || arity > 255) {
            throw new IllegalArgumentException("arity: " + arity + " (expected: 0..255)");
        }
        return new Key(Atom.of(Objects.requireNonNull(module, "module")),
                Atom.of(Objects.requireNonNull(function, "function")), arity);
    }
}
