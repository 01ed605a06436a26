/**
 * Erlang terms as immutable Java values, and the external term format codec.
 *
 * <p>{@link dev.jarl.term.Term} is a sealed hierarchy: one type per Erlang data type, with
 * structural equality matching Erlang's {@code =:=} and an ordering matching Erlang's term
 * order. The codec is apart from the values: only the codec knows the bytes.
 *
 * <p>Spec: erlang/otp {@code erts/doc/guides/erl_ext_dist.md}. Terms are immutable and
 * safe to share between threads; codec instances are not.
 */
package dev.jarl.term;
