/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * A change message of a {@code pg} subscription ({@link Scope#monitorScope},
 * {@link Scope#monitor}): {@code {Ref, join, Group, Pids}} or {@code {Ref, leave, Group, Pids}},
 * the messages OTP 25.1's {@code pg:monitor_scope/1} and {@code pg:monitor/2} send.
 *
 * <pre>{@code
 * ScopeSnapshot s = node.pg().scope().monitorScope(box);
 * MembershipChange c = MembershipChange.parse(box.receive()).orElseThrow();
 * if (c.ref().equals(s.ref()) && c.joined()) { ... c.group(), c.pids() ... }
 * }</pre>
 *
 * @param ref    the subscription
 * @param joined true for a join, false for a leave
 * @param group  the group
 * @param pids   the processes that joined or left
 */
public record MembershipChange(Ref ref, boolean joined, Term group, List<Pid> pids) {

    /** Checks for nulls and copies the list. */
    public MembershipChange {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(group, "group");
        pids = List.copyOf(pids);
    }

    /** The change {@code message} carries, if it is one. */
    public static Optional<MembershipChange> parse(Term message) {
        if (!(message instanceof Tuple t && t.arity() == 4 && t.get(0) instanceof Ref ref
                && (Scope.JOIN.equals(t.get(1)) || Scope.LEAVE.equals(t.get(1)))
                && t.get(3) instanceof TermList l && l.isProper())) {
            return Optional.empty();
        }
        List<Pid> pids = new ArrayList<>(l.size());
        for (Term e : l.elements()) {
            if (!(e instanceof Pid p)) {
                return Optional.empty();
            }
            pids.add(p);
        }
        return Optional.of(new MembershipChange(ref, Scope.JOIN.equals(t.get(1)), t.get(2), pids));
    }

    /** The message itself, {@code {Ref, join | leave, Group, Pids}}. */
    public Term toTerm() {
        return Tuple.of(ref, joined ? Scope.JOIN : Scope.LEAVE, group, TermList.of(pids));
    }
}
