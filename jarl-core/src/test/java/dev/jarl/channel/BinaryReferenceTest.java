/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.TermWriter;
import dev.jarl.term.Tuple;

/** Large binaries are encoded by reference and leave as views; the bytes must be those of a plain encoding. */
class BinaryReferenceTest {

    /** SEND to P, and its payload. */
    static final Tuple CONTROL = Tuple.of(Int.of(2), Atom.of(""), DistConnectionTest.P);
    static final Term PAYLOAD = payload();

    /** Binaries on both sides of the threshold, back to back, nested, first and last. */
    static Term payload() {
        int min = DistPacket.REFERENCE_MIN;
        return TermList.of(
                Binary.of(FragmentsAndAtomCacheTest.bytes(min, 1)),
                Binary.of(FragmentsAndAtomCacheTest.bytes(min - 1, 2)),
                Tuple.of(Atom.of("nested"), Binary.of(FragmentsAndAtomCacheTest.bytes(70_000, 3)),
                        Binary.of(FragmentsAndAtomCacheTest.bytes(300_001, 4))),
                Int.of(42),
                Binary.EMPTY,
                Binary.of(FragmentsAndAtomCacheTest.bytes(min + 5, 5)));
    }

    /** The packet as a writer that copies every binary encodes it. */
    static byte[] plain(boolean passThrough) {
        TermWriter w = new TermWriter();
        if (passThrough) {
            w.writeByte(DistPacket.PASS_THROUGH);
            w.writeVersion();
            w.write(CONTROL);
            w.writeVersion();
        } else {
            w.writeByte(DistPacket.VERSION);
            w.writeByte(DistPacket.DIST_HEADER);
            w.writeByte(0);
            w.write(CONTROL);
        }
        w.write(PAYLOAD);
        return w.toByteArray();
    }

    static byte[] join(List<ByteBuffer> pieces) {
        int n = pieces.stream().mapToInt(ByteBuffer::remaining).sum();
        ByteBuffer out = ByteBuffer.allocate(n);
        pieces.forEach(p -> out.put(p.duplicate()));
        return out.array();
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void writerRecordsReferencesAndJoinsThemBack() {
        TermWriter copying = new TermWriter();
        copying.write(PAYLOAD);
        TermWriter referencing = new TermWriter();
        referencing.referenceBinaries(DistPacket.REFERENCE_MIN);
        referencing.write(PAYLOAD);
        assertEquals(4, referencing.references());
        assertEquals(DistPacket.REFERENCE_MIN * 2 + 5 + 70_000 + 300_001, referencing.referencedBytes());
        assertTrue(referencing.size() < 20_000, "referenced bytes stay out of the buffer: " + referencing.size());
        assertArrayEquals(copying.toByteArray(), referencing.toByteArray());
        assertTrue(referencing.reference(0).isReadOnly());
        referencing.reset();
        assertEquals(0, referencing.references());
        assertEquals(0, referencing.referencedBytes());
        assertThrows(IndexOutOfBoundsException.class, () -> referencing.referenceAt(0));
        assertThrows(IllegalArgumentException.class, () -> referencing.referenceBinaries(0));
    }

    @Test
    void gatheredAndCopiedPacketsHaveThePlainBytes() {
        for (DistPacket.Form form : List.of(DistPacket.Form.PASS_THROUGH, DistPacket.Form.HEADER)) {
            byte[] want = plain(form == DistPacket.Form.PASS_THROUGH);
            DistPacket.Encoded e = DistPacket.encode(CONTROL, PAYLOAD, form);
            assertTrue(e.gathered(), form.toString());
            List<ByteBuffer> pieces = new ArrayList<>();
            int length = DistPacket.packet(e, null, new TermWriter(16), pieces);
            assertEquals(want.length, length, form.toString());
            assertArrayEquals(want, join(pieces), form.toString());
            assertTrue(pieces.size() > 4, "referenced binaries leave as their own pieces: " + pieces.size());
            assertArrayEquals(want, bytes(DistPacket.packet(e, null, new TermWriter(16))), form.toString());
        }
    }

    @Test
    void everyWindowMatchesThePlainBytes() {
        byte[] want = plain(false);
        DistPacket.Encoded e = DistPacket.encode(CONTROL, PAYLOAD, DistPacket.Form.HEADER);
        int head = 3 - e.start; // plain has 131, 68, 0 where the encoding has its reserve
        assertEquals(want.length, e.end + head);
        Random random = new Random(7);
        List<int[]> cuts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            int a = e.start + random.nextInt(e.end - e.start);
            int b = a + random.nextInt(e.end - a + 1);
            cuts.add(new int[] {a, b});
        }
        // every edge of every piece: just before, on and just after
        List<ByteBuffer> whole = new ArrayList<>();
        e.window(e.start, e.end, whole);
        int at = e.start;
        for (ByteBuffer piece : whole) {
            for (int d = -1; d <= 1; d++) {
                int a = Math.max(e.start, Math.min(e.end, at + d));
                cuts.add(new int[] {a, e.end});
                cuts.add(new int[] {e.start, a});
            }
            at += piece.remaining();
        }
        for (int[] c : cuts) {
            byte[] slice = Arrays.copyOfRange(want, c[0] + head, c[1] + head);
            List<ByteBuffer> pieces = new ArrayList<>();
            e.window(c[0], c[1], pieces);
            assertArrayEquals(slice, join(pieces), () -> "window " + c[0] + ".." + c[1]);
            for (ByteBuffer p : pieces) {
                assertTrue(p.hasRemaining(), () -> "no empty piece in window " + c[0] + ".." + c[1]);
            }
            byte[] copied = new byte[c[1] - c[0] + 2];
            e.copy(c[0], c[1], copied, 1);
            assertArrayEquals(slice, Arrays.copyOfRange(copied, 1, copied.length - 1), () -> "copy " + c[0] + ".." + c[1]);
        }
    }

