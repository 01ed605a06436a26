/**
 * The distribution handshake, version 6, both roles, written in direct style over the
 * framed send/receive a carrier supplies.
 *
 * <p>Spec: erlang/otp {@code erts/doc/guides/erl_dist_protocol.md} ("Distribution
 * Handshake") and {@code lib/kernel/src/dist_util.erl}.
 */
package dev.jarl.handshake;
