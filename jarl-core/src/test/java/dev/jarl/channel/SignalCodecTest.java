/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import static dev.jarl.channel.ControlOp.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.jarl.carrier.DistFlags;
import dev.jarl.term.Atom;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.Etf;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * Every form of every operation reads into its signal, through both packet forms; every
 * signal is written in the form the agreed flags call for; bad packets fail clearly.
 */
class SignalCodecTest {

    static final Pid A = new Pid(Atom.of("a@h"), 1, 2, 3);
    static final Pid B = new Pid(Atom.of("b@h"), 40000, 9, 0x7fffffff);
    static final Ref R = new Ref(Atom.of("b@h"), 5, new int[] {1, 2, 3});
    static final Term TOKEN = Term.tuple(0, Atom.of("label"), 1, A, 2);
    static final Term MSG = Term.tuple("hello", List.of(1, 2, 3), Term.map("k", 2.5));
    static final Atom NAMED = Atom.of("named");
    static final Term ARGS = Term.list(R, Atom.of("lists"), Atom.of("reverse"), List.of(List.of(1, 2)));
    static final Atom EMPTY = Atom.of("");

    /** One wire form: its control tuple, its payload (or null) and the signal it reads as. */
    record Form(ControlOp op, Tuple control, Term payload, Signal signal) {
    }

    static Form form(ControlOp op, Signal signal, Term payload, Term... fields) {
        Term[] elements = new Term[fields.length + 1];
        elements[0] = Int.of(op.number());
        System.arraycopy(fields, 0, elements, 1, fields.length);
        return new Form(op, Tuple.of(elements), payload, signal);
    }

    /** Every operation Jarl reads as a signal, in every form, traced ones included. */
    static List<Form> forms() {
        BigInteger maxId = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        Term mfa = Tuple.of(Atom.of("erpc"), Atom.of("execute_call"), Int.of(4));
        Term opts = Term.list(Atom.of("monitor"));
        return List.of(
                form(LINK, new Signal.Link(A, B), null, A, B),
                form(SEND, new Signal.Send(null, B, MSG), MSG, EMPTY, B),
                form(SEND_TT, new Signal.Send(null, B, MSG), MSG, EMPTY, B, TOKEN),
                form(SEND_SENDER, new Signal.Send(A, B, MSG), MSG, A, B),
                form(SEND_SENDER_TT, new Signal.Send(A, B, MSG), MSG, A, B, TOKEN),
                form(REG_SEND, new Signal.RegSend(A, Atom.of("net_kernel"), MSG), MSG, A, EMPTY, Atom.of("net_kernel")),
                form(REG_SEND_TT, new Signal.RegSend(A, Atom.of("rex"), MSG), MSG, A, EMPTY, Atom.of("rex"), TOKEN),
                form(ALIAS_SEND, new Signal.AliasSend(A, R, MSG), MSG, A, R),
                form(ALIAS_SEND_TT, new Signal.AliasSend(A, R, MSG), MSG, A, R, TOKEN),
                form(EXIT, new Signal.Exit(A, B, Atom.NORMAL, true), null, A, B, Atom.NORMAL),
                form(EXIT_TT, new Signal.Exit(A, B, Atom.NORMAL, true), null, A, B, TOKEN, Atom.NORMAL),
                form(PAYLOAD_EXIT, new Signal.Exit(A, B, MSG, true), MSG, A, B),
                form(PAYLOAD_EXIT_TT, new Signal.Exit(A, B, MSG, true), MSG, A, B, TOKEN),
                form(EXIT2, new Signal.Exit(A, B, Atom.of("kill"), false), null, A, B, Atom.of("kill")),
                form(EXIT2_TT, new Signal.Exit(A, B, Atom.of("kill"), false), null, A, B, TOKEN, Atom.of("kill")),
                form(PAYLOAD_EXIT2, new Signal.Exit(A, B, MSG, false), MSG, A, B),
                form(PAYLOAD_EXIT2_TT, new Signal.Exit(A, B, MSG, false), MSG, A, B, TOKEN),
                form(UNLINK, new Signal.Unlink(0, A, B), null, A, B),
                form(UNLINK_ID, new Signal.Unlink(4, A, B), null, Int.of(4), A, B),
                form(UNLINK_ID, new Signal.Unlink(-1L, A, B), null, Int.of(maxId), A, B),
                form(UNLINK_ID_ACK, new Signal.UnlinkAck(Long.MAX_VALUE, B, A), null, Int.of(Long.MAX_VALUE), B, A),
                form(MONITOR_P, new Signal.Monitor(A, B, R), null, A, B, R),
                form(MONITOR_P, new Signal.Monitor(A, NAMED, R), null, A, NAMED, R),
                form(DEMONITOR_P, new Signal.Demonitor(A, B, R), null, A, B, R),
                form(MONITOR_P_EXIT, new Signal.Down(B, A, R, Atom.NOPROC), null, B, A, R, Atom.NOPROC),
                form(MONITOR_P_EXIT, new Signal.Down(NAMED, A, R, Atom.NOPROC), null, NAMED, A, R, Atom.NOPROC),
                form(PAYLOAD_MONITOR_P_EXIT, new Signal.Down(B, A, R, MSG), MSG, B, A, R),
                form(SPAWN_REQUEST, new Signal.SpawnRequest(R, A, B, Atom.of("erpc"), Atom.of("execute_call"), 4, opts, ARGS),
                        ARGS, R, A, B, mfa, opts),
                form(SPAWN_REQUEST_TT, new Signal.SpawnRequest(R, A, B, Atom.of("erpc"), Atom.of("execute_call"), 4, opts,
                        ARGS), ARGS, R, A, B, mfa, opts, TOKEN),
                form(SPAWN_REPLY, new Signal.SpawnReply(R, A, 2, B), null, R, A, Int.of(2), B),
                form(SPAWN_REPLY_TT, new Signal.SpawnReply(R, A, 0, Atom.of("notsup")), null, R, A, Int.of(0),
                        Atom.of("notsup"), TOKEN));
    }

