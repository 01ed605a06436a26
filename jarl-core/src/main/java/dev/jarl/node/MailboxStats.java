/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.Objects;
import java.util.Optional;

import dev.jarl.term.Pid;

/**
 * One process's mailbox depth: a row of {@link NodeStats#deepestMailboxes()}.
 *
 * @param pid            the process (a {@link Mailbox} or a spawned process)
 * @param registeredName its registered name, if it has one
 * @param depth          messages in its mailbox now
 * @param highWater      the most messages its mailbox has held at once since it was made
 */
public record MailboxStats(Pid pid, Optional<String> registeredName, int depth, int highWater) {

    /** Checks for nulls. */
    public MailboxStats {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(registeredName, "registeredName");
    }
}
