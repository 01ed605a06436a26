/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.nio.ByteBuffer;

import dev.jarl.term.Term;
import dev.jarl.term.TermWriter;
import dev.jarl.term.Tuple;

/** Packets written by hand: any control tuple, in any wire form, valid or not. */
final class Wire {

    private Wire() {
    }

    /**
     * One packet of {@code control} and {@code payload} (null for none), with the normal
     * header ({@code 131,68,0}) or pass-through; no atom-cache references.
     */
    static ByteBuffer packet(Tuple control, Term payload, boolean header) {
        DistPacket.Encoded e = DistPacket.encode(control, payload, header ? DistPacket.Form.HEADER : DistPacket.Form.PASS_THROUGH);
        return DistPacket.packet(e, null, new TermWriter(16));
    }

    /** {@code s} as a connection that agreed {@code flags} writes it (see {@link SignalCodec#op}). */
    static ByteBuffer packet(Signal s, long flags, boolean header) {
        ControlOp op = SignalCodec.op(s, flags);
        if (op == null) {
            throw new IllegalArgumentException(s + ": no form of it for flags " + Long.toHexString(flags));
        }
        return packet(SignalCodec.control(s, op), SignalCodec.payload(s, op), header);
    }
}
