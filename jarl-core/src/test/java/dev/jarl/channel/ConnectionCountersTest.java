/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.DistFlags;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.Int;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.Jfr;
import jdk.jfr.consumer.RecordedEvent;

import static dev.jarl.channel.DistConnectionTest.P;
import static dev.jarl.channel.DistConnectionTest.PEER;
import static dev.jarl.channel.DistConnectionTest.Q;
import static dev.jarl.channel.DistConnectionTest.SELF;

/**
 * A connection's counters ({@link DistConnection#counters()}) after known traffic, exactly,
 * and the channel's JFR events: busy-limit waits, fragmented messages both ways, slow decodes.
 */
@Timeout(30)
class ConnectionCountersTest {

    private final DistConnectionTest.FakeCarrier carrier = new DistConnectionTest.FakeCarrier();
    private final DistConnectionTest.Recorder rec = new DistConnectionTest.Recorder();

    private DistConnection conn(DistConnection.Params params) {
        return new DistConnection(params, carrier, rec, DecodeLimits.DEFAULT, 64 << 20);
    }

    private DistConnection conn() {
        return conn(new DistConnection.Params(SELF, 9, PEER, 7, DistFlags.DEFAULT_OFFERED, true));
    }

    /** Takes every queued packet as the carrier's output party would; returns them. */
    private static List<ByteBuffer> drain(DistConnection c) {
        List<ByteBuffer> out = new ArrayList<>();
        for (ByteBuffer b; (b = c.getData()) != null; ) {
            out.add(b);
        }
        return out;
    }

    @Test
    void countsPacketsBytesAndTicksExactly() {
        DistConnection c = conn();
        long bytes = 0;
        for (int i = 0; i < 10; i++) {
            byte[] p = DistConnectionTest.pass(Tuple.of(Int.of(2), Atom.of(""), Q), Binary.of(new byte[i * 10]));
            bytes += p.length;
            c.putData(ByteBuffer.wrap(p));
        }
        c.putData(ByteBuffer.allocate(0));
        c.putData(ByteBuffer.allocate(0));
        assertEquals(10, rec.got.size());
        for (int i = 0; i < 7; i++) {
            assertTrue(c.sendNoWait(new dev.jarl.channel.Signal.Send(Q, P, Binary.of(new byte[1000]))));
        }
        DistConnection.Counters queued = c.counters();
        assertEquals(7, queued.queuedPackets());
        assertTrue(queued.queuedBytes() >= 7 * 1000, queued.toString());
        assertEquals(0, queued.packetsOut());
        List<ByteBuffer> sent = drain(c);
        long sentBytes = sent.stream().mapToLong(ByteBuffer::remaining).sum();
        DistConnection.Counters k = c.counters();
        assertEquals(new DistConnection.Counters(10, bytes, 7, sentBytes, 2, k.ticksOut(), 0, 0, 0, 0), k);
        assertEquals(7, sent.size());
        // the ticks asked of the carrier, and only those
        assertEquals(carrier.ticks.get(), k.ticksOut());
    }

    @Test
    void busyLimitWaitsAreCountedTimedAndRecorded() throws Exception {
        DistConnection c = conn();
        c.busyLimit(100);
        Binary big = Binary.of(new byte[200]);
        List<RecordedEvent> events = Jfr.record(() -> {
            assertTrue(c.send(new Signal.Send(Q, P, big)));
            Thread t = Thread.ofVirtual().start(() -> c.send(new Signal.Send(Q, P, big)));
            Await.until(Duration.ofSeconds(10), () -> t.getState() == Thread.State.WAITING,
                    () -> "the second sender waiting at the busy limit");
            Thread.sleep(20); // real time: the wait being measured, at least this long
            drain(c);
            t.join();
            drain(c);
        }, "dev.jarl.BusyLimitWait");
        DistConnection.Counters k = c.counters();
        assertEquals(1, k.busyWaits());
        assertTrue(k.busyNanos() >= 10_000_000L, "waited at least the 20 ms before the drain: " + k);
        List<RecordedEvent> waits = Jfr.named(events, "dev.jarl.BusyLimitWait");
        assertEquals(1, waits.size(), events.toString());
        RecordedEvent w = waits.get(0);
        assertEquals("peer@h", w.getString("peer"));
        assertEquals(100, w.getLong("busyLimit"));
        assertTrue(w.getLong("queuedBytes") >= 200, w.toString());
        assertTrue(w.getDuration().toMillis() >= 10, w.toString());
    }

