/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

/**
 * The operations of the distribution protocol ({@code erl_dist_protocol.md}, "Protocol
 * between connected nodes"), named as the guide names them, with the shape of each one's
 * control tuple.
 *
 * <p>On the wire a control message is a tuple whose first element is the operation number,
 * followed by a second term, the payload, for the operations that carry one (the message of
 * a send, the reason of a {@code PAYLOAD_*} exit, the argument list of a spawn request):
 *
 * <pre>
 *  +-----+------------------------------+   +-----------------+
 *  | {Op, Field1, Field2, ...}          |   | Payload (opt.)  |
 *  +-----+------------------------------+   +-----------------+
 * </pre>
 *
 * <p>The {@code Unused} slot of SEND and REG_SEND (a cookie in the distant past) is written
 * as the empty atom, as ERTS writes it, and ignored when read. {@link SignalCodec} reads each
 * operation into a {@link Signal} and chooses the operation to write for one.
 */
public enum ControlOp {

    /** {@code {1, FromPid, ToPid}}. */
    LINK(1, 3, false),
    /** {@code {2, Unused, ToPid}} + Message. */
    SEND(2, 3, true),
    /** {@code {3, FromPid, ToPid, Reason}}: the exit of a linked process. */
    EXIT(3, 4, false),
    /** {@code {4, FromPid, ToPid}}: the old unlink, without acknowledgement; unsupported from OTP 26. */
    UNLINK(4, 3, false),
    /** {@code {5}}: unused since ancient releases. */
    NODE_LINK(5, 1, false),
    /** {@code {6, FromPid, Unused, ToName}} + Message. */
    REG_SEND(6, 4, true),
    /** {@code {7, FromPid, ToPid}}: sets the group leader of ToPid. */
    GROUP_LEADER(7, 3, false),
    /** {@code {8, FromPid, ToPid, Reason}}: {@code exit/2}. */
    EXIT2(8, 4, false),
    /** {@code {12, Unused, ToPid, TraceToken}} + Message. */
    SEND_TT(12, 4, true),
    /** {@code {13, FromPid, ToPid, TraceToken, Reason}}. */
    EXIT_TT(13, 5, false),
    /** {@code {16, FromPid, Unused, ToName, TraceToken}} + Message. */
    REG_SEND_TT(16, 5, true),
    /** {@code {18, FromPid, ToPid, TraceToken, Reason}}. */
    EXIT2_TT(18, 5, false),
    /** {@code {19, FromPid, ToProc, Ref}}: monitor a pid or (DIST_MONITOR_NAME) a name. */
    MONITOR_P(19, 4, false),
    /** {@code {20, FromPid, ToProc, Ref}}. */
    DEMONITOR_P(20, 4, false),
    /** {@code {21, FromProc, ToPid, Ref, Reason}}. */
    MONITOR_P_EXIT(21, 5, false),
    /** {@code {22, FromPid, ToPid}} + Message (SEND_SENDER). */
    SEND_SENDER(22, 3, true),
    /** {@code {23, FromPid, ToPid, TraceToken}} + Message. */
    SEND_SENDER_TT(23, 4, true),
    /** {@code {24, FromPid, ToPid}} + Reason (EXIT_PAYLOAD). */
    PAYLOAD_EXIT(24, 3, true),
    /** {@code {25, FromPid, ToPid, TraceToken}} + Reason. */
    PAYLOAD_EXIT_TT(25, 4, true),
    /** {@code {26, FromPid, ToPid}} + Reason. */
    PAYLOAD_EXIT2(26, 3, true),
    /** {@code {27, FromPid, ToPid, TraceToken}} + Reason. */
    PAYLOAD_EXIT2_TT(27, 4, true),
    /** {@code {28, FromProc, ToPid, Ref}} + Reason. */
    PAYLOAD_MONITOR_P_EXIT(28, 4, true),
    /** {@code {29, ReqId, From, GroupLeader, {Module, Function, Arity}, OptList}} + ArgList (SPAWN). */
    SPAWN_REQUEST(29, 6, true),
    /** {@code {30, ReqId, From, GroupLeader, {Module, Function, Arity}, OptList, Token}} + ArgList. */
    SPAWN_REQUEST_TT(30, 7, true),
    /** {@code {31, ReqId, To, Flags, Result}}. */
    SPAWN_REPLY(31, 5, false),
    /** {@code {32, ReqId, To, Flags, Result, Token}}. */
    SPAWN_REPLY_TT(32, 6, false),
    /** {@code {33, FromPid, Alias}} + Message (ALIAS). */
    ALIAS_SEND(33, 3, true),
    /** {@code {34, FromPid, Alias, Token}} + Message. */
    ALIAS_SEND_TT(34, 4, true),
    /** {@code {35, Id, FromPid, ToPid}}: the new unlink (UNLINK_ID), Id in 1..2^64-1. */
    UNLINK_ID(35, 4, false),
    /** {@code {36, Id, FromPid, ToPid}}: acknowledges an UNLINK_ID. */
    UNLINK_ID_ACK(36, 4, false);

    private static final ControlOp[] BY_NUMBER = new ControlOp[37];

    static {
        for (ControlOp op : values()) {
            BY_NUMBER[op.number] = op;
        }
    }

    private final int number;
    private final int arity;
    private final boolean payload;

    ControlOp(int number, int arity, boolean payload) {
        this.number = number;
        this.arity = arity;
        this.payload = payload;
    }

    /** The operation number, the first element of the control tuple. */
    public int number() {
        return number;
    }

    /** The arity of the control tuple. */
    public int arity() {
        return arity;
    }

    /** True when a payload term follows the control tuple. */
    public boolean hasPayload() {
        return payload;
    }

    /** The operation numbered {@code number}, or null for one this node does not know. */
    public static ControlOp of(long number) {
        return number >= 0 && number < BY_NUMBER.length ? BY_NUMBER[(int) number] : null;
    }

    /** The protocol guide's name of operation {@code number}, or {@code UNKNOWN_<number>}. */
    public static String name(long number) {
        ControlOp op = of(number);
        if (op != null) {
            return op.name();
        }
        return number == 37 ? "ALTACT_SIG_SEND" : "UNKNOWN_" + number;
    }
}
