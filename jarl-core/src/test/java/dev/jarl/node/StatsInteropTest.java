/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * A connection's stats against what a real {@code erl} counts on its side of the same TCP
 * connection: after {@value #MESSAGES} messages of {@value #PAYLOAD} bytes and one reply, the
 * packets Jarl counts out are the packets erl counts in ({@code net_kernel:node_info/1}), and
 * the bytes erl's socket received ({@code inet:getstat/2}, {@code recv_oct}) are Jarl's bytes
 * out plus the 4-byte length of each packet and tick; likewise the other way.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class StatsInteropTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static final int MESSAGES = 300;
    private static final int PAYLOAD = 1500;

    private RealEpmd epmd;
    private ErlNode erl;
    private NodeName erlName;
    private Node jarl;

    @BeforeAll
    void start() throws IOException {
        Otp.requireErl();
        epmd = RealEpmd.start();
        erl = ErlNode.start(Otp.uniqueName("erl"), "statstest", epmd.port());
        erlName = NodeName.parse(erl.name());
        jarl = Node.start(NodeConfig.builder(Otp.uniqueName("jarl") + "@" + Otp.shortHost()).cookie("statstest")
                .epmdPort(epmd.port()).build());
        // counts what it gets: {msg, Bin} adds one, {sync, From} answers {counted, N, Bytes}
        erl.eval("register(count, spawn(fun() -> (fun C(N, B) -> receive {msg, X} -> C(N + 1, B + byte_size(X)); "
                + "{sync, F} -> F ! {counted, N, B}, C(0, 0) end end)(0, 0) end)), ok");
    }

    @AfterAll
    void stop() {
        if (jarl != null) {
            jarl.close();
        }
        if (erl != null) {
            erl.close();
        }
        if (epmd != null) {
            epmd.close();
        }
    }

    /** erl's counts of its connection to Jarl: {In, Out, RecvOct, SendOct}. */
    private long[] erlSide() {
        String j = "'" + jarl.name() + "'";
        String r = erl.eval("{ok, I} = net_kernel:node_info(" + j + "), "
                + "{_, Ctrl} = lists:keyfind(" + j + ", 1, erlang:system_info(dist_ctrl)), "
                + "{ok, [{recv_oct, RO}, {send_oct, SO}]} = inet:getstat(Ctrl, [recv_oct, send_oct]), "
                + "{proplists:get_value(in, I), proplists:get_value(out, I), RO, SO}");
        String[] f = r.replaceAll("[{} ]", "").split(",");
        return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3])};
    }

    @Test
    void jarlsCountsMatchErlsOfTheSameConnection() throws Exception {
        assertTrue(jarl.ping(erlName, T));
        long[] erlBefore = erlSide();
        ConnectionStats before = jarl.connectionStats(erlName).orElseThrow();
        try (Mailbox box = jarl.createMailbox()) {
            for (int i = 0; i < MESSAGES; i++) {
                box.send("count", erlName, Tuple.of(Atom.of("msg"), Binary.of(new byte[PAYLOAD])));
            }
            box.send("count", erlName, Tuple.of(Atom.of("sync"), box.self()));
            Term reply = box.receive(T).orElseThrow();
            assertEquals(Tuple.of(Atom.of("counted"), Int.of(MESSAGES), Int.of((long) MESSAGES * PAYLOAD)), reply);
        }
        ConnectionStats after = jarl.connectionStats(erlName).orElseThrow();
        long[] erlAfter = erlSide();
        long packetsOut = after.packetsOut() - before.packetsOut();
        long packetsIn = after.packetsIn() - before.packetsIn();
        long ticksOut = after.ticksOut() - before.ticksOut();
        long ticksIn = after.ticksIn() - before.ticksIn();
        String figures = "jarl before " + before + ", after " + after + "; erl before " + List.of(erlBefore[0],
                erlBefore[1], erlBefore[2], erlBefore[3]) + ", after " + List.of(erlAfter[0], erlAfter[1], erlAfter[2],
                erlAfter[3]);
        assertEquals(MESSAGES + 1, packetsOut, figures);
        assertEquals(1, packetsIn, figures);
        assertEquals(packetsOut + ticksOut, erlAfter[0] - erlBefore[0], "erl's packets in: " + figures);
        assertEquals(packetsIn + ticksIn, erlAfter[1] - erlBefore[1], "erl's packets out: " + figures);
        long bytesOut = after.bytesOut() - before.bytesOut();
        assertTrue(bytesOut >= (long) MESSAGES * PAYLOAD, figures);
        assertEquals(bytesOut + 4 * (packetsOut + ticksOut), erlAfter[2] - erlBefore[2], "erl's recv_oct: " + figures);
        assertEquals(after.bytesIn() - before.bytesIn() + 4 * (packetsIn + ticksIn), erlAfter[3] - erlBefore[3],
                "erl's send_oct: " + figures);
        assertEquals("tcp", after.carrier());
        assertTrue(after.address().startsWith("127.0.0.1:"), after.address());
    }
}