    @Test
    void fragmentedMessagesAreRecordedOutAndIn() throws Exception {
        long flags = DistFlags.DEFAULT_OFFERED | DistFlags.FRAGMENTS;
        DistConnection sender = conn(new DistConnection.Params(SELF, 9, PEER, 7, flags, true));
        DistConnection receiver = conn(new DistConnection.Params(PEER, 7, SELF, 9, flags, true));
        int size = 4 * DistPacket.FRAGMENT_SIZE + 10_000; // five fragments
        Binary huge = Binary.of(new byte[size]);
        List<RecordedEvent> events = Jfr.record(() -> {
            assertTrue(sender.sendNoWait(new Signal.Send(Q, P, huge)));
            List<ByteBuffer> fragments = drain(sender);
            assertEquals(5, fragments.size(), size + " bytes in fragments of " + DistPacket.FRAGMENT_SIZE);
            for (ByteBuffer f : fragments) {
                receiver.putData(f);
            }
        }, "dev.jarl.FragmentedMessage");
        assertEquals(1, rec.got.size());
        List<RecordedEvent> f = Jfr.named(events, "dev.jarl.FragmentedMessage");
        assertEquals(List.of("out", "in"), f.stream().map(e -> e.getString("direction")).toList(), events.toString());
        assertEquals("peer@h", f.get(0).getString("peer"));
        assertEquals("self@h", f.get(1).getString("peer"));
        for (RecordedEvent e : f) {
            assertEquals(5, e.getLong("fragments"));
            assertTrue(e.getLong("bytes") > size, e.toString());
        }
        assertEquals(5, sender.counters().packetsOut());
        assertEquals(5, receiver.counters().packetsIn());
        assertEquals(sender.counters().bytesOut(), receiver.counters().bytesIn());
    }

    @Test
    void everyDecodeIsASlowDecodeAtThresholdZero() throws Exception {
        DistConnection c = conn();
        byte[] p = DistConnectionTest.pass(Tuple.of(Int.of(2), Atom.of(""), Q), Binary.of(new byte[5000]));
        List<RecordedEvent> events = Jfr.record(() -> {
            for (int i = 0; i < 3; i++) {
                c.putData(ByteBuffer.wrap(p));
            }
            c.putData(ByteBuffer.allocate(0));
        }, "dev.jarl.SlowDecode");
        List<RecordedEvent> slow = Jfr.named(events, "dev.jarl.SlowDecode");
        assertEquals(3, slow.size(), "one per packet decoded, none for the tick: " + events);
        for (RecordedEvent e : slow) {
            assertEquals("peer@h", e.getString("peer"));
            assertEquals(p.length, e.getLong("bytes"));
        }
    }

    @Test
    void slowDecodeKeepsItsDefaultThresholdWhenNotChanged() throws Exception {
        DistConnection c = conn();
        byte[] p = DistConnectionTest.pass(Tuple.of(Int.of(2), Atom.of(""), Q), Int.of(1));
        java.nio.file.Path file = java.nio.file.Files.createTempFile("jarl-test-", ".jfr");
        try (jdk.jfr.Recording r = new jdk.jfr.Recording()) {
            r.enable("dev.jarl.SlowDecode");
            r.start();
            for (int i = 0; i < 100; i++) {
                c.putData(ByteBuffer.wrap(p));
            }
            r.stop();
            r.dump(file);
            assertEquals(List.of(), Jfr.named(jdk.jfr.consumer.RecordingFile.readAllEvents(file), "dev.jarl.SlowDecode"),
                    "small decodes stay under the 10 ms default threshold");
        } finally {
            java.nio.file.Files.deleteIfExists(file);
        }
    }
}
