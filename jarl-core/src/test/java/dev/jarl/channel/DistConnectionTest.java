/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierStats;
import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistChannel;
import dev.jarl.carrier.DistFlags;
import dev.jarl.term.Atom;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.Etf;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;

/** The channel against a fake carrier: dispatch, bad input, limits, ticks, encoding by flags. */
@Timeout(10)
class DistConnectionTest {

    static final NodeName SELF = NodeName.parse("self@h");
    static final NodeName PEER = NodeName.parse("peer@h");
    static final Pid P = new Pid(Atom.of("peer@h"), 1, 0, 7);
    static final Pid Q = new Pid(Atom.of("self@h"), 2, 0, 9);

    /** Records what the channel asks of the carrier. */
    static final class FakeCarrier implements CarrierConnection {
        final AtomicInteger ticks = new AtomicInteger();
        final AtomicInteger closes = new AtomicInteger();
        volatile long in;
        volatile long out;
        /** Calls of {@link #writeQueuedNoWait()}, which takes the write (returns true). */
        final AtomicInteger noWaitCalls = new AtomicInteger();

        @Override public void sendHandshake(byte[] message) { }
        @Override public byte[] receiveHandshake(Duration timeout) { return new byte[0]; }
        @Override public void preNodeup() { }
        @Override public void postNodeup() { }
        @Override public void handshakeComplete(DistChannel channel) { }
        @Override public void tick() { ticks.incrementAndGet(); out++; }
        @Override public CarrierStats stats() { return new CarrierStats(in, out, 0); }
        @Override public String peerAddress() { return "fake"; }
        @Override public void close() { closes.incrementAndGet(); }
        @Override public boolean writeQueuedNoWait() { noWaitCalls.incrementAndGet(); return true; }
    }

    static final class Recorder implements DistConnection.Handler {
        final List<Signal> got = new CopyOnWriteArrayList<>();
        /** Each fate as its log text. */
        final List<String> downs = new CopyOnWriteArrayList<>();
        final List<ConnectionFate> fates = new CopyOnWriteArrayList<>();

        @Override public void received(DistConnection c, Signal m) { got.add(m); }
        @Override public void down(DistConnection c, ConnectionFate fate) { fates.add(fate); downs.add(fate.toString()); }
    }

    final FakeCarrier carrier = new FakeCarrier();
    final Recorder rec = new Recorder();

    DistConnection conn(long flags, int max) {
        return new DistConnection(new DistConnection.Params(SELF, 9, PEER, 7, flags, true), carrier, rec, DecodeLimits.DEFAULT, max);
    }

    static byte[] pass(Term control, Term payload) {
        byte[] c = Etf.encode(control);
        byte[] p = payload == null ? new byte[0] : Etf.encode(payload);
        byte[] out = new byte[1 + c.length + p.length];
        out[0] = 112;
        System.arraycopy(c, 0, out, 1, c.length);
        System.arraycopy(p, 0, out, 1 + c.length, p.length);
        return out;
    }

    @Test
    void theInputThreadTellsTheCarrierOfEveryPacketItQueues() {
        // the first finds the queue empty and is the carrier's to write; the carrier hears of
        // the ones behind it too, so one that defers the write can bound what it holds
        DistConnection c = conn(DistFlags.DEFAULT_OFFERED, 1 << 20);
        c.inputHandler(Thread.currentThread());
        for (int i = 0; i < 3; i++) {
            assertTrue(c.sendNoWait(new Signal.Send(Q, P, Int.of(i))));
        }
        assertEquals(3, carrier.noWaitCalls.get());
        c.directOutput(false);
        assertTrue(c.sendNoWait(new Signal.Send(Q, P, Int.of(3))));
        assertEquals(3, carrier.noWaitCalls.get());
    }

    @Test
    void dispatchesInOrder() {
        DistConnection c = conn(DistFlags.DEFAULT_OFFERED, 1 << 20);
        for (int i = 0; i < 100; i++) {
            c.putData(ByteBuffer.wrap(pass(Tuple.of(Int.of(2), Atom.of(""), Q), Int.of(i))));
        }
        assertEquals(100, rec.got.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(new Signal.Send(null, Q, Int.of(i)), rec.got.get(i));
        }
        assertEquals(List.of(), rec.downs);
    }

