/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * The receive side of large messages (issue 22): packets a stream carrier lends from its
 * direct read buffer (continuations are copied once, into their message; other packets into
 * a copy the decoder owns), within the receive allowance and beyond it, where fragments go
 * into chunks joined once. The lending buffer is overwritten after every packet, as the
 * carrier reuses it, and every message is checked only at the end.
 */
@Timeout(60)
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class LargeReceiveTest {

    /** A packet as a carrier lends it: a view on a direct buffer that is overwritten once the call returns. */
    private static void lend(DistConnection c, ByteBuffer packet, ByteBuffer reused) {
        reused.clear();
        reused.put(packet.duplicate()).flip();
        c.putBorrowed(reused.slice());
        reused.clear();
        while (reused.hasRemaining()) {
            reused.put((byte) 0x5A);
        }
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** The fragments of one message {@code {Tag, Bin}} to {@link DistConnectionTest#P}, {@code per} body bytes each. */
    private static List<ByteBuffer> fragments(long seq, Term message, int per) {
        byte[] rest = FragmentsAndAtomCacheTest.sendBody(message);
        int n = (rest.length + per - 1) / per;
        List<ByteBuffer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] part = Arrays.copyOfRange(rest, i * per, Math.min(rest.length, (i + 1) * per));
            out.add(FragmentsAndAtomCacheTest.frag(i == 0 ? 69 : 70, seq, n - i, part));
        }
        return out;
    }

    private static void interleavedLentFragmentsArriveWhole(DistConnection.InputLimits limits) {
        DistConnectionTest.Recorder rec = new DistConnectionTest.Recorder();
        DistConnection c = ReceiveAllowanceTest.conn(256 << 20, limits, rec);
        ByteBuffer reused = ByteBuffer.allocateDirect(128 * 1024);
        byte[] a = random(3_000_001, 1);
        byte[] b = random(1_048_583, 2);
        byte[] small = random(40_000, 3);
        List<ByteBuffer> fa = fragments(1, Tuple.of(Atom.of("a"), Binary.of(a)), 65_536);
        List<ByteBuffer> fb = fragments(2, Tuple.of(Atom.of("b"), Binary.of(b)), 65_536);
        for (int i = 0; i < Math.max(fa.size(), fb.size()); i++) {
            if (i < fa.size()) {
                lend(c, fa.get(i), reused);
            }
            if (i < fb.size()) {
                lend(c, fb.get(i), reused);
            }
        }
        // a message in one packet, lent too: its binary must not be a view on the reused buffer
        lend(c, FragmentsAndAtomCacheTest.frag(69, 3, 1,
                FragmentsAndAtomCacheTest.sendBody(Tuple.of(Atom.of("c"), Binary.of(small)))), reused);
        assertEquals(List.of(), rec.downs);
        assertEquals(0, c.reservedAhead());
        assertEquals(3, rec.got.size());
        byte[][] want = {b, a, small}; // b has fewer fragments and completes first
        for (int i = 0; i < 3; i++) {
            Tuple t = (Tuple) ((Signal.Send) rec.got.get(i)).message();
            assertArrayEquals(want[i], ((Binary) t.get(1)).bytes(), "message " + t.get(0));
        }
    }

    @Test
    void lentFragmentsWithinTheAllowanceArriveWholeAfterTheBufferIsReused() {
        interleavedLentFragmentsArriveWhole(DistConnection.InputLimits.DEFAULT);
    }

    @Test
    void lentFragmentsBeyondTheAllowanceArriveWholeFromTheirChunks() {
        interleavedLentFragmentsArriveWhole(new DistConnection.InputLimits(0, 10));
    }

    @Test
    void aLentUnfragmentedPacketIsDecodedFromACopyOfItsOwn() throws Exception {
        byte[] payload = random(50_000, 4);
        DistConnectionTest.Recorder rec = new DistConnectionTest.Recorder();
        DistConnection c = new DistConnection(new DistConnection.Params(DistConnectionTest.SELF, 9,
                DistConnectionTest.PEER, 7, 0, true), new DistConnectionTest.FakeCarrier(), rec, DecodeLimits.DEFAULT,
                1 << 20);
        dev.jarl.term.TermWriter w = new dev.jarl.term.TermWriter();
        w.writeByte(DistPacket.PASS_THROUGH);
        w.writeVersion();
        w.write(Tuple.of(dev.jarl.term.Int.of(2), Atom.of(""), DistConnectionTest.P));
        w.writeVersion();
        w.write(Binary.of(payload));
        ByteBuffer whole = ByteBuffer.wrap(w.toByteArray());
        lend(c, whole, ByteBuffer.allocateDirect(64 * 1024));
        assertEquals(List.of(), rec.downs);
        assertArrayEquals(payload, ((Binary) ((Signal.Send) rec.got.get(0)).message()).bytes());
    }
}
