/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jarl.carrier.udp.Datagram.Range;
import dev.jarl.testing.Jfr;
import jdk.jfr.consumer.RecordedEvent;

/**
 * The UDP sender's figures as {@code Node.stats()} reads them (without the connection's
 * lock), and its {@code dev.jarl.UdpRetransmissionBurst} events: one per loss detected from
 * acknowledgements ({@code fast}) and per retransmission timeout ({@code timeout}), with the
 * segments declared lost. Time is an argument, as in {@link SendBufferTest}.
 */
class SendBufferFiguresTest {

    private static final long MS = SendBufferTest.MS;
    private static final long T0 = SendBufferTest.T0;

    private final SendBuffer sb = new SendBuffer(1_000_000, SendBufferTest.MIN_RTO, SendBufferTest.INITIAL_RTO,
            "127.0.0.1:4000");

    private List<Segment> collect(long now) {
        List<Segment> batch = new ArrayList<>();
        sb.collect(batch, UdpConnection.BATCH, now);
        return batch;
    }

    @Test
    void figuresFollowTheSenderAndBurstsAreRecorded() throws Exception {
        for (int i = 0; i < 10; i++) {
            sb.queue(new byte[100], 100);
        }
        List<RecordedEvent> events = Jfr.record(() -> {
            collect(T0); // seq = tx = 0..9
            int echo = Datagram.Data.timestamp(T0);
            // seq 3 acknowledged by a range, 4 ms later: seq 0 is lost (0 + 3 <= 3)
            sb.onAck(0, 100, List.of(new Range(3, 4)), echo, 0, T0 + 4 * MS);
            assertEquals(List.of(), collect(T0 + 5 * MS), "8 in flight, the window cut to 5.5");
            // nothing more acknowledged: the timer expires and every segment in flight is lost
            sb.onRetransmissionTimeout(T0 + 500 * MS);
            assertEquals(1, collect(T0 + 501 * MS).size(), "one segment again, the window being 1");
        }, "dev.jarl.UdpRetransmissionBurst");
        List<RecordedEvent> bursts = Jfr.named(events, "dev.jarl.UdpRetransmissionBurst");
        assertEquals(List.of("fast", "timeout"), bursts.stream().map(e -> e.getString("cause")).toList(), events.toString());
        assertEquals(1, bursts.get(0).getLong("segments"));
        assertEquals("127.0.0.1:4000", bursts.get(0).getString("address"));
        assertEquals(4000, bursts.get(0).getLong("rttMicros"), "the 4 ms round trip of seq 3");
        assertEquals(9, bursts.get(1).getLong("segments"), "every unacknowledged segment but seq 3");
        assertEquals(1, bursts.get(1).getLong("window"), "the window collapses to one segment");

        SendBuffer.Snapshot s = sb.snapshot();
        Map<String, Long> f = sb.figures();
        assertEquals(s.srtt() / 1000, f.get("rtt_us"));
        assertEquals(4000, f.get("rtt_us"));
        assertEquals(s.rto() / 1000, f.get("rto_us"));
        assertEquals(1, f.get("retransmissions"));
        assertEquals(s.retransmissions(), f.get("retransmissions"));
        assertEquals(1, f.get("timeouts"));
        assertEquals(1, f.get("loss_events"));
        assertEquals(1, f.get("window"));
        assertEquals(1, f.get("in_flight"));
        assertEquals(11, f.get("datagrams_sent"));
    }
}
