/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.ConnectionFate;
import dev.jarl.carrier.DistFlags;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.TermWriter;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;

/** FRAGMENTS and DIST_HDR_ATOM_CACHE on one channel pair, without a carrier. */
@Timeout(30)
class FragmentsAndAtomCacheTest {

    static final long BOTH = DistFlags.DEFAULT_OFFERED | DistFlags.FRAGMENTS | DistFlags.DIST_HDR_ATOM_CACHE;
    static final Pid P = DistConnectionTest.P;
    static final Pid Q = DistConnectionTest.Q;
    static final Pid R = new Pid(Atom.of("self@h"), 3, 0, 9);

    final DistConnectionTest.Recorder rec = new DistConnectionTest.Recorder();

    static DistConnection conn(long flags, int max, DistConnection.Handler handler) {
        return new DistConnection(new DistConnection.Params(DistConnectionTest.SELF, 9, DistConnectionTest.PEER, 7, flags, true),
                new DistConnectionTest.FakeCarrier(), handler, DecodeLimits.DEFAULT, max);
    }

    /** Every packet {@code from} has queued, in output order. */
    static List<ByteBuffer> drain(DistConnection from) {
        List<ByteBuffer> out = new ArrayList<>();
        for (ByteBuffer b = from.getData(); b != null; b = from.getData()) {
            out.add(b);
        }
        return out;
    }

    static int tag(ByteBuffer b) {
        return (b.get(b.position()) & 0xFF) == 131 ? b.get(b.position() + 1) : -1;
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    @Test
    void atomsBeyondTheCacheSizeRoundTrip() {
        DistConnection a = conn(BOTH, 1 << 20, rec);
        DistConnection b = conn(BOTH, 1 << 20, rec);
        List<Term> sent = new ArrayList<>();
        for (int m = 0; m < 40; m++) {
            List<Term> atoms = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                atoms.add(Atom.of("atom_" + ((m * 131 + i * 7) % 5000)));
            }
            atoms.add(Atom.of("ü_" + m + "_".repeat(200) + "ä".repeat(50)));
            Term msg = TermList.of(atoms);
            sent.add(msg);
            a.send(new Signal.Send(Q, P, msg));
        }
        for (ByteBuffer p : drain(a)) {
            assertEquals(68, tag(p));
            b.putData(p);
        }
        assertEquals(List.of(), rec.downs);
        assertEquals(sent.size(), rec.got.size());
        for (int i = 0; i < sent.size(); i++) {
            assertEquals(new Signal.Send(Q, P, sent.get(i)), rec.got.get(i));
        }
    }

    @Test
    void repeatedAtomsTravelAsReferencesAfterTheFirstMessage() throws Exception {
        DistConnection a = conn(BOTH, 1 << 20, rec);
        Term msg = Tuple.of(Atom.of("hello_world_atom"), Atom.of("another_long_atom_name"));
        a.send(new Signal.Send(Q, P, msg));
        ByteBuffer first = a.getData();
        a.send(new Signal.Send(Q, P, msg));
        ByteBuffer second = a.getData();
        assertTrue(second.remaining() < first.remaining() - 30, first.remaining() + " then " + second.remaining());
        // second header: 131, 68, N, flags with no new-entry bit set
        int n = second.get(second.position() + 2);
        assertTrue(n >= 4, "references: " + n);
        for (int i = 0; i < n; i++) {
            int flags = second.get(second.position() + 3 + i / 2) >> ((i & 1) * 4);
            assertEquals(0, flags & 8, "reference " + i + " is new again");
        }
        AtomCacheIn in = new AtomCacheIn();
        assertEquals(new Signal.Send(Q, P, msg), DistPacket.decode(first, DecodeLimits.DEFAULT, in));
        assertEquals(new Signal.Send(Q, P, msg), DistPacket.decode(second, DecodeLimits.DEFAULT, in));
    }

