/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.math.BigInteger;

import dev.jarl.channel.ControlMessage.AliasSend;
import dev.jarl.channel.ControlMessage.AliasSendTT;
import dev.jarl.channel.ControlMessage.DemonitorP;
import dev.jarl.channel.ControlMessage.Exit;
import dev.jarl.channel.ControlMessage.Exit2;
import dev.jarl.channel.ControlMessage.Exit2TT;
import dev.jarl.channel.ControlMessage.ExitTT;
import dev.jarl.channel.ControlMessage.GroupLeader;
import dev.jarl.channel.ControlMessage.Link;
import dev.jarl.channel.ControlMessage.MonitorP;
import dev.jarl.channel.ControlMessage.MonitorPExit;
import dev.jarl.channel.ControlMessage.NodeLink;
import dev.jarl.channel.ControlMessage.PayloadExit;
import dev.jarl.channel.ControlMessage.PayloadExit2;
import dev.jarl.channel.ControlMessage.PayloadExit2TT;
import dev.jarl.channel.ControlMessage.PayloadExitTT;
import dev.jarl.channel.ControlMessage.PayloadMonitorPExit;
import dev.jarl.channel.ControlMessage.RegSend;
import dev.jarl.channel.ControlMessage.RegSendTT;
import dev.jarl.channel.ControlMessage.Send;
import dev.jarl.channel.ControlMessage.SendSender;
import dev.jarl.channel.ControlMessage.SendSenderTT;
import dev.jarl.channel.ControlMessage.SendTT;
import dev.jarl.channel.ControlMessage.SpawnReply;
import dev.jarl.channel.ControlMessage.SpawnReplyTT;
import dev.jarl.channel.ControlMessage.SpawnRequest;
import dev.jarl.channel.ControlMessage.SpawnRequestTT;
import dev.jarl.channel.ControlMessage.Unlink;
import dev.jarl.channel.ControlMessage.UnlinkId;
import dev.jarl.channel.ControlMessage.UnlinkIdAck;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/** Decoding of control tuples and the names of operations; see {@link ControlMessage}. */
final class ControlMessages {

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private ControlMessages() {
    }

    static String name(int op) {
        return switch (op) {
            case 1 -> "LINK";
            case 2 -> "SEND";
            case 3 -> "EXIT";
            case 4 -> "UNLINK";
            case 5 -> "NODE_LINK";
            case 6 -> "REG_SEND";
            case 7 -> "GROUP_LEADER";
            case 8 -> "EXIT2";
            case 12 -> "SEND_TT";
            case 13 -> "EXIT_TT";
            case 16 -> "REG_SEND_TT";
            case 18 -> "EXIT2_TT";
            case 19 -> "MONITOR_P";
            case 20 -> "DEMONITOR_P";
            case 21 -> "MONITOR_P_EXIT";
            case 22 -> "SEND_SENDER";
            case 23 -> "SEND_SENDER_TT";
            case 24 -> "PAYLOAD_EXIT";
            case 25 -> "PAYLOAD_EXIT_TT";
            case 26 -> "PAYLOAD_EXIT2";
            case 27 -> "PAYLOAD_EXIT2_TT";
            case 28 -> "PAYLOAD_MONITOR_P_EXIT";
            case 29 -> "SPAWN_REQUEST";
            case 30 -> "SPAWN_REQUEST_TT";
            case 31 -> "SPAWN_REPLY";
            case 32 -> "SPAWN_REPLY_TT";
            case 33 -> "ALIAS_SEND";
            case 34 -> "ALIAS_SEND_TT";
            case 35 -> "UNLINK_ID";
            case 36 -> "UNLINK_ID_ACK";
            case 37 -> "ALTACT_SIG_SEND";
            default -> "UNKNOWN_" + op;
        };
    }

