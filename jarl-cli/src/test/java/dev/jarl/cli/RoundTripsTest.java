/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.jarl.epmd.EpmdServer;
import dev.jarl.node.Mailbox;
import dev.jarl.node.MessageHandler;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Otp;
import dev.jarl.testing.Pace;
import dev.jarl.testing.ReleaseMatrix;

/**
 * The RTT phase of {@code jarl bench} in both modes, between two Jarl nodes in this JVM (TCP
 * on loopback, a private EPMD on loopback): against {@code jarl serve}'s own roles, against an echo that
 * counts what it gets, one that answers wrongly, one that stops answering and one that is
 * slow but never stalls. Against {@code erl}: CommandsInteropTest.
 */
class RoundTripsTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    private final List<Node> nodes = new ArrayList<>();
    private EpmdServer epmd;
    private Node driver;
    private Node target;
    private Mailbox box;

    @BeforeEach
    void twoNodes() throws Exception {
        ReleaseMatrix.notReleaseSpecific(); // Jarl to Jarl
        // an EPMD of the test's own, on loopback (a node would start one on every address)
        epmd = EpmdServer.start(InetAddress.getLoopbackAddress(), 0);
        driver = start("rttdrv", epmd.port());
        target = start("rtttgt", epmd.port());
        box = driver.createMailbox();
        // connected before any phase, as jarl bench connects first: a stall test's wait is not spent on the handshake
        assertTrue(driver.ping(target.name(), LONG), "ping");
    }

    private Node start(String prefix, int epmdPort) throws Exception {
        Node n = Node.start(NodeConfig.builder(Otp.uniqueName(prefix) + "@localhost").cookie("c").epmdPort(epmdPort)
                .carrier(Otp.loopbackTcp(epmdPort)).build());
        nodes.add(n);
        return n;
    }

    @AfterEach
    void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
        }
        if (epmd != null) {
            epmd.close();
        }
    }

    /** An echo on the target that answers each {@code {From, Msg}} with {@code reply.apply(count, Msg)}, or not at all for null. */
    private interface Answer {
        Term to(int count, Term msg);
    }

    private AtomicInteger echo(Answer answer) {
        AtomicInteger count = new AtomicInteger();
        MessageHandler h = (self, m) -> {
            if (m instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid from) {
                Term reply = answer.to(count.incrementAndGet(), t.get(1));
                if (reply != null) {
                    self.send(from, reply);
                }
            }
        };
        target.createMailbox("echo", h);
        return count;
    }

    private long run(RoundTrips.Mode mode, int n, Duration wait, List<Long> progress) throws InterruptedException {
        return RoundTrips.run(mode, driver, box, target.name(), n, wait, progress::add);
    }

    @ParameterizedTest
    @EnumSource(RoundTrips.Mode.class)
    void everyRoundTripThroughServesEchoRole(RoundTrips.Mode mode) throws Exception {
        Roles.start(target);
        List<Long> progress = new CopyOnWriteArrayList<>();
        assertEquals(3000, run(mode, 3000, LONG, progress));
        assertEquals(3000L, progress.get(progress.size() - 1));
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i) >= progress.get(i - 1), "progress went back: " + progress);
        }
        // nothing left over for the next phase, in either mode
        assertEquals(0, box.queued());
    }

    @ParameterizedTest
    @EnumSource(RoundTrips.Mode.class)
    void oneRequestPerRoundTripAndTheRequestsCountDown(RoundTrips.Mode mode) throws Exception {
        List<Term> seen = new CopyOnWriteArrayList<>();
        AtomicInteger count = echo((c, msg) -> {
            seen.add(msg);
            return msg;
        });
        assertEquals(500, run(mode, 500, LONG, new ArrayList<>()));
        assertEquals(500, count.get());
        assertEquals(Tuple.of(Atom.of("ping"), Int.of(500)), seen.get(0));
        assertEquals(Tuple.of(Atom.of("ping"), Int.of(1)), seen.get(499));
    }

    @ParameterizedTest
    @EnumSource(RoundTrips.Mode.class)
    void aWrongReplyFailsThePhaseNamingBoth(RoundTrips.Mode mode) throws Exception {
        AtomicInteger count = echo((c, msg) -> c == 5 ? Tuple.of(Atom.of("pong"), ((Tuple) msg).get(1)) : msg);
        CliException e = assertThrows(CliException.class, () -> run(mode, 100, LONG, new ArrayList<>()));
        assertEquals("echo: expected {ping,96}, got {pong,96}", e.getMessage());
        // a marker on the same connection, after any request the phase made: the echo saw nothing between
        Term marker = Tuple.of(Atom.of("marker"), Int.of(1));
        box.send("echo", target.name(), Tuple.of(box.self(), marker));
        assertEquals(marker, box.receive(LONG).orElseThrow());
        assertEquals(6, count.get(), "no request after the wrong reply");
    }

    @ParameterizedTest
    @EnumSource(RoundTrips.Mode.class)
    void aTargetThatStopsAnsweringFailsWithNoReply(RoundTrips.Mode mode) {
        echo((c, msg) -> c <= 3 ? msg : null);
        long start = System.nanoTime();
        CliException e = assertThrows(CliException.class, () -> run(mode, 10, Duration.ofSeconds(1), new ArrayList<>()));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals("echo: no reply within 1 s (expected {ping,7}, after 3 of 10 round trips)", e.getMessage());
        assertTrue(ms >= 1000, "gave up after " + ms + " ms");
    }

    /** The wait is for each reply, not for the phase: a phase longer than it that keeps moving completes. */
    @ParameterizedTest
    @EnumSource(RoundTrips.Mode.class)
    void aSlowTargetThatKeepsAnsweringIsNotAStall(RoundTrips.Mode mode) throws Exception {
        // an echo that answers at most one request every 40 ms: slow, never still for the wait
        Mailbox slow = target.createMailbox("echo");
        AtomicBoolean stop = new AtomicBoolean();
        Thread pacer = Thread.ofVirtual().start(() -> {
            try {
                Pace.every(Duration.ofMillis(40), stop::get, () -> slow.receive(Duration.ZERO).ifPresent(m -> {
                    if (m instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid from) {
                        slow.send(from, t.get(1));
                    }
                }));
            } catch (Exception ended) {
                // stopped with the test
            }
        });
        Duration wait = Duration.ofMillis(500);
        try {
            long start = System.nanoTime();
            assertEquals(20, run(mode, 20, wait, new ArrayList<>()));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms > wait.toMillis(), "the phase took " + ms + " ms, not more than the wait: the test proves nothing");
        } finally {
            stop.set(true);
            pacer.join();
        }
    }

    @Test
    void theModesAreNamedAsOnTheCommandLine() {
        assertEquals(RoundTrips.Mode.HANDLER, RoundTrips.Mode.parse("handler"));
        assertEquals(RoundTrips.Mode.RECEIVE, RoundTrips.Mode.parse("receive"));
        CliException e = assertThrows(CliException.class, () -> RoundTrips.Mode.parse("spin"));
        assertEquals("--rtt-mode: spin (expected handler or receive)", e.getMessage());
        assertEquals(2, e.exitCode());
    }
}
