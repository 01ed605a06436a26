/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static dev.jarl.node.DistSignalsTest.relay;
import static dev.jarl.node.ProcessesTest.exitMsg;
import static dev.jarl.node.ProcessesTest.none;
import static dev.jarl.node.ProcessesTest.recv;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carriers.MemNetwork;
import dev.jarl.channel.Signal;
import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.TermList;
import dev.jarl.testing.Await;

/**
 * Review finding 9: the identity checks erts makes of every signal ({@code erts_net_message}
 * in {@code dist.c}). Peer {@code b} forges signals to {@code a} through its connection
 * table; a link, unlink, exit or monitor whose sender is not {@code b}'s, or whose target is
 * a third node's, closes the connection with the reason and records nothing, while a target
 * of an older incarnation of {@code a} is answered or dropped as erts does, and sends only
 * need the sender to be a pid.
 */
@Timeout(60)
class SignalIdentityTest {

    private final MemNetwork net = new MemNetwork();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<NodeName, ConnectionFate> downsOfA = new ConcurrentHashMap<>();
    private Node a;
    private Node b;
    private Node c;

    private Node node(String name) throws IOException {
        Node n = Node.start(NodeConfig.builder(name + "@mem").cookie("c").carrier(net.carrier())
                .setupTime(Duration.ofSeconds(2)).build());
        nodes.add(n);
        return n;
    }

    private void start() throws Exception {
        a = node("a");
        b = node("b");
        c = node("c");
        a.addNodeListener(new NodeListener() {
            @Override
            public void nodeDown(NodeName n, ConnectionFate fate) {
                downsOfA.put(n, fate);
            }
        });
        assertTrue(b.ping(a.name(), Duration.ofSeconds(5)));
    }

    @AfterEach
    void closeAll() {
        nodes.forEach(Node::close);
    }

    private void forge(Signal m) {
        b.table().send(a.name(), m);
    }

    /**
     * Waits until {@code a} closed its connection to {@code b} and {@code b} saw it go;
     * returns the protocol error {@code a} gave as the reason.
     */
    private String awaitClosed() throws InterruptedException {
        Await.within(Duration.ofSeconds(5), () -> downsOfA.containsKey(b.name()) && !b.nodes().contains(a.name()));
        ConnectionFate fate = downsOfA.get(b.name());
        assertTrue(fate != null, "a kept the connection to b");
        assertFalse(b.nodes().contains(a.name()), "b did not see the connection close");
        assertTrue(fate instanceof ConnectionFate.ProtocolError, fate.toString());
        return ((ConnectionFate.ProtocolError) fate).detail();
    }

    /** True when the connection stays up across a round trip after the forged signal. */
    private boolean stillUp() throws Exception {
        return b.ping(a.name(), Duration.ofSeconds(5)) && !downsOfA.containsKey(b.name());
    }

    private Pid pidOfOlderA(Pid current) {
        return new Pid(current.node(), current.id(), current.serial(), a.creation() + 1);
    }

    @Test
    void aLinkFromAThirdNodesPidClosesTheConnectionAndLinksNothing() throws Exception {
        start();
        Mailbox watcher = c.createMailbox();
        Pid onC = relay(c, watcher);
        Mailbox target = a.createMailbox();
        forge(new Signal.Link(onC, target.self()));
        String reason = awaitClosed();
        assertTrue(reason.startsWith("invalid distribution message LINK from b@mem: sender " + onC
                + " is not a process of b@mem"), reason);
        assertFalse(target.isLinkedTo(onC));
        target.exit(Atom.of("bye"));
        none(watcher); // no exit signal for a link that was never made
    }

    @Test
    void aMonitorFromAThirdNodesPidClosesTheConnectionAndWatchesNothing() throws Exception {
        start();
        Mailbox watcher = c.createMailbox();
        Pid onC = relay(c, watcher);
        Mailbox target = a.createMailbox();
        forge(new Signal.Monitor(onC, target.self(), b.makeRef()));
        assertTrue(awaitClosed().contains("MONITOR_P"));
        target.exit(Atom.of("bye"));
        none(watcher);
    }

