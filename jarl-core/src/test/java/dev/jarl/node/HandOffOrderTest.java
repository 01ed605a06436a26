/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.channel.DistConnection;
import dev.jarl.term.Atom;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.Otp;

/**
 * What a connection's input thread sent leaves before a thread it wakes can act on it
 * ({@link DistConnection#beforeHandOff()}), over loopback TCP between two nodes: a stream
 * carrier otherwise writes a handler's reply only once its input thread has handed over its
 * read batch. Each test holds the input thread in a handler right after the hand-off, so a
 * write still owed then would not leave until the test lets it go.
 */
@Timeout(60)
class HandOffOrderTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static final Atom PING = Atom.of("ping");
    private static final Atom PONG = Atom.of("pong");
    private static final Atom WOKE = Atom.of("woke");
    private static final Atom HOLD = Atom.of("hold");

    private Node a;
    private Node b;
    /** Lets a handler holding node a's input thread go. */
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        int epmdPort = Otp.freePort();
        a = Node.start(config(epmdPort).build());
        b = Node.start(config(epmdPort).build());
    }

    private static NodeConfig.Builder config(int epmdPort) {
        return NodeConfig.builder(Otp.uniqueName("ho") + "@" + Otp.shortHost()).cookie("c").epmdPort(epmdPort)
                .carrier(Otp.loopbackTcp(epmdPort));
    }

    @AfterEach
    void stop() {
        release.countDown();
        b.close();
        a.close();
    }

    /** Holds the calling thread (a's input thread) until the test ends. */
    private void hold() {
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aReplyLeavesBeforeTheReceiverItsHandlerWakesRuns() throws Exception {
        Mailbox woken = a.createMailbox();
        // replies to the ping on the input thread, then wakes a local receiver, then holds
        a.createMailbox("h", (self, m) -> {
            if (m instanceof Tuple t && t.isTagged(PING, 2) && t.get(1) instanceof Pid from) {
                self.send(from, PONG);
                self.send(woken.self(), WOKE);
                hold();
            }
        });
        Mailbox asker = b.createMailbox();
        asker.send("h", a.name(), Tuple.of(PING, asker.self()));
        assertEquals(Optional.of(WOKE), woken.receive(T));
        // the handler still holds a's input thread: the pong left before the receiver woke
        assertEquals(Optional.of(PONG), asker.receive(T), "the reply sent before the wake-up");
    }

    @Test
    void aCallReturnsOnlyOnceItsDemonitorHasLeft() throws Exception {
        a.createMailbox("hold", (self, m) -> hold());
        // a gen_server on b that answers and then sends a's "hold" a message right behind the
        // reply: both leave b in one write and are read by a's input thread in one batch,
        // so a's input thread is held right after the call's outcome is handed over
        Mailbox server = b.createMailbox("srv", (self, m) -> GenServer.parse(m).ifPresent(r -> {
            if (r instanceof GenServer.Call c) {
                GenServer.reply(self, c.from(), c.request());
                self.send("hold", a.name(), HOLD);
            }
        }));
        Mailbox caller = a.createMailbox();
        Term request = Atom.of("echo");
        assertEquals(request, caller.call(Tuple.of(Atom.of("srv"), b.name().atom()), request, T));
        Await.until(T, () -> server.process().watcherCount() == 0,
                () -> "the call's monitor still at the server, with a's input thread held: its demonitor did not leave");
        assertEquals(0, caller.process().monitorsAndAliases()[0], "the caller's monitor is gone at the caller too");
        assertTrue(release.getCount() > 0, "the input thread was still held");
    }
}