    static ControlMessage decode(Term control, Term payload) throws DistProtocolException {
        if (!(control instanceof Tuple t) || t.arity() < 1) {
            throw new DistProtocolException("control message: " + describe(control)
                    + " (expected: a tuple whose first element is the operation number)");
        }
        if (!(t.get(0) instanceof Int opTerm) || !opTerm.isLong() || opTerm.longValue() < 0
                || opTerm.longValue() > Integer.MAX_VALUE) {
            throw new DistProtocolException("control operation: " + describe(t.get(0))
                    + " (expected: a small non-negative integer)");
        }
        int op = (int) opTerm.longValue();
        Shape s = new Shape(op, t, payload);
        return switch (op) {
            case Link.OP -> new Link(s.pid(1), s.pid(2));
            case Send.OP -> new Send(s.pid(2), payload);
            case Exit.OP -> new Exit(s.pid(1), s.pid(2), t.get(3));
            case Unlink.OP -> new Unlink(s.pid(1), s.pid(2));
            case NodeLink.OP -> new NodeLink();
            case RegSend.OP -> new RegSend(s.pid(1), s.atom(3), payload);
            case GroupLeader.OP -> new GroupLeader(s.pid(1), s.pid(2));
            case Exit2.OP -> new Exit2(s.pid(1), s.pid(2), t.get(3));
            case SendTT.OP -> new SendTT(s.pid(2), t.get(3), payload);
            case ExitTT.OP -> new ExitTT(s.pid(1), s.pid(2), t.get(3), t.get(4));
            case RegSendTT.OP -> new RegSendTT(s.pid(1), s.atom(3), t.get(4), payload);
            case Exit2TT.OP -> new Exit2TT(s.pid(1), s.pid(2), t.get(3), t.get(4));
            case MonitorP.OP -> new MonitorP(s.pid(1), s.proc(2), s.ref(3));
            case DemonitorP.OP -> new DemonitorP(s.pid(1), s.proc(2), s.ref(3));
            case MonitorPExit.OP -> new MonitorPExit(s.proc(1), s.pid(2), s.ref(3), t.get(4));
            case SendSender.OP -> new SendSender(s.pid(1), s.pid(2), payload);
            case SendSenderTT.OP -> new SendSenderTT(s.pid(1), s.pid(2), t.get(3), payload);
            case PayloadExit.OP -> new PayloadExit(s.pid(1), s.pid(2), payload);
            case PayloadExitTT.OP -> new PayloadExitTT(s.pid(1), s.pid(2), t.get(3), payload);
            case PayloadExit2.OP -> new PayloadExit2(s.pid(1), s.pid(2), payload);
            case PayloadExit2TT.OP -> new PayloadExit2TT(s.pid(1), s.pid(2), t.get(3), payload);
            case PayloadMonitorPExit.OP -> new PayloadMonitorPExit(s.proc(1), s.pid(2), s.ref(3), payload);
            case SpawnRequest.OP -> {
                Tuple mfa = s.mfa(4);
                yield new SpawnRequest(s.ref(1), s.pid(2), s.pid(3), (Atom) mfa.get(0), (Atom) mfa.get(1),
                        arity(mfa), t.get(5), payload);
            }
            case SpawnRequestTT.OP -> {
                Tuple mfa = s.mfa(4);
                yield new SpawnRequestTT(s.ref(1), s.pid(2), s.pid(3), (Atom) mfa.get(0), (Atom) mfa.get(1),
                        arity(mfa), t.get(5), t.get(6), payload);
            }
            case SpawnReply.OP -> new SpawnReply(s.ref(1), s.pid(2), s.smallInt(3), t.get(4));
            case SpawnReplyTT.OP -> new SpawnReplyTT(s.ref(1), s.pid(2), s.smallInt(3), t.get(4), t.get(5));
            case AliasSend.OP -> new AliasSend(s.pid(1), s.ref(2), payload);
            case AliasSendTT.OP -> new AliasSendTT(s.pid(1), s.ref(2), t.get(3), payload);
            case UnlinkId.OP -> new UnlinkId(s.unlinkId(1), s.pid(2), s.pid(3));
            case UnlinkIdAck.OP -> new UnlinkIdAck(s.unlinkId(1), s.pid(2), s.pid(3));
            default -> throw new DistProtocolException.UnknownOperation(op);
        };
    }

