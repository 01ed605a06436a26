/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import dev.jarl.term.Term;

/**
 * A process the node runs for its peers under a registered name, as a BEAM node runs
 * {@code net_kernel}, {@code rex} or {@code global_name_server}: the peer sends to the name
 * and expects an answer in the protocol of the OTP module it stands for.
 *
 * <p>{@link SystemProcesses} runs each on a virtual thread of its own, one message at a time,
 * for as long as the node runs; a message the handler fails on is logged and dropped, never
 * the end of the process. Adding one is a class implementing this and a line in
 * {@link SystemProcesses#standard}.
 */
interface SystemProcess {

    /** The name the process is registered under, e.g. {@code net_kernel}. */
    String name();

    /**
     * Handles one message, on the process's own thread.
     *
     * @param self the process's mailbox (its pid, and the way to answer)
     */
    void handle(Mailbox self, Term message) throws Exception;
}
