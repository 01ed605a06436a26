/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import dev.jarl.term.Term;

/**
 * A process's messages handled where they arrive, instead of waiting in a mailbox for a
 * thread that calls {@link Mailbox#receive()} (see
 * {@link Node#createMailbox(String, MessageHandler)}).
 *
 * <p>A message from another node is handled on the input thread of the connection it came
 * on, so a reply can leave before any other thread wakes: a round trip through such a
 * process costs one thread hand-off on this side (the kernel waking the input thread)
 * instead of two. A message from a local process is handled on the sending thread.
 *
 * <p><b>A handler must not block.</b> While it runs, nothing else from its connection is
 * read. Messages a handler sends to other nodes never wait for a busy limit (they are queued
 * beyond it, as the node's own replies are); anything else that waits (an RPC, a
 * {@code receive} on another mailbox, I/O) has no place in a handler. A handler that runs past
 * {@link NodeConfig#handlerWarning()} (100 ms by default) is logged at WARNING. A slow
 * handler delays only its own connection: while it runs, messages for the same process that
 * come from other connections or local senders are queued and handled in order afterwards,
 * on a virtual thread, so no other connection's input thread waits; and a connection whose
 * input thread is inside a handler does not count as silent for the tick timeout (its
 * peer's ticks wait unread in the transport until the handler returns; the peer still
 * receives this node's ticks, which a separate thread writes).
 *
 * <p>On a TCP or Unix-socket connection, what a handler on the input thread sends to other
 * nodes is written once the input thread has handed over what it read (64 packets at most),
 * or earlier, before the node hands a message or a call's outcome to another thread; so a
 * process that receives a message the handler sent locally runs only after the handler's
 * earlier remote sends have left. A thread the handler wakes by other means (a future it
 * completes, a latch) may run before they have.
 *
 * <p>The handler of one process runs on one thread at a time, in arrival order: messages
 * from one sender are handled in the order sent. An exception from the handler ends the
 * process with reason {@code handler_failed} (logged at ERROR); exit signals to a process
 * that traps exits arrive as messages, as with a mailbox.
 */
@FunctionalInterface
public interface MessageHandler {

    /**
     * Handles one message; must not block.
     *
     * @param self    the process's mailbox (to send, link, monitor; its receive gets nothing)
     * @param message the message
     */
    void handle(Mailbox self, Term message);
}
