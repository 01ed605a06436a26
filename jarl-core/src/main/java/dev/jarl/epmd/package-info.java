/**
 * The Erlang Port Mapper Daemon protocol: a client to register a node and look others up,
 * and a small embedded server that real {@code erl} nodes and Jarl nodes can register with.
 *
 * <p>Spec: erlang/otp {@code erts/doc/guides/erl_dist_protocol.md}, section "EPMD Protocol".
 */
package dev.jarl.epmd;
