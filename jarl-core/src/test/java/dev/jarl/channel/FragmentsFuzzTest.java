/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jarl.term.DecodeLimits;
import java.nio.ByteBuffer;

/**
 * Fuzzes a connection's input: packets of every kind (ticks, headers with the atom cache,
 * first and continuing fragments of interleaved sequences) into one {@link DistConnection}
 * that agreed FRAGMENTS and the atom cache. An input is packets framed as in
 * {@link FuzzFrames}. {@code putData} never throws: each packet is
 * delivered, dropped as an unknown operation, or takes the connection down with a reason;
 * a small message size, allowance and sequence cap keep every run's memory small.
 */
class FragmentsFuzzTest {

    @FuzzTest
    void input(byte[] input) {
        DistConnectionTest.Recorder rec = new DistConnectionTest.Recorder();
        DistConnection c = new DistConnection(new DistConnection.Params(DistConnectionTest.SELF, 9, DistConnectionTest.PEER,
                7, FragmentsAndAtomCacheTest.BOTH, true), new DistConnectionTest.FakeCarrier(), rec,
                DecodeLimits.DEFAULT.withMaxUncompressedSize(1 << 20), 1 << 20, new DistConnection.InputLimits(64 << 10, 64));
        for (byte[] packet : FuzzFrames.split(input)) {
            if (c.isDown()) {
                break;
            }
            c.putData(ByteBuffer.wrap(packet));
        }
        assertTrue(!c.isDown() || !rec.downs.isEmpty());
    }
}
