/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import dev.jarl.carrier.DistFlags;
import dev.jarl.channel.DistConnection;
import dev.jarl.channel.Signal;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * RPC both ways, as OTP's {@code erpc} and {@code rpc} do it (kernel's {@code erpc.erl},
 * {@code rpc.erl}; the same on OTP 25 to 29).
 *
 * <p><b>Into Java.</b> {@code erpc:call} sends SPAWN_REQUEST for
 * {@code erpc:execute_call(Res, M, F, A)} with option {@code monitor}; a BEAM node spawns it,
 * answers SPAWN_REPLY with the pid, and the process exits with {@code {Res, return, Value}},
 * {@code {Res, throw, T}}, {@code {Res, exit, R}} or {@code {Res, error, R, Stack}}: the
 * caller reads the result from the DOWN message (PAYLOAD_MONITOR_P_EXIT with the request id
 * as monitor reference). Jarl does the same with the registered Java function in place of
 * {@code apply(M, F, A)}. {@code erpc:cast} spawns {@code erpc:execute_cast(M, F, A)}
 * without a reply; {@code rpc} and the multicalls are built on these two. Any other spawn
 * request runs a registered function in a new process, or creates a process that exits at
 * once with {@code {undef, [{M, F, Args, []}]}}, as a BEAM node lacking the module does.
 *
 * <p><b>Out to Erlang.</b> The same SPAWN_REQUEST towards a peer that offered SPAWN, else
 * {@code rex}'s {@code {From, {call, M, F, A, user}}}.
 */
final class Rpc {

    private static final Logger LOG = System.getLogger(Rpc.class.getName());
    static final Atom ERPC = Atom.of("erpc");
    static final Atom EXECUTE_CALL = Atom.of("execute_call");
    static final Atom EXECUTE_CAST = Atom.of("execute_cast");
    private static final Atom RETURN = Atom.of("return");
    private static final Atom EXIT = Atom.of("exit");
    private static final Atom THROW = Atom.of("throw");
    private static final Atom UNDEF = Atom.of("undef");
    private static final Atom BADARG = Atom.of("badarg");
    private static final Atom LINK = Atom.of("link");
    private static final Atom MONITOR = Atom.of("monitor");
    private static final Atom SPAWN_REPLY = Atom.of("spawn_reply");
    private static final Atom NOCATCH = Atom.of("nocatch");
    private static final Atom EXCEPTION = Atom.of("exception");
    private static final Atom BADRPC = Atom.of("badrpc");
    private static final Atom REX = Atom.of("rex");
    private static final Atom CALL = Atom.of("call");
    private static final Atom USER = Atom.of("user");
    private static final Atom NODEDOWN = Atom.of("nodedown");
    private static final Atom NOTSUP = Atom.of("notsup");
    private static final Atom ABANDONED = Atom.of("abandoned");

    private final Node node;
    /** Calls of registered functions answered, and those that raised or found none. */
    private final LongAdder served = new LongAdder();
    private final LongAdder failed = new LongAdder();

    Rpc(Node node) {
        this.node = node;
    }

    // ------------------------------------------------------------------ running a function

    /** How a call ended: {@code kind} is return, error, exit or throw. */
    record Outcome(Atom kind, Term value, Term stack) {
    }

    /**
     * Runs {@code module:function(args)} as Erlang's {@code apply/3} would: the registered
     * function, or {@code error:undef} with a BEAM's stack {@code [{M, F, Args, []}]}.
     */
    Outcome invoke(Atom module, Atom function, TermList args) throws InterruptedException {
        Outcome o = apply(module, function, args);
        served.increment();
        if (o.kind() != RETURN) {
            failed.increment();
        }
        return o;
    }

    /** RPCs of registered functions answered so far. */
    long served() {
        return served.sum();
    }

    /** Of those, the ones that did not return a value (raised, or no such function). */
    long failed() {
        return failed.sum();
    }

    private Outcome apply(Atom module, Atom function, TermList args) throws InterruptedException {
        ErlangFunction fn = node.functions().lookup(module, function, args.size());
        if (fn == null) {
            return new Outcome(Atom.ERROR, UNDEF, TermList.of(Tuple.of(module, function, args, TermList.NIL)));
        }
        Term here = TermList.of(Tuple.of(module, function, Int.of(args.size()), TermList.NIL));
        try {
            Term v = fn.apply(args.elements());
            if (v == null) {
                return new Outcome(Atom.ERROR, ExitException.reasonOf(
                        new NullPointerException(module.name() + ":" + function.name() + " returned null")), here);
            }
            return new Outcome(RETURN, v, TermList.NIL);
        } catch (ErlangException e) {
            Term stack = e.stacktrace() instanceof TermList l && l.isEmpty() ? here : e.stacktrace();
            return switch (e) {
                case ErlangException.Error x -> new Outcome(Atom.ERROR, x.reason(), stack);
                case ErlangException.Exit x -> new Outcome(EXIT, x.reason(), stack);
                case ErlangException.Throw x -> new Outcome(THROW, x.reason(), stack);
            };
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            LOG.log(Level.DEBUG, () -> module + ":" + function + "/" + args.size() + " raised", e);
            return new Outcome(Atom.ERROR, ExitException.reasonOf(e), here);
        }
    }

