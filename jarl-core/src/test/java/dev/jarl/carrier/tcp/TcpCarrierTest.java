/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.jarl.carrier.Carrier;
import dev.jarl.carrier.CarrierConnection;
import dev.jarl.carrier.CarrierStats;
import dev.jarl.carrier.Listener;
import dev.jarl.carrier.QueueChannel;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.term.NodeName;
import dev.jarl.testing.Await;
import dev.jarl.testing.Closeables;

/** The TCP carrier against a raw socket that speaks {@code inet_tcp_dist} framing by hand. */
class TcpCarrierTest {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    static final NodeName PEER = NodeName.parse("peer@localhost");

    ServerSocket server;
    Socket raw;
    CarrierConnection conn;

    @AfterEach
    void cleanUp() throws IOException {
        Closeables.closeAll(conn, raw, server);
    }

    /** Dials a raw test server through the carrier; {@link #raw} is the server's end. */
    TcpConnection dial(int maxPacketSize) throws IOException {
        server = new ServerSocket(0, 1, LOOPBACK);
        Carrier carrier = Carriers.tcp(TcpOptions.of(AddressResolver.fixed(
                new InetSocketAddress(LOOPBACK, server.getLocalPort()))).withMaxPacketSize(maxPacketSize));
        conn = carrier.connect(PEER, Duration.ofSeconds(5));
        raw = server.accept();
        raw.setSoTimeout(5000);
        return (TcpConnection) conn;
    }

    /** Completes the switch to 4-byte framing and hands the connection to a fresh channel. */
    QueueChannel up(CarrierConnection c) throws IOException {
        c.preNodeup();
        c.postNodeup();
        QueueChannel ch = new QueueChannel();
        c.handshakeComplete(ch);
        return ch;
    }

    @Test
    void listenerAcceptsOnItsPortAndFramesSwitchFromTwoToFourBytes() throws Exception {
        Carrier carrier = Carriers.tcp(TcpOptions.of(AddressResolver.fixed(null)).withBindAddress(LOOPBACK));
        try (Listener listener = carrier.listen(PEER)) {
            assertTrue(listener.creation().isEmpty());
            raw = new Socket(LOOPBACK, listener.port().orElseThrow());
            raw.setSoTimeout(5000);
            conn = listener.accept();
        }
        DataOutputStream out = new DataOutputStream(raw.getOutputStream());
        DataInputStream in = new DataInputStream(raw.getInputStream());

        out.write(new byte[] {0, 3, 'a', 'b', 'c'});
        assertArrayEquals("abc".getBytes(), conn.receiveHandshake(Duration.ofSeconds(5)));
        conn.sendHandshake("xyz!".getBytes());
        assertEquals(4, in.readUnsignedShort());
        assertArrayEquals("xyz!".getBytes(), in.readNBytes(4));

        QueueChannel ch = up(conn);
        out.write(new byte[] {0, 0, 0, 2, 'h', 'i'});
        assertArrayEquals("hi".getBytes(), ch.next(5000));
        ch.send("hello".getBytes());
        assertEquals(5, in.readInt());
        assertArrayEquals("hello".getBytes(), in.readNBytes(5));
        assertThrows(IllegalStateException.class, () -> conn.sendHandshake(new byte[1]));
    }

