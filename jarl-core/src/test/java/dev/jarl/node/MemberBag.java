/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/** Multisets for the pg tests: group members may repeat (a process joined twice), order does not matter. */
final class MemberBag {

    private MemberBag() {
    }

    /** Each element with how many times it occurs. */
    static <T> Map<T, Integer> of(Collection<? extends T> items) {
        Map<T, Integer> m = new HashMap<>();
        for (T t : items) {
            m.merge(t, 1, Integer::sum);
        }
        return m;
    }
}