    @Test
    void everyOperationButTwoIsReadAsASignal() {
        Set<ControlOp> read = EnumSet.noneOf(ControlOp.class);
        forms().forEach(f -> read.add(f.op()));
        // GROUP_LEADER and NODE_LINK are dropped as unknown (see below)
        assertEquals(EnumSet.complementOf(EnumSet.of(GROUP_LEADER, NODE_LINK)), read);
    }

    @Test
    void everyFormReadsIntoItsSignalThroughBothPacketForms() throws Exception {
        for (Form f : forms()) {
            for (boolean header : new boolean[] {false, true}) {
                ByteBuffer packet = Wire.packet(f.control(), f.payload(), header);
                assertEquals(header ? 131 : 112, packet.get(packet.position()) & 0xFF);
                assertEquals(f.signal(), DistPacket.decode(packet, DecodeLimits.DEFAULT),
                        f.op() + (header ? " with header" : " pass-through"));
            }
        }
    }

    @Test
    void groupLeaderAndNodeLinkAreDroppedAsUnknownOnceTheirShapeIsChecked() {
        for (byte[] packet : List.of(pass(Tuple.of(Int.of(7), A, B)), pass(Tuple.of(Int.of(5))))) {
            assertThrows(DistProtocolException.UnknownOperation.class,
                    () -> DistPacket.decode(ByteBuffer.wrap(packet), DecodeLimits.DEFAULT));
        }
        assertBad(pass(Tuple.of(Int.of(7), A, Atom.of("x"))), "GROUP_LEADER element 3: x (expected: a pid)");
    }

