/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import dev.jarl.carrier.CarrierFixture;
import dev.jarl.carrier.QueueChannel;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.handshake.Handshake;
import dev.jarl.handshake.HandshakeConfig;
import dev.jarl.handshake.TestCookies;

/**
 * One end of {@link UdpNetnsTest}, run as its own JVM inside a network namespace:
 * {@code listen ADDRESS PORT} accepts one connection and checks what arrives;
 * {@code dial ADDRESS PORT} connects and sends. Each prints one line per step on stdout.
 */
final class NetnsPeer {

    static final int MESSAGES = 20_000;
    static final int BIG = 2 << 20;

    private NetnsPeer() {
    }

    public static void main(String[] args) throws Exception {
        InetAddress address = InetAddress.getByName(args[1]);
        int port = Integer.parseInt(args[2]);
        UdpOptions options = UdpOptions.of(AddressResolver.fixed(new InetSocketAddress(address, port)))
                .withRto(Duration.ofMillis(20), Duration.ofMillis(200))
                .withKeepalive(Duration.ofMillis(500), Duration.ofSeconds(10));
        QueueChannel channel = new QueueChannel();
        if (args[0].equals("listen")) {
            UdpCarrier carrier = new UdpCarrier(options.withBindAddress(address).withPort(port));
            try (UdpListener listener = (UdpListener) carrier.listen(UdpPair.B)) {
                System.out.println("LISTENING " + listener.address());
                UdpConnection c = (UdpConnection) listener.accept();
                Handshake.accept(c, HandshakeConfig.of(UdpPair.B, TestCookies.of("netns"), 2), CarrierFixture.ARBITER);
                c.handshakeComplete(channel);
                byte[] big = expectedBig();
                for (int i = 0; i < MESSAGES; i++) {
                    ByteBuffer m = channel.received.poll(30, TimeUnit.SECONDS);
                    if (!ByteBuffer.wrap(UdpFaultInjectionTest.message(i)).equals(m)) {
                        System.out.println("FAIL message " + i + ": " + m);
                        return;
                    }
                    if (i == MESSAGES / 2 && !ByteBuffer.wrap(big).equals(channel.received.poll(30, TimeUnit.SECONDS))) {
                        System.out.println("FAIL big packet");
                        return;
                    }
                }
                channel.send(new byte[] {'o', 'k'});
                System.out.printf("RECEIVED %d messages and %d bytes in order; %s%n", MESSAGES, BIG,
                        UdpProbe.counters(c));
                System.out.println(channel.awaitClosed(10_000) ? "CLOSED " + channel.closedReasons : "NOT CLOSED");
            }
        } else {
            UdpCarrier carrier = new UdpCarrier(options);
            UdpConnection c = (UdpConnection) carrier.connect(UdpPair.B, Duration.ofSeconds(10));
            Handshake.initiate(c, HandshakeConfig.of(UdpPair.A, TestCookies.of("netns"), 1), UdpPair.B, CarrierFixture.ARBITER);
            c.handshakeComplete(channel);
            long start = System.nanoTime();
            for (int i = 0; i < MESSAGES; i++) {
                channel.send(UdpFaultInjectionTest.message(i));
                if (i == MESSAGES / 2) {
                    channel.send(expectedBig());
                }
            }
            byte[] answer = channel.next(40_000);
            System.out.printf("SENT answer %s after %d ms: %s%n",
                    new String(answer, java.nio.charset.StandardCharsets.US_ASCII), (System.nanoTime() - start) / 1_000_000,
                    UdpProbe.counters(c));
            c.close();
            channel.awaitClosed(2000);
        }
    }

    static byte[] expectedBig() {
        byte[] big = new byte[BIG];
        new Random(5).nextBytes(big);
        return big;
    }
}
