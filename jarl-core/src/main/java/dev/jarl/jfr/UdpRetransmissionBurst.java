/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * The UDP carrier declared segments lost, so it sends them again: on a retransmission timeout
 * (everything unacknowledged) or when acknowledgements showed them lost (a fast retransmit).
 */
@Name("dev.jarl.UdpRetransmissionBurst")
@Label("UDP Retransmission Burst")
@Category("Jarl")
@Description("The UDP carrier retransmitted segments")
@StackTrace(false)
public final class UdpRetransmissionBurst extends jdk.jfr.Event {

    @Label("Address")
    @Description("The peer's address")
    public String address;

    @Label("Cause")
    @Description("timeout or fast")
    public String cause;

    @Label("Segments")
    @Description("Segments declared lost at once, to be sent again")
    public long segments;

    @Label("Round-Trip Time")
    @Description("The smoothed round-trip time when the burst started")
    @Timespan(Timespan.MICROSECONDS)
    public long rttMicros;

    @Label("Window")
    @Description("The congestion window after the burst, in segments")
    public long window;
}
