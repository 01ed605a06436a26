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
 * <p>Cluster membership: process groups, a Jarl node in OTP's {@code pg}
 * ({@link dev.jarl.node.Scope}, reached through {@link dev.jarl.node.Node#pg()}), and
 * Phoenix.PubSub's PG2 adapter in the same shape ({@link dev.jarl.node.PubSub}); and global
 * names, Jarl's part in OTP's {@code global} (protocol version 8, OTP 25 to 29):
 * {@link dev.jarl.node.Global} ({@code Node.global()}) registers, looks up, sends to,
 * unregisters and syncs. Underneath, a {@code global_name_server} process speaks the protocol
 * of {@code lib/kernel/src/global.erl}: the connect exchange with a peer
 * ({@code init_connect}, {@code init_connect_ack}, {@code lock_set}, {@code exchange},
 * {@code resolved}, {@code new_nodes}, {@code in_sync}), the lock table every registration
 * takes ({@code set_lock}/{@code del_lock} calls), and the prevention of overlapping
 * partitions ({@code lost_connection}, {@code remove_connection}). A locker thread locks the
 * node's partition when a peer connects, as OTP's locker process does. Both use only the
 * node's public API.
 *
 * <p>Spec: OTP's {@code lib/kernel/src/net_kernel.erl} and {@code dist_util.erl}; the
 * protocol guide {@code erts/doc/guides/erl_dist_protocol.md} (its "Link Protocol"
 * section for links); {@code lib/stdlib/src/gen.erl} for calls; {@code lib/kernel/src/erpc.erl} and
 * {@code rpc.erl} for RPC; {@code lib/kernel/src/pg.erl} of each release from 25 on (OTP 29's
 * runs on {@code data_publisher.erl} and keeps the version-0 messages for older peers) and
 * Phoenix.PubSub's {@code lib/phoenix/pubsub/pg2.ex} for process groups;
 * {@code lib/kernel/src/global.erl} for global names.
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
 *
 * <p>Each process-group scope is a process with a virtual thread of its own that handles its
 * messages; Java calls and those messages are serialised by the scope's lock, and membership
 * is read without it. A PubSub's group members are message-handler processes: a broadcast
 * from another node is dispatched on the connection's input thread with local sends only.
 * The global name server's state is confined to its own virtual thread; the name and lock
 * tables are concurrent maps it alone writes, which the API and the locker read. The locker
 * and each name resolution run on threads of their own and talk to the server by messages,
 * so the server never waits on the network.
 */
package dev.jarl.node;
