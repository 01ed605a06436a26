/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * Process groups: a Jarl node in OTP's {@code pg} ({@link dev.jarl.pg.Scope}, reached through
 * {@link dev.jarl.node.Node#pg()}), and Phoenix.PubSub's PG2 adapter in the same shape
 * ({@link dev.jarl.pg.PubSub}).
 *
 * <p>Spec: OTP's {@code lib/kernel/src/pg.erl} of each release from 25 on (OTP 29's runs on
 * {@code data_publisher.erl} and keeps the version-0 messages for older peers); Phoenix.PubSub's
 * {@code lib/phoenix/pubsub/pg2.ex}.
 *
 * <p>Threading: each scope is a process with a virtual thread of its own that handles its
 * messages; Java calls and those messages are serialised by the scope's lock, and membership
 * is read without it. A PubSub's group members are message-handler processes: a broadcast
 * from another node is dispatched on the connection's input thread with local sends only.
 * The package sits above {@code dev.jarl.node} and uses only its public API.
 */
package dev.jarl.pg;
