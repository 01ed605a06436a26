/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.term.Atom;
import dev.jarl.term.Etf;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * Signals and RPC between a Jarl node and a real erl node over whatever carrier connects
 * them: a link that fires, a monitor that fires, and an RPC each way. The carriers' interop
 * tests call it, so each OTP carrier is proven for more than messages.
 */
public final class CarrierSignals {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private CarrierSignals() {
    }

    /** Runs every check; {@code jarl} and {@code erl} must be able to connect to each other. */
    public static void check(Node jarl, ErlNode erl) throws Exception {
        NodeName erlName = NodeName.parse(erl.name());
        String j = "'" + jarl.name() + "'";
        try (Mailbox box = jarl.createMailbox("sigbox")) {
            // a link from Java to an Erlang process that then exits
            box.trapExit(true);
            Term victim = Etf.decode(erl.evalResult("spawn(fun() -> receive stop -> exit(carrier_boom) end end)").etf());
            box.link((Pid) victim);
            box.send((Pid) victim, Atom.of("stop"));
            Term exit = box.receive(m -> m instanceof Tuple t && t.arity() == 3 && Atom.EXIT.equals(t.get(0)), WAIT)
                    .orElseThrow(() -> new AssertionError("no EXIT from the linked Erlang process"));
            assertEquals(Atom.of("carrier_boom"), ((Tuple) exit).get(2));

            // a monitor from Erlang on a Java process that then exits
            // monitor/2 returns before the signal arrives: a message sent after it, on the same
            // connection, arrives after it, so once it is here the monitor is in place
            erl.eval("put(sigref, erlang:monitor(process, {sigbox, " + j + "})), {sigbox, " + j + "} ! monitor_set");
            box.receive(Atom.of("monitor_set")::equals, WAIT).orElseThrow(() -> new AssertionError("no monitor_set"));
            box.exit(Atom.of("carrier_done"));
            assertEquals("carrier_done",
                    erl.eval("R = get(sigref), receive {'DOWN', R, process, _, W} -> W after 5000 -> timeout end"));
        }
        // RPC from Erlang into a registered Java function, and from Java into Erlang
        jarl.functions().register("carrier_sig", "double", 1, args -> Int.of(((Int) args.get(0)).longValue() * 2));
        assertEquals("42", erl.eval("rpc:call(" + j + ", carrier_sig, double, [21], 5000)"));
        assertEquals("42", erl.eval("erpc:call(" + j + ", carrier_sig, double, [21], 5000)"));
        Term reversed = jarl.rpc(erlName, "lists", "reverse", List.of(TermList.of(Int.of(1), Int.of(2), Int.of(3))), WAIT);
        assertEquals(TermList.of(Int.of(3), Int.of(2), Int.of(1)), reversed);
        assertTrue(jarl.nodes().contains(erlName), "still connected after all that");
    }
}
