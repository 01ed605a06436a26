/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * Decoding one received packet (header, control message and payload) took at least the
 * threshold: 10 ms unless the recording says otherwise. The input party decodes packets
 * one after the other, so a slow decode delays everything behind it on that connection.
 */
@Name("dev.jarl.SlowDecode")
@Label("Slow Decode")
@Category("Jarl")
@Description("Decoding one received distribution packet took at least the threshold")
@Threshold("10 ms")
@StackTrace(false)
public final class SlowDecode extends jdk.jfr.Event {

    @Label("Peer")
    public String peer;

    @Label("Size")
    @DataAmount(DataAmount.BYTES)
    public long bytes;

    @Label("Fragmented")
    @Description("True when the packet completed a fragmented message (the duration covers the whole message's decode)")
    public boolean fragmented;
}