    /** The form each signal leaves in, for a peer with and without the flag that matters. */
    @Test
    void eachSignalIsWrittenInTheFormTheFlagsCallFor() {
        long all = DistFlags.DEFAULT_OFFERED;
        assertWritten(SEND_SENDER, new Signal.Send(A, B, MSG), all);
        assertWritten(SEND, new Signal.Send(A, B, MSG), all & ~DistFlags.SEND_SENDER);
        assertWritten(SEND, new Signal.Send(null, B, MSG), all);
        assertWritten(REG_SEND, new Signal.RegSend(A, NAMED, MSG), all);
        assertWritten(ALIAS_SEND, new Signal.AliasSend(A, R, MSG), all);
        assertWritten(null, new Signal.AliasSend(A, R, MSG), all & ~DistFlags.ALIAS);
        assertWritten(LINK, new Signal.Link(A, B), all);
        assertWritten(UNLINK_ID, new Signal.Unlink(9, A, B), all);
        assertWritten(UNLINK, new Signal.Unlink(9, A, B), all & ~DistFlags.UNLINK_ID);
        assertWritten(UNLINK_ID_ACK, new Signal.UnlinkAck(9, A, B), all);
        assertWritten(null, new Signal.UnlinkAck(9, A, B), all & ~DistFlags.UNLINK_ID);
        assertWritten(null, new Signal.UnlinkAck(0, A, B), all);
        assertWritten(PAYLOAD_EXIT, new Signal.Exit(A, B, MSG, true), all);
        assertWritten(PAYLOAD_EXIT2, new Signal.Exit(A, B, MSG, false), all);
        assertWritten(EXIT, new Signal.Exit(A, B, MSG, true), all & ~DistFlags.EXIT_PAYLOAD);
        assertWritten(EXIT2, new Signal.Exit(A, B, MSG, false), all & ~DistFlags.EXIT_PAYLOAD);
        assertWritten(MONITOR_P, new Signal.Monitor(A, B, R), all);
        assertWritten(MONITOR_P, new Signal.Monitor(A, NAMED, R), all);
        assertWritten(MONITOR_P, new Signal.Monitor(A, B, R), all & ~DistFlags.DIST_MONITOR_NAME);
        assertWritten(null, new Signal.Monitor(A, NAMED, R), all & ~DistFlags.DIST_MONITOR_NAME);
        assertWritten(null, new Signal.Monitor(A, B, R), all & ~DistFlags.DIST_MONITOR);
        assertWritten(DEMONITOR_P, new Signal.Demonitor(A, B, R), all);
        assertWritten(null, new Signal.Demonitor(A, NAMED, R), all & ~DistFlags.DIST_MONITOR_NAME);
        assertWritten(PAYLOAD_MONITOR_P_EXIT, new Signal.Down(B, A, R, MSG), all);
        assertWritten(MONITOR_P_EXIT, new Signal.Down(NAMED, A, R, MSG), all & ~DistFlags.EXIT_PAYLOAD);
        Signal spawn = new Signal.SpawnRequest(R, A, B, Atom.of("m"), Atom.of("f"), 0, TermList.NIL, TermList.NIL);
        assertWritten(SPAWN_REQUEST, spawn, all);
        assertWritten(null, spawn, all & ~DistFlags.SPAWN);
        assertWritten(SPAWN_REPLY, new Signal.SpawnReply(R, A, 3, B), all);
    }

    /** {@code s} leaves as {@code op} (none when null) and reads back as itself. */
    private static void assertWritten(ControlOp op, Signal s, long flags) {
        assertEquals(op, SignalCodec.op(s, flags), s + " with flags " + DistFlags.names(flags));
        if (op == null) {
            return;
        }
        Tuple control = SignalCodec.control(s, op);
        assertEquals(Int.of(op.number()), control.get(0));
        assertEquals(op.arity(), control.arity());
        Signal back;
        try {
            back = DistPacket.decode(Wire.packet(control, SignalCodec.payload(s, op), true), DecodeLimits.DEFAULT);
        } catch (DistProtocolException e) {
            throw new AssertionError(op + ": " + e.getMessage(), e);
        }
        Signal expected = s instanceof Signal.Send m && op == SEND ? new Signal.Send(null, m.to(), m.message())
                : s instanceof Signal.Unlink u && op == UNLINK ? new Signal.Unlink(0, u.from(), u.to()) : s;
        assertEquals(expected, back, op.name());
    }

