/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Otp;

/**
 * Jarl to Jarl over TCP: senders that mix pauses (so they write directly on their own
 * thread) with bursts (so the output thread batches) and fragmented messages, all at once;
 * every sender's messages must arrive complete and in order.
 */
@Timeout(120)
class OutputOrderTest {

    private static Node start(String prefix, int epmdPort) throws Exception {
        return Node.start(NodeConfig.builder(Otp.uniqueName(prefix) + "@" + Otp.shortHost()).cookie("order")
                .epmdPort(epmdPort).carrier(Otp.loopbackTcp(epmdPort)).build());
    }

    @Test
    void directAndQueuedWritesKeepEachSendersOrder() throws Exception {
        int port = Otp.freePort();
        int senders = 4;
        int each = 20_000;
        try (Node a = start("order_a", port); Node b = start("order_b", port);
             Mailbox sink = b.createMailbox("ordered")) {
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int id = s;
                threads.add(Thread.ofPlatform().start(() -> {
                    try (Mailbox box = a.createMailbox()) {
                        ThreadLocalRandom r = ThreadLocalRandom.current();
                        for (int i = 0; i < each; i++) {
                            Term extra = id == 0 && i % 2000 == 0 ? Binary.of(new byte[150_000]) : Atom.OK;
                            box.send("ordered", b.name(), Tuple.of(Int.of(id), Int.of(i), extra));
                            if (r.nextInt(8) == 0) {
                                LockSupport.parkNanos(r.nextInt(80_000));
                            }
                        }
                    }
                }));
            }
            int[] next = new int[senders];
            for (int n = 0; n < senders * each; n++) {
                Optional<Term> m = sink.receive(Duration.ofSeconds(30));
                assertTrue(m.isPresent(), "message " + n + " missing; next expected per sender "
                        + java.util.Arrays.toString(next));
                Tuple t = (Tuple) m.get();
                int id = ((Int) t.get(0)).intValue();
                assertEquals(next[id], ((Int) t.get(1)).intValue(), "sender " + id + " out of order");
                next[id]++;
            }
            for (Thread t : threads) {
                t.join();
            }
            assertTrue(sink.receive(Duration.ofMillis(100)).isEmpty(), "no extra message");
        }
    }
}
