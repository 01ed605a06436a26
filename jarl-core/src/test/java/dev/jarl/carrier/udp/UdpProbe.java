/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import java.util.Locale;

import dev.jarl.carrier.CarrierConnection;

/**
 * What a UDP connection counted, for the UDP tests' logs and for the benchmarks in
 * {@code jarl-bench}, which reach the carrier through its public API only.
 */
public final class UdpProbe {

    private UdpProbe() {
    }

    /**
     * One line: datagrams sent, retransmissions, timeouts (spurious ones), loss events,
     * duplicates received, the congestion window and the RTO; {@code c} must come from a UDP
     * carrier.
     */
    public static String counters(CarrierConnection c) {
        UdpConnection.Snapshot s = ((UdpConnection) c).snapshot();
        SendBuffer.Snapshot t = s.sender();
        return String.format(Locale.ROOT, "%d datagrams, %d retransmissions, %d timeouts (%d spurious), %d loss events, "
                + "%d duplicates received; cwnd %.1f, RTO %.1f ms", t.datagramsSent(), t.retransmissions(), t.timeouts(),
                t.spuriousTimeouts(), t.lossEvents(), s.duplicates(), t.cwnd(), t.rto() / 1e6);
    }
}
