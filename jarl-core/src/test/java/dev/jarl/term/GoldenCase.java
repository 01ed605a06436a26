/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.term;

import java.util.function.Predicate;

/**
 * One golden vector: an Erlang expression evaluated by a real BEAM, and the term Jarl
 * expects it to decode to.
 *
 * @param id        a name without spaces
 * @param erlang    the Erlang expression
 * @param expected  the value in Jarl terms, or null for values only the node can make
 *                  (pids, references, local funs); {@code check} then checks the shape
 * @param check     a check of the decoded value (always applied)
 * @param canonical true if Jarl's encoding of the decoded value must be OTP's bytes
 */
record GoldenCase(String id, String erlang, Term expected, Predicate<Term> check, boolean canonical) {

    static GoldenCase of(String id, String erlang, Term expected) {
        return new GoldenCase(id, erlang, expected, t -> true, true);
    }

    static GoldenCase shaped(String id, String erlang, Predicate<Term> check) {
        return new GoldenCase(id, erlang, null, check, true);
    }
}
