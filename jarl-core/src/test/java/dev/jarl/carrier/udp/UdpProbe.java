/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier.udp;

import dev.jarl.carrier.CarrierConnection;

/**
 * What a UDP connection counted, for the benchmarks in {@code jarl-bench} that reach the
 * carrier through its public API only.
 */
public final class UdpProbe {

    private UdpProbe() {
    }

    /**
     * One line: datagrams sent, retransmissions, timeouts (spurious ones), loss events,
     * duplicates received; {@code c} must come from a UDP carrier.
     */
    public static String counters(CarrierConnection c) {
        UdpConnection u = (UdpConnection) c;
        return String.format("%d datagrams, %d retransmissions, %d timeouts (%d spurious), %d loss events, "
                + "%d duplicates received", u.datagramsSent.get(), u.retransmissions.get(), u.timeouts.get(),
                u.spuriousTimeouts.get(), u.lossEvents.get(), u.duplicates.get());
    }
}
