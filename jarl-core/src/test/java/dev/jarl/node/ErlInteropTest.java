/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * A Jarl node and a real OTP node over TCP with a real EPMD: set-up both ways, ping both ways,
 * sends to pids and names both ways, 100 000 messages in order, a 64 MB binary, 1 MB and 64 MB
 * binaries among small messages, wrong cookies.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ErlInteropTest {

    private RealEpmd epmd;
    private ErlNode erl;
    private NodeName erlName;

    @BeforeAll
    void start() {
        Otp.requireErl();
        epmd = RealEpmd.start();
        erl = ErlNode.start(Otp.uniqueName("erl"), "jarltest", epmd.port());
        erlName = NodeName.parse(erl.name());
        erl.eval("register(ebox, self()), ok");
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(erl, epmd);
    }

    private Node jarl(String cookie) throws IOException {
        return Node.start(NodeConfig.builder(Otp.uniqueName("jarl") + "@" + Otp.shortHost()).cookie(cookie)
                .epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).build());
    }

    private static String q(Node n) {
        return "'" + n.name() + "'";
    }

    @Test
    void jarlConnectsToErlang() throws Exception {
        try (Node jarl = jarl("jarltest")) {
            assertTrue(jarl.ping(erlName, Duration.ofSeconds(10)));
            assertTrue(jarl.nodes().contains(erlName));
            assertEquals("true", erl.eval("lists:member(" + q(jarl) + ", nodes(hidden))"));
            assertEquals("false", erl.eval("lists:member(" + q(jarl) + ", nodes())"));
        }
    }

    @Test
    void erlangConnectsToJarlAndPings() throws Exception {
        try (Node jarl = jarl("jarltest")) {
            assertEquals("pong", erl.eval("net_adm:ping(" + q(jarl) + ")"));
            assertTrue(jarl.nodes().contains(erlName));
        }
    }

    @Test
    void sendToPidAndNameBothWays() throws Exception {
        try (Node jarl = jarl("jarltest"); Mailbox box = jarl.createMailbox("jbox")) {
            erl.eval("{jbox, " + q(jarl) + "} ! {self(), hello}, ok");
            Tuple t = (Tuple) box.receive(Duration.ofSeconds(10)).orElseThrow();
            assertEquals(Atom.of("hello"), t.get(1));
            Pid erlPid = (Pid) t.get(0);
            box.send(erlPid, Atom.of("to_pid"));
            assertEquals("to_pid", erl.eval("receive to_pid -> to_pid after 5000 -> timeout end"));
            box.send("ebox", erlName, Term.tuple(Atom.of("pid"), box.self()));
            assertEquals("ok", erl.eval("receive {pid, P} -> P ! from_erl_to_pid, ok after 5000 -> timeout end"));
            assertEquals(Atom.of("from_erl_to_pid"), box.receive(Duration.ofSeconds(5)).orElseThrow());
        }
    }

    @Test
    void hundredThousandMessagesInOrderBothWays() throws Exception {
        int n = 100_000;
        try (Node jarl = jarl("jarltest"); Mailbox box = jarl.createMailbox("jbox")) {
            Atom seq = Atom.of("seq");
            for (int i = 1; i <= n; i++) {
                box.send("ebox", erlName, Tuple.of(seq, Int.of(i)));
            }
            assertEquals("ok", erl.evalResult("F = fun F(N) when N > " + n + " -> ok; F(N) -> receive {seq, N} -> F(N + 1); "
                    + "{seq, M} -> {bad, N, M} after 20000 -> {timeout, N} end end, F(1)", Duration.ofSeconds(60)).text());
            erl.eval("[{jbox, " + q(jarl) + "} ! {seq, I} || I <- lists:seq(1, " + n + ")], ok");
            for (int i = 1; i <= n; i++) {
                Term m = box.receive(Duration.ofSeconds(20)).orElseThrow(() -> new AssertionError("timeout"));
                assertEquals(Tuple.of(seq, Int.of(i)), m);
            }
            assertEquals(0, box.queued());
        }
    }

    @Test
    void sixtyFourMegabyteBinaryBothWays() throws Exception {
        try (Node jarl = jarl("jarltest"); Mailbox box = jarl.createMailbox("jbox")) {
            erl.evalResult("B = binary:copy(rand:bytes(1024), 65536), {jbox, " + q(jarl) + "} ! {bin, erlang:md5(B), B}, ok",
                    Duration.ofSeconds(60));
            Tuple t = (Tuple) box.receive(Duration.ofSeconds(60)).orElseThrow();
            Binary md5 = (Binary) t.get(1);
            Binary big = (Binary) t.get(2);
            assertEquals(64 << 20, big.size());
            assertEquals(HexFormat.of().formatHex(md5.bytes()),
                    HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(big.bytes())));

            byte[] data = new byte[64 << 20];
            new Random(42).nextBytes(data);
            box.send("ebox", erlName, Tuple.of(Atom.of("bin"), Binary.of(data)));
            String hex = HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("MD5").digest(data));
            String got = erl.evalResult("receive {bin, B} -> {byte_size(B), binary:encode_hex(erlang:md5(B))} "
                    + "after 60000 -> timeout end", Duration.ofSeconds(90)).text();
            StringBuilder bytes = new StringBuilder();
            for (char c : hex.toCharArray()) {
                bytes.append(bytes.isEmpty() ? "" : ",").append((int) c);
            }
            assertEquals("{" + (64 << 20) + ",<<" + bytes + ">>}", got);
        }
    }

    @Test
    void wrongCookieFailsBothWaysAndNamesTheNodeNotTheCookie() throws Exception {
        try (Node jarl = jarl("notthecookie")) {
            IOException e = assertThrows(IOException.class, () -> jarl.connect(erlName));
            assertEquals(erlName + " closed the connection right after receiving our cookie digest: most likely the "
                    + "cookies differ (ours came from Cookie.of)", e.getMessage());
            assertEquals(dev.jarl.carrier.HandshakeException.Reason.DIGEST_REJECTED,
                    ((dev.jarl.carrier.HandshakeException) e.getCause()).reason());
            assertFalse(e.getMessage().contains("notthecookie") || e.getMessage().contains("jarltest"), e.getMessage());
            assertFalse(jarl.ping(erlName, Duration.ofSeconds(5)));
            assertEquals("pang", erl.eval("net_adm:ping(" + q(jarl) + ")"));
            assertTrue(jarl.nodes().isEmpty());
        }
    }

    @Test
    void linksFromErlangAreKeptAnsweredAndToldOfTheExit() throws Exception {
        try (Node jarl = jarl("jarltest")) {
            Mailbox box = jarl.createMailbox("jbox");
            box.send("ebox", erlName, Tuple.of(Atom.of("pid"), box.self()));
            try {
                assertEquals("ok", erl.eval("process_flag(trap_exit, true), receive {pid, P} -> put(jp, P), "
                        + "link(P), unlink(P), link(P), ok after 5000 -> timeout end"));
                assertEquals("pong", erl.eval("net_adm:ping(" + q(jarl) + ")"));
                box.close();
                assertEquals("normal", erl.eval("P = get(jp), receive {'EXIT', P, R} -> R after 5000 -> timeout end"));
                assertEquals("noproc", erl.eval("P = get(jp), link(P), receive {'EXIT', P, R} -> R after 5000 -> timeout end"));
                assertTrue(jarl.nodes().contains(erlName));
            } finally {
                erl.eval("process_flag(trap_exit, false), erase(jp), ok");
            }
        }
    }

    @Test
    void visibleJarlNodeAnswersRexAndTakesPartInGlobal() throws Exception {
        try (Node jarl = Node.start(NodeConfig.builder(Otp.uniqueName("vis") + "@" + Otp.shortHost()).cookie("jarltest")
                .epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).hidden(false).build())) {
            assertEquals("pong", erl.eval("net_adm:ping(" + q(jarl) + ")"));
            assertEquals("true", erl.eval("lists:member(" + q(jarl) + ", nodes())"));
            String expected = "[{" + jarl.name() + ",true}]";   // true: Jarl serves erpc
            String[] seen = {""};
            Await.within(Duration.ofSeconds(5), () -> expected.equals(seen[0] = erl.eval(
                    "ets:lookup(persistent_term:get(rex_nodes_observer), " + q(jarl) + ")")));
            assertEquals(expected, seen[0], "rex's features_request was not answered");
            Await.holdsFor(Duration.ofMillis(500), () -> jarl.nodes().contains(erlName), () -> "connection lost");
            assertEquals("true", erl.eval("lists:member(" + q(jarl) + ", nodes())"));
            // global:sync() no longer waits for a visible Jarl node (GlobalInteropTest has the rest)
            ErlNode.Result sync = erl.evalResult("global:sync()", Duration.ofSeconds(20));
            assertEquals("ok", sync.text());
        }
    }

    /** 1 MB binaries each way in the large-message tests. */
    private static final int COUNT = 24;
    /** The size of the large-message tests' 64 MB binary. */
    private static final int BIG = 64 * 1_000_037 + 11;

    private static String md5(Binary b) throws Exception {
        MessageDigest md = MessageDigest.getInstance("MD5");
        md.update(b.asByteBuffer());
        return HexFormat.of().formatHex(md.digest());
    }

    /**
     * The large-message data path (issue 22): fragments lent from the stream carrier's read
     * buffer and copied once into their message, binaries sharing the message's buffer.
     * Many 1 MB binaries of random bytes, interleaved with small messages, and a 64 MB one
     * whose length is no round number; every binary is checked only after all arrived, so
     * one that were a view on a reused buffer would show it.
     */
    @Test
    @Timeout(180)
    void megabyteBinariesInterleavedWithSmallMessagesFromErlang() throws Exception {
        try (Node jarl = jarl("jarltest"); Mailbox box = jarl.createMailbox("jbox")) {
            // 1 MiB plus a few bytes each, so fragment edges fall anywhere in the binary
            erl.evalResult("[begin B = rand:bytes(1048576 + I * 7), {jbox, '" + jarl.name() + "'} ! {big, I, "
                    + "erlang:md5(B), B}, {jbox, '" + jarl.name() + "'} ! {small, I} end || I <- lists:seq(1, "
                    + COUNT + ")], Big = binary:copy(rand:bytes(1000037), 64), {jbox, '" + jarl.name()
                    + "'} ! {big, 0, erlang:md5(<<Big/binary, 0:88>>), <<Big/binary, 0:88>>}, ok", Duration.ofSeconds(90));
            List<Tuple> bigs = new ArrayList<>();
            for (int i = 1; i <= COUNT; i++) {
                bigs.add((Tuple) box.receive(Duration.ofSeconds(60)).orElseThrow());
                assertEquals(Tuple.of(Atom.of("small"), Int.of(i)), box.receive(Duration.ofSeconds(60)).orElseThrow());
            }
            bigs.add((Tuple) box.receive(Duration.ofSeconds(90)).orElseThrow());
            for (int i = 0; i <= COUNT; i++) {
                Tuple t = bigs.get(i);
                int n = i < COUNT ? i + 1 : 0;
                assertEquals(Int.of(n), t.get(1));
                Binary bin = (Binary) t.get(3);
                assertEquals(n == 0 ? BIG : 1048576 + n * 7, bin.size());
                assertEquals(HexFormat.of().formatHex(((Binary) t.get(2)).bytes()), md5(bin), "binary " + n);
            }
        }
    }

    /** As the one from Erlang, the other way: binaries sent by reference in gathering writes. */
    @Test
    @Timeout(180)
    void megabyteBinariesInterleavedWithSmallMessagesToErlang() throws Exception {
        try (Node jarl = jarl("jarltest"); Mailbox box = jarl.createMailbox("jbox")) {
            Random random = new Random(22);
            for (int i = 1; i <= COUNT + 1; i++) {
                byte[] data = new byte[i <= COUNT ? 1048576 + i * 7 : BIG];
                random.nextBytes(data);
                Binary bin = Binary.of(data);
                Binary sum = Binary.of(MessageDigest.getInstance("MD5").digest(data));
                box.send("ebox", erlName, Tuple.of(Atom.of("big"), Int.of(i), sum, bin));
                box.send("ebox", erlName, Tuple.of(Atom.of("small"), Int.of(i)));
            }
            // Erlang takes them in order, keeps every binary, then checks each one's size and MD5
            String got = erl.evalResult("F = fun F(I, Acc) when I > " + (COUNT + 1) + " -> lists:reverse(Acc); "
                    + "F(I, Acc) -> receive {big, I, S, B} -> receive {small, I} -> F(I + 1, [{I, S, B} | Acc]) "
                    + "after 60000 -> {no_small, I} end after 60000 -> {no_big, I} end end, "
                    + "case F(1, []) of L when is_list(L) -> [{I, byte_size(B)} || {I, S, B} <- L, "
                    + "erlang:md5(B) =/= S orelse byte_size(B) =/= (if I =< " + COUNT + " -> 1048576 + I * 7; "
                    + "true -> " + BIG + " end)]; Other -> Other end", Duration.ofSeconds(120)).text();
            assertEquals("[]", got, "binaries Erlang got wrong, by number and size");
        }
    }
}