    private static int arity(Tuple mfa) {
        return (int) ((Int) mfa.get(2)).longValue();
    }

    static String describe(Term t) {
        if (t == null) {
            return "nothing";
        }
        String s = t.toString();
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    /**
     * Checks the shape of one control tuple: its arity and whether a payload must follow are
     * checked on construction, before any record is built; the accessors check one element
     * each.
     */
    private static final class Shape {
        private final int op;
        private final Tuple t;
        private final Term payload;

        Shape(int op, Tuple t, Term payload) throws DistProtocolException {
            this.op = op;
            this.t = t;
            this.payload = payload;
            int expected = expectedArity(op);
            if (expected > 0 && t.arity() != expected) {
                throw new DistProtocolException(name(op) + " control tuple: arity " + t.arity()
                        + " (expected: " + expected + ")");
            }
            boolean wantsPayload = hasPayload(op);
            if (expected > 0 && wantsPayload && payload == null) {
                throw new DistProtocolException(name(op) + " payload: missing (expected: a term after the control tuple)");
            }
            if (expected > 0 && !wantsPayload && payload != null) {
                throw new DistProtocolException(name(op) + " payload: " + describe(payload)
                        + " (expected: nothing after the control tuple)");
            }
        }

        Pid pid(int i) throws DistProtocolException {
            if (t.get(i) instanceof Pid p) {
                return p;
            }
            throw bad(i, "a pid");
        }

        Atom atom(int i) throws DistProtocolException {
            if (t.get(i) instanceof Atom a) {
                return a;
            }
            throw bad(i, "an atom");
        }

        Ref ref(int i) throws DistProtocolException {
            if (t.get(i) instanceof Ref r) {
                return r;
            }
            throw bad(i, "a reference");
        }

        Term proc(int i) throws DistProtocolException {
            Term x = t.get(i);
            if (x instanceof Pid || x instanceof Atom) {
                return x;
            }
            throw bad(i, "a pid or an atom");
        }

        int smallInt(int i) throws DistProtocolException {
            if (t.get(i) instanceof Int n && n.isLong() && n.longValue() >= 0 && n.longValue() <= Integer.MAX_VALUE) {
                return (int) n.longValue();
            }
            throw bad(i, "a small non-negative integer");
        }

        long unlinkId(int i) throws DistProtocolException {
            if (t.get(i) instanceof Int n && n.signum() > 0 && n.bigValue().compareTo(TWO_64) < 0) {
                return n.bigValue().longValue();
            }
            throw bad(i, "an integer in 1..2^64-1");
        }

        Tuple mfa(int i) throws DistProtocolException {
            if (t.get(i) instanceof Tuple m && m.arity() == 3 && m.get(0) instanceof Atom && m.get(1) instanceof Atom
                    && m.get(2) instanceof Int a && a.isLong() && a.longValue() >= 0 && a.longValue() <= 255) {
                return m;
            }
            throw bad(i, "{Module, Function, Arity}");
        }

        private DistProtocolException bad(int i, String expected) {
            return new DistProtocolException(name(op) + " element " + (i + 1) + ": " + describe(t.get(i))
                    + " (expected: " + expected + ")");
        }
    }

    /** The arity of the control tuple of {@code op}, or 0 for an unknown operation. */
    static int expectedArity(int op) {
        return switch (op) {
            case 5 -> 1;
            case 1, 2, 4, 7, 22, 24, 26, 33 -> 3;
            case 3, 6, 8, 12, 19, 20, 23, 25, 27, 28, 34, 35, 36 -> 4;
            case 13, 16, 18, 21, 31 -> 5;
            case 29, 32 -> 6;
            case 30 -> 7;
            default -> 0;
        };
    }

    /** True for the operations followed by a payload term. */
    static boolean hasPayload(int op) {
        return switch (op) {
            case 2, 6, 12, 16, 22, 23, 24, 25, 26, 27, 28, 29, 30, 33, 34 -> true;
            default -> false;
        };
    }
}
