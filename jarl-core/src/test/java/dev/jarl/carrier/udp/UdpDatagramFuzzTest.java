/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jarl.carrier.QueueChannel;
import dev.jarl.channel.FuzzFrames;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes what the UDP carrier reads from the network: datagrams (any source can send one),
 * and the message stream their payloads carry, cut before and after the handshake. For every
 * input's first byte picks: bit 0 set, a stream (the rest as chunks framed as in
 * {@link FuzzFrames}; bit 1 set, after the handshake); clear, one datagram. For every
 * input: a datagram or a {@link Datagram.MalformedDatagramException}; a decoded datagram
 * re-encodes to bytes that decode equal; the stream yields messages or an
 * {@link IllegalArgumentException} naming the limit.
 */
class UdpDatagramFuzzTest {

    @FuzzTest
    void datagrams(byte[] input) {
        if (input.length == 0) {
            return;
        }
        int mode = input[0];
        byte[] rest = java.util.Arrays.copyOfRange(input, 1, input.length);
        if ((mode & 1) != 0) {
            MessageReader r = new MessageReader(1 << 20);
            if ((mode & 2) != 0) {
                r.authenticated(new QueueChannel());
            }
            List<ByteBuffer> out = new ArrayList<>();
            try {
                for (byte[] chunk : FuzzFrames.split(rest)) {
                    r.feed(ByteBuffer.wrap(chunk), out);
                }
            } catch (IllegalArgumentException documented) {
                // a length over the limit, or too much before the handshake
            }
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(rest);
        Datagram d;
        try {
            d = Datagram.decode(in);
        } catch (Datagram.MalformedDatagramException documented) {
            return;
        }
        ByteBuffer out = ByteBuffer.allocate(70_000);
        d.encode(out);
        Datagram again = Datagram.decode(out.flip());
        if (d instanceof Datagram.Close c && again instanceof Datagram.Close back) {
            // a reason that was not UTF-8 decodes with replacement characters, which may not all
            // fit again: what is sent is a whole-character prefix
            assertTrue(c.reason().startsWith(back.reason()), () -> back.reason() + " is no prefix of " + c.reason());
            assertEquals(c.destination(), back.destination());
            return;
        }
        assertEquals(describe(d), describe(again));
    }

    /** Records with arrays and buffers compare by identity: compare their text with contents. */
    private static String describe(Datagram d) {
        return switch (d) {
            case Datagram.Initial i -> "initial " + i.source() + " " + java.util.Arrays.toString(i.token());
            case Datagram.Retry r -> "retry " + r.destination() + " " + java.util.Arrays.toString(r.token());
            case Datagram.Data x -> "data " + x.destination() + " " + x.sequence() + " " + x.ack() + " " + x.window()
                    + " " + x.timestamp() + " " + x.payload().duplicate().remaining();
            default -> d.toString();
        };
    }
}
