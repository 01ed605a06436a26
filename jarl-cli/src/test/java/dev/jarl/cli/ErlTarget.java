/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.util.Map;

import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * A real {@code erl} node for the commands to talk to, registered with an EPMD of its own,
 * running the benchmark roles of {@code distbench.erl}: {@code echo}, {@code sink} and
 * {@code flood}.
 */
final class ErlTarget implements AutoCloseable {

    final RealEpmd epmd;
    final ErlNode erl;
    /** The environment a {@code jarl} process needs to find this node's EPMD. */
    final Map<String, String> env;

    private ErlTarget(RealEpmd epmd, ErlNode erl) {
        this.epmd = epmd;
        this.erl = erl;
        this.env = Map.of("ERL_EPMD_PORT", Integer.toString(epmd.port()));
    }

    static ErlTarget start(String prefix, String cookie) {
        RealEpmd epmd = RealEpmd.start();
        try {
            ErlNode erl = ErlNode.start(Otp.uniqueName(prefix), cookie, epmd.port());
            erl.eval("""
                    register(echo, spawn(fun Echo() -> receive {F, M} -> F ! M, Echo() end end)),
                    register(sink, spawn(fun() -> (fun Sink(N) -> receive {sync, F, R} -> F ! {R, N}, Sink(0);
                                                                        _ -> Sink(N + 1) end end)(0) end)),
                    register(flood, spawn(fun Flood() -> receive {flood, F, N, B} ->
                        [F ! {msg, I, B} || I <- lists:seq(1, N)], F ! {flood_done, N}, Flood() end end)),
                    ok""");
            return new ErlTarget(epmd, erl);
        } catch (RuntimeException | Error e) {
            epmd.close();
            throw e;
        }
    }

    /** Closes what {@link #start} started, tolerating a target that never started. */
    static void close(ErlTarget target) {
        if (target != null) {
            target.close();
        }
    }

    @Override
    public void close() {
        try {
            erl.close();
        } finally {
            epmd.close();
        }
    }
}
