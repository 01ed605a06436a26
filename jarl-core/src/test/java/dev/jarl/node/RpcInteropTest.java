/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.DistFlags;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * RPC both ways between a Jarl node and a real OTP node: every call form of {@code erpc} and
 * {@code rpc} into registered Java functions (values, undef, error/exit/throw, Java
 * exceptions), spawn/4, spawn_link/4 and spawn_request/5, legacy rex, 10 000 concurrent
 * calls; and {@link Node#rpc} out to Erlang with each typed outcome.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class RpcInteropTest {

    private static final Duration T = Duration.ofSeconds(10);

    private RealEpmd epmd;
    private ErlNode erl;
    private NodeName erlName;
    private Node jarl;
    private Mailbox outbox;
    private String j;

    @BeforeAll
    void start() throws IOException {
        Otp.requireErl();
        epmd = RealEpmd.start();
        erl = ErlNode.start(Otp.uniqueName("erl"), "jarltest", epmd.port());
        erlName = NodeName.parse(erl.name());
        jarl = jarl(DistFlags.DEFAULT_OFFERED);
        outbox = jarl.createMailbox();
        register(jarl);
        j = "'" + jarl.name() + "'";
    }

    private Node jarl(long flags) throws IOException {
        return Node.start(NodeConfig.builder(Otp.uniqueName("jarl") + "@" + Otp.shortHost()).cookie("jarltest")
                .epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).offeredFlags(flags).build());
    }

    private void register(Node n) {
        Functions f = n.functions();
        f.register("jt", "echo", 1, args -> args.get(0));
        f.register("jt", "sum", 1, args -> {
            BigInteger s = BigInteger.ZERO;
            for (Term t : ((TermList) args.get(0)).elements()) {
                s = s.add(((Int) t).bigValue());
            }
            return Int.of(s);
        });
        f.register("jt", "fail", 1, args -> {
            throw new ErlangException.Error(args.get(0));
        });
        f.register("jt", "quit", 1, args -> {
            throw new ErlangException.Exit(args.get(0));
        });
        f.register("jt", "toss", 1, args -> {
            throw new ErlangException.Throw(args.get(0));
        });
        f.register("jt", "boom", 0, args -> {
            throw new IllegalStateException("no such account");
        });
        f.register("jt", "sleep", 1, RpcTest::sleep);
        f.register("jt", "notify", 2, args -> {
            outbox.send((Pid) args.get(0), args.get(1));
            return Atom.OK;
        });
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(jarl, erl, epmd);
    }

    /** Evaluates on erl with {@code J} bound to the Jarl node's name. */
    private String ev(String exprs) {
        return erl.eval("J = " + j + ", " + exprs);
    }

    private String tryCall(String call) {
        return ev("try " + call + " of V -> {value, V} catch C:R -> {C, R} end");
    }

    // ------------------------------------------------------------------ Erlang into Java

    @Test
    void erpcAndRpcCallReturnValues() {
        assertEquals("{value,hello}", tryCall("erpc:call(J, jt, echo, [hello])"));
        assertEquals(erl.eval("{value,{a,[1,2],<<\"b\">>}}"), tryCall("erpc:call(J, jt, echo, [{a,[1,2],<<\"b\">>}], 5000)"));
        assertEquals("{value,hello}", tryCall("rpc:call(J, jt, echo, [hello])"));
        assertEquals("{value,100000000000000000000000000000000000001}",
                tryCall("rpc:call(J, jt, sum, [[100000000000000000000000000000000000000, 2, -1]], 5000)"));
    }

    @Test
    void unknownFunctionsAreUndefAsOnABeamNode() {
        assertEquals("{error,{exception,undef,[{nomod,nofun,[1],[]}]}}", tryCall("erpc:call(J, nomod, nofun, [1])"));
        assertEquals("{value,{badrpc,{'EXIT',{undef,[{nomod,nofun,[1],[]}]}}}}", tryCall("rpc:call(J, nomod, nofun, [1])"));
        // registered under another arity: still undef
        assertEquals("{error,{exception,undef,[{jt,echo,[1,2],[]}]}}", tryCall("erpc:call(J, jt, echo, [1, 2])"));
    }

    @Test
    void errorExitThrowAndJavaExceptions() {
        assertEquals("{error,{exception,oops,[{jt,fail,1,[]}]}}", tryCall("erpc:call(J, jt, fail, [oops])"));
        assertEquals("{exit,{exception,bye}}", tryCall("erpc:call(J, jt, quit, [bye])"));
        assertEquals("{throw,ball}", tryCall("erpc:call(J, jt, toss, [ball])"));
        assertEquals(erl.eval("{error,{exception,{'java.lang.IllegalStateException',<<\"no such account\">>},[{jt,boom,0,[]}]}}"),
                tryCall("erpc:call(J, jt, boom, [])"));
        assertEquals("{value,{badrpc,{'EXIT',{oops,[{jt,fail,1,[]}]}}}}", tryCall("rpc:call(J, jt, fail, [oops])"));
        assertEquals("{value,{badrpc,{'EXIT',bye}}}", tryCall("rpc:call(J, jt, quit, [bye])"));
        assertEquals("{value,ball}", tryCall("rpc:call(J, jt, toss, [ball])"));
    }

    @Test
    void castsRunTheFunction() {
        assertEquals("ok", ev("erpc:cast(J, jt, notify, [self(), cast1])"));
        assertEquals("cast1", ev("receive cast1 -> cast1 after 5000 -> timeout end"));
        assertEquals("true", ev("rpc:cast(J, jt, notify, [self(), cast2])"));
        assertEquals("cast2", ev("receive cast2 -> cast2 after 5000 -> timeout end"));
        // a cast of something unknown just fails over there
        assertEquals("ok", ev("erpc:cast(J, nomod, nofun, [])"));
    }

    @Test
    void multicalls() {
        String down = "'nobody_" + Otp.uniqueName("x") + "@" + Otp.shortHost() + "'";
        assertEquals("[{ok,x},{ok,x}]", ev("erpc:multicall([J, J], jt, echo, [x])"));
        assertEquals("[{ok,x},{error,{erpc,noconnection}}]", ev("erpc:multicall([J, " + down + "], jt, echo, [x], 5000)"));
        assertEquals("[{throw,ball}]", ev("erpc:multicall([J], jt, toss, [ball])"));
        assertEquals("{[x,x],[]}", ev("rpc:multicall([J, J], jt, echo, [x])"));
        assertEquals(erl.eval("{[x],[" + down + "]}"), ev("rpc:multicall([J, " + down + "], jt, echo, [x], 5000)"));
        assertEquals("ok", ev("erpc:multicast([J], jt, notify, [self(), mc])"));
        assertEquals("mc", ev("receive mc -> mc after 5000 -> timeout end"));
    }

    @Test
    void spawnOfRegisteredFunctionsRunsThem() {
        assertEquals("spawned", ev("P = spawn(J, jt, notify, [self(), spawned]), true = is_pid(P), "
                + "receive spawned -> spawned after 5000 -> timeout end"));
        assertEquals("{oops,[{jt,fail,1,[]}]}", ev("{P2, M2} = spawn_monitor(J, jt, fail, [oops]), "
                + "receive {'DOWN', M2, process, P2, R2} -> R2 after 5000 -> timeout end"));
        assertEquals("{ok,normal}", ev("R3 = spawn_request(J, jt, notify, [self(), sr], [monitor]), "
                + "receive {spawn_reply, R3, ok, P3} -> receive sr -> receive {'DOWN', R3, process, P3, D3} -> {ok, D3} "
                + "after 5000 -> nodown end after 5000 -> nomsg end after 5000 -> noreply end"));
    }

    @Test
    void spawnOfAnythingElseExitsWithUndefFiringLinksAndMonitors() {
        assertEquals("{undef,[{nomod,nofun,[a],[]}]}", ev("process_flag(trap_exit, true), "
                + "P4 = spawn_link(J, nomod, nofun, [a]), "
                + "R4 = receive {'EXIT', P4, X4} -> X4 after 5000 -> timeout end, process_flag(trap_exit, false), R4"));
        assertEquals("{undef,[{nomod,nofun,[],[]}]}", ev("R5 = spawn_request(J, nomod, nofun, [], [monitor]), "
                + "receive {spawn_reply, R5, ok, P5} -> receive {'DOWN', R5, process, P5, D5} -> D5 "
                + "after 5000 -> nodown end after 5000 -> noreply end"));
        assertEquals("{undef,[{erlang,apply,[1],[]}]}", ev("{P6, M6} = spawn_monitor(J, erlang, apply, [1]), "
                + "receive {'DOWN', M6, process, P6, D6} -> D6 after 5000 -> timeout end"));
    }

    @Test
    void legacyRexAndFeatures() {
        assertEquals("x", ev("{rex, J} ! {self(), {call, jt, echo, [x], user}}, receive {rex, X7} -> X7 after 5000 -> timeout end"));
        assertEquals("{badrpc,{'EXIT',{undef,[{nomod,f,[],[]}]}}}",
                ev("{rex, J} ! {self(), {call, nomod, f, [], user}}, receive {rex, X8} -> X8 after 5000 -> timeout end"));
        assertEquals("[erpc]", ev("{rex, J} ! {self(), features_request}, "
                + "receive {features_reply, J, F9} -> F9 after 5000 -> timeout end"));
    }

    @Test
    void aSlowCallBlocksNoOther() {
        assertEquals("true", ev("Self = self(), spawn(fun() -> Self ! {slow, erpc:call(J, jt, sleep, [1500])} end), "
                + "T0 = erlang:monotonic_time(millisecond), fast = erpc:call(J, jt, echo, [fast]), "
                + "T1 = erlang:monotonic_time(millisecond), receive {slow, ok} -> ok end, T1 - T0 < 1000"));
    }

    @Test
    void tenThousandConcurrentErpcCalls() {
        ErlNode.Result r = erl.evalResult("J = " + j + ", Parent = self(), T0 = erlang:monotonic_time(microsecond), "
                + "Ps = [spawn_link(fun() -> Parent ! {done, self(), lists:all(fun(I) -> "
                + "erpc:call(J, jt, echo, [{K, I}], 30000) =:= {K, I} end, lists:seq(1, 100))} end) "
                + "|| K <- lists:seq(1, 100)], "
                + "Rs = [receive {done, P, B} -> B end || P <- Ps], "
                + "{lists:all(fun(X) -> X end, Rs), erlang:monotonic_time(microsecond) - T0}", Duration.ofSeconds(90));
        assertTrue(r.ok(), r.text());
        String[] parts = r.text().substring(1, r.text().length() - 1).split(",");
        assertEquals("true", parts[0], r.text());
        long micros = Long.parseLong(parts[1]);
        System.out.printf("10000 concurrent erpc:call into Jarl: %.0f ms, %.0f calls/s%n", micros / 1000.0,
                10_000 / (micros / 1e6));
    }

    // ------------------------------------------------------------------ Java out to Erlang

    @Test
    void rpcOutReturnsValues() throws Exception {
        assertEquals(Atom.of(erl.name()), jarl.rpc(erlName, "erlang", "node", List.of(), T));
        assertEquals(TermList.of(Int.of(3), Int.of(2), Int.of(1)),
                jarl.rpc(erlName, "lists", "reverse", List.of(TermList.of(Int.of(1), Int.of(2), Int.of(3))), T));
    }

    @Test
    void rpcOutRaisesEachClass() {
        RpcException.Raised e = assertThrows(RpcException.Raised.class, () -> jarl.rpc(erlName, "erlang", "apply",
                List.of(Atom.of("erlang"), Atom.of("error"), TermList.of(Atom.of("oops"))), T));
        ErlangException.Error err = assertInstanceOf(ErlangException.Error.class, e.exception());
        assertEquals(Atom.of("oops"), err.reason());
        assertInstanceOf(TermList.class, err.stacktrace());
        assertEquals(Tuple.of(Atom.of("badrpc"), Tuple.of(Atom.EXIT, Tuple.of(Atom.of("oops"), err.stacktrace()))),
                e.rpcCallResult());
        RpcException.Raised x = assertThrows(RpcException.Raised.class, () -> jarl.rpc(erlName, "erlang", "apply",
                List.of(Atom.of("erlang"), Atom.of("exit"), TermList.of(Atom.of("bye"))), T));
        assertEquals(Atom.of("bye"), assertInstanceOf(ErlangException.Exit.class, x.exception()).reason());
        RpcException.Raised t = assertThrows(RpcException.Raised.class, () -> jarl.rpc(erlName, "erlang", "apply",
                List.of(Atom.of("erlang"), Atom.of("throw"), TermList.of(Atom.of("ball"))), T));
        assertEquals(Atom.of("ball"), assertInstanceOf(ErlangException.Throw.class, t.exception()).reason());
        assertEquals(Atom.of("ball"), t.rpcCallResult());
        RpcException.Raised u = assertThrows(RpcException.Raised.class, () -> jarl.rpc(erlName, "nomod", "nofun",
                List.of(Int.of(1)), T));
        assertEquals(Atom.of("undef"), u.exception().reason());
    }

    @Test
    void rpcOutTimesOutAndReportsNoConnection() throws Exception {
        long t0 = System.nanoTime();
        assertThrows(RpcException.Timeout.class, () -> jarl.rpc(erlName, "timer", "sleep", List.of(Int.of(3000)),
                Duration.ofMillis(300)));
        assertTrue(System.nanoTime() - t0 < 2_000_000_000L);
        NodeName nobody = NodeName.parse(Otp.uniqueName("nobody") + "@" + Otp.shortHost());
        RpcException.NoConnection n = assertThrows(RpcException.NoConnection.class,
                () -> jarl.rpc(nobody, "erlang", "node", List.of(), T));
        assertEquals(nobody, n.node());
        assertEquals(Tuple.of(Atom.of("badrpc"), Atom.of("nodedown")), n.rpcCallResult());
        // still usable afterwards
        assertEquals(Atom.of(erl.name()), jarl.rpc(erlName, "erlang", "node", List.of(), T));
    }

    @Test
    void rpcBetweenJarlNodesByErpcAndByRex() throws Exception {
        try (Node spawning = jarl(DistFlags.DEFAULT_OFFERED); Node legacy = jarl(DistFlags.DEFAULT_OFFERED & ~DistFlags.SPAWN)) {
            register(spawning);
            register(legacy);
            assertEquals(Atom.of("hi"), jarl.rpc(spawning.name(), "jt", "echo", List.of(Atom.of("hi")), T));
            assertEquals(Atom.of("hi"), jarl.rpc(legacy.name(), "jt", "echo", List.of(Atom.of("hi")), T));
            RpcException.Raised e = assertThrows(RpcException.Raised.class,
                    () -> jarl.rpc(spawning.name(), "jt", "fail", List.of(Atom.of("oops")), T));
            assertEquals(Atom.of("oops"), e.exception().reason());
            RpcException.Failed f = assertThrows(RpcException.Failed.class,
                    () -> jarl.rpc(legacy.name(), "jt", "fail", List.of(Atom.of("oops")), T));
            assertEquals(Tuple.of(Atom.EXIT, Tuple.of(Atom.of("oops"),
                    TermList.of(Tuple.of(Atom.of("jt"), Atom.of("fail"), Int.ONE, TermList.NIL)))), f.reason());
            assertThrows(RpcException.Timeout.class,
                    () -> jarl.rpc(legacy.name(), "jt", "sleep", List.of(Int.of(2000)), Duration.ofMillis(200)));
        }
    }
}
