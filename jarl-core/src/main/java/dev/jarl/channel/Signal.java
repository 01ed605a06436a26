/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.channel;

import java.util.Objects;

import dev.jarl.term.Atom;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;

/**
 * What one process does to another across a connection: the signals of Erlang's process
 * model, as the node sends and handles them. The wire has several forms of most signals
 * (with or without a trace token, with the reason in the control tuple or as a payload, the
 * old UNLINK and the new UNLINK_ID); the channel reads every form into one signal and writes
 * each signal in the form the connection's flags call for ({@link SignalCodec}), so nothing
 * above the channel sees a wire variant.
 *
 * <table>
 *   <caption>Signals and their wire forms ({@link ControlOp})</caption>
 *   <tr><th>signal</th><th>read from</th><th>written as</th></tr>
 *   <tr><td>{@link Send}</td><td>SEND, SEND_SENDER and their _TT forms</td>
 *       <td>SEND_SENDER when agreed and the sender is known, else SEND</td></tr>
 *   <tr><td>{@link RegSend}</td><td>REG_SEND, REG_SEND_TT</td><td>REG_SEND</td></tr>
 *   <tr><td>{@link AliasSend}</td><td>ALIAS_SEND, ALIAS_SEND_TT</td><td>ALIAS_SEND; nothing without ALIAS</td></tr>
 *   <tr><td>{@link Link}</td><td>LINK</td><td>LINK</td></tr>
 *   <tr><td>{@link Unlink}</td><td>UNLINK_ID, UNLINK (id 0)</td><td>UNLINK_ID; UNLINK without it</td></tr>
 *   <tr><td>{@link UnlinkAck}</td><td>UNLINK_ID_ACK</td><td>UNLINK_ID_ACK; nothing without UNLINK_ID</td></tr>
 *   <tr><td>{@link Exit}</td><td>EXIT, EXIT2, PAYLOAD_EXIT, PAYLOAD_EXIT2 and their _TT forms</td>
 *       <td>the PAYLOAD_ forms with EXIT_PAYLOAD, else EXIT or EXIT2</td></tr>
 *   <tr><td>{@link Monitor}, {@link Demonitor}</td><td>MONITOR_P, DEMONITOR_P</td>
 *       <td>the same; nothing without DIST_MONITOR (or DIST_MONITOR_NAME for a name)</td></tr>
 *   <tr><td>{@link Down}</td><td>MONITOR_P_EXIT, PAYLOAD_MONITOR_P_EXIT</td>
 *       <td>PAYLOAD_MONITOR_P_EXIT with EXIT_PAYLOAD, else MONITOR_P_EXIT</td></tr>
 *   <tr><td>{@link SpawnRequest}, {@link SpawnReply}</td><td>SPAWN_REQUEST, SPAWN_REPLY and their _TT forms</td>
 *       <td>SPAWN_REQUEST, SPAWN_REPLY; nothing without SPAWN</td></tr>
 * </table>
 *
 * <p>Trace tokens are read and dropped (Jarl does not take part in sequential tracing).
 * GROUP_LEADER and the ancient NODE_LINK are not signals Jarl handles: the channel drops
 * them as it drops an unknown operation.
 */
public sealed interface Signal {

    /**
     * The process whose signals this one must stay in order with when the channel interleaves
     * fragmented messages (the sending process), or null for none.
     */
    Term sender();

    /** True for a message (a send), which may wait on the busy limit; other signals never wait. */
    default boolean isMessage() {
        return false;
    }

    /**
     * A message to a pid.
     *
     * @param from the sending process, or null when unknown (SEND carries none)
     */
    record Send(Pid from, Pid to, Term message) implements Signal {
        /** Checks for nulls (but {@code from}). */
        public Send {
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Term sender() {
            return from;
        }

        @Override
        public boolean isMessage() {
            return true;
        }
    }

    /** A message to the process registered as {@code to} on the receiving node. */
    record RegSend(Pid from, Atom to, Term message) implements Signal {
        /** Checks for nulls. */
        public RegSend {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Term sender() {
            return from;
        }

        @Override
        public boolean isMessage() {
            return true;
        }
    }

