/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.carrier.DistFlags;
import dev.jarl.carriers.AddressResolver;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.term.NodeName;
import dev.jarl.testing.Await;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.Pace;
import dev.jarl.testing.RealEpmd;

/**
 * Review findings 1 and 4: what an unauthenticated peer can hold is bounded. Incoming
 * connections that have not proved the cookie are at most {@link NodeConfig#maxPendingHandshakes()}
 * at once (to admit a new one, the oldest that has not sent its name is closed, else the
 * oldest) and each lasts at most
 * {@link NodeConfig#pendingHandshakeTime()}; a failed handshake leaves no row in the
 * connection table; and a real {@code erl} still connects while the bound is flooded.
 */
@Timeout(120)
class PendingHandshakesTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    /** A TCP node on a port of its own, without EPMD. */
    private static Node tcpNode(String alive, int port, int maxPending, Duration pendingTime) throws IOException {
        AddressResolver peers = AddressResolver.fixed(new InetSocketAddress(LOOPBACK, port));
        return Node.start(NodeConfig.builder(Otp.uniqueName(alive) + "@localhost").cookie("pending")
                .carrier(Carriers.tcp(TcpOptions.of(peers).withBindAddress(LOOPBACK).withPort(port)))
                .useEpmd(false).setupTime(Duration.ofSeconds(30)).pendingHandshakes(maxPending, pendingTime).build());
    }

    /** A second node whose every connection goes to {@code port}. */
    private static Node dialer(int port) throws IOException {
        AddressResolver to = AddressResolver.fixed(new InetSocketAddress(LOOPBACK, port));
        return Node.start(NodeConfig.builder(Otp.uniqueName("dialer") + "@localhost").cookie("pending")
                .carrier(Carriers.tcp(TcpOptions.of(to).withBindAddress(LOOPBACK).withPort(0))).useEpmd(false).build());
    }

    private static Socket idle(int port) throws IOException {
        Socket s = new Socket(LOOPBACK, port);
        s.setSoTimeout(50);
        return s;
    }

    /** True once the node closed {@code s} (end of stream or reset); false while it stays open. */
    private static boolean closedByNode(Socket s) throws IOException {
        try {
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static boolean awaitClosedByNode(Socket s, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (closedByNode(s)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theOldestUnauthenticatedConnectionMakesRoomForANewOne() throws Exception {
        int port = Otp.freePort();
        List<Socket> sockets = new ArrayList<>();
        try (Node a = tcpNode("bound", port, 4, Duration.ofSeconds(30))) {
            for (int i = 0; i < 10; i++) {
                sockets.add(idle(port));
                int held = Math.min(i + 1, 4);
                // accepted in this order: each is counted (or has closed the oldest) before the next
                Await.until(Duration.ofSeconds(5), () -> a.table().pending().count() == held, () -> "pending "
                        + a.table().pending().count());
                if (i >= 4) {
                    assertTrue(awaitClosedByNode(sockets.get(i - 4), Duration.ofSeconds(5)), "socket " + (i - 4) + " still open");
                }
            }
            for (int i = 0; i < 6; i++) {
                assertTrue(awaitClosedByNode(sockets.get(i), Duration.ofSeconds(5)), "socket " + i + " still open");
            }
            for (int i = 6; i < 10; i++) {
                assertTrue(!closedByNode(sockets.get(i)), "socket " + i + " closed though within the bound");
            }
            assertEquals(4, a.table().pending().count());
            try (Node b = dialer(port)) {
                assertTrue(b.ping(a.name(), Duration.ofSeconds(10)), "a full bound kept a real peer out");
            }
            assertTrue(awaitClosedByNode(sockets.get(6), Duration.ofSeconds(5)), "the oldest was not closed for the peer");
        } finally {
            Closeables.closeAll(sockets.toArray(AutoCloseable[]::new));
        }
    }

    /** Opens a connection that sends its name and reads the status, then goes no further. */
    private static Socket introduced(int port, String name) throws IOException {
        Socket s = new Socket(LOOPBACK, port);
        s.setSoTimeout(10_000);
        s.getOutputStream().write(frame(sendName(name)));
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] status = in.readNBytes(in.readUnsignedShort());
        assertEquals("sok", new String(status, StandardCharsets.ISO_8859_1), "status for " + name);
        s.setSoTimeout(50);
        return s;
    }

    @Test
    void silentConnectionsMakeRoomBeforeOnesWhoseHandshakeIsUnderWay() throws Exception {
        int port = Otp.freePort();
        List<Socket> silent = new ArrayList<>();
        List<Socket> named = new ArrayList<>();
        try (Node a = tcpNode("tiers", port, 4, Duration.ofSeconds(30))) {
            named.add(introduced(port, "slow0@localhost"));
            for (int i = 0; i < 10; i++) {
                silent.add(idle(port));
                int held = Math.min(i + 2, 4);
                Await.until(Duration.ofSeconds(5), () -> a.table().pending().count() == held, () -> "pending "
                        + a.table().pending().count());
            }
            for (int i = 0; i < 7; i++) {
                assertTrue(awaitClosedByNode(silent.get(i), Duration.ofSeconds(5)), "silent socket " + i + " still open");
            }
            assertTrue(!closedByNode(named.get(0)), "a flood of silent connections closed one that had sent its name");
            // each newcomer is silent when admitted, so it closes a silent one, then sends its name
            for (int i = 1; i < 4; i++) {
                named.add(introduced(port, "slow" + i + "@localhost"));
                assertTrue(awaitClosedByNode(silent.get(6 + i), Duration.ofSeconds(5)), "silent socket " + (6 + i));
            }
            for (Socket s : named) {
                assertTrue(!closedByNode(s), "closed one that had sent its name while a silent one was held");
            }
            // all held have sent their names: the oldest of them makes room
            silent.add(idle(port));
            assertTrue(awaitClosedByNode(named.get(0), Duration.ofSeconds(5)), "the oldest was not closed");
            for (int i = 1; i < 4; i++) {
                assertTrue(!closedByNode(named.get(i)), "named socket " + i + " closed though not the oldest");
            }
            assertEquals(4, a.table().pending().count());
        } finally {
            Closeables.closeAll(silent.toArray(AutoCloseable[]::new));
            Closeables.closeAll(named.toArray(AutoCloseable[]::new));
        }
    }

    @Test
    void anUnauthenticatedConnectionLastsAtMostThePendingTime() throws Exception {
        int port = Otp.freePort();
        try (Node a = tcpNode("timed", port, 100, Duration.ofMillis(600));
             Socket silent = idle(port);
             Socket dripping = idle(port)) {
            long start = System.nanoTime();
            // a send_name one byte at a time: each step within the 30 s setup time, never done
            byte[] frame = frame(sendName("drip@localhost"));
            AtomicBoolean closed = new AtomicBoolean();
            Thread drip = Thread.ofVirtual().start(() -> {
                try {
                    Pace.drip(dripping.getOutputStream(), frame, Duration.ofMillis(100));
                } catch (IOException | InterruptedException e) {
                    closed.set(true);
                }
            });
            assertTrue(awaitClosedByNode(silent, Duration.ofSeconds(5)));
            assertTrue(awaitClosedByNode(dripping, Duration.ofSeconds(5)));
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertTrue(ms < 3000, "closed after " + ms + " ms (pending time 600 ms, setup time 30 s)");
            drip.join();
            assertEquals(0, a.table().pending().count());
        }
    }

    @Test
    void failedHandshakesLeaveNoRows() throws Exception {
        int port = Otp.freePort();
        try (Node a = tcpNode("rows", port, 128, Duration.ofSeconds(7))) {
            int before = a.table().rows();
            int attempts = Otp.fullSuite() ? 10_000 : 1_000;
            AtomicInteger statuses = new AtomicInteger();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            List<Thread> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int first = w;
                workers.add(Thread.ofVirtual().start(() -> {
                    for (int i = first; i < attempts; i += 8) {
                        try (Socket s = new Socket(LOOPBACK, port)) {
                            s.setSoTimeout(10_000);
                            DataOutputStream out = new DataOutputStream(s.getOutputStream());
                            out.write(frame(sendName("n" + i + "@localhost")));
                            out.flush();
                            DataInputStream in = new DataInputStream(s.getInputStream());
                            byte[] status = in.readNBytes(in.readUnsignedShort());
                            if (new String(status, StandardCharsets.ISO_8859_1).equals("sok")) {
                                statuses.incrementAndGet();
                            }
                        } catch (IOException e) {
                            failures.add(e);
                        }
                    }
                }));
            }
            for (Thread t : workers) {
                t.join();
            }
            assertEquals(List.of(), failures);
            assertEquals(attempts, statuses.get(), "every attempt got as far as its status");
            Await.within(Duration.ofSeconds(20), () -> a.table().rows() == before && a.table().pending().count() == 0);
            assertEquals(before, a.table().rows(), "rows left by failed handshakes");
            assertEquals(0, a.table().pending().count());
            try (Node b = dialer(port)) {
                assertTrue(b.ping(a.name(), Duration.ofSeconds(10)));
                assertEquals(before + 1, a.table().rows());
            }
        }
    }

    @Test
    void aRealErlangNodeConnectsWhileTheBoundIsFlooded() throws Exception {
        Otp.requireErl();
        try (RealEpmd epmd = RealEpmd.start()) {
            NodeName name = NodeName.parse(Otp.uniqueName("flooded") + "@" + Otp.shortHost());
            int port = Otp.freePort();
            try (Node jarl = Node.start(NodeConfig.builder(name).cookie("pending").epmdPort(epmd.port())
                    .carrier(Carriers.tcp(TcpOptions.of(AddressResolver.epmd(epmd.port())).withBindAddress(LOOPBACK).withPort(port)))
                    .pendingHandshakes(8, Duration.ofSeconds(30)).build());
                 ErlNode erl = ErlNode.start(Otp.uniqueName("legit"), "pending", epmd.port())) {
                AtomicBoolean stop = new AtomicBoolean();
                AtomicInteger opened = new AtomicInteger();
                List<Socket> flood = new CopyOnWriteArrayList<>();
                Thread flooder = Thread.ofVirtual().start(() -> {
                    try {
                        Pace.every(Duration.ofMillis(2), stop::get, () -> {
                            flood.add(new Socket(LOOPBACK, port));
                            opened.incrementAndGet();
                        });
                    } catch (Exception e) {
                        return;
                    }
                });
                try {
                    Await.until(Duration.ofSeconds(30), () -> opened.get() >= 50, () -> "opened " + opened.get());
                    for (int i = 0; i < 5; i++) {
                        assertEquals("pong", erl.eval("net_adm:ping('" + name + "')"), "ping " + i);
                        assertEquals("true", erl.eval("erlang:disconnect_node('" + name + "')"));
                    }
                    // erl's own attempt left the bound when it authenticated; the flood fills it again
                    Await.until(Duration.ofSeconds(10), () -> jarl.table().pending().count() == 8,
                            () -> "the bound was not full during the pings: " + jarl.table().pending().count());
                } finally {
                    stop.set(true);
                    flooder.join();
                    Closeables.closeAll(flood.toArray(AutoCloseable[]::new));
                }
                System.out.println("flood: " + opened.get() + " idle connections opened while erl pinged 5 times");
                assertTrue(opened.get() > 58, "the flood did not outrun the bound: " + opened.get());
            }
        }
    }

    static byte[] sendName(String name) {
        byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocate(15 + n.length).put((byte) 'N').putLong(DistFlags.DEFAULT_OFFERED).putInt(7)
                .putShort((short) n.length).put(n).array();
    }

    static byte[] frame(byte[] message) {
        return ByteBuffer.allocate(2 + message.length).putShort((short) message.length).put(message).array();
    }
}
