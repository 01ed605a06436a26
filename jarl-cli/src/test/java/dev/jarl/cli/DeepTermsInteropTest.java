/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * Terms at the BEAM's limits through {@code jarl serve} (review finding 3, probes P6 and P6b):
 * from a real {@code erl}, a 100 000-deep left-nested iolist and a 1 000 000-deep list echo
 * back equal, and the connection stays up: no {@code nodedown}, and the node still answers.
 * Before the fix a depth of 1 100 took the connection down.
 */
@Tag("interop")
class DeepTermsInteropTest {

    private static final String COOKIE = "deeptest";
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private static RealEpmd epmd;
    private static ErlNode erl;
    private static Map<String, String> env;

    @BeforeAll
    static void startErlang() {
        epmd = RealEpmd.start();
        env = Map.of("ERL_EPMD_PORT", Integer.toString(epmd.port()));
        erl = ErlNode.start(Otp.uniqueName("deeperl"), COOKIE, epmd.port());
    }

    @AfterAll
    static void stopErlang() {
        Closeables.closeAll(erl, epmd);
    }

    @Test
    void deepTermsEchoBackAndTheConnectionStaysUp() {
        String name = Otp.uniqueName("deep") + "@" + Otp.shortHost();
        try (JarlProcess serve = JarlProcess.start(env, "serve", "--name", name, "--cookie", COOKIE)) {
            assertEquals("ready " + name, serve.awaitLine("ready", LIMIT));
            String node = "'" + name + "'";
            assertEquals("pong", erl.eval("net_adm:ping(" + node + ")"));
            erl.eval("monitor_node(" + node + ", true), ok");
            // an iolist as [Acc, X] builds it, 100 000 levels deep on the left
            assertEquals("true", erl.eval("L = lists:foldl(fun(X, A) -> [A, X] end, [], lists:seq(1, 100000)),"
                    + " {echo, " + node + "} ! {self(), {iolist, L}},"
                    + " receive {iolist, R} -> R =:= L after 60000 -> timeout end"));
            // a list nested 1 000 000 deep: [[[...]]]
            assertEquals("true", erl.eval("D = lists:foldl(fun(_, A) -> [A] end, [], lists:seq(1, 1000000)),"
                    + " {echo, " + node + "} ! {self(), {deep, D}},"
                    + " receive {deep, E} -> E =:= D after 60000 -> timeout end"));
            // the same connection is still up and answering
            assertEquals("none", erl.eval("receive {nodedown, _} = Down -> Down after 0 -> none end"));
            assertEquals("true", erl.eval("lists:member(" + node + ", nodes(hidden))"));
            assertEquals("{after_deep,1}", erl.eval("{echo, " + node + "} ! {self(), {after_deep, 1}},"
                    + " receive {after_deep, _} = X -> X after 10000 -> timeout end"));
            assertEquals("none", erl.eval("receive {nodedown, _} = Down2 -> Down2 after 0 -> none end"));
        }
    }
}
