/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.math.BigInteger;
import java.util.Objects;

import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * A distribution control message: one record per operation of the protocol guide
 * ({@code erl_dist_protocol.md}, "Protocol between connected nodes"), named after the
 * operation ({@code SEND_SENDER} is {@link SendSender}).
 *
 * <p>On the wire a control message is a tuple whose first element is the operation number,
 * followed by a second term, the payload, for the operations that carry one (the message of
 * a send, the reason of a {@code PAYLOAD_*} exit, the argument list of a spawn request). A
 * record holds both: {@link #control()} builds the tuple, {@link #payload()} gives the second
 * term or null, and {@link #decode(Term, Term)} goes back.
 *
 * <pre>
 *  +-----+------------------------------+   +-----------------+
 *  | {Op, Field1, Field2, ...}          |   | Payload (opt.)  |
 *  +-----+------------------------------+   +-----------------+
 * </pre>
 *
 * <p>Which operations a node may send depends on the flags agreed in the handshake
 * (SEND_SENDER, EXIT_PAYLOAD, DIST_MONITOR, SPAWN, ALIAS, UNLINK_ID); the caller chooses.
 * The {@code Unused} slot of SEND and REG_SEND (a cookie in the distant past) is written as
 * the empty atom, as ERTS writes it, and ignored on decode.
 */
public sealed interface ControlMessage {

    /** The operation number, the first element of the control tuple. */
    int op();

    /** The control tuple. */
    Tuple control();

    /** The term that follows the control tuple, or null when the operation has none. */
    default Term payload() {
        return null;
    }

    /** The operation's name in the protocol guide, e.g. {@code SEND_SENDER}. */
    default String opName() {
        return name(op());
    }

    /** {@code {1, FromPid, ToPid}}: link. */
    record Link(Pid from, Pid to) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 1;
        public Link { Objects.requireNonNull(from); Objects.requireNonNull(to); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, to); }
    }

    /** {@code {2, Unused, ToPid}} + Message: send to a pid. */
    record Send(Pid to, Term message) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 2;
        public Send { Objects.requireNonNull(to); Objects.requireNonNull(message); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), UNUSED, to); }
        @Override public Term payload() { return message; }
    }

    /** {@code {3, FromPid, ToPid, Reason}}: exit signal of a link. */
    record Exit(Pid from, Pid to, Term reason) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 3;
        public Exit { Objects.requireNonNull(from); Objects.requireNonNull(to); Objects.requireNonNull(reason); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, to, reason); }
    }

    /** {@code {4, FromPid, ToPid}}: the old unlink, unsupported from OTP 26. */
    record Unlink(Pid from, Pid to) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 4;
        public Unlink { Objects.requireNonNull(from); Objects.requireNonNull(to); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, to); }
    }

    /** {@code {5}}: unused since ancient releases. */
    record NodeLink() implements ControlMessage {
        /** Operation number. */
        public static final int OP = 5;
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP)); }
    }

    /** {@code {6, FromPid, Unused, ToName}} + Message: send to a registered name. */
    record RegSend(Pid from, Atom toName, Term message) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 6;
        public RegSend { Objects.requireNonNull(from); Objects.requireNonNull(toName); Objects.requireNonNull(message); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, UNUSED, toName); }
        @Override public Term payload() { return message; }
    }

    /** {@code {7, FromPid, ToPid}}: set the group leader of {@code to}. */
    record GroupLeader(Pid from, Pid to) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 7;
        public GroupLeader { Objects.requireNonNull(from); Objects.requireNonNull(to); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, to); }
    }

    /** {@code {8, FromPid, ToPid, Reason}}: {@code exit/2}. */
    record Exit2(Pid from, Pid to, Term reason) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 8;
        public Exit2 { Objects.requireNonNull(from); Objects.requireNonNull(to); Objects.requireNonNull(reason); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, to, reason); }
    }

    /** {@code {12, Unused, ToPid, TraceToken}} + Message. */
    record SendTT(Pid to, Term token, Term message) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 12;
        public SendTT { Objects.requireNonNull(to); Objects.requireNonNull(token); Objects.requireNonNull(message); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), UNUSED, to, token); }
        @Override public Term payload() { return message; }
    }

    /** {@code {13, FromPid, ToPid, TraceToken, Reason}}. */
    record ExitTT(Pid from, Pid to, Term token, Term reason) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 13;
        public ExitTT { Objects.requireNonNull(from); Objects.requireNonNull(to); Objects.requireNonNull(token); Objects.requireNonNull(reason); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, to, token, reason); }
    }

    /** {@code {16, FromPid, Unused, ToName, TraceToken}} + Message. */
    record RegSendTT(Pid from, Atom toName, Term token, Term message) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 16;
        public RegSendTT { Objects.requireNonNull(from); Objects.requireNonNull(toName); Objects.requireNonNull(token); Objects.requireNonNull(message); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, UNUSED, toName, token); }
        @Override public Term payload() { return message; }
    }

    /** {@code {18, FromPid, ToPid, TraceToken, Reason}}. */
    record Exit2TT(Pid from, Pid to, Term token, Term reason) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 18;
        public Exit2TT { Objects.requireNonNull(from); Objects.requireNonNull(to); Objects.requireNonNull(token); Objects.requireNonNull(reason); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, to, token, reason); }
    }

    /** {@code {19, FromPid, ToProc, Ref}}: monitor a pid or (DIST_MONITOR_NAME) a name. */
    record MonitorP(Pid from, Term toProc, Ref ref) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 19;
        public MonitorP { Objects.requireNonNull(from); Objects.requireNonNull(toProc); Objects.requireNonNull(ref); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, toProc, ref); }
    }

    /** {@code {20, FromPid, ToProc, Ref}}: remove a monitor. */
    record DemonitorP(Pid from, Term toProc, Ref ref) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 20;
        public DemonitorP { Objects.requireNonNull(from); Objects.requireNonNull(toProc); Objects.requireNonNull(ref); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, toProc, ref); }
    }

    /** {@code {21, FromProc, ToPid, Ref, Reason}}: a monitored process died. */
    record MonitorPExit(Term fromProc, Pid to, Ref ref, Term reason) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 21;
        public MonitorPExit { Objects.requireNonNull(fromProc); Objects.requireNonNull(to); Objects.requireNonNull(ref); Objects.requireNonNull(reason); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), fromProc, to, ref, reason); }
    }

    /** {@code {22, FromPid, ToPid}} + Message: send with the sender (SEND_SENDER). */
    record SendSender(Pid from, Pid to, Term message) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 22;
        public SendSender { Objects.requireNonNull(from); Objects.requireNonNull(to); Objects.requireNonNull(message); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, to); }
        @Override public Term payload() { return message; }
    }

    /** {@code {23, FromPid, ToPid, TraceToken}} + Message. */
    record SendSenderTT(Pid from, Pid to, Term token, Term message) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 23;
        public SendSenderTT { Objects.requireNonNull(from); Objects.requireNonNull(to); Objects.requireNonNull(token); Objects.requireNonNull(message); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, to, token); }
        @Override public Term payload() { return message; }
    }

    /** {@code {24, FromPid, ToPid}} + Reason (EXIT_PAYLOAD). */
    record PayloadExit(Pid from, Pid to, Term reason) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 24;
        public PayloadExit { Objects.requireNonNull(from); Objects.requireNonNull(to); Objects.requireNonNull(reason); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, to); }
        @Override public Term payload() { return reason; }
    }

    /** {@code {25, FromPid, ToPid, TraceToken}} + Reason. */
    record PayloadExitTT(Pid from, Pid to, Term token, Term reason) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 25;
        public PayloadExitTT { Objects.requireNonNull(from); Objects.requireNonNull(to); Objects.requireNonNull(token); Objects.requireNonNull(reason); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, to, token); }
        @Override public Term payload() { return reason; }
    }

    /** {@code {26, FromPid, ToPid}} + Reason: {@code exit/2} (EXIT_PAYLOAD). */
    record PayloadExit2(Pid from, Pid to, Term reason) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 26;
        public PayloadExit2 { Objects.requireNonNull(from); Objects.requireNonNull(to); Objects.requireNonNull(reason); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, to); }
        @Override public Term payload() { return reason; }
    }

    /** {@code {27, FromPid, ToPid, TraceToken}} + Reason. */
    record PayloadExit2TT(Pid from, Pid to, Term token, Term reason) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 27;
        public PayloadExit2TT { Objects.requireNonNull(from); Objects.requireNonNull(to); Objects.requireNonNull(token); Objects.requireNonNull(reason); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, to, token); }
        @Override public Term payload() { return reason; }
    }

    /** {@code {28, FromProc, ToPid, Ref}} + Reason. */
    record PayloadMonitorPExit(Term fromProc, Pid to, Ref ref, Term reason) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 28;
        public PayloadMonitorPExit { Objects.requireNonNull(fromProc); Objects.requireNonNull(to); Objects.requireNonNull(ref); Objects.requireNonNull(reason); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), fromProc, to, ref); }
        @Override public Term payload() { return reason; }
    }

    /** {@code {29, ReqId, From, GroupLeader, {Module, Function, Arity}, OptList}} + ArgList. */
    record SpawnRequest(Ref reqId, Pid from, Pid groupLeader, Atom module, Atom function, int arity,
                        Term options, Term args) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 29;
        public SpawnRequest { Objects.requireNonNull(reqId); Objects.requireNonNull(from); Objects.requireNonNull(groupLeader); Objects.requireNonNull(module); Objects.requireNonNull(function); Objects.requireNonNull(options); Objects.requireNonNull(args); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), reqId, from, groupLeader, Tuple.of(module, function, Int.of(arity)), options); }
        @Override public Term payload() { return args; }
    }

    /** {@code {30, ReqId, From, GroupLeader, {Module, Function, Arity}, OptList, Token}} + ArgList. */
    record SpawnRequestTT(Ref reqId, Pid from, Pid groupLeader, Atom module, Atom function, int arity,
                          Term options, Term token, Term args) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 30;
        public SpawnRequestTT { Objects.requireNonNull(reqId); Objects.requireNonNull(from); Objects.requireNonNull(groupLeader); Objects.requireNonNull(module); Objects.requireNonNull(function); Objects.requireNonNull(options); Objects.requireNonNull(token); Objects.requireNonNull(args); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), reqId, from, groupLeader, Tuple.of(module, function, Int.of(arity)), options, token); }
        @Override public Term payload() { return args; }
    }

    /** {@code {31, ReqId, To, Flags, Result}}: Flags bit 0 = link set up, bit 1 = monitor. */
    record SpawnReply(Ref reqId, Pid to, int flags, Term result) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 31;
        public SpawnReply { Objects.requireNonNull(reqId); Objects.requireNonNull(to); Objects.requireNonNull(result); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), reqId, to, Int.of(flags), result); }
    }

    /** {@code {32, ReqId, To, Flags, Result, Token}}. */
    record SpawnReplyTT(Ref reqId, Pid to, int flags, Term result, Term token) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 32;
        public SpawnReplyTT { Objects.requireNonNull(reqId); Objects.requireNonNull(to); Objects.requireNonNull(result); Objects.requireNonNull(token); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), reqId, to, Int.of(flags), result, token); }
    }

    /** {@code {33, FromPid, Alias}} + Message (ALIAS). */
    record AliasSend(Pid from, Ref alias, Term message) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 33;
        public AliasSend { Objects.requireNonNull(from); Objects.requireNonNull(alias); Objects.requireNonNull(message); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, alias); }
        @Override public Term payload() { return message; }
    }

    /** {@code {34, FromPid, Alias, Token}} + Message. */
    record AliasSendTT(Pid from, Ref alias, Term token, Term message) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 34;
        public AliasSendTT { Objects.requireNonNull(from); Objects.requireNonNull(alias); Objects.requireNonNull(token); Objects.requireNonNull(message); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), from, alias, token); }
        @Override public Term payload() { return message; }
    }

    /**
     * {@code {35, Id, FromPid, ToPid}}: the new unlink (UNLINK_ID). {@code id} is an
     * unsigned 64-bit number in 1..2^64-1, held in a {@code long}.
     */
    record UnlinkId(long id, Pid from, Pid to) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 35;
        public UnlinkId { Objects.requireNonNull(from); Objects.requireNonNull(to); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), unsigned(id), from, to); }
    }

    /** {@code {36, Id, FromPid, ToPid}}: acknowledges an {@link UnlinkId}. */
    record UnlinkIdAck(long id, Pid from, Pid to) implements ControlMessage {
        /** Operation number. */
        public static final int OP = 36;
        public UnlinkIdAck { Objects.requireNonNull(from); Objects.requireNonNull(to); }
        @Override public int op() { return OP; }
        @Override public Tuple control() { return Tuple.of(Int.of(OP), unsigned(id), from, to); }
    }

    /** The atom written in the {@code Unused} slot: {@code ''}. */
    Atom UNUSED = Atom.of("");

    /**
     * Rebuilds a control message from the control tuple and the payload that followed it.
     *
     * @param control the first term of the packet
     * @param payload the second term, or null when the packet had only one
     * @throws DistProtocolException.UnknownOperation for an operation number this node does
     *                                                not know (not fatal)
     * @throws DistProtocolException                  when the tuple has the wrong shape, or a
     *                                                payload is missing or unexpected
     */
    static ControlMessage decode(Term control, Term payload) throws DistProtocolException {
        return ControlMessages.decode(control, payload);
    }

    /** The protocol guide's name of operation {@code op}, or {@code UNKNOWN_<op>}. */
    static String name(int op) {
        return ControlMessages.name(op);
    }

    private static Int unsigned(long id) {
        return id >= 0 ? Int.of(id) : Int.of(new BigInteger(Long.toUnsignedString(id)));
    }
}