    @Test
    void headerBytesFollowTheSpec() {
        AtomCacheOut out = new AtomCacheOut();
        AtomCacheOut.Refs refs = new AtomCacheOut.Refs();
        Atom a = Atom.of("a");
        Atom long300 = Atom.of("x".repeat(255));
        assertEquals(0, refs.applyAsInt(a));
        assertEquals(0, refs.applyAsInt(a));
        TermWriter w = new TermWriter();
        out.writeHeader(refs, w);
        int ea = AtomCacheOut.entryOf(a);
        assertArrayEquals(new byte[] {1, (byte) (8 | (ea >> 8)), (byte) ea, 1, 'a'}, w.toByteArray());
        w.reset();
        out.writeHeader(refs, w); // now cached: no new flag, no text
        assertArrayEquals(new byte[] {1, (byte) (ea >> 8), (byte) ea}, w.toByteArray());

        AtomCacheOut.Refs two = new AtomCacheOut.Refs();
        two.applyAsInt(a);
        two.applyAsInt(long300);
        w.reset();
        out.writeHeader(two, w);
        byte[] h = w.toByteArray();
        int el = AtomCacheOut.entryOf(long300);
        assertEquals(2, h[0]);
        assertEquals((byte) ((ea >> 8) | ((8 | (el >> 8)) << 4)), h[1]);
        assertEquals(0, h[2] & 1, "255 bytes fit one length byte: LongAtoms stays clear");
        assertEquals(255, h[5] & 0xFF);
    }

    @Test
    void longAtomsFlagForTextOver255Bytes() {
        AtomCacheOut out = new AtomCacheOut();
        AtomCacheOut.Refs refs = new AtomCacheOut.Refs();
        Atom wide = Atom.of("ä".repeat(200)); // 400 bytes of UTF-8
        refs.applyAsInt(wide);
        TermWriter w = new TermWriter();
        out.writeHeader(refs, w);
        byte[] h = w.toByteArray();
        assertEquals(1, h[0]);
        assertEquals(1, (h[1] >> 4) & 1, "LongAtoms half byte after one reference");
        assertEquals(400, ((h[3] & 0xFF) << 8) | (h[4] & 0xFF));
        AtomCacheIn in = new AtomCacheIn();
        byte[] packet = new byte[2 + h.length + 2];
        packet[0] = (byte) 131;
        packet[1] = 68;
        System.arraycopy(h, 0, packet, 2, h.length);
        packet[2 + h.length] = 82;
        packet[3 + h.length] = 0;
        dev.jarl.term.TermReader r = new dev.jarl.term.TermReader(packet, 2, packet.length - 2);
        Atom[] got = assertDoesNotThrowRead(in, r);
        assertEquals(wide, got[0]);
        r.setAtomCache(got);
        assertEquals(wide, r.read());
    }

