/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jarl.carrier.QueueChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The UDP carrier's message cutter keeps memory to the bytes that came (review finding 2,
 * probes U2 and U4): before the handshake nothing beyond a handshake message's 65,535 bytes
 * is allocated from a length and at most {@link MessageReader#PRE_AUTH_BYTES} are taken;
 * after it a length beyond the receive allowance grows its buffer as bytes arrive.
 */
class MessageReaderTest {

    private static ByteBuffer header(int length) {
        return ByteBuffer.allocate(4).putInt(length).flip();
    }

    @Test
    void beforeTheHandshakeAHugeClaimAllocatesAtMostAHandshakeMessage() {
        MessageReader r = new MessageReader(512 << 20);
        List<ByteBuffer> out = new ArrayList<>();
        r.feed(header(0x1FFF_FFFF), out);
        r.feed(ByteBuffer.wrap(new byte[36]), out);
        assertEquals(List.of(), out);
        assertTrue(r.bufferCapacity() <= MessageReader.MAX_HANDSHAKE, "buffer: " + r.bufferCapacity());
        assertEquals(0x1FFF_FFFF, r.overLongBeforeHandshake());
    }

    @Test
    void beforeTheHandshakeAMegabyteIsAllThatIsTaken() {
        MessageReader r = new MessageReader(512 << 20);
        List<ByteBuffer> out = new ArrayList<>();
        r.feed(header(2 << 20), out);
        byte[] chunk = new byte[64 * 1024];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
            for (int i = 0; i < 100; i++) {
                r.feed(ByteBuffer.wrap(chunk), out);
            }
        });
        assertTrue(e.getMessage().startsWith("before the handshake completed: "), e.getMessage());
    }

    @Test
    void afterTheHandshakeAClaimBeyondTheAllowanceGrowsWithItsBytes() {
        MessageReader r = new MessageReader(512 << 20);
        r.authenticated(new QueueChannel());
        List<ByteBuffer> out = new ArrayList<>();
        r.feed(header(500 << 20), out);
        r.feed(ByteBuffer.wrap(new byte[1000]), out);
        assertEquals(MessageReader.GROW_FROM, r.bufferCapacity());
        assertEquals(0, r.overLongBeforeHandshake());
    }

    @Test
    void afterTheHandshakeMessagesWithinAndBeyondTheAllowanceArriveWhole() {
        MessageReader r = new MessageReader(512 << 20);
        r.authenticated(new QueueChannel());
        for (int size : new int[] {0, 10, 70_000, 4 << 20, 12 << 20}) {
            byte[] message = new byte[size];
            for (int i = 0; i < size; i++) {
                message[i] = (byte) (i * 13 + size);
            }
            List<ByteBuffer> out = new ArrayList<>();
            r.feed(header(size), out);
            if (size == 4 << 20) {
                assertEquals(size, r.bufferCapacity(), "within the allowance: allocated whole");
            }
            for (int at = 0; at < size; at += 1400) {
                r.feed(ByteBuffer.wrap(message, at, Math.min(1400, size - at)), out);
            }
            assertEquals(1, out.size());
            ByteBuffer got = out.get(0);
            byte[] bytes = new byte[got.remaining()];
            got.get(bytes);
            assertArrayEquals(message, bytes, "message of " + size + " bytes");
        }
    }
}
