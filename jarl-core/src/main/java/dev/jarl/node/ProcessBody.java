/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

/**
 * The code of a spawned Jarl process: runs on its own virtual thread with the process's
 * mailbox. The process ends with reason {@code normal} when {@code run} returns, with the
 * reason of an {@link ExitException} it throws, and with {@link ExitException#reasonOf}
 * for any other exception.
 *
 * <pre>{@code
 * Pid echo = node.spawn(self -> {
 *     while (true) {
 *         if (self.receive() instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid from) {
 *             self.send(from, t.get(1));
 *         }
 *     }
 * });
 * }</pre>
 */
@FunctionalInterface
public interface ProcessBody {

    /** Runs the process; {@code self} is its mailbox. */
    void run(Mailbox self) throws Exception;
}
