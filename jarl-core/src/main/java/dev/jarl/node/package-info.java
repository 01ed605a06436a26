/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The node: {@link dev.jarl.node.Node}, its {@link dev.jarl.node.NodeConfig},
 * {@link dev.jarl.node.Mailbox mailboxes}, the registry, and the duties of OTP's
 * {@code net_kernel}: the connection table, auto-connect on first send, arbitration of
 * simultaneous connects, ticks, nodeup and nodedown, and the built-in {@code net_kernel},
 * {@code rex} and {@code global_name_server} processes a BEAM peer talks to; and the
 * processes: {@link dev.jarl.node.Node#spawn spawned} ones (a {@link dev.jarl.node.ProcessBody}
 * on its own virtual thread) and mailboxes, with links (the UNLINK_ID link protocol),
 * exit signals and {@code trap_exit}, monitors, node monitors, aliases, and
 * {@link dev.jarl.node.GenServer gen_server} calls both ways. Signals reach every peer in the
 * form its flags allow (EXIT without EXIT_PAYLOAD, UNLINK without UNLINK_ID, local-only
 * monitors without DIST_MONITOR); a lost connection reaches every link, monitor and node
 * monitor across it once, as {@code noconnection} or {@code nodedown}. RPC both ways:
 * {@link dev.jarl.node.Functions registered Java functions} served to {@code erpc},
 * {@code rpc} and {@code spawn/4} through SPAWN_REQUEST (and to {@code rex}'s legacy call),
 * and {@link dev.jarl.node.Node#rpc} out to Erlang with typed
 * {@link dev.jarl.node.RpcException outcomes}.
 *
 * <p>Spec: OTP's {@code lib/kernel/src/net_kernel.erl} and {@code dist_util.erl}; the
 * protocol guide {@code erts/doc/guides/erl_dist_protocol.md} (its "Link Protocol"
 * section for links); {@code lib/stdlib/src/gen.erl} for calls; {@code lib/kernel/src/erpc.erl} and
 * {@code rpc.erl} for RPC.
 *
 * <p>Threading: the node's parties are virtual threads (the acceptor, one per handshake, one
 * ticker per node, the built-in processes and every process); a carrier runs its own
 * per-connection threads (the stream carriers' input and output parties are platform
 * threads, see {@code dev.jarl.carrier.stream}). Each row
 * of the connection table has its own {@code ReentrantLock}; nothing blocks on the network
 * while holding one. Sends never block; receives block the caller and are cancelled by
 * interruption. Signals are applied on the sender's thread under the target process's own
 * lock, never two process locks at once; the deaths an exit causes unwind in a loop, not by
 * recursion. A process with a {@link dev.jarl.node.MessageHandler} has no thread of its own:
 * its messages are handled on the thread that delivers them (a connection's input thread, a
 * local sender), one at a time, and the handler must not block.
 */
package dev.jarl.node;
