/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.Objects;

import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * Why {@link Node#rpc} returned no value. The four outcomes are distinct types:
 *
 * <ul>
 *   <li>{@link Raised}: the function ran and raised {@code error}, {@code exit} or
 *       {@code throw} (with reason and, for {@code error}, the stack trace);</li>
 *   <li>{@link NoConnection}: the node could not be reached, or the connection was lost
 *       before the result came;</li>
 *   <li>{@link Timeout}: no result within the timeout (the call may still run there);</li>
 *   <li>{@link Failed}: the call could not be made or ended otherwise (the spawn was
 *       refused, the process was killed, or the legacy {@code rex} path answered
 *       {@code {badrpc, Reason}}).</li>
 * </ul>
 *
 * <pre>{@code
 * try {
 *     Term v = node.rpc(peer, "lists", "reverse", List.of(list), Duration.ofSeconds(5));
 * } catch (RpcException e) {
 *     switch (e) {
 *         case RpcException.Raised r -> log(r.exception().erlangClass() + ":" + r.exception().reason());
 *         case RpcException.NoConnection n -> log("down: " + n.node());
 *         case RpcException.Timeout t -> log("too slow");
 *         case RpcException.Failed f -> log("failed: " + f.reason());
 *     }
 *     Term asRpcCall = e.rpcCallResult();   // what rpc:call would have returned, e.g. {badrpc, nodedown}
 * }
 * }</pre>
 */
public abstract sealed class RpcException extends Exception {

    private static final long serialVersionUID = 1L;
    private static final Atom BADRPC = Atom.of("badrpc");

    private RpcException(String message) {
        super(message, null, false, false);
    }

    /**
     * What {@code rpc:call/5} returns in this case: {@code {badrpc, Reason}}, or for a
     * {@code throw} the thrown value itself (as {@code rpc:call} returns it).
     */
    public abstract Term rpcCallResult();

    /** The function raised an Erlang exception. */
    public static final class Raised extends RpcException {
        private static final long serialVersionUID = 1L;
        private final ErlangException exception;

        /** Wraps what was raised. */
        public Raised(ErlangException exception) {
            super("raised " + exception.getMessage());
            this.exception = exception;
        }

        /** The class, reason and stack trace. */
        public ErlangException exception() {
            return exception;
        }

        @Override
        public Term rpcCallResult() {
            return switch (exception) {
                case ErlangException.Error e -> Tuple.of(BADRPC, Tuple.of(Atom.EXIT, Tuple.of(e.reason(), e.stacktrace())));
                case ErlangException.Exit e -> Tuple.of(BADRPC, Tuple.of(Atom.EXIT, e.reason()));
                case ErlangException.Throw e -> e.reason();
            };
        }
    }

    /** The node is not reachable, or went down during the call. */
    public static final class NoConnection extends RpcException {
        private static final long serialVersionUID = 1L;
        private final transient NodeName node;

        /** No connection to {@code node}. */
        public NoConnection(NodeName node) {
            super("noconnection: " + node);
            this.node = Objects.requireNonNull(node, "node");
        }

        /** The node called. */
        public NodeName node() {
            return node;
        }

        @Override
        public Term rpcCallResult() {
            return Tuple.of(BADRPC, Atom.of("nodedown"));
        }
    }

    /** No result within the timeout. */
    public static final class Timeout extends RpcException {
        private static final long serialVersionUID = 1L;

        /** A timeout. */
        public Timeout() {
            super("timeout");
        }

        @Override
        public Term rpcCallResult() {
            return Tuple.of(BADRPC, Atom.of("timeout"));
        }
    }

    /** The call failed otherwise; {@link #reason()} is the {@code Reason} of {@code {badrpc, Reason}}. */
    public static final class Failed extends RpcException {
        private static final long serialVersionUID = 1L;
        private final transient Term reason;

        /** A failure that {@code rpc:call} would show as {@code {badrpc, reason}}. */
        public Failed(Term reason) {
            super("badrpc: " + Objects.requireNonNull(reason, "reason"));
            this.reason = reason;
        }

        /** The badrpc reason, e.g. {@code notsup} or {@code {'EXIT', killed}}. */
        public Term reason() {
            return reason;
        }

        @Override
        public Term rpcCallResult() {
            return Tuple.of(BADRPC, reason);
        }
    }
}
