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
import jdk.jfr.Timespan;

/** A connection went down, with its reason and its totals. */
@Name("dev.jarl.ConnectionDown")
@Label("Connection Down")
@Category("Jarl")
@Description("A distribution connection went down")
@StackTrace(false)
public final class ConnectionDown extends jdk.jfr.Event {

    @Label("Local Node")
    public String node;

    @Label("Peer")
    public String peer;

    @Label("Carrier")
    public String carrier;

    @Label("Reason")
    @Description("The nodedown reason: connection_closed, disconnect or net_tick_timeout")
    public String reason;

    @Label("Detail")
    @Description("What happened, as the log says it")
    public String detail;

    @Label("Time Up")
    @Timespan(Timespan.MILLISECONDS)
    public long upMillis;

    @Label("Bytes In")
    @DataAmount(DataAmount.BYTES)
    public long bytesIn;

    @Label("Bytes Out")
    @DataAmount(DataAmount.BYTES)
    public long bytesOut;

    @Label("Packets In")
    public long packetsIn;

    @Label("Packets Out")
    public long packetsOut;
}
