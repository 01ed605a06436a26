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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.jarl.term.Atom;
import dev.jarl.term.Etf;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * Processes against real OTP over TCP, both directions: links and exits (trapping and not,
 * kill, unlink), exit/2, monitors by pid and name (noproc included), gen_server calls both
 * ways (a server dying mid-call included), and the loss of the Erlang node (halt and SIGKILL)
 * reaching every link, monitor and node monitor once.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ProcessesInteropTest {

    static final Duration T = Duration.ofSeconds(10);
    static final String COOKIE = "procs";

    static final String SERVER = """
            -module(jarl_test_srv).
            -behaviour(gen_server).
            -export([init/1, handle_call/3, handle_cast/2, handle_info/2]).
            init(S) -> {ok, S}.
            handle_call(get, _From, S) -> {reply, S, S};
            handle_call({echo, X}, _From, S) -> {reply, X, S};
            handle_call(die, _From, _S) -> exit(died_mid_call);
            handle_call(hang, _From, S) -> {noreply, S}.
            handle_cast({set, V}, _S) -> {noreply, V}.
            handle_info(_, S) -> {noreply, S}.
            """;

    private RealEpmd epmd;
    private ErlNode erl;
    private NodeName erlName;
    private Node jarl;
    private String beamDir;

    @BeforeAll
    void start() throws IOException, InterruptedException {
        Otp.requireErl();
        epmd = RealEpmd.start();
        beamDir = compileServer();
        erl = erlNode("perl");
        erlName = NodeName.parse(erl.name());
        erl.eval("register(jarl_ctl_proc, self()), ok");
        jarl = Node.start(NodeConfig.builder(Otp.uniqueName("pjarl") + "@" + Otp.shortHost()).cookie(COOKIE)
                .epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).build());
        assertTrue(jarl.ping(erlName, T));
    }

    private ErlNode erlNode(String prefix) {
        return ErlNode.builder().sname(Otp.uniqueName(prefix)).cookie(COOKIE).epmdPort(epmd.port())
                .args("-pa", beamDir).start();
    }

    private static String compileServer() {
        return ErlNode.compile("jarl_test_srv", SERVER);
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(jarl, erl, epmd);
    }

    private String q() {
        return "'" + jarl.name() + "'";
    }

    static Term recv(Mailbox box) throws InterruptedException {
        return box.receive(T).orElseThrow(() -> new AssertionError("no message within " + T));
    }

    static void none(Mailbox box) throws InterruptedException {
        Optional<Term> m = box.receive(Duration.ofMillis(300));
        assertTrue(m.isEmpty(), () -> "unexpected " + m.get());
    }

    /** An Erlang process that waits for {@code {die, R}} and exits with R; its pid. */
    private Pid erlWaiter(ErlNode e) {
        return (Pid) Etf.decode(e.evalResult("spawn(fun() -> receive {die, R} -> exit(R) end end)").etf());
    }

    static Tuple exitMsg(Pid from, Term reason) {
        return Tuple.of(Atom.EXIT, from, reason);
    }

    static Tuple down(Ref ref, Term item, Term reason) {
        return Tuple.of(Atom.of("DOWN"), ref, Atom.of("process"), item, reason);
    }

    /** Waits until {@code box} is linked to {@code other}. */
    static void awaitLinked(Mailbox box, Pid other) throws InterruptedException {
        Await.until(Duration.ofSeconds(5), () -> box.isLinkedTo(other), () -> box + " not linked to " + other);
    }

    /** Hands {@code value} to the Erlang control process, which keeps it as {@code get(key)}. */
    private void give(ErlNode e, String key, Term value) throws InterruptedException {
        try (Mailbox box = jarl.createMailbox()) {
            box.send("jarl_ctl_proc", NodeName.parse(e.name()), Tuple.of(Atom.of("give"), Atom.of(key), value));
            assertEquals("ok", e.eval("receive {give, " + key + ", V} -> put(" + key + ", V), ok after 5000 -> timeout end"));
        }
    }

    private Term erlTerm(ErlNode e, String expr) {
        ErlNode.Result r = e.evalResult(expr);
        assertTrue(r.ok(), r.text());
        return Etf.decode(r.etf());
    }

    @Test
    void erlangLinksToAJarlProcessAndKillsIt() throws Exception {
        Mailbox obs = jarl.createMailbox();
        Mailbox victim = jarl.createMailbox();
        Ref r = obs.monitor(victim.self());
        give(erl, "jp", victim.self());
        assertEquals("killed", erl.eval("process_flag(trap_exit, true), link(get(jp)), exit(get(jp), kill), "
                + "R = receive {'EXIT', _, X} -> X after 5000 -> timeout end, process_flag(trap_exit, false), R"));
        assertEquals(down(r, victim.self(), Atom.of("killed")), recv(obs));
        // a trapping Jarl process gets exit/2 from Erlang as a message
        Mailbox trapper = jarl.createMailbox();
        trapper.trapExit(true);
        give(erl, "jp", trapper.self());
        erl.eval("exit(get(jp), please), ok");
        Tuple t = (Tuple) recv(trapper);
        assertEquals(Atom.EXIT, t.get(0));
        assertEquals(Atom.of("please"), t.get(2));
        assertFalse(trapper.isExited());
    }

    @Test
    void jarlLinksToErlangProcessesAndDiesOrTrapsWithThem() throws Exception {
        Mailbox obs = jarl.createMailbox();
        Pid w1 = erlWaiter(erl);
        CountDownLatch linked = new CountDownLatch(1);
        Pid j = jarl.spawn(self -> {
            self.link(w1);
            linked.countDown();
            while (true) {
                self.receive();
            }
        });
        Ref r = obs.monitor(j);
        linked.await();
        give(erl, "w", w1);
        assertEquals("true", erl.eval("timer:sleep(200), {links, L} = process_info(get(w), links), length(L) == 1"));
        erl.eval("get(w) ! {die, boom}, ok");
        assertEquals(down(r, j, Atom.of("boom")), recv(obs));

        Mailbox trapper = jarl.createMailbox();
        trapper.trapExit(true);
        Pid w2 = erlWaiter(erl);
        trapper.link(w2);
        give(erl, "w", w2);
        erl.eval("timer:sleep(200), get(w) ! {die, bye}, ok");
        assertEquals(exitMsg(w2, Atom.of("bye")), recv(trapper));
        Pid dead = erlWaiter(erl);
        give(erl, "w", dead);
        erl.eval("get(w) ! {die, x}, timer:sleep(100), ok");
        trapper.link(dead);
        assertEquals(exitMsg(dead, Atom.NOPROC), recv(trapper));
    }

    @Test
    void jarlExitsAndKillsErlangProcessesTheySeeItAndUnlinkWorks() throws Exception {
        Mailbox box = jarl.createMailbox();
        Pid w1 = (Pid) erlTerm(erl, "W1 = spawn(fun() -> receive _ -> ok end end), put(w1, W1), "
                + "put(m1, monitor(process, W1)), W1");
        box.exit(w1, Atom.of("kill"));
        assertEquals("killed", erl.eval("M = get(m1), receive {'DOWN', M, _, _, R} -> R after 5000 -> timeout end"));
        Pid w2 = (Pid) erlTerm(erl, "Me = self(), W2 = spawn(fun() -> process_flag(trap_exit, true), "
                + "receive M -> Me ! {w2, M} end end), W2");
        Mailbox linker = jarl.createMailbox();
        linker.link(w2);
        give(erl, "w", w2);
        assertEquals("1", erl.eval("timer:sleep(200), {links, L} = process_info(get(w), links), length(L)"));
        linker.exit(Atom.of("jarl_reason"));
        Tuple got = (Tuple) erlTerm(erl, "receive {w2, M} -> M after 5000 -> timeout end");
        assertEquals(exitMsg(linker.self(), Atom.of("jarl_reason")), got);

        Pid w3 = (Pid) erlTerm(erl, "W3 = spawn(fun() -> receive {die, R} -> exit(R) end end), put(w3, W3), W3");
        Mailbox un = jarl.createMailbox();
        un.link(w3);
        assertEquals("1", erl.eval("timer:sleep(200), {links, L} = process_info(get(w3), links), length(L)"));
        un.unlink(w3);
        assertEquals("0", erl.eval("timer:sleep(200), {links, L} = process_info(get(w3), links), length(L)"));
        erl.eval("get(w3) ! {die, boom}, ok");
        Await.holdsFor(Duration.ofMillis(300), () -> !un.isExited(), () -> "an unlinked process's exit reached it");

        Mailbox target = jarl.createMailbox();
        give(erl, "jp", target.self());
        erl.eval("link(get(jp)), unlink(get(jp)), ok");
        Await.holdsFor(Duration.ofMillis(200), () -> !target.isLinkedTo(w3), () -> "linked after link and unlink");
        target.exit(Atom.of("after_unlink"));
        assertEquals("false", erl.eval("receive {'EXIT', _, after_unlink} -> true after 300 -> false end"));
    }

    @Test
    void jarlMonitorsErlangByPidAndNameWithNoproc() throws Exception {
        Mailbox box = jarl.createMailbox();
        Pid w1 = (Pid) erlTerm(erl, "W = spawn(fun() -> receive {die, R} -> exit(R) end end), register(ew, W), W");
        Ref byPid = box.monitor(w1);
        Ref byName = box.monitor("ew", erlName);
        assertTrue(jarl.ping(erlName, T));
        erl.eval("ew ! {die, bye}, ok");
        List<Term> got = List.of(recv(box), recv(box));
        assertTrue(got.contains(down(byPid, w1, Atom.of("bye"))), got.toString());
        assertTrue(got.contains(down(byName, Tuple.of(Atom.of("ew"), Atom.of(erlName.toString())), Atom.of("bye"))),
                got.toString());
        Ref missing = box.monitor("nobody", erlName);
        assertEquals(down(missing, Tuple.of(Atom.of("nobody"), Atom.of(erlName.toString())), Atom.NOPROC), recv(box));
        Ref dead = box.monitor(w1);
        assertEquals(down(dead, w1, Atom.NOPROC), recv(box));
        Pid w2 = erlWaiter(erl);
        Ref dropped = box.monitor(w2);
        assertTrue(box.demonitor(dropped));
        give(erl, "w", w2);
        erl.eval("get(w) ! {die, x}, ok");
        assertTrue(jarl.ping(erlName, T));
        assertTrue(box.receive(Duration.ofMillis(300)).isEmpty());
    }

    @Test
    void erlangMonitorsJarlByPidAndNameWithNoprocAndDemonitor() throws Exception {
        Mailbox target = jarl.createMailbox("jmon");
        give(erl, "jp", target.self());
        erl.eval("put(r1, monitor(process, get(jp))), put(r2, monitor(process, {jmon, " + q() + "})), "
                + "put(r3, monitor(process, get(jp))), demonitor(get(r3), [flush]), ok");
        assertTrue(jarl.ping(erlName, T));
        target.exit(Atom.of("jarl_gone"));
        assertEquals("{jarl_gone,jarl_gone}", erl.eval(
                "R1 = get(r1), R2 = get(r2), A = receive {'DOWN', R1, process, _, X} -> X after 5000 -> timeout end, "
                        + "B = receive {'DOWN', R2, process, {jmon, _}, Y} -> Y after 5000 -> timeout end, {A, B}"));
        assertEquals("none", erl.eval("R3 = get(r3), receive {'DOWN', R3, _, _, _} -> extra after 300 -> none end"));
        assertEquals("noproc", erl.eval("R = monitor(process, {nobody, " + q() + "}), "
                + "receive {'DOWN', R, process, _, X} -> X after 5000 -> timeout end"));
        assertEquals("noproc", erl.eval("R = monitor(process, get(jp)), "
                + "receive {'DOWN', R, process, _, X} -> X after 5000 -> timeout end"));
    }

    @Test
    void genServerCallsFromJavaToErlang() throws Exception {
        Pid srv = (Pid) erlTerm(erl, "{ok, S} = gen_server:start({local, jsrv_e}, jarl_test_srv, 42, []), S");
        Mailbox box = jarl.createMailbox();
        Term byName = Tuple.of(Atom.of("jsrv_e"), Atom.of(erlName.toString()));
        assertEquals(Int.of(42), box.call(byName, Atom.of("get"), T));
        box.cast(byName, Tuple.of(Atom.of("set"), Int.of(7)));
        assertEquals(Int.of(7), box.call(srv, Atom.of("get"), T));
        assertEquals(Atom.of("hi"), box.call(srv, Tuple.of(Atom.of("echo"), Atom.of("hi")), T));
        assertThrows(CallException.Timeout.class, () -> box.call(srv, Atom.of("hang"), Duration.ofMillis(300)));
        long t0 = System.nanoTime();
        CallException.Exited e = assertThrows(CallException.Exited.class, () -> box.call(srv, Atom.of("die"), Duration.ofSeconds(30)));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
        assertEquals(Atom.of("died_mid_call"), e.reason());
        assertThrows(CallException.NoProc.class, () -> box.call(srv, Atom.of("get"), T));
        assertThrows(CallException.NoProc.class, () -> box.call(Tuple.of(Atom.of("nobody"), Atom.of(erlName.toString())),
                Atom.of("get"), T));
        assertEquals(0, box.queued());
    }

    @Test
    void genServerCallsFromErlangToJava() throws Exception {
        Mailbox srv = jarl.createMailbox("jsrv");
        List<Term> casts = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread.ofVirtual().start(() -> {
            try {
                GenServer.serve(srv, new GenServer.Handler() {
                    @Override
                    public Term handleCall(Term request, Term from) {
                        if (request instanceof Tuple t && t.isTagged(Atom.of("add"), 3)) {
                            return Int.of(((Int) t.get(1)).longValue() + ((Int) t.get(2)).longValue());
                        }
                        if (Atom.of("die").equals(request)) {
                            throw new ExitException("java_died");
                        }
                        return request;
                    }

                    @Override
                    public void handleCast(Term request) {
                        casts.add(request);
                    }
                });
            } catch (Exception ended) {
                srv.exit(ExitException.reasonOf(ended));
            }
        });
        String s = "{jsrv, " + q() + "}";
        assertEquals("3", erl.eval("gen_server:call(" + s + ", {add, 1, 2})"));
        assertEquals("ok", erl.eval("gen_server:cast(" + s + ", hello)"));
        assertEquals("x", erl.eval("gen_server:call(" + s + ", x, 5000)"));
        assertEquals(List.of(Atom.of("hello")), casts);
        assertEquals("java_died", erl.eval("{'EXIT', {R, {gen_server, call, _}}} = (catch gen_server:call(" + s
                + ", die, 30000)), R"));
        assertEquals("noproc", erl.eval("{'EXIT', {R, _}} = (catch gen_server:call(" + s + ", x, 5000)), R"));
    }

    @Test
    void erlangNodeHaltAndKillGiveNoconnectionAndNodedownOnce() throws Exception {
        for (String how : List.of("halt", "KILL")) {
            ErlNode e2 = erlNode("lost");
            NodeName n2 = NodeName.parse(e2.name());
            try {
                Mailbox w = jarl.createMailbox();
                w.trapExit(true);
                w.monitorNodes(true);
                assertTrue(jarl.ping(n2, T));
                assertEquals(Tuple.of(Atom.of("nodeup"), Atom.of(n2.toString())), recv(w));
                Pid p = (Pid) erlTerm(e2, "W = spawn(fun() -> receive _ -> ok end end), register(lw, W), W");
                w.link(p);
                Ref byPid = w.monitor(p);
                Ref byName = w.monitor("lw", n2);
                w.monitorNode(n2, true);
                Mailbox plain = jarl.createMailbox();
                plain.link(p);
                assertTrue(jarl.ping(n2, T));
                if (how.equals("halt")) {
                    try {
                        e2.evalResult("erlang:halt()", Duration.ofSeconds(2));
                    } catch (RuntimeException | AssertionError expected) {
                        // the node is gone before it answers
                    }
                } else {
                    e2.signal("KILL");
                }
                List<Term> got = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    got.add(recv(w));
                }
                none(w);
                Atom na = Atom.of(n2.toString());
                assertTrue(got.contains(exitMsg(p, Atom.NOCONNECTION)), how + " " + got);
                assertTrue(got.contains(down(byPid, p, Atom.NOCONNECTION)), how + " " + got);
                assertTrue(got.contains(down(byName, Tuple.of(Atom.of("lw"), na), Atom.NOCONNECTION)), how + " " + got);
                assertEquals(2, got.stream().filter(Tuple.of(Atom.of("nodedown"), na)::equals).count(), how + " " + got);
                assertEquals(Optional.of(Atom.NOCONNECTION), plain.exitReason());
                w.close();
            } finally {
                e2.close();
            }
        }
    }
}
