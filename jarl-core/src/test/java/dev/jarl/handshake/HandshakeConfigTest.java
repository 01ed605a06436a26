/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.jarl.carrier.DistFlags;
import dev.jarl.term.NodeName;

class HandshakeConfigTest {

    @Test
    void defaultsAreJarlsFlagsAndOtpsSetupTime() {
        HandshakeConfig c = HandshakeConfig.of(NodeName.parse("a@h"), TestCookies.of("c"), 7);
        assertEquals(DistFlags.DEFAULT_OFFERED, c.offeredFlags());
        assertEquals(DistFlags.MANDATORY_25, c.requiredFlags());
        assertEquals(Duration.ofSeconds(7), c.setupTime());
        assertTrue(c.allowed().test(NodeName.parse("anyone@anywhere")));
        assertEquals(Duration.ofMillis(5), c.withSetupTime(Duration.ofMillis(5)).setupTime());
    }

    @Test
    void refusesWhatTheHandshakeCannotSend() {
        Secret cookie = TestCookies.of("c");
        assertThrows(IllegalArgumentException.class, () -> HandshakeConfig.of(NodeName.parse("a@h"), cookie, 1)
                .withSetupTime(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> HandshakeConfig.of(NodeName.parse("\u5c0f@h"), cookie, 1));
        assertEquals("caf\u00e9@h", HandshakeConfig.of(NodeName.parse("caf\u00e9@h"), cookie, 1).self().toString());
    }
}
