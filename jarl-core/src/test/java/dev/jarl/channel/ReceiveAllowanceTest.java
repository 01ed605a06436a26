/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jarl.term.Binary;
import dev.jarl.term.DecodeLimits;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * Memory follows bytes in fragment reassembly (review findings 6 and 13): a first fragment's
 * claimed count reserves from the connection's allowance or not at all, open sequences are
 * capped, and their bookkeeping counts toward the bytes bound.
 */
@Timeout(60)
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class ReceiveAllowanceTest {

    final DistConnectionTest.Recorder rec = new DistConnectionTest.Recorder();

    static DistConnection conn(int max, DistConnection.InputLimits input, DistConnection.Handler handler) {
        return new DistConnection(new DistConnection.Params(DistConnectionTest.SELF, 9, DistConnectionTest.PEER, 7,
                FragmentsAndAtomCacheTest.BOTH, true), new DistConnectionTest.FakeCarrier(), handler, DecodeLimits.DEFAULT,
                max, input);
    }

    static long heapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void aHugeClaimedFragmentCountCostsAtMostTheAllowance() {
        DistConnection b = conn(512 << 20, DistConnection.InputLimits.DEFAULT, rec);
        long before = heapAfterGc();
        // three sequences, each 20 bytes of body claiming 2^31-1 fragments (review probe P8)
        for (int s = 1; s <= 3; s++) {
            b.putData(FragmentsAndAtomCacheTest.frag(69, s, Integer.MAX_VALUE, new byte[20]));
        }
        long grown = heapAfterGc() - before;
        assertFalse(b.isDown(), rec.downs.toString());
        assertTrue(b.reservedAhead() <= DistConnection.InputLimits.DEFAULT.receiveAllowance(), "" + b.reservedAhead());
        assertTrue(grown < 24L << 20, "heap grew by " + grown + " bytes for three claims of 2^31-1 fragments");
    }

    @Test
    void withinTheAllowanceAMessageIsReassembledInPlaceAndTheAllowanceComesBack() {
        DistConnection b = conn(64 << 20, DistConnection.InputLimits.DEFAULT, rec);
        byte[] payload = FragmentsAndAtomCacheTest.bytes(1_000_000, 3);
        byte[] rest = FragmentsAndAtomCacheTest.sendBody(Binary.of(payload));
        int per = 65_536;
        int n = (rest.length + per - 1) / per;
        for (int i = 0; i < n; i++) {
            byte[] part = java.util.Arrays.copyOfRange(rest, i * per, Math.min(rest.length, (i + 1) * per));
            b.putData(FragmentsAndAtomCacheTest.frag(i == 0 ? 69 : 70, 7, n - i, part));
            if (i == 0) {
                assertTrue(b.reservedAhead() > 0, "the first fragment reserves for the rest");
            }
        }
        assertEquals(List.of(), rec.downs);
        assertEquals(0, b.reservedAhead());
        assertArrayEquals(payload, ((Binary) ((Signal.Send) rec.got.get(0)).message()).bytes());
    }

    @Test
    void beyondTheAllowanceAMessageGrowsAsFragmentsCome() {
        // an allowance of 0: every sequence grows from its first fragment, and still reassembles
        DistConnection b = conn(64 << 20, new DistConnection.InputLimits(0, 10), rec);
        byte[] payload = FragmentsAndAtomCacheTest.bytes(700_000, 5);
        byte[] rest = FragmentsAndAtomCacheTest.sendBody(Binary.of(payload));
        int per = 50_000;
        int n = (rest.length + per - 1) / per;
        for (int i = 0; i < n; i++) {
            byte[] part = java.util.Arrays.copyOfRange(rest, i * per, Math.min(rest.length, (i + 1) * per));
            b.putData(FragmentsAndAtomCacheTest.frag(i == 0 ? 69 : 70, 8, n - i, part));
            assertEquals(0, b.reservedAhead());
        }
        assertEquals(List.of(), rec.downs);
        assertArrayEquals(payload, ((Binary) ((Signal.Send) rec.got.get(0)).message()).bytes());
    }

    @Test
    void openSequencesAreCapped() {
        DistConnection b = conn(512 << 20, new DistConnection.InputLimits(8 << 20, 1000), rec);
        for (int s = 0; s < 1000; s++) {
            b.putData(FragmentsAndAtomCacheTest.frag(69, s, 2, new byte[1]));
        }
        assertFalse(b.isDown(), rec.downs.toString());
        b.putData(FragmentsAndAtomCacheTest.frag(69, 1000, 2, new byte[1]));
        assertTrue(b.isDown());
        assertTrue(rec.downs.get(0).contains("fragmented messages: 1001 sequences incomplete at once (expected: at most 1000)"),
                rec.downs.get(0));
    }

    @Test
    void theDefaultCapIsHighAndBookkeepingCountsTowardTheBytesBound() {
        // 200 000 empty first fragments (probe P8b) no longer stay open: at the default cap of
        // 65 536 the connection closes
        DistConnection b = conn(512 << 20, DistConnection.InputLimits.DEFAULT, rec);
        int s = 0;
        while (!b.isDown() && s < 200_000) {
            b.putData(FragmentsAndAtomCacheTest.frag(69, s++, 2, new byte[1]));
        }
        assertEquals(65_537, s);
        // and empty sequences alone fill a small bytes bound through their bookkeeping
        DistConnectionTest.Recorder rec2 = new DistConnectionTest.Recorder();
        DistConnection c = conn(100_000, DistConnection.InputLimits.DEFAULT, rec2);
        int t = 0;
        while (!c.isDown() && t < 10_000) {
            c.putData(FragmentsAndAtomCacheTest.frag(69, t++, 2, new byte[1]));
        }
        assertTrue(c.isDown());
        assertTrue(t < 1000, "sequences before closing: " + t);
        assertTrue(rec2.downs.get(0).contains("bytes buffered (expected: at most 100000)"), rec2.downs.get(0));
    }

    @Test
    void aCarrierReservationIsSharedWithReassembly() {
        DistConnection b = conn(512 << 20, DistConnection.InputLimits.DEFAULT, rec);
        long allowance = DistConnection.InputLimits.DEFAULT.receiveAllowance();
        assertTrue(b.reserveAhead(allowance - 100));
        assertFalse(b.reserveAhead(101));
        assertTrue(b.reserveAhead(100));
        b.releaseAhead(allowance);
        assertEquals(0, b.reservedAhead());
    }

    @Test
    void noDepthLimitByDefaultAndAUserLimitClosesTheConnection() {
        dev.jarl.term.Term deep = dev.jarl.term.TermList.NIL;
        for (int i = 0; i < 50_000; i++) {
            deep = dev.jarl.term.TermList.of(deep, dev.jarl.term.Int.of(i));
        }
        byte[] body = FragmentsAndAtomCacheTest.sendBody(deep);
        // by default any depth: delivered, connection up
        DistConnection open = conn(64 << 20, DistConnection.InputLimits.DEFAULT, rec);
        open.putData(FragmentsAndAtomCacheTest.frag(69, 1, 1, body));
        assertFalse(open.isDown(), rec.downs.toString());
        assertEquals(new Signal.Send(null, DistConnectionTest.P, deep), rec.got.get(0));
        // a limit the user set closes the connection, naming the limit (logged at WARNING)
        DistConnectionTest.Recorder limited = new DistConnectionTest.Recorder();
        DistConnection c = new DistConnection(new DistConnection.Params(DistConnectionTest.SELF, 9, DistConnectionTest.PEER, 7,
                FragmentsAndAtomCacheTest.BOTH, true), new DistConnectionTest.FakeCarrier(), limited,
                DecodeLimits.DEFAULT.withMaxDepth(1000), 64 << 20, DistConnection.InputLimits.DEFAULT);
        c.putData(FragmentsAndAtomCacheTest.frag(69, 1, 1, body));
        assertTrue(c.isDown());
        assertTrue(limited.downs.get(0).contains("nesting depth: 1001 levels (expected: at most 1000)"), limited.downs.get(0));
    }
}
