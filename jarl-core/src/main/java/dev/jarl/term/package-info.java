/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Erlang terms as immutable Java values, and the external term format codec.
 *
 * <p>{@link dev.jarl.term.Term} is a sealed hierarchy: one type per Erlang data type, with
 * structural equality matching Erlang's {@code =:=} and an ordering matching Erlang's term
 * order. The codec is apart from the values: only the codec knows the bytes.
 *
 * <p>Codec: {@link dev.jarl.term.Etf} encodes and decodes whole terms in one call
 * ({@code term_to_binary}/{@code binary_to_term}); {@link dev.jarl.term.TermWriter} and
 * {@link dev.jarl.term.TermReader} are the reusable, allocation-lean pieces the distribution
 * layer uses. Encoding is OTP 25+'s ({@code term_to_binary(T, [{minor_version, 2}])}), so a
 * term decoded from OTP re-encodes to the same bytes. Decoding takes every form OTP 25+
 * writes plus the legacy ones, and any malformed input ends in one exception,
 * {@link dev.jarl.term.TermDecodeException}, within {@link dev.jarl.term.DecodeLimits}.
 *
 * <p>Syntax: {@link dev.jarl.term.TermParser} reads and {@code toString} writes Erlang's;
 * {@link dev.jarl.term.ElixirFormat} writes Elixir's (as Elixir 1.14's {@code inspect}), and
 * {@link dev.jarl.term.Atom#elixir}, {@link dev.jarl.term.TermMap#struct} and
 * {@link dev.jarl.term.TermList#keyword} build Elixir's module atoms, structs and keyword
 * lists.
 *
 * <p>Atoms: no global atom table. A small fixed-size cache (lossy, so bounded whatever
 * the network sends) spares allocations for common atoms.
 *
 * <p>Spec: erlang/otp {@code erts/doc/guides/erl_ext_dist.md}; term order as
 * {@code erts/emulator/beam/utils.c} applies it, checked pair by pair against a real BEAM in
 * the tests. Terms are immutable and safe to share between threads; codec instances are
 * not. Binaries decoded by a {@code TermReader} share its input array unless it is told to
 * copy: don't change the input while such terms live ({@code Etf.decode} copies).
 */
package dev.jarl.term;
