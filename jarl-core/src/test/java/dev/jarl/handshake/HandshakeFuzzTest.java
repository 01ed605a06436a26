/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

import dev.jarl.carrier.HandshakeException;

/**
 * Fuzzes the handshake's message decoders, which read a peer's bytes before it is
 * authenticated. The first byte picks the decoder (modulo 7: send_name, old send_name,
 * status, challenge, complement, challenge reply, challenge ack), the rest is the message.
 * For every input: a message or a {@link HandshakeException}; a decoded message re-encodes
 * to bytes that decode to the same message.
 */
class HandshakeFuzzTest {

    @FuzzTest
    void decode(byte[] input) throws HandshakeException {
        if (input.length == 0) {
            return;
        }
        int which = (input[0] & 0xFF) % 7;
        byte[] m = Arrays.copyOfRange(input, 1, input.length);
        HandshakeMessage message;
        try {
            message = decode(which, m);
        } catch (HandshakeException documented) {
            return;
        }
        byte[] again = message.encode();
        assertArrayEquals(again, decode(which, again).encode(), message::toString);
    }

    private static HandshakeMessage decode(int which, byte[] m) throws HandshakeException {
        return switch (which) {
            case 0 -> HandshakeMessage.SendName.decode(m);
            case 1 -> HandshakeMessage.OldSendName.decode(m);
            case 2 -> HandshakeMessage.SendStatus.decode(m, "recv_status");
            case 3 -> HandshakeMessage.SendChallenge.decode(m);
            case 4 -> HandshakeMessage.SendComplement.decode(m);
            case 5 -> HandshakeMessage.ChallengeReply.decode(m);
            default -> HandshakeMessage.ChallengeAck.decode(m);
        };
    }
}
