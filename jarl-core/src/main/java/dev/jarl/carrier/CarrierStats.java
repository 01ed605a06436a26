/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.carrier;

/**
 * Transport counters, OTP's {@code mf_getstat} result {@code {ok, Received, Sent, PendSend}}.
 * Tick logic compares successive readings, so counts only need to grow monotonically.
 *
 * @param packetsReceived packets received so far, ticks included
 * @param packetsSent     packets sent so far, ticks included
 * @param pendingBytes    bytes queued for sending and not yet written to the transport
 */
public record CarrierStats(long packetsReceived, long packetsSent, long pendingBytes) {
}