    @Test
    void passThroughLayoutIsTwoVersionedTerms() {
        ByteBuffer p = Wire.packet(Tuple.of(Int.of(2), EMPTY, B), MSG, false);
        byte[] bytes = new byte[p.remaining()];
        p.get(bytes);
        byte[] ctrl = Etf.encode(Tuple.of(Int.of(2), Atom.of(""), B));
        byte[] msg = Etf.encode(MSG);
        byte[] expected = new byte[1 + ctrl.length + msg.length];
        expected[0] = 112;
        System.arraycopy(ctrl, 0, expected, 1, ctrl.length);
        System.arraycopy(msg, 0, expected, 1 + ctrl.length, msg.length);
        assertArrayEquals(expected, bytes);
    }

    @Test
    void headerLayoutIs131_68_0ThenTermsWithoutVersion() {
        Tuple control = SignalCodec.control(new Signal.Link(A, B), LINK);
        ByteBuffer p = Wire.packet(control, null, true);
        byte[] bytes = new byte[p.remaining()];
        p.get(bytes);
        byte[] ctrl = Etf.encode(control);
        assertEquals(3 + ctrl.length - 1, bytes.length);
        assertEquals(131, bytes[0] & 0xFF);
        assertEquals(68, bytes[1]);
        assertEquals(0, bytes[2]);
        assertArrayEquals(Arrays.copyOfRange(ctrl, 1, ctrl.length), Arrays.copyOfRange(bytes, 3, bytes.length));
    }

    @Test
    void unknownOperationIsReportedNotFatal() {
        byte[] pkt = pass(Tuple.of(Int.of(37), A, B));
        DistProtocolException.UnknownOperation e = assertThrows(DistProtocolException.UnknownOperation.class,
                () -> DistPacket.decode(ByteBuffer.wrap(pkt), DecodeLimits.DEFAULT));
        assertEquals(37, e.op());
    }

    @Test
    void malformedPacketsFailWithAReason() {
        assertBad(pass(Tuple.of(Int.of(1), A)), "LINK control tuple: arity 2 (expected: 3)");
        assertBad(pass(Tuple.of(Int.of(1), A, Atom.of("x"))), "LINK element 3: x (expected: a pid)");
        assertBad(pass(Tuple.of(Int.of(2), Atom.of(""), B)), "SEND payload: missing");
        assertBad(pass(Tuple.of(Int.of(1), A, B), MSG), "LINK payload");
        assertBad(pass(Atom.of("x")), "control message: x");
        assertBad(pass(Tuple.of(Atom.of("x"))), "control operation: x");
        assertBad(pass(Tuple.of(Int.of(35), Int.of(0), A, B)), "UNLINK_ID element 2: 0");
        assertBad(new byte[] {7, 1, 2}, "first byte: 7");
        assertBad(new byte[] {(byte) 131, 68, 2, 0, 0}, "atom-cache references: 2");
        assertBad(new byte[] {(byte) 131, 69, 0, 0}, "fragment tag 69");
        assertBad(new byte[] {(byte) 131, 70, 0, 0}, "fragment tag 70");
        assertBad(new byte[] {(byte) 131, 99}, "header tag: 99");
        byte[] good = pass(Tuple.of(Int.of(1), A, B));
        for (int cut = 1; cut < good.length; cut++) {
            assertBad(Arrays.copyOf(good, cut), "");
        }
        byte[] trailing = Arrays.copyOf(good, good.length + 2);
        assertBad(trailing, "");
    }

    private static void assertBad(byte[] packet, String fragment) {
        DistProtocolException e = assertThrows(DistProtocolException.class,
                () -> DistPacket.decode(ByteBuffer.wrap(packet), DecodeLimits.DEFAULT));
        assertTrue(!(e instanceof DistProtocolException.UnknownOperation), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    private static byte[] pass(Term control) {
        return pass(control, null);
    }

    private static byte[] pass(Term control, Term payload) {
        byte[] c = Etf.encode(control);
        byte[] p = payload == null ? new byte[0] : Etf.encode(payload);
        byte[] out = new byte[1 + c.length + p.length];
        out[0] = 112;
        System.arraycopy(c, 0, out, 1, c.length);
        System.arraycopy(p, 0, out, 1 + c.length, p.length);
        return out;
    }
}
