/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.math.BigInteger;

import dev.jarl.carrier.DistFlags;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * The one place that knows how signals look on the wire: {@link #decode} reads every form of
 * every operation into a {@link Signal} (checking the control tuple's shape, and the identity
 * checks of {@link Identity}); {@link #op} chooses the form a connection writes, from the
 * flags it agreed, and {@link #control} and {@link #payload} give its terms.
 */
final class SignalCodec {

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    /** The atom written in the {@code Unused} slot of SEND and REG_SEND: {@code ''}. */
    static final Atom UNUSED = Atom.of("");

    private SignalCodec() {
    }

    // ------------------------------------------------------------------ writing

    /**
     * The operation that carries {@code s} to a peer that agreed {@code flags}, or null when
     * such a peer takes no form of it: ALIAS_SEND without ALIAS; MONITOR_P and DEMONITOR_P
     * without DIST_MONITOR, or by name without DIST_MONITOR_NAME (the monitor stays local and
     * fires only on {@code noconnection}, as the BEAM does); UNLINK_ID_ACK without UNLINK_ID
     * (the old UNLINK is never acknowledged); the spawn signals without SPAWN.
     */
    static ControlOp op(Signal s, long flags) {
        boolean payload = (flags & DistFlags.EXIT_PAYLOAD) != 0;
        return switch (s) {
            case Signal.Send x -> x.from() != null && (flags & DistFlags.SEND_SENDER) != 0 ? ControlOp.SEND_SENDER
                    : ControlOp.SEND;
            case Signal.RegSend x -> ControlOp.REG_SEND;
            case Signal.AliasSend x -> (flags & DistFlags.ALIAS) != 0 ? ControlOp.ALIAS_SEND : null;
            case Signal.Link x -> ControlOp.LINK;
            case Signal.Unlink x -> x.id() != 0 && (flags & DistFlags.UNLINK_ID) != 0 ? ControlOp.UNLINK_ID
                    : ControlOp.UNLINK;
            case Signal.UnlinkAck x -> x.id() != 0 && (flags & DistFlags.UNLINK_ID) != 0 ? ControlOp.UNLINK_ID_ACK : null;
            case Signal.Exit x -> x.link() ? (payload ? ControlOp.PAYLOAD_EXIT : ControlOp.EXIT)
                    : (payload ? ControlOp.PAYLOAD_EXIT2 : ControlOp.EXIT2);
            case Signal.Monitor x -> monitors(flags, x.target()) ? ControlOp.MONITOR_P : null;
            case Signal.Demonitor x -> monitors(flags, x.target()) ? ControlOp.DEMONITOR_P : null;
            case Signal.Down x -> payload ? ControlOp.PAYLOAD_MONITOR_P_EXIT : ControlOp.MONITOR_P_EXIT;
            case Signal.SpawnRequest x -> (flags & DistFlags.SPAWN) != 0 ? ControlOp.SPAWN_REQUEST : null;
            case Signal.SpawnReply x -> (flags & DistFlags.SPAWN) != 0 ? ControlOp.SPAWN_REPLY : null;
        };
    }

    private static boolean monitors(long flags, Term target) {
        return (flags & DistFlags.DIST_MONITOR) != 0 && (target instanceof Pid || (flags & DistFlags.DIST_MONITOR_NAME) != 0);
    }

    /** The control tuple of {@code s} written as {@code op} (which {@link #op} chose). */
    static Tuple control(Signal s, ControlOp op) {
        Int n = Int.of(op.number());
        return switch (s) {
            case Signal.Send x -> op == ControlOp.SEND_SENDER ? Tuple.of(n, x.from(), x.to()) : Tuple.of(n, UNUSED, x.to());
            case Signal.RegSend x -> Tuple.of(n, x.from(), UNUSED, x.to());
            case Signal.AliasSend x -> Tuple.of(n, x.from(), x.alias());
            case Signal.Link x -> Tuple.of(n, x.from(), x.to());
            case Signal.Unlink x -> op == ControlOp.UNLINK_ID ? Tuple.of(n, unsigned(x.id()), x.from(), x.to())
                    : Tuple.of(n, x.from(), x.to());
            case Signal.UnlinkAck x -> Tuple.of(n, unsigned(x.id()), x.from(), x.to());
            case Signal.Exit x -> op.hasPayload() ? Tuple.of(n, x.from(), x.to()) : Tuple.of(n, x.from(), x.to(), x.reason());
            case Signal.Monitor x -> Tuple.of(n, x.from(), x.target(), x.ref());
            case Signal.Demonitor x -> Tuple.of(n, x.from(), x.target(), x.ref());
            case Signal.Down x -> op.hasPayload() ? Tuple.of(n, x.from(), x.to(), x.ref())
                    : Tuple.of(n, x.from(), x.to(), x.ref(), x.reason());
            case Signal.SpawnRequest x -> Tuple.of(n, x.reqId(), x.from(), x.groupLeader(),
                    Tuple.of(x.module(), x.function(), Int.of(x.arity())), x.options());
            case Signal.SpawnReply x -> Tuple.of(n, x.reqId(), x.to(), Int.of(x.flags()), x.result());
        };
    }

    /** The payload that follows the control tuple of {@code s} written as {@code op}, or null. */
    static Term payload(Signal s, ControlOp op) {
        if (!op.hasPayload()) {
            return null;
        }
        return switch (s) {
            case Signal.Send x -> x.message();
            case Signal.RegSend x -> x.message();
            case Signal.AliasSend x -> x.message();
            case Signal.Exit x -> x.reason();
            case Signal.Down x -> x.reason();
            case Signal.SpawnRequest x -> x.args();
            case Signal.Link x -> null;
            case Signal.Unlink x -> null;
            case Signal.UnlinkAck x -> null;
            case Signal.Monitor x -> null;
            case Signal.Demonitor x -> null;
            case Signal.SpawnReply x -> null;
        };
    }

    private static Int unsigned(long id) {
        return id >= 0 ? Int.of(id) : Int.of(new BigInteger(Long.toUnsignedString(id)));
    }

    // ------------------------------------------------------------------ reading

    /**
     * Reads a control tuple and the payload that followed it into a signal, then runs the
     * identity checks of {@code identity} (none when it is null).
     *
     * @param payload the second term of the packet, or null when it had only one
     * @throws DistProtocolException.UnknownOperation for an operation this node does not know
     *                                                or does not handle (GROUP_LEADER,
     *                                                NODE_LINK): not fatal
     * @throws DistProtocolException.InvalidSignal    when a check fails
     * @throws DistProtocolException                  when the tuple has the wrong shape, or a
     *                                                payload is missing or unexpected
     */
    static Signal decode(Term control, Term payload, Identity identity) throws DistProtocolException {
        if (!(control instanceof Tuple t) || t.arity() < 1) {
            throw new DistProtocolException("control message: " + describe(control)
                    + " (expected: a tuple whose first element is the operation number)");
        }
        if (!(t.get(0) instanceof Int number) || !number.isLong() || number.longValue() < 0
                || number.longValue() > Integer.MAX_VALUE) {
            throw new DistProtocolException("control operation: " + describe(t.get(0))
                    + " (expected: a small non-negative integer)");
        }
        ControlOp op = ControlOp.of(number.longValue());
        if (op == null) {
            throw new DistProtocolException.UnknownOperation((int) number.longValue());
        }
        Shape s = new Shape(op, t, payload);
        Signal signal = switch (op) {
            case LINK -> new Signal.Link(s.pid(1), s.pid(2));
            case SEND -> new Signal.Send(null, s.pid(2), payload);
            case SEND_TT -> new Signal.Send(null, s.pid(2), payload);
            case SEND_SENDER, SEND_SENDER_TT -> new Signal.Send(s.pid(1), s.pid(2), payload);
            case REG_SEND, REG_SEND_TT -> new Signal.RegSend(s.pid(1), s.atom(3), payload);
            case ALIAS_SEND, ALIAS_SEND_TT -> new Signal.AliasSend(s.pid(1), s.ref(2), payload);
            case EXIT -> new Signal.Exit(s.pid(1), s.pid(2), t.get(3), true);
            case EXIT_TT -> new Signal.Exit(s.pid(1), s.pid(2), t.get(4), true);
            case PAYLOAD_EXIT, PAYLOAD_EXIT_TT -> new Signal.Exit(s.pid(1), s.pid(2), payload, true);
            case EXIT2 -> new Signal.Exit(s.pid(1), s.pid(2), t.get(3), false);
            case EXIT2_TT -> new Signal.Exit(s.pid(1), s.pid(2), t.get(4), false);
            case PAYLOAD_EXIT2, PAYLOAD_EXIT2_TT -> new Signal.Exit(s.pid(1), s.pid(2), payload, false);
            case UNLINK -> new Signal.Unlink(0, s.pid(1), s.pid(2));
            case UNLINK_ID -> new Signal.Unlink(s.unlinkId(1), s.pid(2), s.pid(3));
            case UNLINK_ID_ACK -> new Signal.UnlinkAck(s.unlinkId(1), s.pid(2), s.pid(3));
            case MONITOR_P -> new Signal.Monitor(s.pid(1), s.proc(2), s.ref(3));
            case DEMONITOR_P -> new Signal.Demonitor(s.pid(1), s.proc(2), s.ref(3));
            case MONITOR_P_EXIT -> new Signal.Down(s.proc(1), s.pid(2), s.ref(3), t.get(4));
            case PAYLOAD_MONITOR_P_EXIT -> new Signal.Down(s.proc(1), s.pid(2), s.ref(3), payload);
            case SPAWN_REQUEST, SPAWN_REQUEST_TT -> {
                Tuple mfa = s.mfa(4);
                yield new Signal.SpawnRequest(s.ref(1), s.pid(2), s.pid(3), (Atom) mfa.get(0), (Atom) mfa.get(1),
                        (int) ((Int) mfa.get(2)).longValue(), t.get(5), payload);
            }
            case SPAWN_REPLY, SPAWN_REPLY_TT -> new Signal.SpawnReply(s.ref(1), s.pid(2), s.smallInt(3), t.get(4));
            case GROUP_LEADER -> {
                s.pid(1);
                s.pid(2);
                throw new DistProtocolException.UnknownOperation(op.number());
            }
            case NODE_LINK -> throw new DistProtocolException.UnknownOperation(op.number());
        };
        if (identity != null) {
            String problem = identity.problem(signal);
            if (problem != null) {
                throw new DistProtocolException.InvalidSignal(op.name(), problem, t.toString());
            }
        }
        return signal;
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
     * checked on construction, before any signal is built; the accessors check one element
     * each.
     */
    private static final class Shape {
        private final ControlOp op;
        private final Tuple t;

        Shape(ControlOp op, Tuple t, Term payload) throws DistProtocolException {
            this.op = op;
            this.t = t;
            if (t.arity() != op.arity()) {
                throw new DistProtocolException(op + " control tuple: arity " + t.arity() + " (expected: " + op.arity() + ")");
            }
            if (op.hasPayload() && payload == null) {
                throw new DistProtocolException(op + " payload: missing (expected: a term after the control tuple)");
            }
            if (!op.hasPayload() && payload != null) {
                throw new DistProtocolException(op + " payload: " + describe(payload)
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
            return new DistProtocolException(op + " element " + (i + 1) + ": " + describe(t.get(i))
                    + " (expected: " + expected + ")");
        }
    }

    // ------------------------------------------------------------------ identity checks

    /**
     * The two ends of a connection, for the identity checks erts makes of every signal it
     * receives ({@code erts_net_message} in {@code erts/emulator/beam/dist.c}). "Of the peer"
     * compares node names only (erts compares dist entries, one per name), so a pid of an
     * older incarnation of the peer still counts as the peer's.
     *
     * <ul>
     *   <li>{@link Signal.Link}, {@link Signal.Unlink}, {@link Signal.UnlinkAck},
     *       {@link Signal.Exit}, {@link Signal.Monitor} and {@link Signal.Demonitor}: the
     *       sender must be a pid of the peer.</li>
     *   <li>The target must be a pid of this node. One of an older incarnation of this node
     *       is accepted where erts accepts it (the node then handles it as erts does: a link
     *       or monitor answers {@code noproc}; {@code exit/2}, a demonitor, a DOWN and a spawn
     *       reply are dropped); a link exit and the unlinks must target this incarnation.</li>
     *   <li>Sends deliver to a pid of this incarnation only and drop anything else, so they
     *       need no check beyond the types the decoder checks; a spawn request's sender must
     *       be another node's.</li>
     * </ul>
     *
     * @param peer     the peer's node name as its pids carry it
     * @param self     this node's name as an atom
     * @param creation this node's creation
     */
    record Identity(Atom peer, Atom self, int creation) {

        /** Null when {@code s} may be acted on, else what is wrong with it. */
        String problem(Signal s) {
            return switch (s) {
                case Signal.Send x -> null;
                case Signal.RegSend x -> null;
                case Signal.AliasSend x -> null;
                case Signal.Link x -> either(fromPeer(x.from()), ofThisNode(x.to()));
                case Signal.Unlink x -> either(fromPeer(x.from()), ofThisIncarnation(x.to()));
                case Signal.UnlinkAck x -> either(fromPeer(x.from()), ofThisIncarnation(x.to()));
                case Signal.Exit x -> either(fromPeer(x.from()), x.link() ? ofThisIncarnation(x.to()) : ofThisNode(x.to()));
                case Signal.Monitor x -> either(fromPeer(x.from()), watched(x.target()));
                case Signal.Demonitor x -> either(fromPeer(x.from()), watched(x.target()));
                case Signal.Down x -> either(ofThisNode(x.to()), remoteProc(x.from()));
                case Signal.SpawnRequest x -> remoteProc(x.from());
                case Signal.SpawnReply x -> spawnReplyProblem(x);
            };
        }

        private static String either(String first, String second) {
            return first != null ? first : second;
        }

        private String fromPeer(Pid from) {
            return from.node().equals(peer) ? null
                    : "sender " + from + " is not a process of " + peer.name() + " (expected: a pid of the connection's peer)";
        }

        /** A pid of this node, of any incarnation. */
        private String ofThisNode(Pid to) {
            return to.node().equals(self) ? null
                    : "target " + to + " is not a process of " + self.name() + " (expected: a pid of this node)";
        }

        /** A pid of this incarnation of this node. */
        private String ofThisIncarnation(Pid to) {
            if (!to.node().equals(self)) {
                return ofThisNode(to);
            }
            return to.creation() == creation ? null : "target " + to + " is of an older incarnation of " + self.name()
                    + " (creation " + Integer.toUnsignedString(to.creation()) + "; expected: "
                    + Integer.toUnsignedString(creation) + ")";
        }

        /** The watched process of a monitor or demonitor: a registered name or a pid of this node. */
        private String watched(Term proc) {
            if (proc instanceof Pid pid) {
                return ofThisNode(pid);
            }
            return proc instanceof Atom ? null : "watched " + proc + " (expected: a pid of this node or a registered name)";
        }

        /** A pid of another node, or a name: never a process of this incarnation. */
        private String remoteProc(Term proc) {
            if (proc instanceof Pid pid) {
                return pid.node().equals(self) && pid.creation() == creation
                        ? "process " + pid + " is of this node (expected: a process of another node)" : null;
            }
            return proc instanceof Atom ? null : "process " + proc + " (expected: a pid of another node or a name)";
        }

        private String spawnReplyProblem(Signal.SpawnReply x) {
            if (!x.reqId().node().equals(self)) {
                return "request " + x.reqId() + " is not a reference of " + self.name();
            }
            if (x.flags() < 0 || x.flags() >= 1 << 27) {
                return "flags " + x.flags() + " (expected: 0 to 2^27-1)";
            }
            return either(ofThisNode(x.to()), remoteProc(x.result()));
        }
    }
}
