/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * {@code gen_server} interop: calling and casting to Erlang gen_servers from Java, and
 * answering {@code gen_server:call}/{@code cast} from Erlang in a Jarl process.
 *
 * <pre>{@code
 * // Java calls an Erlang server
 * Term n = GenServer.call(box, Term.tuple("counter", "erl@host"), Term.atom("get"), Duration.ofSeconds(5));
 *
 * // a Jarl process Erlang can gen_server:call(Pid, {add, 1, 2})
 * Pid adder = node.spawn(GenServer.server((request, from) -> request instanceof Tuple t
 *         ? Int.of(((Int) t.get(1)).longValue() + ((Int) t.get(2)).longValue()) : Term.atom("badarg")));
 * }</pre>
 *
 * <p><b>Calls</b> work as OTP 24+'s {@code gen:call}: monitor the server, make the monitor
 * reference an alias, send {@code {'$gen_call', {Self, [alias | Ref]}, Request}}, wait for
 * {@code {[alias | Ref], Reply}} or the DOWN message. A server that is not there, or dies,
 * or whose node is lost, fails the call at once with the reason {@code gen:call} exits with
 * (see {@link CallException}); a late reply after a timeout is dropped, because the alias is
 * gone. {@link #callAsync} is the same call without a waiting thread; {@link #call} waits
 * for it.
 */
public final class GenServer {

    private static final Atom ALIAS = Atom.of("alias");

    private GenServer() {
    }

    /** A request a gen_server receives. */
    public sealed interface Request permits Call, Cast {
    }

    /**
     * {@code {'$gen_call', From, Request}}: answer with {@link GenServer#reply}.
     *
     * @param request the request
     * @param from    the caller's {@code {Pid, Tag}}
     */
    public record Call(Term request, Term from) implements Request {
    }

    /** {@code {'$gen_cast', Request}}. */
    public record Cast(Term request) implements Request {
    }

    /** The gen_server request in {@code message}, if it is one. */
    public static Optional<Request> parse(Term message) {
        if (message instanceof Tuple t) {
            if (t.isTagged(Atom.GEN_CALL, 3) && t.get(1) instanceof Tuple from && from.arity() == 2
                    && from.get(0) instanceof Pid) {
                return Optional.of(new Call(t.get(2), from));
            }
            if (t.isTagged(Atom.GEN_CAST, 2)) {
                return Optional.of(new Cast(t.get(1)));
            }
        }
        return Optional.empty();
    }

    /**
     * Replies to a call ({@code gen_server:reply(From, Reply)}): {@code {Tag, Reply}} to the
     * alias when the tag is {@code [alias | Alias]}, else to the caller's pid.
     */
    public static void reply(Mailbox box, Term from, Term reply) {
        if (!(from instanceof Tuple f && f.arity() == 2 && f.get(0) instanceof Pid caller)) {
            throw new IllegalArgumentException("from: " + from + " (expected: {Pid, Tag})");
        }
        Term tag = f.get(1);
        Term message = Tuple.of(tag, reply);
        if (tag instanceof TermList l && l.size() == 1 && ALIAS.equals(l.get(0)) && l.tail() instanceof Ref alias) {
            box.send(alias, message);
        } else {
            box.send(caller, message);
        }
    }

    /** What a Jarl gen_server does with its requests. */
    public interface Handler {
        /**
         * Answers a call; return null to answer later with {@link GenServer#reply}.
         * Throwing ends the server with the exception's reason, as a crashing
         * {@code handle_call} does.
         */
        Term handleCall(Term request, Term from) throws Exception;

        /** Handles a cast (ignored by default). */
        default void handleCast(Term request) throws Exception {
        }

        /** Handles any other message (ignored by default). */
        default void handleInfo(Term message) throws Exception {
        }
    }

    /** A process body that serves {@code handler} until the process ends. */
    public static ProcessBody server(Handler handler) {
        Objects.requireNonNull(handler, "handler");
        return self -> serve(self, handler);
    }

    /** Serves {@code handler} on {@code box} until the process ends (runs on the caller's thread). */
    public static void serve(Mailbox box, Handler handler) throws Exception {
        while (true) {
            Term m = box.receive();
            Optional<Request> r = parse(m);
            if (r.isEmpty()) {
                handler.handleInfo(m);
                continue;
            }
            switch (r.get()) {
                case Call c -> {
                    Term reply = handler.handleCall(c.request(), c.from());
                    if (reply != null) {
                        reply(box, c.from(), reply);
                    }
                }
                case Cast c -> handler.handleCast(c.request());
            }
        }
    }

    /**
     * {@code gen_server:cast(Server, Request)}: sends {@code {'$gen_cast', Request}} and
     * returns at once; like Erlang's, it never fails (a missing server is ignored).
     *
     * @param server a pid, a registered name (atom) or {@code {Name, Node}}
     */
    public static void cast(Mailbox box, Term server, Term request) {
        Term message = Tuple.of(Atom.GEN_CAST, request);
        try {
            box.send(server, message);
        } catch (IllegalArgumentException noSuchName) {
            // gen_server:cast ignores a name that is not registered
        }
    }

    /**
     * {@code gen_server:call(Server, Request, Timeout)} from {@code box}'s process: a thin
     * wait on {@link #callAsync}.
     *
     * @param server  a pid, a registered name (atom, on this node) or {@code {Name, Node}}
     * @param timeout how long to wait for the reply; null for {@code infinity}
     * @return the reply
     * @throws CallException        when the call fails: {@link CallException.NoProc},
     *                              {@link CallException.NodeDown}, {@link CallException.Timeout},
     *                              or {@link CallException.Exited} when the server died
     * @throws InterruptedException when interrupted while waiting (the call is abandoned: its
     *                              monitor and alias are removed)
     */
    public static Term call(Mailbox box, Term server, Term request, Duration timeout)
            throws CallException, InterruptedException {
        return AsyncCalls.await(call(box, server, request, timeout, true), CallException.class);
    }

    /**
     * {@code gen_server:call(Server, Request, Timeout)} from {@code box}'s process, without
     * blocking: the returned future completes with the reply, or fails with the
     * {@link CallException} the blocking {@link #call} throws (wrapped as
     * {@link CompletableFuture} wraps failures: a {@link java.util.concurrent.CompletionException}
     * in {@code join}, an {@link java.util.concurrent.ExecutionException} in {@code get}).
     * No thread waits meanwhile: the call is a monitor whose reference is also an alias, a
     * send, and an entry in the process's table of waiters that the reply or the DOWN
     * message settles where it arrives.
     *
     * <p>The future completes on a new virtual thread (the node's completion executor), so
     * dependent stages may block; the {@code *Async} methods without an executor use it too.
     * Cancelling it, or the timeout, ends the call as a timed-out {@code gen_server:call}
     * does: the monitor is removed on both nodes and the alias deactivated, so a reply that
     * comes later is dropped. Replies and DOWN messages of the call never reach
     * {@code box}'s {@link Mailbox#receive()}.
     *
     * @param server  a pid, a registered name (atom, on this node) or {@code {Name, Node}}
     * @param timeout how long to wait for the reply; null for {@code infinity}
     * @throws IllegalArgumentException when {@code server} is none of those
     */
    public static CompletableFuture<Term> callAsync(Mailbox box, Term server, Term request, Duration timeout) {
        return call(box, server, request, timeout, false);
    }

    /** The one implementation of both forms; {@code direct}: a blocking wait (see {@link Pending}). */
    static Pending<Term> call(Mailbox box, Term server, Term request, Duration timeout, boolean direct) {
        Objects.requireNonNull(box, "box");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(request, "request");
        long millis = timeout == null ? -1 : timeout.toMillis();
        Node node = box.node();
        Pending<Term> result = new Pending<>(direct);
        Atom local;
        NodeName target;
        switch (server) {
            case Pid p -> {
                local = null;
                target = node.processes().nodeName(p.node());
            }
            case Atom a -> {
                local = a;
                target = node.name();
            }
            case Tuple t when t.arity() == 2 && t.get(0) instanceof Atom n && t.get(1) instanceof Atom at -> {
                local = n;
                target = node.processes().nodeName(at);
            }
            default -> throw new IllegalArgumentException("server: " + server
                    + " (expected: a pid, a name or {Name, Node})");
        }
        if (target.equals(node.name()) && local != null && node.whereis(local.name()).isEmpty()) {
            result.fail(CallException.of(Atom.NOPROC, server, request, millis));
            return result;
        }
        LocalProcess self = box.process();
        Ref mref = node.makeRef();
        Term tag = TermList.improper(java.util.List.of(ALIAS), mref);
        MessageQueue.Waiter waiter = new MessageQueue.Waiter(mref, null, false, m -> {
            Tuple t = (Tuple) m;
            if (t.arity() == 2) {
                if (tag.equals(t.get(0))) {
                    result.settle(t.get(1));
                }
                return;
            }
            Term reason = t.get(4);
            if (Atom.NOCONNECTION.equals(reason)) {
                reason = Tuple.of(Atom.of("nodedown"), Atom.of(target.toString()));
            }
            result.fail(CallException.of(reason, server, request, millis));
        }, reason -> result.fail(new ExitException(reason)));
        result.await(self.queue(), waiter);
        node.processes().alias(self, mref);
        switch (server) {
            case Pid p -> node.processes().monitor(self, p, mref);
            default -> node.processes().monitor(self, local, target, mref);
        }
        // after the alias and monitor exist, as Pending.await: settled already, it runs at once
        result.onSettle(() -> {
            box.demonitor(mref, true);
            node.processes().unalias(self, mref);
        });
        try {
            box.send(server, Tuple.of(Atom.GEN_CALL, Tuple.of(box.self(), tag), request));
        } catch (IllegalArgumentException gone) {
            // the local name went away after the monitor: the DOWN message says noproc
        }
        node.async().timeout(result, timeout,
                () -> result.fail(CallException.of(Atom.of("timeout"), server, request, millis)));
        return result;
    }
}