    /** The reason a plain process ends with after {@code o}: normal, R, {R, Stack}, {{nocatch, T}, Stack}. */
    private static Term processExitReason(Outcome o) {
        if (o.kind() == RETURN) {
            return Atom.NORMAL;
        }
        if (o.kind() == EXIT) {
            return o.value();
        }
        if (o.kind() == THROW) {
            return Tuple.of(Tuple.of(NOCATCH, o.value()), o.stack());
        }
        return Tuple.of(o.value(), o.stack());
    }

    // ------------------------------------------------------------------ SPAWN_REQUEST

    /**
     * A spawn request: creates the process with the link and monitor asked for, answers with
     * the spawn reply before the process can send anything, then runs it.
     */
    void spawnRequest(DistConnection c, Signal.SpawnRequest request) {
        Ref reqId = request.reqId();
        Pid from = request.from();
        Term options = request.options();
        Term args = request.args();
        boolean link = false;
        boolean monitor = false;
        if (options instanceof TermList opts) {
            for (Term o : opts.elements()) {
                if (LINK.equals(o)) {
                    link = true;
                } else if (MONITOR.equals(o) || (o instanceof Tuple t && t.isTagged(MONITOR, 2))) {
                    monitor = true;
                }
            }
        }
        if (!(args instanceof TermList argList) || !argList.isProper()) {
            c.sendNoWait(new Signal.SpawnReply(reqId, from, 0, BADARG));
            return;
        }
        ProcessBody body = bodyFor(request.module(), request.function(), argList);
        boolean linked = link;
        boolean monitored = monitor;
        int flags = (link ? 1 : 0) | (monitor ? 2 : 0);
        try {
            node.processes().spawnProcess(body, child -> {
                if (linked) {
                    child.receiveLink(from);
                }
                if (monitored) {
                    child.addWatcher(new LocalProcess.Monitor(reqId, from, child.pid(), child.pid(), null, child.pid()));
                }
                c.sendNoWait(new Signal.SpawnReply(reqId, from, flags, child.pid()));
            });
        } catch (IllegalStateException closed) {
            c.sendNoWait(new Signal.SpawnReply(reqId, from, 0, NOTSUP));
        }
    }

    private ProcessBody bodyFor(Atom module, Atom function, TermList args) {
        if (ERPC.equals(module) && EXECUTE_CALL.equals(function) && args.size() == 4) {
            return self -> executeCall(args.get(0), args.get(1), args.get(2), args.get(3));
        }
        if (ERPC.equals(module) && EXECUTE_CAST.equals(function) && args.size() == 3) {
            return self -> executeCast(args.get(0), args.get(1), args.get(2));
        }
        return self -> {
            Term reason = processExitReason(invoke(module, function, args));
            if (!Atom.NORMAL.equals(reason)) {
                throw new ExitException(reason);
            }
        };
    }

    /** {@code erpc:execute_call(Ref, M, F, A)}: always exits, with the result as reason. */
    private void executeCall(Term res, Term m, Term f, Term a) throws InterruptedException {
        if (!(m instanceof Atom module) || !(f instanceof Atom function) || !(a instanceof TermList args)
                || !args.isProper()) {
            throw new ExitException(Tuple.of(res, Atom.ERROR, BADARG,
                    TermList.of(Tuple.of(Atom.of("erlang"), Atom.of("apply"), TermList.of(m, f, a), TermList.NIL))));
        }
        Outcome o = invoke(module, function, args);
        Term reason = o.kind() == Atom.ERROR ? Tuple.of(res, Atom.ERROR, o.value(), o.stack())
                : Tuple.of(res, o.kind(), o.value());
        throw new ExitException(reason);
    }

    /** {@code erpc:execute_cast(M, F, A)}: an error ends the process with {@code {exception, {R, Stack}}}. */
    private void executeCast(Term m, Term f, Term a) throws InterruptedException {
        if (!(m instanceof Atom module) || !(f instanceof Atom function) || !(a instanceof TermList args)
                || !args.isProper()) {
            throw new ExitException(Tuple.of(ERPC, BADARG));
        }
        Outcome o = invoke(module, function, args);
        if (o.kind() == Atom.ERROR) {
            throw new ExitException(Tuple.of(EXCEPTION, Tuple.of(o.value(), o.stack())));
        }
        Term reason = processExitReason(o);
        if (!Atom.NORMAL.equals(reason)) {
            throw new ExitException(reason);
        }
    }

