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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.DistFlags;
import dev.jarl.carriers.MemNetwork;
import dev.jarl.channel.Signal;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/** RPC between Jarl nodes in memory: the erpc path and the rex path, every outcome type. */
@Timeout(60)
class RpcTest {

    private static final Duration T = Duration.ofSeconds(5);

    private final MemNetwork net = new MemNetwork();
    private final List<Node> nodes = new ArrayList<>();

    private Node node(String name, long flags) throws IOException {
        Node n = Node.start(NodeConfig.builder(name + "@mem").cookie("c").carrier(net.carrier())
                .offeredFlags(flags).setupTime(Duration.ofSeconds(3)).build());
        nodes.add(n);
        n.functions().register("m", "echo", 1, args -> args.get(0));
        n.functions().register("m", "fail", 1, args -> {
            throw new ErlangException.Error(args.get(0));
        });
        n.functions().register("m", "quit", 1, args -> {
            throw new ErlangException.Exit(args.get(0));
        });
        n.functions().register("m", "toss", 1, args -> {
            throw new ErlangException.Throw(args.get(0));
        });
        n.functions().register("m", "boom", 0, args -> {
            throw new IllegalArgumentException("bad");
        });
        n.functions().register("m", "sleep", 1, RpcTest::sleep);
        return n;
    }

    /** {@code sleep(Ms)}: a function that takes real time, for the tests of call timeouts. */
    static Term sleep(List<Term> args) throws InterruptedException {
        Thread.sleep(((Int) args.get(0)).longValue()); // real time: what a timeout is measured against
        return Atom.OK;
    }

    @AfterEach
    void closeAll() {
        nodes.forEach(Node::close);
    }

    private static Term stack(String m, String f, Term arityOrArgs) {
        return TermList.of(Tuple.of(Atom.of(m), Atom.of(f), arityOrArgs, TermList.NIL));
    }

    @Test
    void erpcPathGivesEachOutcome() throws Exception {
        Node a = node("a", DistFlags.DEFAULT_OFFERED);
        NodeName b = node("b", DistFlags.DEFAULT_OFFERED).name();
        assertEquals(Atom.of("x"), a.rpc(b, "m", "echo", List.of(Atom.of("x")), T));
        ErlangException e = assertThrows(RpcException.Raised.class, () -> a.rpc(b, "m", "fail", List.of(Atom.of("r")), T))
                .exception();
        assertEquals(new ErlangException.Error(Atom.of("r")).erlangClass(), e.erlangClass());
        assertEquals(stack("m", "fail", Int.ONE), e.stacktrace());
        assertInstanceOf(ErlangException.Exit.class,
                assertThrows(RpcException.Raised.class, () -> a.rpc(b, "m", "quit", List.of(Atom.of("r")), T)).exception());
        RpcException.Raised t = assertThrows(RpcException.Raised.class, () -> a.rpc(b, "m", "toss", List.of(Atom.of("r")), T));
        assertInstanceOf(ErlangException.Throw.class, t.exception());
        assertEquals(Atom.of("r"), t.rpcCallResult());
        RpcException.Raised j = assertThrows(RpcException.Raised.class, () -> a.rpc(b, "m", "boom", List.of(), T));
        assertEquals(Tuple.of(Atom.of("java.lang.IllegalArgumentException"), Binary.of("bad")), j.exception().reason());
        RpcException.Raised u = assertThrows(RpcException.Raised.class, () -> a.rpc(b, "m", "nope", List.of(Int.ONE), T));
        assertEquals(Atom.of("undef"), u.exception().reason());
        assertEquals(stack("m", "nope", TermList.of(Int.ONE)), u.exception().stacktrace());
        assertThrows(RpcException.Timeout.class, () -> a.rpc(b, "m", "sleep", List.of(Int.of(2000)), Duration.ofMillis(100)));
        RpcException.NoConnection n = assertThrows(RpcException.NoConnection.class,
                () -> a.rpc(NodeName.parse("ghost@mem"), "m", "echo", List.of(Atom.of("x")), T));
        assertEquals(Tuple.of(Atom.of("badrpc"), Atom.of("nodedown")), n.rpcCallResult());
    }

    @Test
    void rexPathWhenThePeerLacksSpawn() throws Exception {
        Node a = node("a", DistFlags.DEFAULT_OFFERED);
        NodeName b = node("b", DistFlags.DEFAULT_OFFERED & ~DistFlags.SPAWN).name();
        assertEquals(Atom.of("x"), a.rpc(b, "m", "echo", List.of(Atom.of("x")), T));
        assertEquals(Atom.of("r"), a.rpc(b, "m", "toss", List.of(Atom.of("r")), T));   // rex returns a thrown value
        RpcException.Failed f = assertThrows(RpcException.Failed.class, () -> a.rpc(b, "m", "quit", List.of(Atom.of("r")), T));
        assertEquals(Tuple.of(Atom.EXIT, Atom.of("r")), f.reason());
    }

    @Test
    void aCallToItselfRunsLocally() throws Exception {
        Node a = node("a", DistFlags.DEFAULT_OFFERED);
        assertEquals(Atom.of("x"), a.rpc(a.name(), "m", "echo", List.of(Atom.of("x")), T));
        assertTrue(a.functions().unregister("m", "echo", 1));
        assertThrows(RpcException.Raised.class, () -> a.rpc(a.name(), "m", "echo", List.of(Atom.of("x")), T));
    }

    @Test
    void spawnRequestOfAnUnknownFunctionFromAnotherJarlNodeExitsWithUndefAndFiresTheMonitor() throws Exception {
        Node a = node("a", DistFlags.DEFAULT_OFFERED);
        Node b = node("b", DistFlags.DEFAULT_OFFERED);
        try (Mailbox box = a.createMailbox()) {
            a.connect(b.name());
            Ref ref = a.makeRef();
            a.table().send(b.name(), new Signal.SpawnRequest(ref, box.self(), box.self(),
                    Atom.of("nomod"), Atom.of("f"), 0, TermList.of(Atom.of("monitor")), TermList.NIL));
            Tuple reply = (Tuple) box.receive(T).orElseThrow();
            assertEquals(Atom.of("spawn_reply"), reply.get(0));
            assertEquals(Atom.OK, reply.get(2));
            Tuple down = (Tuple) box.receive(T).orElseThrow();
            assertEquals(Tuple.of(Atom.of("DOWN"), ref, Atom.of("process"), reply.get(3),
                    Tuple.of(Atom.of("undef"), stack("nomod", "f", TermList.NIL))), down);
        }
    }
}
