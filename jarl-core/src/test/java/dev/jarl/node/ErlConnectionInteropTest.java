/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.ConnectionFate;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.Pace;
import dev.jarl.testing.RealEpmd;

/**
 * Connection life against real OTP: ticks (a frozen node, a busy and an idle connection),
 * simultaneous connects from both sides, and a restarted node with a new creation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ErlConnectionInteropTest {

    private RealEpmd epmd;

    @BeforeAll
    void start() {
        Otp.requireErl();
        epmd = RealEpmd.start();
    }

    @AfterAll
    void stop() {
        if (epmd != null) {
            epmd.close();
        }
    }

    private Node jarl(Duration ticktime) throws IOException {
        return Node.start(NodeConfig.builder(Otp.uniqueName("jarl") + "@" + Otp.shortHost()).cookie("jarltest")
                .epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).netTicktime(ticktime).build());
    }

    private static String q(Node n) {
        return "'" + n.name() + "'";
    }

    private static final class Downs implements NodeListener {
        final List<String> reasons = new CopyOnWriteArrayList<>();
        final AtomicInteger ups = new AtomicInteger();
        volatile long downAt;
        final CountDownLatch down = new CountDownLatch(1);

        @Override
        public void nodeUp(NodeName node) {
            ups.incrementAndGet();
        }

        @Override
        public void nodeDown(NodeName node, ConnectionFate fate) {
            downAt = System.nanoTime();
            reasons.add(fate.toString());
            down.countDown();
        }
    }

    @Test
    void frozenErlangNodeIsDeclaredDownInsideTheOtpWindow() throws Exception {
        try (ErlNode erl = ErlNode.start(Otp.uniqueName("frozen"), "jarltest", epmd.port(), "-kernel", "net_ticktime", "4");
             Node jarl = jarl(Duration.ofSeconds(4))) {
            Downs downs = new Downs();
            jarl.addNodeListener(downs);
            NodeName erlName = NodeName.parse(erl.name());
            assertTrue(jarl.ping(erlName, Duration.ofSeconds(10)));
            Thread.sleep(1500); // real time: a few ticks each way before the freeze, whose timing the test measures
            long frozen = System.nanoTime();
            erl.signal("STOP");
            try {
                assertTrue(downs.down.await(10, TimeUnit.SECONDS), "not declared down");
                long ms = TimeUnit.NANOSECONDS.toMillis(downs.downAt - frozen);
                System.out.println("frozen OTP node declared down " + ms + " ms after SIGSTOP (window 3000..5000)");
                // T = 4 s, D = 1 s: the verdict comes between T - D and T + D after the freeze
                assertTrue(ms >= 2900 && ms <= 5600, "declared down " + ms + " ms after the freeze");
                assertEquals(List.of("net_tick_timeout"), downs.reasons);
            } finally {
                erl.signal("CONT");
            }
        }
    }

    @Test
    void idleAndBusyConnectionsStayUp() throws Exception {
        try (ErlNode erl = ErlNode.start(Otp.uniqueName("busy"), "jarltest", epmd.port(), "-kernel", "net_ticktime", "4");
             Node jarl = jarl(Duration.ofSeconds(4));
             Mailbox box = jarl.createMailbox("jbox")) {
            Downs downs = new Downs();
            jarl.addNodeListener(downs);
            NodeName erlName = NodeName.parse(erl.name());
            erl.eval("register(ebox, self()), net_kernel:monitor_nodes(true, [{node_type, all}]), ok");
            assertTrue(jarl.ping(erlName, Duration.ofSeconds(10)));
            Thread.sleep(6000); // real time: idle longer than the ticktime, so only ticks keep the connection up
            erl.eval("J = " + q(jarl) + ", spawn(fun() -> [begin {jbox, J} ! {n, I}, timer:sleep(2) end "
                    + "|| I <- lists:seq(1, 1500)] end), ok");
            int[] next = {0};
            int sent = Pace.during(Duration.ofSeconds(5), Duration.ofMillis(2),
                    () -> box.send("ebox", erlName, Tuple.of(Atom.of("n"), Int.of(++next[0]))));
            assertEquals(List.of(), downs.reasons);
            assertTrue(jarl.nodes().contains(erlName));
            assertEquals("true", erl.eval("lists:member(" + q(jarl) + ", nodes(hidden))"));
            assertEquals("none", erl.eval("receive {nodedown, _, _} = D -> D after 0 -> none end"));
        }
    }

    @Test
    void simultaneousConnectsFromBothSides() throws Exception {
        int rounds = 8;
        int n = 50;
        try (ErlNode erl = ErlNode.start(Otp.uniqueName("simul"), "jarltest", epmd.port());
             Node jarl = jarl(Duration.ofSeconds(60));
             Mailbox box = jarl.createMailbox("jbox")) {
            Downs events = new Downs();
            jarl.addNodeListener(events);
            NodeName erlName = NodeName.parse(erl.name());
            erl.eval("register(ebox, self()), net_kernel:monitor_nodes(true, [{node_type, all}]), ok");
            for (int r = 1; r <= rounds; r++) {
                int upsBefore = events.ups.get();
                long at = System.currentTimeMillis() + 400;
                erl.eval("R = " + r + ", J = " + q(jarl) + ", D = " + at + ", spawn(fun() -> "
                        + "timer:sleep(max(0, D - erlang:system_time(millisecond))), "
                        + "[{jbox, J} ! {e, R, I} || I <- lists:seq(1, " + n + ")] end), ok");
                long wait = at - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait); // real time: both sides start sending at the same agreed instant
                }
                for (int i = 1; i <= n; i++) {
                    box.send("ebox", erlName, Tuple.of(Atom.of("j"), Int.of(r), Int.of(i)));
                }
                for (int i = 1; i <= n; i++) {
                    assertEquals(Tuple.of(Atom.of("e"), Int.of(r), Int.of(i)),
                            box.receive(Duration.ofSeconds(15)).orElseThrow(), "round " + r);
                }
                assertEquals("ok", erl.eval("R = " + r + ", F = fun F(I) when I > " + n + " -> ok; F(I) -> "
                        + "receive {j, R, I} -> F(I + 1); {j, _, _} = X -> {wrong, I, X} after 10000 -> {timeout, I} end end, F(1)"));
                assertEquals("none", erl.eval("receive {j, _, _} = X -> {extra, X} after 100 -> none end"));
                assertTrue(box.receive(Duration.ofMillis(100)).isEmpty(), "extra message in round " + r);
                assertEquals("1", erl.eval("J = " + q(jarl) + ", F = fun F(C) -> receive {nodeup, J, _} -> F(C + 1) "
                        + "after 300 -> C end end, F(0)"), "erlang nodeups in round " + r);
                assertEquals(1, events.ups.get() - upsBefore, "jarl nodeups in round " + r);
                assertEquals(List.of(erlName), jarl.nodes());
                assertTrue(jarl.disconnect(erlName));
                assertEquals("ok", erl.eval("J = " + q(jarl) + ", receive {nodedown, J, _} -> ok after 5000 -> timeout end"));
                Await.until(Duration.ofSeconds(5), () -> jarl.nodes().isEmpty(), jarl.nodes()::toString);
            }
        }
    }

    @Test
    void restartedNodeGetsANewCreationAndOldPidsAreDropped() throws Exception {
        String sname = Otp.uniqueName("restart");
        try (Node jarl = jarl(Duration.ofSeconds(60)); Mailbox box = jarl.createMailbox("jbox")) {
            Downs downs = new Downs();
            jarl.addNodeListener(downs);
            Pid old;
            try (ErlNode erl1 = ErlNode.start(sname, "jarltest", epmd.port())) {
                erl1.eval("{jbox, " + q(jarl) + "} ! {pid, self()}, ok");
                old = (Pid) ((Tuple) box.receive(Duration.ofSeconds(10)).orElseThrow()).get(1);
                box.send(old, Atom.of("hello"));
                assertEquals("hello", erl1.eval("receive hello -> hello after 5000 -> timeout end"));
            }
            assertTrue(downs.down.await(10, TimeUnit.SECONDS));
            try (ErlNode erl2 = ErlNode.start(sname, "jarltest", epmd.port())) {
                erl2.eval("{jbox, " + q(jarl) + "} ! {pid, self()}, ok");
                Pid fresh = (Pid) ((Tuple) box.receive(Duration.ofSeconds(10)).orElseThrow()).get(1);
                assertNotEquals(old.creation(), fresh.creation());
                box.send(old, Atom.of("stale"));
                box.send(fresh, Atom.of("fresh"));
                assertEquals("fresh", erl2.eval("receive M -> M after 5000 -> timeout end"));
                assertEquals("none", erl2.eval("receive M -> M after 300 -> none end"));
            }
        }
    }

    /**
     * OTP's connection type is the agreed publish flag: a connection is hidden when either end
     * is, and both ends' node monitors say so ({@code monitor_nodes} info lists).
     */
    @Test
    void nodeMonitorsOnBothEndsCallAConnectionHiddenWhenEitherEndIs() throws Exception {
        nodeTypesSeen(true, false, "hidden");
        nodeTypesSeen(false, true, "hidden");
        nodeTypesSeen(false, false, "visible");
    }

    private void nodeTypesSeen(boolean jarlHidden, boolean erlHidden, String expected) throws Exception {
        String[] args = erlHidden ? new String[] {"-hidden"} : new String[0];
        String ends = "jarl " + (jarlHidden ? "hidden" : "visible") + ", erl " + (erlHidden ? "hidden" : "visible");
        try (ErlNode erl = ErlNode.start(Otp.uniqueName("type"), "jarltest", epmd.port(), args);
             Node jarl = Node.start(NodeConfig.builder(Otp.uniqueName("jarl") + "@" + Otp.shortHost()).cookie("jarltest")
                     .epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).hidden(jarlHidden).build());
             Mailbox box = jarl.createMailbox()) {
            NodeName erlName = NodeName.parse(erl.name());
            Atom erlAtom = Atom.of(erl.name());
            box.monitorNodes(true, true);
            erl.eval("register(ebox, self()), net_kernel:monitor_nodes(true, [{node_type, all}, nodedown_reason]), ok");
            assertTrue(jarl.ping(erlName, Duration.ofSeconds(10)), ends);
            Term type = Tuple.of(Atom.of("node_type"), Atom.of(expected));
            assertEquals(Tuple.of(Atom.of("nodeup"), erlAtom, TermList.of(type)),
                    box.receive(Duration.ofSeconds(10)).orElseThrow(), "Jarl's nodeup, " + ends);
            assertEquals(expected, erl.eval("receive {nodeup, " + q(jarl) + ", I} -> proplists:get_value(node_type, I) "
                    + "after 5000 -> timeout end"), "erl's nodeup, " + ends);
            assertEquals(jarlHidden || erlHidden ? "false" : "true",
                    erl.eval("lists:member(" + q(jarl) + ", nodes())"), "erl's nodes(), " + ends);
            assertEquals("true", erl.eval("erlang:disconnect_node(" + q(jarl) + ")"));
            assertEquals(Tuple.of(Atom.of("nodedown"), erlAtom,
                    TermList.of(type, Tuple.of(Atom.of("nodedown_reason"), Atom.of("connection_closed")))),
                    box.receive(Duration.ofSeconds(10)).orElseThrow(), "Jarl's nodedown, " + ends);
            assertEquals(expected, erl.eval("receive {nodedown, " + q(jarl) + ", I} -> proplists:get_value(node_type, I) "
                    + "after 5000 -> timeout end"), "erl's nodedown, " + ends);
        }
    }
}
