/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.Objects;

import dev.jarl.term.Pid;
import dev.jarl.term.Ref;

/**
 * A process spawned with a monitor ({@link Mailbox#spawnMonitor}): its pid and the monitor
 * reference, as Erlang's {@code spawn_monitor/1} returns {@code {Pid, Ref}}.
 *
 * @param pid the new process
 * @param ref the monitor; the spawner gets {@code {'DOWN', Ref, process, Pid, Reason}} when it ends
 */
public record Monitored(Pid pid, Ref ref) {
    /** Checks for nulls. */
    public Monitored {
        Objects.requireNonNull(pid, "pid");
        Objects.requireNonNull(ref, "ref");
    }
}
