/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.jarl.channel.ControlMessage.*;
import dev.jarl.term.Atom;
import dev.jarl.term.DecodeLimits;
import dev.jarl.term.Etf;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/** Every control operation round-trips through both packet forms; bad packets fail clearly. */
class ControlMessageTest {

    static final Pid A = new Pid(Atom.of("a@h"), 1, 2, 3);
    static final Pid B = new Pid(Atom.of("b@h"), 40000, 9, 0x7fffffff);
    static final Ref R = new Ref(Atom.of("b@h"), 5, new int[] {1, 2, 3});
    static final Term TOKEN = Term.tuple(0, Atom.of("label"), 1, A, 2);
    static final Term MSG = Term.tuple("hello", List.of(1, 2, 3), Term.map("k", 2.5));

    static List<ControlMessage> all() {
        return List.of(
                new Link(A, B),
                new Send(B, MSG),
                new Exit(A, B, Atom.NORMAL),
                new Unlink(A, B),
                new NodeLink(),
                new RegSend(A, Atom.of("net_kernel"), MSG),
                new GroupLeader(A, B),
                new Exit2(A, B, Atom.of("kill")),
                new SendTT(B, TOKEN, MSG),
                new ExitTT(A, B, TOKEN, Atom.NORMAL),
                new RegSendTT(A, Atom.of("rex"), TOKEN, MSG),
                new Exit2TT(A, B, TOKEN, Atom.of("kill")),
                new MonitorP(A, B, R),
                new MonitorP(A, Atom.of("named"), R),
                new DemonitorP(A, B, R),
                new MonitorPExit(B, A, R, Atom.NOPROC),
                new MonitorPExit(Atom.of("named"), A, R, Atom.NOPROC),
                new SendSender(A, B, MSG),
                new SendSenderTT(A, B, TOKEN, MSG),
                new PayloadExit(A, B, MSG),
                new PayloadExitTT(A, B, TOKEN, MSG),
                new PayloadExit2(A, B, MSG),
                new PayloadExit2TT(A, B, TOKEN, MSG),
                new PayloadMonitorPExit(B, A, R, MSG),
                new SpawnRequest(R, A, B, Atom.of("erpc"), Atom.of("execute_call"), 4, Term.list(Atom.of("monitor")),
                        Term.list(R, Atom.of("lists"), Atom.of("reverse"), List.of(List.of(1, 2)))),
                new SpawnRequestTT(R, A, B, Atom.of("m"), Atom.of("f"), 0, TermList.NIL, TOKEN, TermList.NIL),
                new SpawnReply(R, A, 2, B),
                new SpawnReplyTT(R, A, 0, Atom.of("notsup"), TOKEN),
                new AliasSend(A, R, MSG),
                new AliasSendTT(A, R, TOKEN, MSG),
                new UnlinkId(4, A, B),
                new UnlinkId(-1L, A, B),
                new UnlinkIdAck(Long.MAX_VALUE, B, A));
    }

    @Test
    void everyOperationIsCovered() {
        Set<Integer> ops = new HashSet<>();
        for (ControlMessage m : all()) {
            ops.add(m.op());
        }
        Set<Integer> expected = new HashSet<>(Arrays.asList(1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 16, 18, 19, 20, 21, 22, 23,
                24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36));
        assertEquals(expected, ops);
    }

    @Test
    void roundTripPassThroughAndHeader() throws Exception {
        for (ControlMessage m : all()) {
            for (boolean header : new boolean[] {false, true}) {
                ByteBuffer packet = DistPacket.encode(m, header);
                assertEquals(header ? 131 : 112, packet.get(packet.position()) & 0xFF);
                ControlMessage back = DistPacket.decode(packet, DecodeLimits.DEFAULT);
                assertEquals(m, back, m.opName() + (header ? " with header" : " pass-through"));
            }
        }
    }

    @Test
    void passThroughLayoutIsTwoVersionedTerms() {
        ControlMessage m = new Send(B, MSG);
        ByteBuffer p = DistPacket.encode(m, false);
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
        ControlMessage m = new Link(A, B);
        ByteBuffer p = DistPacket.encode(m, true);
        byte[] bytes = new byte[p.remaining()];
        p.get(bytes);
        byte[] ctrl = Etf.encode(m.control());
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
