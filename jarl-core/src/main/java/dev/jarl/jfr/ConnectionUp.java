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

/** A connection came up: the handshake finished and the peer is connected. */
@Name("dev.jarl.ConnectionUp")
@Label("Connection Up")
@Category("Jarl")
@Description("A distribution connection came up")
@StackTrace(false)
public final class ConnectionUp extends jdk.jfr.Event {

    @Label("Local Node")
    public String node;

    @Label("Peer")
    @Description("The node at the other end")
    public String peer;

    @Label("Carrier")
    public String carrier;

    @Label("Address")
    @Description("The peer's transport address")
    public String address;

    @Label("Outgoing")
    @Description("True when this node dialled")
    public boolean outgoing;

    @Label("Hidden")
    public boolean hidden;

    @Label("Flags")
    @Description("The agreed distribution flags, as a number")
    public long flags;
}