    /** A message to the process whose alias (an active reference) is {@code alias}. */
    record AliasSend(Pid from, Ref alias, Term message) implements Signal {
        /** Checks for nulls. */
        public AliasSend {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(alias, "alias");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public Term sender() {
            return from;
        }

        @Override
        public boolean isMessage() {
            return true;
        }
    }

    /** {@code from} links to {@code to}. */
    record Link(Pid from, Pid to) implements Signal {
        /** Checks for nulls. */
        public Link {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        @Override
        public Term sender() {
            return from;
        }
    }

    /**
     * {@code from} removes its link to {@code to} (the link protocol of
     * {@code erl_dist_protocol.md}).
     *
     * @param id the unlink id, an unsigned 64-bit number in 1..2^64-1 held in a {@code long};
     *           0 for the old UNLINK of a peer without UNLINK_ID, which is never acknowledged
     */
    record Unlink(long id, Pid from, Pid to) implements Signal {
        /** Checks for nulls. */
        public Unlink {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        @Override
        public Term sender() {
            return from;
        }
    }

    /** {@code from} acknowledges the {@link Unlink} {@code id} that {@code to} sent it. */
    record UnlinkAck(long id, Pid from, Pid to) implements Signal {
        /** Checks for nulls. */
        public UnlinkAck {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }

        @Override
        public Term sender() {
            return from;
        }
    }

    /**
     * An exit signal.
     *
     * @param link true for the exit of a linked process (EXIT), false for {@code exit/2}
     *             (EXIT2), which needs no link and which {@code kill} makes untrappable
     */
    record Exit(Pid from, Pid to, Term reason, boolean link) implements Signal {
        /** Checks for nulls. */
        public Exit {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Term sender() {
            return from;
        }
    }

    /**
     * {@code from} starts monitoring {@code target}.
     *
     * @param target the monitored process: a pid, or the registered name (an atom)
     */
    record Monitor(Pid from, Term target, Ref ref) implements Signal {
        /** Checks for nulls. */
        public Monitor {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(ref, "ref");
        }

        @Override
        public Term sender() {
            return from;
        }
    }

    /** {@code from} stops the monitor {@code ref} of {@code target} (a pid or a name). */
    record Demonitor(Pid from, Term target, Ref ref) implements Signal {
        /** Checks for nulls. */
        public Demonitor {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(ref, "ref");
        }

        @Override
        public Term sender() {
            return from;
        }
    }

    /**
     * The process {@code from} (a pid, or the name it was monitored by) that {@code to}
     * monitored with {@code ref} ended with {@code reason}.
     */
    record Down(Term from, Pid to, Ref ref, Term reason) implements Signal {
        /** Checks for nulls. */
        public Down {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(ref, "ref");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Term sender() {
            return from;
        }
    }

    /**
     * {@code from} asks the receiving node to spawn {@code module:function(args)}.
     *
     * @param options the spawn options (a list; {@code link}, {@code monitor}, ...)
     * @param args    the argument list, {@code arity} elements long
     */
    record SpawnRequest(Ref reqId, Pid from, Pid groupLeader, Atom module, Atom function, int arity,
                        Term options, Term args) implements Signal {
        /** Checks for nulls. */
        public SpawnRequest {
            Objects.requireNonNull(reqId, "reqId");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(groupLeader, "groupLeader");
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(function, "function");
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(args, "args");
        }

        @Override
        public Term sender() {
            return from;
        }
    }

    /**
     * The answer to the {@link SpawnRequest} {@code reqId} of {@code to}.
     *
     * @param flags  bit 0: the new process is linked to {@code to}; bit 1: monitored by it
     * @param result the new process's pid, or the reason the spawn failed
     */
    record SpawnReply(Ref reqId, Pid to, int flags, Term result) implements Signal {
        /** Checks for nulls. */
        public SpawnReply {
            Objects.requireNonNull(reqId, "reqId");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(result, "result");
        }

        @Override
        public Term sender() {
            return null;
        }
    }
}
