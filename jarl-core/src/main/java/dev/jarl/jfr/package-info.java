/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
/**
 * The node's JDK Flight Recorder events, named {@code dev.jarl.*}, category {@code Jarl}:
 * connections up and down with their reason, failed handshakes with theirs, fragmented
 * messages, waits at the busy limit, UDP retransmission bursts and slow decodes. They cost
 * nothing while no recording has them enabled: each is created, checked with
 * {@code shouldCommit()} or {@code isEnabled()}, and committed only then.
 *
 * <p>Internal (not exported): the events are the interface, by name and field, as
 * {@code docs/observability.md} lists them; a recording reads them through
 * {@code jdk.jfr.consumer} without this package. Every layer may use it; it uses only
 * {@code jdk.jfr}.
 *
 * <p>Thresholds are JFR settings: {@code dev.jarl.SlowDecode} has a default threshold of
 * 10 ms, changed like any event's ({@code -XX:StartFlightRecording:+dev.jarl.SlowDecode#threshold=1ms},
 * a {@code .jfc} file, or {@code RecordingStream.enable("dev.jarl.SlowDecode").withThreshold(...)}).
 */
package dev.jarl.jfr;
