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

/**
 * A sender waited because its connection's output queue was at the busy limit (the BEAM
 * suspends a process sending to a busy distribution port the same way). The duration is the
 * wait; the stack trace shows the sender.
 */
@Name("dev.jarl.BusyLimitWait")
@Label("Busy Limit Wait")
@Category("Jarl")
@Description("A sender waited at a connection's busy limit")
public final class BusyLimitWait extends jdk.jfr.Event {

    @Label("Peer")
    public String peer;

    @Label("Busy Limit")
    @DataAmount(DataAmount.BYTES)
    public long busyLimit;

    @Label("Queued")
    @Description("Bytes queued when the sender started waiting")
    @DataAmount(DataAmount.BYTES)
    public long queuedBytes;

    @Label("Message Size")
    @DataAmount(DataAmount.BYTES)
    public long messageBytes;
}
