/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;

/**
 * What {@link Scope#monitorScope} returns, as {@code pg:monitor_scope/1} returns
 * {@code {Ref, #{Group => Pids}}}: the subscription's reference and every group with its
 * members when the subscription began.
 *
 * @param ref    the reference of the change messages that follow
 * @param groups every group with a member, and its members
 */
public record ScopeSnapshot(Ref ref, Map<Term, List<Pid>> groups) {
    /** Checks for nulls and copies the map. */
    public ScopeSnapshot {
        Objects.requireNonNull(ref, "ref");
        groups = Map.copyOf(groups);
    }
}