    private static Atom[] assertDoesNotThrowRead(AtomCacheIn in, dev.jarl.term.TermReader r) {
        try {
            return AtomCacheIn.readHeader(in, r);
        } catch (DistProtocolException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void collidingEntriesAndMoreThan255AtomsAreWrittenInFull() {
        AtomCacheOut.Refs refs = new AtomCacheOut.Refs();
        int given = 0;
        int full = 0;
        for (int i = 0; i < 2000; i++) {
            if (refs.applyAsInt(Atom.of("many_" + i)) >= 0) {
                given++;
            } else {
                full++;
            }
        }
        assertEquals(255, given);
        assertEquals(2000 - 255, full);
        assertEquals(255, refs.count());
    }

    @Test
    void referenceToAnEmptyEntryClosesTheConnection() {
        DistConnection b = conn(BOTH, 1 << 20, rec);
        // 131,68, N=1, flags: not new, segment 0; index 5; then {1, ref0, ref0} would follow
        b.putData(ByteBuffer.wrap(new byte[] {(byte) 131, 68, 1, 0, 5, 104, 1, 82, 0}));
        assertTrue(b.isDown());
        assertTrue(rec.downs.get(0).contains("atom cache reference 0: segment 0 index 5"), rec.downs.get(0));
    }

    @Test
    void bigMessageLeavesInFragmentsAndReassembles() {
        DistConnection a = conn(BOTH, 1 << 24, rec);
        DistConnection b = conn(BOTH, 1 << 24, rec);
        byte[] big = bytes(1_000_000, 3);
        a.send(new Signal.Send(Q, P, Tuple.of(Atom.of("big"), Binary.of(big))));
        List<ByteBuffer> packets = drain(a);
        int expected = (1_000_000 + 100) / DistPacket.FRAGMENT_SIZE + 1;
        assertEquals(expected, packets.size());
        ByteBuffer first = packets.get(0);
        assertEquals(69, tag(first));
        long seq = first.getLong(first.position() + 2);
        assertEquals(expected, first.getLong(first.position() + 10));
        for (int i = 1; i < packets.size(); i++) {
            ByteBuffer p = packets.get(i);
            assertEquals(70, tag(p));
            assertEquals(seq, p.getLong(p.position() + 2));
            assertEquals(expected - i, p.getLong(p.position() + 10));
            assertTrue(p.remaining() <= DistPacket.FRAGMENT_SIZE + 18);
        }
        for (ByteBuffer p : packets) {
            b.putData(p);
        }
        assertEquals(List.of(), rec.downs);
        assertEquals(1, rec.got.size());
        Signal.Send m = (Signal.Send) rec.got.get(0);
        assertArrayEquals(big, ((Binary) ((Tuple) m.message()).get(1)).bytes());
    }

    /**
     * Issue 22: a 1 MiB message to a peer that agreed FRAGMENTS leaves in 256 KiB fragments,
     * not 64 KiB ones: an Erlang receiver took Jarl's 17 packets of 64 KiB at 1 100 to 1 400
     * MB/s and 5 packets at 2 200 to 2 600 (docs/benchmarks.md).
     */
    @Test
    void aOneMebibyteMessageLeavesInFivePacketsOfAtMost256KiB() {
        DistConnection a = conn(BOTH, 1 << 24, rec);
        a.send(new Signal.Send(Q, P, Tuple.of(Atom.of("msg"), Int.of(1), Binary.of(bytes(1 << 20, 5)))));
        List<ByteBuffer> packets = drain(a);
        assertEquals(5, packets.size());
        for (ByteBuffer p : packets) {
            // the fragment header (18 bytes), and in the first the control message and its tuple
            assertTrue(p.remaining() <= 256 * 1024 + 64, p.remaining() + " bytes");
        }
    }

    @Test
    void gatheringOutputHasTheSameBytesAsCopiedPackets() {
        DistConnection copied = conn(BOTH, 1 << 24, rec);
        DistConnection gathered = conn(BOTH, 1 << 24, rec);
        for (DistConnection c : List.of(copied, gathered)) {
            c.send(new Signal.Send(Q, P, Binary.of(bytes(300_000, 5))));
            c.send(new Signal.Send(R, P, Atom.of("small_one")));
        }
        List<ByteBuffer> expected = drain(copied);
        List<ByteBuffer> pieces = new ArrayList<>();
        for (ByteBuffer want : expected) {
            pieces.clear();
            int length = gathered.getData(pieces);
            assertEquals(want.remaining(), length);
            ByteBuffer joined = ByteBuffer.allocate(length);
            for (ByteBuffer piece : pieces) {
                joined.put(piece.duplicate());
            }
            assertEquals(want, joined.flip());
        }
        assertEquals(-1, gathered.getData(pieces));
    }

    @Test
    void otherSendersInterleaveAndTheSameSenderWaits() {
        DistConnection a = conn(BOTH, 1 << 24, rec);
        DistConnection b = conn(BOTH, 1 << 24, rec);
        a.send(new Signal.Send(Q, P, Binary.of(bytes(640_000, 1))));     // Q: ~10 fragments
        a.send(new Signal.Send(Q, P, Atom.of("q_after_big")));             // Q again: must stay behind
        a.send(new Signal.Send(R, P, Atom.of("r_small")));                  // R: another process
        a.send(new Signal.Send(null, P, Atom.of("no_sender")));
        List<ByteBuffer> packets = drain(a);
        for (ByteBuffer p : packets) {
            b.putData(p);
        }
        List<Term> order = new ArrayList<>();
        for (Signal m : rec.got) {
            order.add(((Signal.Send) m).message());
        }
        assertEquals(4, order.size());
        assertEquals(Atom.of("r_small"), order.get(0), "R's message overtakes Q's big one: " + order);
        assertEquals(Atom.of("no_sender"), order.get(1));
        assertTrue(order.get(2) instanceof Binary);
        assertEquals(Atom.of("q_after_big"), order.get(3), "Q's later message stays behind its big one");
        // and the small ones left right after the first fragment, not after the last
        assertEquals(69, tag(packets.get(0)));
        assertEquals(68, tag(packets.get(1)));
        assertEquals(68, tag(packets.get(2)));
    }

    @Test
    void twoBigMessagesFromDifferentSendersShareTheLine() {
        DistConnection a = conn(BOTH, 1 << 24, rec);
        // four fragments each
        a.send(new Signal.Send(Q, P, Binary.of(bytes(3 * DistPacket.FRAGMENT_SIZE + 1_000, 1))));
        a.send(new Signal.Send(R, P, Binary.of(bytes(3 * DistPacket.FRAGMENT_SIZE + 1_000, 2))));
        List<ByteBuffer> packets = drain(a);
        long s0 = packets.get(0).getLong(packets.get(0).position() + 2);
        long s1 = packets.get(1).getLong(packets.get(1).position() + 2);
        assertTrue(s0 != s1);
        for (int i = 2; i < 8; i++) {
            ByteBuffer p = packets.get(i);
            assertEquals(i % 2 == 0 ? s0 : s1, p.getLong(p.position() + 2), "fragment " + i + " alternates");
        }
    }

    @Test
    void smallSendersDoNotWaitBehindABigMessage() throws Exception {
        DistConnection a = conn(BOTH, 1 << 24, rec);
        a.busyLimit(100_000);
        a.send(new Signal.Send(Q, P, Binary.of(bytes(8 * DistPacket.FRAGMENT_SIZE, 1))));
        CompletableFuture<Boolean> small = CompletableFuture.supplyAsync(() -> a.send(new Signal.Send(R, P, Atom.OK)));
        assertTrue(small.get(10, TimeUnit.SECONDS));
        CompletableFuture<Boolean> bigAgain = CompletableFuture.supplyAsync(() -> a.send(new Signal.Send(R, P, Binary.of(bytes(DistPacket.FRAGMENT_SIZE + 1_000, 2)))));
        Await.holdsFor(Duration.ofMillis(100), () -> !bigAgain.isDone(), () -> "a second big sender waits on the busy limit");
        drain(a);
        assertTrue(bigAgain.get(10, TimeUnit.SECONDS));
    }

    static ByteBuffer frag(int tag, long seq, long id, byte... rest) {
        ByteBuffer b = ByteBuffer.allocate(18 + rest.length);
        b.put((byte) 131).put((byte) tag).putLong(seq).putLong(id).put(rest);
        return b.flip();
    }

    @Test
    void continuationOfAnUnknownSequenceCloses() {
        DistConnection b = conn(BOTH, 1 << 20, rec);
        b.putData(frag(70, 5, 1, (byte) 106));
        assertTrue(b.isDown());
        assertTrue(rec.downs.get(0).contains("expected: a sequence started by a first fragment"), rec.downs.get(0));
    }

    @Test
    void fragmentIdsMustCountDown() {
        DistConnection b = conn(BOTH, 1 << 20, rec);
        b.putData(frag(69, 5, 3, (byte) 0, (byte) 104));
        b.putData(frag(70, 5, 1, (byte) 2));
        assertTrue(b.isDown());
        assertTrue(rec.downs.get(0).contains("fragment id 1 of sequence 5 (expected: 2)"), rec.downs.get(0));
    }

    @Test
    void aSequenceIdInUseCannotStartAgain() {
        DistConnection b = conn(BOTH, 1 << 20, rec);
        b.putData(frag(69, 5, 3, (byte) 0, (byte) 104));
        b.putData(frag(69, 5, 3, (byte) 0, (byte) 104));
        assertTrue(b.isDown());
        assertTrue(rec.downs.get(0).contains("expected: none while that sequence is incomplete"), rec.downs.get(0));
    }

    @Test
    void bufferedFragmentsAreLimited() {
        DistConnection b = conn(BOTH, 200_000, rec);
        for (int s = 0; s < 10 && !b.isDown(); s++) {
            byte[] chunk = new byte[60_000];
            b.putData(frag(69, s, 1000, chunk));
        }
        assertTrue(b.isDown());
        assertTrue(rec.downs.get(0).contains("bytes buffered (expected: at most 200000)"), rec.downs.get(0));
    }

    @Test
    void fragmentsWithoutTheFlagClose() {
        DistConnection b = conn(DistFlags.DEFAULT_OFFERED & ~DistFlags.FRAGMENTS, 1 << 20, rec);
        b.putData(frag(69, 5, 1, (byte) 0, (byte) 106));
        assertTrue(b.isDown());
        assertTrue(rec.downs.get(0).contains("FRAGMENTS was not agreed"), rec.downs.get(0));
    }

    @Test
    void withoutFragmentsABigMessageIsOnePacket() {
        DistConnection a = conn(DistFlags.DEFAULT_OFFERED & ~DistFlags.FRAGMENTS & ~DistFlags.DIST_HDR_ATOM_CACHE, 1 << 24, rec);
        a.send(new Signal.Send(Q, P, Binary.of(bytes(500_000, 1))));
        ByteBuffer p = a.getData();
        assertEquals(112, p.get(p.position()) & 0xFF);
        assertTrue(p.remaining() > 500_000);
        assertNull(a.getData());
    }

    @Test
    void singleFragmentSequenceIsAccepted() {
        DistConnection b = conn(BOTH, 1 << 20, rec);
        // {2, '', P} as SEND, one fragment: N=0 then control and payload without 131
        TermWriter w = new TermWriter();
        w.write(Tuple.of(Int.of(2), Atom.of(""), P));
        w.write(Atom.OK);
        byte[] body = w.toByteArray();
        byte[] rest = new byte[body.length + 1];
        System.arraycopy(body, 0, rest, 1, body.length);
        b.putData(frag(69, 9, 1, rest));
        assertEquals(List.of(new Signal.Send(null, P, Atom.OK)), rec.got);
        assertFalse(b.isDown());
    }

    /** Feeds {@code packets} to {@code to} through one reused buffer, scribbled over after each call. */
    static void feedBorrowed(DistConnection to, List<ByteBuffer> packets) {
        byte[] scratch = new byte[2 * DistPacket.FRAGMENT_SIZE]; // a fragment and its header fit
        for (ByteBuffer p : packets) {
            int n = p.remaining();
            p.duplicate().get(scratch, 0, n);
            to.putBorrowed(ByteBuffer.wrap(scratch, 0, n));
            java.util.Arrays.fill(scratch, (byte) 0x5A);
        }
    }

    /** What follows a fragment header for SEND {2, '', P} with {@code payload}: N = 0, control, payload. */
    static byte[] sendBody(Term payload) {
        TermWriter w = new TermWriter();
        w.writeByte(0);
        w.write(Tuple.of(Int.of(2), Atom.of(""), P));
        w.write(payload);
        return w.toByteArray();
    }

    @Test
    void borrowedPacketsKeepNothingOfTheCarriersBuffer() {
        DistConnection a = conn(BOTH, 1 << 24, rec);
        DistConnection b = conn(BOTH, 1 << 24, rec);
        byte[] small = bytes(3_000, 5);
        byte[] big = bytes(700_000, 6);
        a.send(new Signal.Send(Q, P, Binary.of(small)));
        a.send(new Signal.Send(Q, P, Tuple.of(Atom.of("big"), Binary.of(big))));
        a.send(new Signal.Send(Q, P, Tuple.of(Atom.of("small"), Binary.of(small))));
        feedBorrowed(b, drain(a));
        assertEquals(List.of(), rec.downs);
        assertEquals(3, rec.got.size());
        assertArrayEquals(small, ((Binary) ((Signal.Send) rec.got.get(0)).message()).bytes());
        Tuple second = (Tuple) ((Signal.Send) rec.got.get(1)).message();
        assertArrayEquals(big, ((Binary) second.get(1)).bytes());
        Tuple third = (Tuple) ((Signal.Send) rec.got.get(2)).message();
        assertArrayEquals(small, ((Binary) third.get(1)).bytes());
    }

    @Test
    void borrowedSingleFragmentSequenceIsCopied() {
        DistConnection b = conn(BOTH, 1 << 20, rec);
        byte[] payload = bytes(5_000, 9);
        byte[] rest = sendBody(Binary.of(payload));
        feedBorrowed(b, List.of(frag(69, 9, 1, rest)));
        assertFalse(b.isDown());
        assertArrayEquals(payload, ((Binary) ((Signal.Send) rec.got.get(0)).message()).bytes());
    }

    @Test
    void fragmentsLongerThanTheFirstReassemble() {
        // the first fragment is short, so the buffer sized from it must grow
        DistConnection b = conn(BOTH, 1 << 22, rec);
        byte[] payload = bytes(300_000, 4);
        byte[] rest = sendBody(Binary.of(payload));
        int[] cuts = {0, 40, 1_000, 100_000, rest.length};
        for (int i = 0; i < cuts.length - 1; i++) {
            byte[] part = java.util.Arrays.copyOfRange(rest, cuts[i], cuts[i + 1]);
            b.putData(frag(i == 0 ? 69 : 70, 4, cuts.length - 1 - i, part));
        }
        assertEquals(List.of(), rec.downs);
        assertArrayEquals(payload, ((Binary) ((Signal.Send) rec.got.get(0)).message()).bytes());
    }

    @Test
    void aClaimedFragmentCountReservesNoMoreThanTheLimit() {
        // a first fragment that claims a billion fragments must not allocate for them
        DistConnection b = conn(BOTH, 1 << 20, rec);
        b.putData(frag(69, 1, 1_000_000_000L, new byte[60_000]));
        b.putData(frag(70, 1, 999_999_999L, new byte[60_000]));
        assertFalse(b.isDown());
        for (long id = 999_999_998L; !b.isDown(); id--) {
            b.putData(frag(70, 1, id, new byte[60_000]));
        }
        assertTrue(rec.downs.get(0).contains("bytes buffered (expected: at most 1048576)"), rec.downs.get(0));
    }

    /** Every packet {@code from} has queued, taken in batches of at most {@code max} packets. */
    static List<ByteBuffer> drainInBatches(dev.jarl.carrier.DistChannel from, int max, long maxBytes) {
        List<ByteBuffer> out = new ArrayList<>();
        int[] ends = new int[max];
        int[] lengths = new int[max];
        while (true) {
            List<ByteBuffer> pieces = new ArrayList<>();
            int n = from.getData(pieces, ends, lengths, max, maxBytes);
            if (n == 0) {
                return out;
            }
            assertTrue(n <= max);
            int start = 0;
            for (int k = 0; k < n; k++) {
                ByteBuffer joined = ByteBuffer.allocate(lengths[k]);
                for (ByteBuffer piece : pieces.subList(start, ends[k])) {
                    joined.put(piece.duplicate());
                }
                assertFalse(joined.hasRemaining(), "pieces add up to the length");
                out.add(joined.flip());
                start = ends[k];
            }
            assertEquals(pieces.size(), start);
        }
    }

    static void sendMix(DistConnection c) {
        c.send(new Signal.Send(Q, P, Binary.of(bytes(300_000, 5))));
        for (int i = 0; i < 20; i++) {
            c.send(new Signal.Send(i % 2 == 0 ? R : Q, P, Tuple.of(Atom.of("small_" + i), Int.of(i))));
        }
        c.send(new Signal.Send(R, P, Binary.of(bytes(100_000, 6))));
    }

    @Test
    void batchesHaveTheSameBytesAsSinglePackets() {
        DistConnection single = conn(BOTH, 1 << 24, rec);
        sendMix(single);
        List<ByteBuffer> expected = drain(single);
        for (int max : new int[] {1, 3, 64}) {
            DistConnection batched = conn(BOTH, 1 << 24, rec);
            sendMix(batched);
            assertEquals(expected, drainInBatches(batched, max, Long.MAX_VALUE), "batches of " + max);
        }
        DistConnection byBytes = conn(BOTH, 1 << 24, rec);
        sendMix(byBytes);
        int[] ends = new int[64];
        int[] lengths = new int[64];
        // the first packet is a 64 KiB fragment: a limit of 1 byte stops the batch after it
        assertEquals(1, byBytes.getData(new ArrayList<>(), ends, lengths, 64, 1));
        assertEquals(expected.subList(1, expected.size()), drainInBatches(byBytes, 64, Long.MAX_VALUE));
    }

    @Test
    void theDefaultBatchLoopsOverSinglePackets() {
        DistConnection source = conn(BOTH, 1 << 24, rec);
        sendMix(source);
        List<ByteBuffer> expected = drain(source);
        DistConnection again = conn(BOTH, 1 << 24, rec);
        sendMix(again);
        dev.jarl.carrier.DistChannel plain = new dev.jarl.carrier.DistChannel() {
            @Override
            public ByteBuffer getData() {
                return again.getData();
            }

            @Override
            public boolean awaitData() {
                return true;
            }

            @Override
            public void inputHandler(Thread handler) {
            }

            @Override
            public void putData(ByteBuffer packet) {
            }

            @Override
            public void closed(ConnectionFate fate) {
            }
        };
        assertEquals(expected, drainInBatches(plain, 4, Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> plain.getData(new ArrayList<>(), new int[2], new int[4], 4, 1));
        assertThrows(IllegalArgumentException.class, () -> again.getData(new ArrayList<>(), new int[4], new int[3], 4, 1));
    }
}
