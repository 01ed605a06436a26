/**
 * The node: {@link dev.jarl.node.Node}, its {@link dev.jarl.node.NodeConfig},
 * {@link dev.jarl.node.Mailbox mailboxes}, the registry, and the duties of OTP's
 * {@code net_kernel}: the connection table, auto-connect on first send, arbitration of
 * simultaneous connects, ticks, nodeup and nodedown, and the built-in {@code net_kernel},
 * {@code rex} and {@code global_name_server} processes a BEAM peer talks to.
 *
 * <p>Spec: OTP's {@code lib/kernel/src/net_kernel.erl} and {@code dist_util.erl}; the
 * protocol guide {@code erts/doc/guides/erl_dist_protocol.md}.
 *
 * <p>Threading: every party is a virtual thread (acceptor, one per handshake, the
 * carrier's per-connection threads, one ticker per node, the built-in processes). Each row
 * of the connection table has its own {@code ReentrantLock}; nothing blocks on the network
 * while holding one. Sends never block; receives block the caller and are cancelled by
 * interruption.
 */
package dev.jarl.node;