    @Test
    void queuedPacketsGoOutInOrderWithFewWrites() throws Exception {
        TcpConnection c = dial(TcpOptions.DEFAULT_MAX_PACKET_SIZE);
        c.preNodeup();
        QueueChannel ch = new QueueChannel();
        int count = 20_000;
        Random random = new Random(42);
        byte[][] sent = new byte[count][];
        for (int i = 0; i < count; i++) {
            byte[] p = new byte[i == 7 ? 600_000 : random.nextInt(200)];
            random.nextBytes(p);
            if (p.length >= 4) {
                ByteBuffer.wrap(p).putInt(0, i);
            }
            sent[i] = p;
            ch.send(p);
        }
        long before = c.writeCalls.get();
        c.handshakeComplete(ch);
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw.getInputStream()));
        for (int i = 0; i < count; i++) {
            int length = in.readInt();
            assertEquals(sent[i].length, length, "length of packet " + i);
            assertArrayEquals(sent[i], in.readNBytes(length), "packet " + i);
        }
        long writes = c.writeCalls.get() - before;
        assertTrue(writes <= count / 50, writes + " writes for " + count + " queued packets");
        Await.until(Duration.ofSeconds(10), () -> c.stats().packetsSent() == count,
                () -> "every packet counted as sent");
        assertEquals(0, c.stats().pendingBytes());
    }

    @Test
    void ticksDuringAStreamNeverLandInsideAPacket() throws Exception {
        TcpConnection c = dial(TcpOptions.DEFAULT_MAX_PACKET_SIZE);
        QueueChannel ch = up(c);
        int count = 20_000;
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Thread ticker = Thread.ofVirtual().start(() -> {
            while (!done.get()) {
                c.tick();
                Thread.onSpinWait();
            }
        });
        Thread sender = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < count; i++) {
                ch.send(ByteBuffer.allocate(4 + i % 300).putInt(0, i).array());
            }
        });
        DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(raw.getInputStream()));
        int ticks = 0;
        for (int i = 0; i < count; ) {
            int length = in.readInt();
            if (length == 0) {
                ticks++;
                continue;
            }
            assertEquals(4 + i % 300, length, "packet " + i);
            byte[] body = in.readNBytes(length);
            assertEquals(i, ByteBuffer.wrap(body).getInt(), "packet " + i);
            i++;
        }
        done.set(true);
        ticker.join();
        sender.join();
        int seenTicks = ticks;
        Await.until(Duration.ofSeconds(10), () -> c.stats().packetsSent() >= count + seenTicks,
                () -> "every packet and tick counted as sent");
    }

    @Test
    void largePacketsBothWays() throws Exception {
        TcpConnection c = dial(TcpOptions.DEFAULT_MAX_PACKET_SIZE);
        QueueChannel ch = up(c);
        byte[] big = new byte[3_000_001];
        new Random(7).nextBytes(big);
        ch.send(big);
        DataInputStream in = new DataInputStream(raw.getInputStream());
        assertEquals(big.length, in.readInt());
        assertArrayEquals(big, in.readNBytes(big.length));
        DataOutputStream out = new DataOutputStream(raw.getOutputStream());
        out.writeInt(big.length);
        out.write(big);
        out.writeInt(1);
        out.write(9);
        assertArrayEquals(big, ch.next(5000));
        assertArrayEquals(new byte[] {9}, ch.next(5000));
        assertEquals(2, c.stats().packetsReceived());
    }

    @Test
    void oversizedDeclaredLengthClosesAtOnceWithoutWaitingForTheBody() throws Exception {
        TcpConnection c = dial(1024);
        QueueChannel ch = up(c);
        DataOutputStream out = new DataOutputStream(raw.getOutputStream());
        out.writeInt(1024);
        out.write(new byte[1024]);
        assertEquals(1024, ch.next(5000).length);
        out.writeInt(1025);
        out.flush();
        assertTrue(ch.awaitClosed(5000), "closed not reported");
        assertTrue(ch.closedReasons.get(0).contains("1025"), ch.closedReasons.toString());
        assertEquals(-1, raw.getInputStream().read(), "socket not closed");
        assertEquals(1, ch.closedReasons.size());
    }

    @Test
    void hugeUnsignedLengthIsRefusedToo() throws Exception {
        TcpConnection c = dial(TcpOptions.DEFAULT_MAX_PACKET_SIZE);
        QueueChannel ch = up(c);
        raw.getOutputStream().write(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xF0});
        assertTrue(ch.awaitClosed(5000), "closed not reported");
        assertTrue(ch.closedReasons.get(0).contains("4294967280"), ch.closedReasons.toString());
    }

    @Test
    void tickWritesAnEmptyPacketAndIncomingTicksCount() throws Exception {
        TcpConnection c = dial(TcpOptions.DEFAULT_MAX_PACKET_SIZE);
        QueueChannel ch = up(c);
        c.tick();
        DataInputStream in = new DataInputStream(raw.getInputStream());
        assertEquals(0, in.readInt());
        Await.until(Duration.ofSeconds(10), () -> c.stats().packetsSent() == 1, () -> "one packet counted as sent");
        ch.send(new byte[] {1, 2});
        assertEquals(2, in.readInt());
        assertArrayEquals(new byte[] {1, 2}, in.readNBytes(2));
        raw.getOutputStream().write(new byte[] {0, 0, 0, 0});
        assertEquals(0, ch.next(5000).length);
        // the writer counts a packet after its bytes are out, so the peer can read them first
        Await.until(Duration.ofSeconds(10), () -> c.stats().packetsSent() == 2, () -> "two packets counted as sent");
        CarrierStats stats = c.stats();
        assertEquals(1, stats.packetsReceived());
        assertEquals(2, stats.packetsSent());
    }

    @Test
    void peerCloseIsReportedOnceAndLocalCloseAfterwardsIsSilent() throws Exception {
        TcpConnection c = dial(TcpOptions.DEFAULT_MAX_PACKET_SIZE);
        QueueChannel ch = up(c);
        raw.close();
        assertTrue(ch.awaitClosed(5000), "closed not reported");
        c.close();
        c.tick();
        QueueChannel.watchForLateReports();
        assertEquals(1, ch.closedReasons.size(), ch.closedReasons.toString());
        assertTrue(ch.closedReasons.get(0).contains("closed by peer"), ch.closedReasons.toString());
    }

    @Test
    void truncatedPacketIsReported() throws Exception {
        TcpConnection c = dial(TcpOptions.DEFAULT_MAX_PACKET_SIZE);
        QueueChannel ch = up(c);
        raw.getOutputStream().write(new byte[] {0, 0, 0, 10, 1, 2, 3, 4, 5});
        raw.shutdownOutput();
        assertTrue(ch.awaitClosed(5000), "closed not reported");
        assertTrue(ch.closedReasons.get(0).contains("5 of 10"), ch.closedReasons.toString());
        assertTrue(ch.received.isEmpty());
    }

    @Test
    void localCloseAndChannelShutAreReportedOnce() throws Exception {
        TcpConnection c = dial(TcpOptions.DEFAULT_MAX_PACKET_SIZE);
        QueueChannel ch = up(c);
        c.close();
        assertTrue(ch.awaitClosed(5000));
        assertEquals(-1, raw.getInputStream().read());

        cleanUp();
        TcpConnection d = dial(TcpOptions.DEFAULT_MAX_PACKET_SIZE);
        QueueChannel ch2 = up(d);
        ch2.shut();
        assertTrue(ch2.awaitClosed(5000));
        assertEquals(-1, raw.getInputStream().read());
        d.close();
        QueueChannel.watchForLateReports();
        assertEquals(1, ch.closedReasons.size());
        assertEquals(1, ch2.closedReasons.size());
    }

    @Test
    void handshakeReceiveTimesOutAndReportsEndOfStream() throws Exception {
        TcpConnection c = dial(TcpOptions.DEFAULT_MAX_PACKET_SIZE);
        long start = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> c.receiveHandshake(Duration.ofMillis(200)));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis >= 150 && tookMillis < 3000, tookMillis + " ms");
        raw.getOutputStream().write(new byte[] {0, 9, 1});
        raw.shutdownOutput();
        assertThrows(EOFException.class, () -> c.receiveHandshake(Duration.ofSeconds(5)));
    }

    @Test
    void connectFailureNamesPeerAndAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            port = s.getLocalPort();
        }
        Carrier carrier = Carriers.tcp(TcpOptions.of(AddressResolver.fixed(new InetSocketAddress(LOOPBACK, port))));
        IOException e = assertThrows(IOException.class, () -> carrier.connect(PEER, Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("peer@localhost") && e.getMessage().contains(Integer.toString(port)), e.getMessage());
    }

    @Test
    void lookupFailuresNamePeer() {
        Carrier failing = Carriers.tcp(TcpOptions.of((node, timeout) -> {
            throw new IOException("epmd at 127.0.0.1:1: connection refused");
        }));
        IOException e = assertThrows(IOException.class, () -> failing.connect(PEER, Duration.ofSeconds(1)));
        assertTrue(e.getMessage().contains("peer@localhost") && e.getMessage().contains("connection refused"), e.getMessage());
        Carrier empty = Carriers.tcp(TcpOptions.of(AddressResolver.fixed(null)));
        IOException none = assertThrows(IOException.class, () -> empty.connect(PEER, Duration.ofSeconds(1)));
        assertTrue(none.getMessage().contains("peer@localhost"), none.getMessage());
    }
}
