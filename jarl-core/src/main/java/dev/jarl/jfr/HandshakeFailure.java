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

/** A handshake failed, so a connection never came up. */
@Name("dev.jarl.HandshakeFailure")
@Label("Handshake Failure")
@Category("Jarl")
@Description("A distribution handshake failed")
@StackTrace(false)
public final class HandshakeFailure extends jdk.jfr.Event {

    @Label("Local Node")
    public String node;

    @Label("Peer")
    @Description("The peer's node name, or empty when it never said it")
    public String peer;

    @Label("Address")
    @Description("The peer's transport address, when known")
    public String address;

    @Label("Outgoing")
    @Description("True when this node dialled")
    public boolean outgoing;

    @Label("Reason")
    @Description("The failure's kind: NOT_ALLOWED, NOK, ALIVE, MISSING_FLAGS, BAD_DIGEST, TIMEOUT, ...")
    public String reason;

    @Label("Detail")
    public String detail;
}
