/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.epmd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jarl.testing.Await;
import dev.jarl.testing.Otp;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * 200 concurrent clients against the embedded server: all register at once, each looks up
 * another and lists everyone, then all disconnect; then the same clients churn through
 * register, look up, disconnect several times. The bound (60 s) only catches hangs; the
 * figures are printed.
 */
class EpmdLoadTest {

    private static final int CLIENTS = 200;
    private static final int CHURN_ROUNDS = 5;

    @Test
    void twoHundredClientsLeaveNoLostOrStaleRegistration() throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        EpmdServer server = EpmdServer.startIfAbsent(loopback, Otp.freePort()).orElseThrow();
        try {
            EpmdClient client = new EpmdClient(loopback, server.port(), Duration.ofSeconds(20));
            String prefix = Otp.uniqueName("load");
            CyclicBarrier allRegistered = new CyclicBarrier(CLIENTS);
            CyclicBarrier allLookedUp = new CyclicBarrier(CLIENTS);
            CyclicBarrier allClosed = new CyclicBarrier(CLIENTS);
            Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
            Queue<Integer> creations = new ConcurrentLinkedQueue<>();
            CountDownLatch done = new CountDownLatch(CLIENTS);
            long t0 = System.nanoTime();
            for (int i = 0; i < CLIENTS; i++) {
                int me = i;
                Thread.ofVirtual().name("load-" + i).start(() -> {
                    try {
                        String name = prefix + "_" + me;
                        String other = prefix + "_" + (me + 1) % CLIENTS;
                        try (EpmdRegistration r = client.register(name, 10_000 + me, false)) {
                            creations.add(r.creation());
                            allRegistered.await(30, TimeUnit.SECONDS);
                            Optional<NodeAddress> peer = client.portPlease(other);
                            check(peer.isPresent() && peer.get().port() == 10_000 + (me + 1) % CLIENTS, "lookup of " + other + ": " + peer);
                            List<NameEntry> names = client.names();
                            check(names.size() == CLIENTS, "names lists " + names.size());
                            check(r.isOpen(), "registration still open");
                            allLookedUp.await(30, TimeUnit.SECONDS);
                        }
                        check(client.portPlease(name).isEmpty(), name + " still registered after close");
                        allClosed.await(30, TimeUnit.SECONDS);
                        for (int round = 0; round < CHURN_ROUNDS; round++) {
                            try (EpmdRegistration r = client.register(name, 20_000 + me, false)) {
                                Optional<NodeAddress> self = client.portPlease(name);
                                check(self.isPresent() && self.get().port() == 20_000 + me, "self lookup: " + self);
                                check(r.isOpen(), "churn registration open");
                            }
                        }
                    } catch (Throwable t) {
                        failures.add(t);
                    } finally {
                        done.countDown();
                    }
                });
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "clients still running after 60 s: " + done.getCount());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (!failures.isEmpty()) {
                AssertionError e = new AssertionError(failures.size() + " clients failed; first: " + failures.peek());
                failures.stream().limit(5).forEach(e::addSuppressed);
                throw e;
            }
            assertEquals(List.of(), server.registeredNames(), "stale registrations");
            assertEquals(List.of(), client.names());
            assertEquals(CLIENTS, creations.size());
            Set<String> remembered = new HashSet<>(server.rememberedNames());
            List<String> missing = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                if (!remembered.contains(prefix + "_" + i)) {
                    missing.add(prefix + "_" + i);
                }
            }
            assertEquals(List.of(), missing, "names the server never saw unregistered");
            Await.within(Duration.ofSeconds(5), () -> server.openConnections() == 0);
            assertEquals(0, server.openConnections(), "connections left open");
            int registrations = CLIENTS * (1 + CHURN_ROUNDS);
            int requests = registrations + CLIENTS * (2 + 1 + CHURN_ROUNDS);
            System.out.printf("EPMD load: %d clients, %d registrations, %d requests in %d ms (%.0f requests/s)%n",
                    CLIENTS, registrations, requests, ms, requests * 1000.0 / Math.max(1, ms));
        } finally {
            server.close();
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