    @Test
    void smallBinariesAreCopiedAsBefore() {
        Term small = Binary.of(FragmentsAndAtomCacheTest.bytes(DistPacket.REFERENCE_MIN - 1, 1));
        assertFalse(DistPacket.encode(CONTROL, small, DistPacket.Form.HEADER).gathered());
    }

    @Test
    void fragmentedMessageWithReferencesRoundTripsThroughGatheringOutput() {
        DistConnectionTest.Recorder rec = new DistConnectionTest.Recorder();
        DistConnection a = FragmentsAndAtomCacheTest.conn(FragmentsAndAtomCacheTest.BOTH, 1 << 24, rec);
        DistConnection b = FragmentsAndAtomCacheTest.conn(FragmentsAndAtomCacheTest.BOTH, 1 << 24, rec);
        a.send(new Signal.Send(DistConnectionTest.Q, DistConnectionTest.P, PAYLOAD));
        a.send(new Signal.Send(DistConnectionTest.Q, DistConnectionTest.P, Atom.of("after")));
        List<ByteBuffer> pieces = new ArrayList<>();
        int packets = 0;
        for (int n = a.getData(pieces); n >= 0; n = a.getData(pieces)) {
            byte[] packet = join(pieces);
            assertEquals(n, packet.length);
            pieces.clear();
            b.putData(ByteBuffer.wrap(packet));
            packets++;
        }
        // the payload's bytes in fragments of FRAGMENT_SIZE, then "after"
        assertTrue(packets >= 1 + 370_000 / DistPacket.FRAGMENT_SIZE + 1, "fragments: " + packets);
        assertEquals(List.of(), rec.downs);
        assertEquals(List.of(new Signal.Send(DistConnectionTest.Q, DistConnectionTest.P, PAYLOAD),
                new Signal.Send(DistConnectionTest.Q, DistConnectionTest.P, Atom.of("after"))), rec.got);
    }

    @Test
    void offHeapBinariesLeaveAsViewsOnTheirOwnMemory() {
        // odd sizes around the reference threshold and a fragment, nested, next to heap ones
        List<Binary> offHeap = new ArrayList<>();
        for (int n : List.of(DistPacket.REFERENCE_MIN, DistPacket.FRAGMENT_SIZE - 1, DistPacket.FRAGMENT_SIZE + 1, 200_003)) {
            offHeap.add(Binary.offHeap(FragmentsAndAtomCacheTest.bytes(n, n)));
        }
        Term payload = Tuple.of(Atom.of("mixed"), offHeap.get(0),
                TermList.of(Binary.of(FragmentsAndAtomCacheTest.bytes(70_000, 9)), Tuple.of(offHeap.get(1), offHeap.get(2))),
                Binary.of(FragmentsAndAtomCacheTest.bytes(DistPacket.REFERENCE_MIN - 1, 8)), offHeap.get(3));
        long offHeapBytes = offHeap.stream().mapToLong(Binary::size).sum();
        DistConnectionTest.Recorder rec = new DistConnectionTest.Recorder();
        DistConnection a = FragmentsAndAtomCacheTest.conn(FragmentsAndAtomCacheTest.BOTH, 1 << 24, rec);
        DistConnection b = FragmentsAndAtomCacheTest.conn(FragmentsAndAtomCacheTest.BOTH, 1 << 24, rec);
        DistConnection whole = FragmentsAndAtomCacheTest.conn(FragmentsAndAtomCacheTest.BOTH, 1 << 24, rec);
        DistConnection c = FragmentsAndAtomCacheTest.conn(FragmentsAndAtomCacheTest.BOTH, 1 << 24, rec);
        a.send(new Signal.Send(DistConnectionTest.Q, DistConnectionTest.P, payload));
        whole.send(new Signal.Send(DistConnectionTest.Q, DistConnectionTest.P, payload));
        List<ByteBuffer> pieces = new ArrayList<>();
        long direct = 0;
        for (int n = a.getData(pieces); n >= 0; n = a.getData(pieces)) {
            for (ByteBuffer p : pieces) {
                if (p.isDirect()) {
                    direct += p.remaining();
                }
            }
            b.putData(ByteBuffer.wrap(join(pieces)));
            pieces.clear();
        }
        assertEquals(offHeapBytes, direct, "every byte of the off-heap binaries leaves from their own memory, none else");
        // a carrier that takes whole packets gets the same bytes, copied into the packet
        for (ByteBuffer p; (p = whole.getData()) != null; ) {
            c.putData(ByteBuffer.wrap(bytes(p)));
        }
        assertEquals(List.of(), rec.downs);
        Signal.Send want = new Signal.Send(DistConnectionTest.Q, DistConnectionTest.P, payload);
        assertEquals(List.of(want, want), rec.got);
    }
}
