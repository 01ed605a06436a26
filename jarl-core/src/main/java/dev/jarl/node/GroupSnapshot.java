/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.List;
import java.util.Objects;

import dev.jarl.term.Pid;
import dev.jarl.term.Ref;

/**
 * What {@link Scope#monitor} returns, as {@code pg:monitor/2} returns {@code {Ref, Pids}}:
 * the subscription's reference and the group's members when the subscription began.
 *
 * @param ref     the reference of the change messages that follow
 * @param members the group's members
 */
public record GroupSnapshot(Ref ref, List<Pid> members) {
    /** Checks for nulls and copies the list. */
    public GroupSnapshot {
        Objects.requireNonNull(ref, "ref");
        members = List.copyOf(members);
    }
}