    @Test
    void anExitFromAThirdNodesPidClosesTheConnectionAndKillsNobody() throws Exception {
        start();
        Pid onC = c.createMailbox().self();
        // each signal with the operation the channel writes it as between two Jarl nodes
        Map<String, BiFunction<Pid, Pid, Signal>> exits = Map.of(
                "PAYLOAD_EXIT2", (from, to) -> new Signal.Exit(from, to, Atom.of("kill"), false),
                "PAYLOAD_EXIT", (from, to) -> new Signal.Exit(from, to, Atom.of("kill"), true),
                "UNLINK_ID", (from, to) -> new Signal.Unlink(1, from, to));
        for (Map.Entry<String, BiFunction<Pid, Pid, Signal>> exit : exits.entrySet()) {
            downsOfA.clear();
            assertTrue(b.ping(a.name(), Duration.ofSeconds(5)));
            Mailbox target = a.createMailbox();
            forge(exit.getValue().apply(onC, target.self()));
            assertTrue(awaitClosed().startsWith("invalid distribution message " + exit.getKey()), downsOfA.toString());
            assertFalse(target.isExited(), exit.getKey() + " from a third node's pid killed its target");
        }
    }

    @Test
    void aTargetOfAThirdNodeClosesTheConnection() throws Exception {
        start();
        Pid fromB = b.createMailbox().self();
        Pid onC = c.createMailbox().self();
        forge(new Signal.Link(fromB, onC));
        String reason = awaitClosed();
        assertTrue(reason.contains("target " + onC + " is not a process of a@mem"), reason);
        downsOfA.clear();
        assertTrue(b.ping(a.name(), Duration.ofSeconds(5)));
        forge(new Signal.Monitor(fromB, onC, b.makeRef()));
        assertTrue(awaitClosed().contains("MONITOR_P"));
        downsOfA.clear();
        assertTrue(b.ping(a.name(), Duration.ofSeconds(5)));
        forge(new Signal.Down(onC, onC, b.makeRef(), Atom.of("x")));
        assertTrue(awaitClosed().contains("MONITOR_P_EXIT"));
    }

    @Test
    void targetsOfAnOlderIncarnationAreHandledAsErtsHandlesThem() throws Exception {
        start();
        Mailbox watcher = b.createMailbox();
        Pid onB = relay(b, watcher);
        Pid old = pidOfOlderA(a.createMailbox().self());
        // LINK: answered noproc, the connection stays
        Mailbox linker = b.createMailbox();
        linker.trapExit(true);
        linker.link(old);
        assertEquals(exitMsg(old, Atom.NOPROC), recv(linker));
        assertTrue(stillUp());
        // EXIT2, DEMONITOR_P, MONITOR_P_EXIT and SPAWN_REPLY: dropped, the connection stays
        forge(new Signal.Exit(onB, old, Atom.of("kill"), false));
        forge(new Signal.Demonitor(onB, old, b.makeRef()));
        forge(new Signal.Down(onB, old, a.makeRef(), Atom.of("x")));
        forge(new Signal.SpawnReply(a.makeRef(), old, 1, onB));
        assertTrue(stillUp());
        none(watcher);
        // EXIT (a link exit): erts takes only a pid of this incarnation
        forge(new Signal.Exit(onB, old, Atom.of("x"), true));
        assertTrue(awaitClosed().contains("older incarnation"));
    }

    @Test
    void sendsOnlyNeedTheSenderToBeAPid() throws Exception {
        start();
        Mailbox inbox = a.createMailbox("inbox");
        Pid onC = c.createMailbox().self();
        forge(new Signal.Send(onC, inbox.self(), Atom.of("one")));
        forge(new Signal.RegSend(onC, Atom.of("inbox"), Atom.of("two")));
        assertEquals(Atom.of("one"), recv(inbox));
        assertEquals(Atom.of("two"), recv(inbox));
        // a send to a pid of another node is dropped, not a reason to close
        forge(new Signal.Send(onC, onC, Atom.of("three")));
        assertTrue(stillUp());
    }

    @Test
    void aSpawnRequestFromAProcessOfThisNodeClosesTheConnection() throws Exception {
        start();
        Pid onA = a.createMailbox().self();
        forge(new Signal.SpawnRequest(b.makeRef(), onA, onA, Atom.of("jarl"), Atom.of("echo"), 1,
                TermList.of(), TermList.of(Atom.OK)));
        assertTrue(awaitClosed().contains("SPAWN_REQUEST"));
    }
}
