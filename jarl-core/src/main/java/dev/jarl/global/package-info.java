/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Global names: Jarl's part in OTP's {@code global} (protocol version 8, OTP 25 to 29).
 *
 * <p>{@link dev.jarl.global.Global} is the API ({@code Node.global()}): register, whereis,
 * send, unregister, sync. Underneath, a {@code global_name_server} process speaks the
 * protocol of {@code lib/kernel/src/global.erl}: the connect exchange with a peer
 * ({@code init_connect}, {@code init_connect_ack}, {@code lock_set}, {@code exchange},
 * {@code resolved}, {@code new_nodes}, {@code in_sync}), the lock table every registration
 * takes ({@code set_lock}/{@code del_lock} calls), and the prevention of overlapping
 * partitions ({@code lost_connection}, {@code remove_connection}). A locker thread locks the
 * node's partition when a peer connects, as OTP's locker process does.
 *
 * <p>Threading: the server's state is confined to its own virtual thread; the name and lock
 * tables are concurrent maps it alone writes, which the API and the locker read. The locker
 * and each name resolution run on threads of their own and talk to the server by messages,
 * so the server never waits on the network.
 *
 * <p>This package sits above {@code dev.jarl.node} and uses only its public API; the node
 * starts it and hands it out.
 */
package dev.jarl.global;
