/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.jarl.carrier.DistFlags;
import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * Newer releases offer flags Jarl does not handle (OTP 28's ALTACT_SIG, OTP 29's
 * NATIVE_RECORDS). Jarl never offers them, so they are never agreed, and the connection
 * still works in full. Run against each release of the matrix ({@code -Djarl.otp.root}).
 */
@Tag("interop")
class NewerReleaseFlagsTest {

    /** Flags some release defines that Jarl does not handle, so must never offer. */
    static final long NATIVE_RECORDS = 1L << 38;
    static final long LOCAL_EXT = 1L << 36;
    static final List<Long> NEVER = List.of(DistFlags.ALTACT_SIG, NATIVE_RECORDS, LOCAL_EXT, DistFlags.NAME_ME);

    static RealEpmd epmd;
    static ErlNode erl;

    @BeforeAll
    static void start() {
        epmd = RealEpmd.start();
        erl = ErlNode.start(Otp.uniqueName("newer"), "newer", epmd.port());
    }

    @AfterAll
    static void stop() {
        Closeables.closeAll(erl, epmd);
    }

    private static NodeConfig config() {
        return NodeConfig.builder(new NodeName(Otp.uniqueName("jnewer"), Otp.shortHost()))
                .cookie("newer")
                .carrier(Otp.loopbackTcp(epmd.port()))
                .epmdPort(epmd.port())
                .build();
    }

    @Test
    void jarlOffersNoFlagItDoesNotHandle() {
        long offered = config().offeredFlags();
        for (long flag : NEVER) {
            assertEquals(0, offered & flag, "offers " + DistFlags.names(flag));
        }
    }

    @Test
    void theConnectionWorksInFullWithoutThem() throws Exception {
        try (Node node = Node.start(config()); Mailbox box = node.createMailbox("newer_inbox")) {
            NodeName peer = NodeName.parse(erl.name());
            assertTrue(node.ping(peer, Duration.ofSeconds(10)), "ping " + peer);
            System.err.println("OTP " + Otp.release() + " peer connected; Jarl offered "
                    + DistFlags.names(node.config().offeredFlags()));
            // Erlang to Java and back, a monitor from Erlang, a link from Java
            assertEquals("pong", erl.eval("net_adm:ping('" + node.name() + "')"));
            erl.eval("{newer_inbox, '" + node.name() + "'} ! {hello, self()}");
            Term got = box.receive(Duration.ofSeconds(10)).orElseThrow();
            assertTrue(got instanceof Tuple t && t.get(0).equals(Atom.of("hello")), got.toString());
            box.send((dev.jarl.term.Pid) ((Tuple) got).get(1), Atom.of("back"));
            assertEquals("back", erl.eval("receive back -> back after 5000 -> timeout end"));
            erl.eval("put(r, erlang:monitor(process, {newer_inbox, '" + node.name() + "'})), "
                    + "{newer_inbox, '" + node.name() + "'} ! monitor_set");
            box.receive(Atom.of("monitor_set")::equals, Duration.ofSeconds(10)).orElseThrow();
            box.trapExit(true);
            Term victim = dev.jarl.term.Etf.decode(erl.evalResult("spawn(fun() -> receive stop -> exit(gone) end end)").etf());
            box.link((dev.jarl.term.Pid) victim);
            box.send((dev.jarl.term.Pid) victim, Atom.of("stop"));
            Term exit = box.receive(m -> m instanceof Tuple t && t.arity() == 3 && t.get(0).equals(Atom.of("EXIT")),
                    Duration.ofSeconds(10)).orElseThrow();
            assertEquals(Atom.of("gone"), ((Tuple) exit).get(2));
            box.exit(Atom.of("finished"));
            assertEquals("finished", erl.eval("R = get(r), receive {'DOWN', R, process, _, W} -> W after 5000 -> timeout end"));
        }
    }
}
