/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.DistFlags;
import dev.jarl.channel.DistConnection;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * FRAGMENTS and DIST_HDR_ATOM_CACHE against real OTP, both directions: a 200 MB binary, a
 * small message that overtakes it to another process, small messages interleaved with a big
 * one, and more distinct atoms than the atom cache holds.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class FragmentsInteropTest {

    /** About 200 MB: 835 000 copies of the bytes 0..250. */
    static final int COPIES = 835_000;
    static final int BIG = 251 * COPIES;

    private RealEpmd epmd;
    private ErlNode erl;
    private Node jarl;
    private NodeName erlName;
    private String j;

    @BeforeAll
    void start() throws Exception {
        Otp.requireErl();
        epmd = RealEpmd.start();
        erl = ErlNode.start(Otp.uniqueName("frag"), "jarltest", epmd.port());
        jarl = Node.start(NodeConfig.builder(Otp.uniqueName("jarl") + "@" + Otp.shortHost()).cookie("jarltest")
                .epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).build());
        erlName = NodeName.parse(erl.name());
        assertTrue(jarl.ping(erlName, Duration.ofSeconds(10)));
        j = "'" + jarl.name() + "'";
        long flags = jarl.agreedFlags(erlName).orElseThrow();
        assertEquals(DistFlags.FRAGMENTS | DistFlags.DIST_HDR_ATOM_CACHE,
                flags & (DistFlags.FRAGMENTS | DistFlags.DIST_HDR_ATOM_CACHE), "both flags agreed with OTP");
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(jarl, erl, epmd);
    }

    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    static byte[] md5(byte[] b, int off, int len) throws Exception {
        MessageDigest d = MessageDigest.getInstance("MD5");
        d.update(b, off, len);
        return d.digest();
    }

    static Term receive(Mailbox box, String what) throws InterruptedException {
        Optional<Term> t = box.receive(Duration.ofSeconds(120));
        assertTrue(t.isPresent(), "no " + what + " within 120 s");
        return t.get();
    }

    @Test
    void bigBinaryFromErlangIsOvertakenBySmallMessageToAnotherProcess() throws Exception {
        try (Mailbox big = jarl.createMailbox("jbig_in"); Mailbox small = jarl.createMailbox("jsmall_in")) {
            erl.eval("B = binary:copy(list_to_binary(lists:seq(0, 250)), " + COPIES + "), "
                    + "spawn(fun() -> {jbig_in, " + j + "} ! {big, B, erlang:md5(B)} end), "
                    + "timer:sleep(10), {jsmall_in, " + j + "} ! small, ok");
            assertEquals(Atom.of("small"), receive(small, "small message"));
            assertTrue(big.receive(Duration.ZERO).isEmpty(), "the 200 MB message arrived before the small one");
            Tuple t = (Tuple) receive(big, "200 MB binary");
            Binary bin = (Binary) t.get(1);
            assertEquals(BIG, bin.size());
            byte[] bytes = bin.bytes();
            assertArrayEquals(((Binary) t.get(2)).bytes(), md5(bytes, 0, bytes.length), "md5 of the 200 MB binary");
        }
        DistConnection c = jarl.connection(erlName);
        assertTrue(c.atomCacheReferences()[0] > 0, "OTP sent atom-cache references");
    }

    @Test
    void bigBinaryToErlangIsOvertakenBySmallMessageToAnotherProcess() throws Exception {
        try (Mailbox big = jarl.createMailbox(); Mailbox small = jarl.createMailbox()) {
            erl.eval("Order = spawn(fun() -> (fun L(Seen) -> receive {arrived, T} -> L([T | Seen]); "
                    + "{get, F} -> F ! {order, lists:reverse(Seen)} end end)([]) end), "
                    + "register(eorder, Order), "
                    + "register(ebig, spawn(fun() -> receive {big, F, B} -> Order ! {arrived, big}, "
                    + "F ! {md5, erlang:md5(B), byte_size(B)} end end)), "
                    + "register(esmall, spawn(fun() -> receive {small, _} -> Order ! {arrived, small} end end)), ok");
            byte[] payload = pattern(BIG);
            big.send("ebig", erlName, Tuple.of(Atom.of("big"), big.self(), Binary.of(payload)));
            small.send("esmall", erlName, Tuple.of(Atom.of("small"), small.self()));
            Tuple reply = (Tuple) receive(big, "md5 from erl");
            assertEquals(Int.of(BIG), reply.get(2));
            assertArrayEquals(md5(payload, 0, payload.length), ((Binary) reply.get(1)).bytes(), "md5 at erl");
            small.send("eorder", erlName, Tuple.of(Atom.of("get"), small.self()));
            Tuple order = (Tuple) receive(small, "arrival order");
            assertEquals(TermList.of(Atom.of("small"), Atom.of("big")), order.get(1),
                    "the small message sent after the 200 MB one arrives first");
        }
    }

    @Test
    void smallMessagesInterleaveWithABigOneBothWays() throws Exception {
        int n = 2000;
        try (Mailbox big = jarl.createMailbox("jbig2"); Mailbox small = jarl.createMailbox("jsmall2")) {
            // erl -> Jarl: one process sends 50 MB, another 2000 numbered messages at the same time
            erl.eval("B = binary:copy(<<7>>, 50000000), J = " + j + ", "
                    + "spawn(fun() -> {jbig2, J} ! {big, B} end), "
                    + "spawn(fun() -> [{jsmall2, J} ! {n, I} || I <- lists:seq(1, " + n + ")] end), ok");
            for (int i = 1; i <= n; i++) {
                assertEquals(Tuple.of(Atom.of("n"), Int.of(i)), receive(small, "small message " + i));
            }
            Tuple t = (Tuple) receive(big, "50 MB binary");
            assertEquals(50_000_000, ((Binary) t.get(1)).size());

            // Jarl -> erl: the same the other way; erl checks order and counts
            erl.eval("Self = self(), register(ecount, spawn(fun() -> (fun L(Next, GotBig) -> "
                    + "receive {n, Next} -> L(Next + 1, GotBig); {n, Other} -> exit({out_of_order, Next, Other}); "
                    + "{big, Bin} -> L(Next, byte_size(Bin)); {get, F} -> F ! {count, Next - 1, GotBig}, L(Next, GotBig) end end)(1, 0) end)), ok");
            Thread sender = Thread.ofVirtual().start(() -> big.send("ecount", erlName,
                    Tuple.of(Atom.of("big"), Binary.of(new byte[50_000_000]))));
            for (int i = 1; i <= n; i++) {
                small.send("ecount", erlName, Tuple.of(Atom.of("n"), Int.of(i)));
            }
            sender.join();
            Tuple count;
            do {
                small.send("ecount", erlName, Tuple.of(Atom.of("get"), small.self()));
                Optional<Term> got = small.receive(Duration.ofSeconds(20));
                assertTrue(got.isPresent(), "no count from erl: " + erl.eval("W = whereis(ecount), {W, catch "
                        + "erlang:process_info(W, [message_queue_len, current_function, status])}")
                        + "; its log:\n" + erl.log());
                count = (Tuple) got.get();
                // no pause needed: erl answers a get after every message queued before it
            } while (!count.get(2).equals(Int.of(50_000_000)));
            assertEquals(Tuple.of(Atom.of("count"), Int.of(n), Int.of(50_000_000)), count);
        }
    }

    @Test
    void moreDistinctAtomsThanTheCacheHoldsBothWays() throws Exception {
        try (Mailbox box = jarl.createMailbox("jatoms")) {
            // erl -> Jarl: 30 messages of 300 atoms drawn from 7000, then one of 5000 new ones
            erl.eval("J = " + j + ", "
                    + "[{jatoms, J} ! [list_to_atom(\"erl_atom_\" ++ integer_to_list((I * 300 + K) rem 7000)) "
                    + "|| K <- lists:seq(1, 300)] || I <- lists:seq(0, 29)], "
                    + "{jatoms, J} ! [list_to_atom(\"erl_wide_\" ++ integer_to_list(K)) || K <- lists:seq(1, 5000)], ok");
            for (int i = 0; i < 30; i++) {
                List<Term> expected = new ArrayList<>();
                for (int k = 1; k <= 300; k++) {
                    expected.add(Atom.of("erl_atom_" + ((i * 300 + k) % 7000)));
                }
                assertEquals(TermList.of(expected), receive(box, "atom message " + i));
            }
            List<Term> wide = new ArrayList<>();
            for (int k = 1; k <= 5000; k++) {
                wide.add(Atom.of("erl_wide_" + k));
            }
            assertEquals(TermList.of(wide), receive(box, "5000-atom message"));

            // Jarl -> erl -> Jarl: erl echoes what Jarl sends; Jarl's cache entries are reused and overwritten
            erl.eval("register(eecho, spawn(fun() -> (fun L() -> receive {echo, F, X} -> F ! {echoed, X}, L() end end)() end)), ok");
            List<Term> sent = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                List<Term> atoms = new ArrayList<>();
                for (int k = 0; k < 200; k++) {
                    atoms.add(Atom.of("jarl_atom_" + ((i * 173 + k * 11) % 6000)));
                }
                sent.add(TermList.of(atoms));
            }
            List<Term> all = new ArrayList<>();
            for (int k = 0; k < 5000; k++) {
                all.add(Atom.of("jarl_wide_" + k));
            }
            sent.add(TermList.of(all));
            for (Term t : sent) {
                box.send("eecho", erlName, Tuple.of(Atom.of("echo"), box.self(), t));
            }
            for (Term t : sent) {
                assertEquals(Tuple.of(Atom.of("echoed"), t), receive(box, "echo"));
            }
            assertEquals("true", erl.eval("lists:all(fun(K) -> is_atom(list_to_existing_atom(\"jarl_wide_\" ++ "
                    + "integer_to_list(K))) end, lists:seq(0, 4999))"));
        }
        long[] refs = jarl.connection(erlName).atomCacheReferences();
        assertTrue(refs[0] > 2048 && refs[1] > 2048, "references read and written: " + refs[0] + ", " + refs[1]);
    }

    @Test
    void offHeapAndHeapBinariesOfOddSizesReachErlangByteForByte() throws Exception {
        // erl answers each message with the size and md5 of every binary in it, in order,
        // and sends the message back, so both directions are checked against OTP's own view
        erl.eval("register(ebins, spawn(fun() -> Walk = fun W(B) when is_binary(B) -> [{byte_size(B), erlang:md5(B)}]; "
                + "W(T) when is_tuple(T) -> lists:append([W(E) || E <- tuple_to_list(T)]); "
                + "W(L) when is_list(L) -> lists:append([W(E) || E <- L]); W(_) -> [] end, "
                + "(fun L() -> receive {F, M} -> F ! {sums, Walk(M)}, F ! {back, M}, L() end end)() end)), ok");
        try (Mailbox box = jarl.createMailbox()) {
            List<byte[]> sent = new ArrayList<>();
            List<Term> items = new ArrayList<>();
            int i = 0;
            for (int n : List.of(8191, 8192, 65_535, 65_536, 65_537, 196_609, 1_048_579)) {
                byte[] b = new byte[n];
                for (int k = 0; k < n; k++) {
                    b[k] = (byte) (k * 13 + i);
                }
                sent.add(b);
                Binary bin = i % 2 == 0 ? Binary.offHeap(b) : Binary.of(b);
                items.add(i % 3 == 0 ? Tuple.of(Atom.of("nested"), TermList.of(bin)) : bin);
                i++;
            }
            Term message = Tuple.of(Atom.of("bins"), TermList.of(items));
            box.send("ebins", erlName, Tuple.of(box.self(), message));
            Tuple sums = (Tuple) receive(box, "sums from erl");
            List<Term> want = new ArrayList<>();
            for (byte[] b : sent) {
                want.add(Tuple.of(Int.of(b.length), Binary.of(md5(b, 0, b.length))));
            }
            assertEquals(TermList.of(want), sums.get(1), "sizes and md5s as erl saw them");
            assertEquals(Tuple.of(Atom.of("back"), message), receive(box, "the message back"));
        }
    }
}