    // ------------------------------------------------------------------ legacy rex

    /**
     * {@code {From, {call, M, F, A, GL}}} to {@code rex}: runs the call in a new process and
     * sends {@code {rex, Result}} to {@code From}, Result as {@code rpc:call} gives it.
     *
     * @return false when the message is not such a call
     */
    boolean rexCall(Term message) {
        if (!(message instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid from
                && t.get(1) instanceof Tuple call && call.isTagged(CALL, 5))) {
            return false;
        }
        Term m = call.get(1);
        Term f = call.get(2);
        Term a = call.get(3);
        node.spawn(self -> {
            Term result;
            if (m instanceof Atom module && f instanceof Atom function && a instanceof TermList args && args.isProper()) {
                Outcome o = invoke(module, function, args);
                result = rpcResult(o);
            } else {
                result = Tuple.of(BADRPC, Tuple.of(Atom.EXIT, BADARG));
            }
            self.send(from, Tuple.of(REX, result));
        });
        return true;
    }

    /** What {@code rpc:call} returns for {@code o}. */
    static Term rpcResult(Outcome o) {
        if (o.kind() == RETURN || o.kind() == THROW) {
            return o.value();
        }
        if (o.kind() == EXIT) {
            return Tuple.of(BADRPC, Tuple.of(Atom.EXIT, o.value()));
        }
        return Tuple.of(BADRPC, Tuple.of(Atom.EXIT, Tuple.of(o.value(), o.stack())));
    }

    // ------------------------------------------------------------------ out to Erlang

    /**
     * {@code erpc:call} from the node's caller process ({@link AsyncCalls#caller()}), with no
     * thread waiting: the spawn request's reference keys a waiter that the spawn reply and
     * then the DOWN message settle; the loss of the peer settles it through the caller's
     * node monitor. Timeout or cancellation abandons the request as {@code erpc} does
     * ({@code spawn_request_abandon/1}, else {@code demonitor(ReqId)}): the monitor goes on
     * both nodes, and a process whose spawn reply comes later is ended. A peer that did not
     * offer SPAWN is called through its {@code rex}; one not connected yet is connected
     * first, without a thread waiting either.
     */
    Pending<Term> call(NodeName peer, Atom module, Atom function, TermList args, Duration timeout, boolean direct) {
        Pending<Term> result = new Pending<>(direct);
        if (peer.equals(node.name())) {
            Thread.ofVirtual().name("jarl-rpc-local").start(() -> {
                try {
                    result.settle(result(invoke(module, function, args)));
                } catch (RpcException | InterruptedException e) {
                    result.fail(e);
                }
            });
            node.async().timeout(result, timeout, () -> result.fail(new RpcException.Timeout()));
            return result;
        }
        AsyncCalls async = node.async();
        Mailbox caller = async.caller();
        Runnable down = async.watch(peer, () -> result.fail(new RpcException.NoConnection(peer)));
        result.onSettle(() -> async.unwatch(peer, down));
        node.async().timeout(result, timeout, () -> result.fail(new RpcException.Timeout()));
        DistConnection c = node.table().connection(peer);
        if (c != null) {
            send(c, caller, peer, module, function, args, result);
            return result;
        }
        AtomicBoolean sent = new AtomicBoolean();
        NodeListener up = new NodeListener() {
            @Override
            public void nodeUp(NodeName n) {
                if (n.equals(peer)) {
                    connected(peer, caller, module, function, args, result, sent);
                }
            }
        };
        node.addNodeListener(up);
        result.onSettle(() -> node.removeNodeListener(up));
        node.table().touch(peer); // starts an attempt; if it fails, the caller's node monitor says nodedown
        connected(peer, caller, module, function, args, result, sent);
        return result;
    }

    /** Sends the call once {@code peer} is connected: from the listener, or after adding it (once). */
    private void connected(NodeName peer, Mailbox caller, Atom module, Atom function, TermList args,
            Pending<Term> result, AtomicBoolean sent) {
        DistConnection c = node.table().connection(peer);
        if (c == null || result.settled() || !sent.compareAndSet(false, true)) {
            return;
        }
        send(c, caller, peer, module, function, args, result);
    }

    private void send(DistConnection c, Mailbox caller, NodeName peer, Atom module, Atom function, TermList args,
            Pending<Term> result) {
        if (c.agreed(DistFlags.SPAWN)) {
            spawnCall(caller, peer, module, function, args, result);
        } else {
            rexCall(peer, module, function, args, result);
        }
    }

