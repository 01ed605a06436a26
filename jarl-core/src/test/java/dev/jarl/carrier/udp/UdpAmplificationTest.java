/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.UdpOptions;

/**
 * A raw socket plays an initiator with a spoofed address: it never echoes the token back
 * (or echoes a forged one), so it has not proven it owns its address, and the responder
 * must send it fewer bytes than it received and keep no connection.
 */
class UdpAmplificationTest {

    @Test
    void responderSendsLessThanItReceivesUntilTheAddressIsProven() throws Exception {
        UdpOptions options = UdpOptions.of(AddressResolver.fixed(null)).withBindAddress(UdpPair.LOOPBACK)
                .withDatagrams(UdpOptions.LOOPBACK_DATAGRAM_SIZE, 4 << 20);
        try (UdpListener listener = (UdpListener) new UdpCarrier(options).listen(UdpPair.B);
             DatagramSocket spoofer = new DatagramSocket(0, UdpPair.LOOPBACK)) {
            spoofer.setSoTimeout(20);
            InetSocketAddress target = new InetSocketAddress(UdpPair.LOOPBACK, listener.port().getAsInt());
            Random random = new Random(11);
            long sent = 0;
            long received = 0;
            int retries = 0;
            for (int i = 0; i < 50; i++) {
                byte[] token = switch (i % 3) {
                    case 0 -> new byte[0];
                    case 1 -> forged(random);
                    default -> Arrays.copyOf(forged(random), 1 + random.nextInt(100));
                };
                int size = i % 5 == 4 ? 1199 : Datagram.MIN_INITIAL + random.nextInt(200);
                ByteBuffer initial = ByteBuffer.allocate(2048);
                new Datagram.Initial(random.nextLong(), token, size).encode(initial);
                byte[] bytes = Arrays.copyOf(initial.array(), size);
                spoofer.send(new DatagramPacket(bytes, bytes.length, target));
                sent += bytes.length;
                // A handful of other datagrams a spoofer might try: data, ping, close for random ids.
                for (byte type = Datagram.RETRY; type <= Datagram.CLOSE_ACK; type++) {
                    byte[] other = new byte[64];
                    ByteBuffer.wrap(other).putShort((short) Datagram.MAGIC).put((byte) 1).put(type).putLong(random.nextLong());
                    spoofer.send(new DatagramPacket(other, other.length, target));
                    sent += other.length;
                }
                received += drain(spoofer);
                if (i % 3 == 0 && size >= Datagram.MIN_INITIAL) {
                    retries++;
                }
            }
            spoofer.setSoTimeout(500); // under load a last retry may still be on its way
            received += drain(spoofer);
            System.out.printf("spoofer sent %d bytes, responder answered %d bytes (%d retries)%n", sent, received, retries);
            assertTrue(received > 0, "the responder answers with retries");
            int retrySize = Datagram.HEADER + 2 + RetryTokens.LENGTH;
            assertEquals(0, received % retrySize, "only retries, " + retrySize + " bytes each: " + received);
            assertTrue(received <= (long) retries * retrySize,
                    "at most one retry per token-less INITIAL: " + received + " bytes for " + retries);
            assertTrue(received * 20 < sent, "received " + received + " of " + sent);
            assertEquals(0, listener.connections(), "no connection without a valid token");
        }
    }

    private static byte[] forged(Random random) {
        byte[] t = new byte[RetryTokens.LENGTH];
        random.nextBytes(t);
        ByteBuffer.wrap(t).putLong(System.currentTimeMillis());
        return t;
    }

    private static long drain(DatagramSocket socket) throws Exception {
        long n = 0;
        byte[] buffer = new byte[65_536];
        while (true) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return n;
            }
            n += p.getLength();
        }
    }
}
