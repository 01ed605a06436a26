/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jarl.carrier.DistFlags;
import dev.jarl.term.DecodeLimits;
import java.nio.ByteBuffer;
import dev.jarl.testing.NotReleaseSpecific;

/**
 * Fuzzes distribution packets: the distribution header with its atom cache, carried across
 * the packets of one input through one {@link AtomCacheIn}, then the control message and
 * payload. An input is packets, each a 2-byte big-endian length and that many bytes (see
 * {@link FuzzFrames}). For every packet: a control message or a
 * {@link DistProtocolException}; a decoded message re-encodes (without header) to bytes that
 * decode to an equal message.
 */
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class DistHeaderFuzzTest {

    private static final DecodeLimits LIMITS = DecodeLimits.DEFAULT.withMaxUncompressedSize(1 << 20);

    @FuzzTest
    void packets(byte[] input) throws DistProtocolException {
        AtomCacheIn cache = new AtomCacheIn();
        for (byte[] packet : FuzzFrames.split(input)) {
            Signal m;
            try {
                m = DistPacket.decode(ByteBuffer.wrap(packet), LIMITS, cache);
            } catch (DistProtocolException documented) {
                continue;
            }
            Signal again = DistPacket.decode(Wire.packet(m, DistFlags.DEFAULT_OFFERED, false), LIMITS);
            assertEquals(m, again);
        }
    }
}