    private void spawnCall(Mailbox caller, NodeName peer, Atom module, Atom function, TermList args,
            Pending<Term> result) {
        LocalProcess self = caller.process();
        Ref reqId = node.makeRef();
        Ref res = node.makeRef();
        AtomicBoolean replied = new AtomicBoolean();
        MessageQueue.Waiter waiter = new MessageQueue.Waiter(reqId, null, false, m -> {
            Tuple t = (Tuple) m;
            if (SPAWN_REPLY.equals(t.get(0))) {
                if (Atom.ERROR.equals(t.get(2))) {
                    result.fail(new RpcException.Failed(NOTSUP.equals(t.get(3)) ? NOTSUP : Tuple.of(Atom.EXIT, t.get(3))));
                } else {
                    replied.set(true);
                    if (result.settled()) {
                        caller.demonitor(reqId, true); // settled before the spawn reply: abandoned
                        if (t.get(3) instanceof Pid child) {
                            caller.exit(child, ABANDONED);
                        }
                    }
                }
                return;
            }
            try {
                result.settle(down(peer, res, t.get(4)));
            } catch (RpcException e) {
                result.fail(e);
            }
        }, reason -> result.fail(new ExitException(reason)));
        result.onSettle(() -> {
            if (replied.get()) {
                caller.demonitor(reqId, true);
            } // else a spawn reply that still comes is the caller process's to abandon (AsyncCalls)
        });
        result.await(self.queue(), waiter);
        if (result.settled()) {
            return; // timed out or lost the peer already: no request to abandon
        }
        node.table().send(peer, new Signal.SpawnRequest(reqId, caller.self(), caller.self(), ERPC,
                EXECUTE_CALL, 4, TermList.of(MONITOR), TermList.of(res, module, function, args)));
    }

    /** The legacy path: {@code {From, {call, M, F, A, user}}} to {@code rex}, from a process of its own. */
    private void rexCall(NodeName peer, Atom module, Atom function, TermList args, Pending<Term> result) {
        Mailbox box = node.createMailbox();
        Atom peerAtom = Atom.of(peer.toString());
        result.onSettle(() -> box.close());
        node.processes().monitorNode(box.process(), peer, true);
        box.awaitMessage(msg -> msg instanceof Tuple t
                && (t.isTagged(REX, 2) || (t.isTagged(NODEDOWN, 2) && peerAtom.equals(t.get(1)))), null, true)
                .whenComplete((got, e) -> {
                    if (e != null) {
                        result.fail(e);
                        return;
                    }
                    Tuple t = (Tuple) got.get();
                    if (NODEDOWN.equals(t.get(0))) {
                        result.fail(new RpcException.NoConnection(peer));
                    } else if (t.get(1) instanceof Tuple b && b.isTagged(BADRPC, 2)) {
                        result.fail(NODEDOWN.equals(b.get(1)) ? new RpcException.NoConnection(peer)
                                : new RpcException.Failed(b.get(1)));
                    } else {
                        result.settle(t.get(1));
                    }
                });
        node.processes().sendName(box.self(), REX, peer, Tuple.of(box.self(), Tuple.of(CALL, module, function, args, USER)));
    }

    /** The DOWN reason of {@code erpc:execute_call/4}, read as {@code erpc:result/4} reads it. */
    private static Term down(NodeName peer, Ref res, Term reason) throws RpcException {
        if (reason instanceof Tuple t && t.arity() >= 3 && res.equals(t.get(0))) {
            Term kind = t.get(1);
            if (t.arity() == 3 && RETURN.equals(kind)) {
                return t.get(2);
            }
            if (t.arity() == 3 && THROW.equals(kind)) {
                throw new RpcException.Raised(new ErlangException.Throw(t.get(2)));
            }
            if (t.arity() == 3 && EXIT.equals(kind)) {
                throw new RpcException.Raised(new ErlangException.Exit(t.get(2)));
            }
            if (t.arity() == 4 && Atom.ERROR.equals(kind)) {
                throw new RpcException.Raised(new ErlangException.Error(t.get(2), t.get(3)));
            }
            if (t.arity() == 3 && Atom.ERROR.equals(kind) && t.get(2) instanceof Tuple e && e.isTagged(ERPC, 2)) {
                throw new RpcException.Failed(Tuple.of(Atom.EXIT, e.get(1)));
            }
        }
        if (Atom.NOCONNECTION.equals(reason)) {
            throw new RpcException.NoConnection(peer);
        }
        throw new RpcException.Failed(Tuple.of(Atom.EXIT, reason));
    }

    /** A local call's outcome as {@link Node#rpc} reports it. */
    private static Term result(Outcome o) throws RpcException {
        if (o.kind() == RETURN) {
            return o.value();
        }
        if (o.kind() == THROW) {
            throw new RpcException.Raised(new ErlangException.Throw(o.value()));
        }
        if (o.kind() == EXIT) {
            throw new RpcException.Raised(new ErlangException.Exit(o.value()));
        }
        throw new RpcException.Raised(new ErlangException.Error(o.value(), o.stack()));
    }
}