    @Test
    void unknownOperationIsDroppedAndTheConnectionStaysUp() {
        DistConnection c = conn(DistFlags.DEFAULT_OFFERED, 1 << 20);
        c.putData(ByteBuffer.wrap(pass(Tuple.of(Int.of(37), P, Q), null)));
        c.putData(ByteBuffer.wrap(pass(Tuple.of(Int.of(99)), null)));
        c.putData(ByteBuffer.wrap(pass(Tuple.of(Int.of(1), P, Q), null)));
        assertEquals(List.of(new Signal.Link(P, Q)), rec.got);
        assertFalse(c.isDown());
    }

    @Test
    void malformedInputClosesOnceWithAReason() {
        DistConnection c = conn(DistFlags.DEFAULT_OFFERED, 1 << 20);
        c.putData(ByteBuffer.wrap(new byte[] {112, (byte) 131, 104}));
        assertTrue(c.isDown());
        assertEquals(1, rec.downs.size());
        assertTrue(rec.fates.get(0) instanceof ConnectionFate.ProtocolError p
                && p.detail().startsWith("malformed input from peer@h"), rec.downs.get(0));
        c.putData(ByteBuffer.wrap(pass(Tuple.of(Int.of(1), P, Q), null)));
        c.closed(new ConnectionFate.Closed("later"));
        assertEquals(1, rec.downs.size());
        assertEquals(List.of(), rec.got);
        assertTrue(carrier.closes.get() >= 1);
        assertFalse(c.send(new Signal.Link(Q, P)));
    }

    @Test
    void oversizedPacketCloses() {
        DistConnection c = conn(DistFlags.DEFAULT_OFFERED, 64);
        c.putData(ByteBuffer.wrap(pass(Tuple.of(Int.of(2), Atom.of(""), Q), dev.jarl.term.Binary.of(new byte[100]))));
        assertTrue(c.isDown());
        assertTrue(rec.downs.get(0).contains("(expected: at most 64)"), rec.downs.get(0));
    }

    @Test
    void sendSenderOnlyWhenAgreed() throws Exception {
        DistConnection with = conn(DistFlags.DEFAULT_OFFERED, 1 << 20);
        with.send(new Signal.Send(Q, P, Atom.OK));
        assertEquals(new Signal.Send(Q, P, Atom.OK),
                DistPacket.decode(with.getData(), DecodeLimits.DEFAULT, new AtomCacheIn()));
        DistConnection without = conn(DistFlags.MANDATORY_25, 1 << 20);
        without.send(new Signal.Send(Q, P, Atom.OK));
        assertEquals(new Signal.Send(null, P, Atom.OK), DistPacket.decode(without.getData(), DecodeLimits.DEFAULT));
        // without EXIT_PAYLOAD an exit/2 leaves as EXIT2, its reason in the control tuple
        without.send(new Signal.Exit(Q, P, Atom.of("kill"), false));
        assertEquals(Wire.packet(Tuple.of(Int.of(ControlOp.EXIT2.number()), Q, P, Atom.of("kill")), null, false),
                without.getData());
        assertNull(without.getData());
    }

    /**
     * What replaces the node's legacyUnlinked hook: to a peer without UNLINK_ID an unlink
     * leaves as the old UNLINK, which has no acknowledgement, so the channel hands the
     * sender's acknowledgement to the node as it sends; the peer's acknowledgements of
     * nothing are never sent.
     */
    @Test
    void anUnlinkToAPeerWithoutUnlinkIdLeavesAsUnlinkAndCompletesAtOnce() throws Exception {
        DistConnection without = conn(DistFlags.MANDATORY_25 & ~DistFlags.UNLINK_ID, 1 << 20);
        without.send(new Signal.Unlink(5, Q, P));
        assertEquals(Wire.packet(Tuple.of(Int.of(ControlOp.UNLINK.number()), Q, P), null, false), without.getData());
        assertEquals(List.of(new Signal.UnlinkAck(5, P, Q)), rec.got);
        without.send(new Signal.UnlinkAck(7, Q, P));
        assertNull(without.getData());
        DistConnection with = conn(DistFlags.DEFAULT_OFFERED & ~DistFlags.DIST_HDR_ATOM_CACHE, 1 << 20);
        with.send(new Signal.Unlink(6, Q, P));
        assertEquals(new Signal.Unlink(6, Q, P), DistPacket.decode(with.getData(), DecodeLimits.DEFAULT));
        assertEquals(1, rec.got.size());
    }

    @Test
    void headerFormWhenFragmentsAgreed() {
        DistConnection c = conn((DistFlags.DEFAULT_OFFERED | DistFlags.FRAGMENTS) & ~DistFlags.DIST_HDR_ATOM_CACHE, 1 << 20);
        c.send(new Signal.Link(Q, P));
        ByteBuffer b = c.getData();
        assertEquals(131, b.get(b.position()) & 0xFF);
        assertEquals(68, b.get(b.position() + 1));
        assertEquals(0, b.get(b.position() + 2));
    }

