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

/**
 * A message that crossed a connection in fragments. Its duration runs from the first
 * fragment to the last: queued to last fragment written when sending, first fragment to
 * reassembled when receiving.
 */
@Name("dev.jarl.FragmentedMessage")
@Label("Fragmented Message")
@Category("Jarl")
@Description("A message sent or received in fragments")
@StackTrace(false)
public final class FragmentedMessage extends jdk.jfr.Event {

    @Label("Peer")
    public String peer;

    @Label("Direction")
    @Description("in or out")
    public String direction;

    @Label("Size")
    @Description("The message's encoded bytes")
    @DataAmount(DataAmount.BYTES)
    public long bytes;

    @Label("Fragments")
    public long fragments;

    /** Ends the event (begun when the first fragment was queued or arrived) and commits it if wanted. */
    public void finish(String peer, String direction, long bytes, long fragments) {
        end();
        if (shouldCommit()) {
            this.peer = peer;
            this.direction = direction;
            this.bytes = bytes;
            this.fragments = fragments;
            commit();
        }
    }
}
