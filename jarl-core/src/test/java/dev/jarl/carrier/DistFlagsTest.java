/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;

class DistFlagsTest {

    @Test
    void mandatorySetsHaveTheValuesOfDistHrl() {
        assertEquals(0x1070F94L, DistFlags.MANDATORY_25);
        assertEquals(0x403070F94L, DistFlags.MANDATORY_26);
        assertEquals(0x4000000L, DistFlags.MANDATORY_25_DIGEST);
        assertEquals(0xD075F0FBCL | DistFlags.FRAGMENTS | DistFlags.DIST_HDR_ATOM_CACHE, DistFlags.DEFAULT_OFFERED);
        assertEquals(DistFlags.MANDATORY_25, DistFlags.DEFAULT_REQUIRED);
    }

    @Test
    void namesListEveryBitLowestFirstAndUnknownInHex() {
        assertEquals(List.of("PUBLISHED", "HANDSHAKE_23", "V4_NC"),
                DistFlags.names(DistFlags.PUBLISHED | DistFlags.HANDSHAKE_23 | DistFlags.V4_NC));
        assertEquals(List.of("UNKNOWN<8000>", "UNKNOWN<4000000000000000>"), DistFlags.names(0x8000L | 1L << 62));
        assertEquals(List.of(), DistFlags.names(0));
        assertEquals(11, DistFlags.names(DistFlags.MANDATORY_25).size());
    }

    @Test
    void digestExpandsToTheElevenFlags() {
        long jinterface113 = 0x5070F94L;
        assertEquals(jinterface113, DistFlags.expandDigest(jinterface113));
        long digestOnly = DistFlags.MANDATORY_25_DIGEST | DistFlags.UNLINK_ID;
        assertEquals(digestOnly | DistFlags.MANDATORY_25, DistFlags.expandDigest(digestOnly));
        assertEquals(DistFlags.UNLINK_ID, DistFlags.expandDigest(DistFlags.UNLINK_ID));
    }
}