    @Test
    void awaitDataWakesOnSendAndOnClose() throws Exception {
        DistConnection c = conn(DistFlags.DEFAULT_OFFERED, 1 << 20);
        List<Boolean> results = new ArrayList<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                results.add(c.awaitData());
                c.getData();
                results.add(c.awaitData());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Await.blocked(t, Duration.ofSeconds(5));
        c.send(new Signal.Link(Q, P));
        Await.until(Duration.ofSeconds(5), () -> results.size() == 1, results::toString);
        Await.blocked(t, Duration.ofSeconds(5));
        c.close(new ConnectionFate.Closed("test"));
        t.join();
        assertEquals(List.of(true, false), results);
    }

    @Test
    void tickCheckTicksAndDeclaresDown() {
        DistConnection c = conn(DistFlags.DEFAULT_OFFERED, 1 << 20);
        assertTrue(c.tickCheck(4)); // first check: nothing
        assertEquals(0, carrier.ticks.get());
        for (int i = 1; i < 4; i++) {
            assertTrue(c.tickCheck(4));
        }
        assertEquals(3, carrier.ticks.get());
        assertFalse(c.tickCheck(4));
        assertEquals(List.of(new ConnectionFate.TickTimeout()), rec.fates);
    }

    @Test
    void receivedTicksAreEchoedOnlyWhenSilent() {
        DistConnection c = conn(DistFlags.DEFAULT_OFFERED, 1 << 20);
        c.putData(ByteBuffer.allocate(0));
        assertEquals(0, carrier.ticks.get());
        c.putData(ByteBuffer.allocate(0));
        assertEquals(1, carrier.ticks.get());
        carrier.out += 5; // we wrote something
        c.putData(ByteBuffer.allocate(0));
        assertEquals(1, carrier.ticks.get());
        assertEquals(3, c.packetsReceived());
        assertEquals(List.of(), rec.got);
    }

    @Test
    void sendersWaitOverTheBusyLimitAndResumeWhenDrained() throws Exception {
        DistConnection c = conn(DistFlags.DEFAULT_OFFERED, 1 << 20);
        c.busyLimit(100);
        Term big = dev.jarl.term.Binary.of(new byte[200]);
        AtomicInteger sent = new AtomicInteger();
        Thread t = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 3; i++) {
                c.send(new Signal.Send(Q, P, big));
                sent.incrementAndGet();
            }
        });
        Await.blocked(t, Duration.ofSeconds(5));
        assertEquals(1, sent.get()); // the first fits (queue was empty), the second waits
        assertTrue(c.sendNoWait(new Signal.Link(Q, P))); // replies never wait
        assertTrue(c.getData() != null);
        Await.until(Duration.ofSeconds(5), () -> sent.get() >= 2, () -> "sent " + sent.get());
        Await.blocked(t, Duration.ofSeconds(5));
        assertEquals(2, sent.get());
        c.getData();
        c.getData();
        t.join(2000);
        assertEquals(3, sent.get());
    }

    @Test
    void interruptEndsTheWaitButTheMessageIsSent() throws Exception {
        DistConnection c = conn(DistFlags.DEFAULT_OFFERED, 1 << 20);
        c.busyLimit(10);
        c.send(new Signal.Send(Q, P, dev.jarl.term.Binary.of(new byte[50])));
        List<Boolean> flags = new CopyOnWriteArrayList<>();
        Thread t = Thread.ofVirtual().start(() -> {
            flags.add(c.send(new Signal.Send(Q, P, Atom.OK)));
            flags.add(Thread.currentThread().isInterrupted());
        });
        Await.blocked(t, Duration.ofSeconds(5));
        assertEquals(List.of(), flags);
        t.interrupt();
        t.join(2000);
        assertEquals(List.of(true, true), flags);
    }

    @Test
    void closeReleasesWaitingSenders() throws Exception {
        DistConnection c = conn(DistFlags.DEFAULT_OFFERED, 1 << 20);
        c.busyLimit(10);
        c.send(new Signal.Send(Q, P, dev.jarl.term.Binary.of(new byte[50])));
        List<Boolean> results = new CopyOnWriteArrayList<>();
        Thread t = Thread.ofVirtual().start(() -> results.add(c.send(new Signal.Send(Q, P, Atom.OK))));
        Await.blocked(t, Duration.ofSeconds(5));
        c.close(new ConnectionFate.Closed("test"));
        t.join(2000);
        assertEquals(List.of(false), results);
    }
}
