/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;

import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * The inbox of one Jarl process, with its {@link Pid}: what JInterface calls a mailbox.
 *
 * <pre>{@code
 * try (Mailbox box = node.createMailbox("echo")) {
 *     while (true) {
 *         Term m = box.receive();
 *         if (m instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid from) {
 *             box.send(from, t.get(1));
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p><b>Sending</b> never fails for a remote destination, as Erlang's {@code !}: a message to
 * a node that is not connected starts a connection attempt and waits for it in a queue; if
 * the attempt fails, those messages are dropped (use
 * {@link Node#connect(NodeName)} or {@link Node#ping(NodeName, Duration)} to learn whether a
 * node is reachable). A send waits only while the connection's output queue holds more than
 * {@link NodeConfig#busyLimit()} bytes (the BEAM suspends a sender on a busy distribution
 * port the same way); interrupting it ends the wait, sends anyway and keeps the interrupt
 * status. Messages from one process to another arrive in the order sent.
 *
 * <p><b>Receiving</b> blocks the calling thread (use virtual threads). {@link #receive()}
 * takes the oldest message; the variants with a {@link Predicate} take the oldest message
 * that matches and leave the others in order, like Erlang's selective receive. The variants
 * with a {@link Duration} return {@link Optional#empty()} when the time runs out.
 * Interrupting a waiting thread cancels the receive with {@link InterruptedException}.
 * {@link #receiveAsync(Predicate, Duration)} and its variants receive without a thread:
 * a {@link java.util.concurrent.CompletableFuture} that the arriving message completes.
 *
 * <p><b>A process.</b> A mailbox is a Jarl process without a thread of its own (a spawned
 * one, {@link Node#spawn}, has one): it links ({@link #link}), monitors ({@link #monitor}),
 * traps exits ({@link #trapExit}), has aliases ({@link #alias}) and calls gen_servers
 * ({@link #call}), as an Erlang process does. An exit signal that kills it closes the
 * mailbox: receivers get an {@link ExitException} with the reason.
 *
 * <pre>{@code
 * Ref ref = box.monitor("db", NodeName.parse("erl@host"));
 * Term reply = box.call(Term.tuple("db", "erl@host"), Term.atom("stats"), Duration.ofSeconds(5));
 * box.trapExit(true);
 * Pid worker = box.spawnLink(self -> self.receive());
 * box.exit(worker, Term.atom("stop"));   // {'EXIT', Worker, stop} arrives
 * }</pre>
 *
 * <p>{@link #close()} ends the process with reason {@code normal}: its name is
 * unregistered, waiting receivers get an {@link ExitException} (an
 * {@link IllegalStateException}), and linked processes receive an exit signal with reason
 * {@code normal}. Thread-safe; usually one thread receives.
 *
 * <p><b>What a send keeps.</b> Terms are immutable, so a send keeps references rather
 * than copies: a message to a local process is delivered as the same object, and one to a
 * remote process is encoded on the caller's thread with its binaries of 8 KiB and more left
 * where they are until the connection has written them.
 * {@link dev.jarl.term.Binary#of(byte[])} copies the caller's array, so changing the array
 * after the send changes nothing; a binary made with {@link dev.jarl.term.Binary#wrap}
 * shares the caller's memory, which must then never change (see
 * {@link dev.jarl.term.Binary}, also for off-heap binaries, which a socket takes without a
 * copy).
 */
public final class Mailbox implements AutoCloseable {

    private final LocalProcess process;

    Mailbox(LocalProcess process) {
        this.process = process;
    }

    /** This process's pid. */
    public Pid self() {
        return process.pid();
    }

    /** The node this mailbox lives on. */
    public Node node() {
        return process.node();
    }

    /** The registered name, if any. */
    public Optional<String> name() {
        Atom name = process.registeredName();
        return name == null ? Optional.empty() : Optional.of(name.name());
    }

    /** Sends {@code message} to the process {@code to}, local or remote. */
    public void send(Pid to, Term message) {
        process.node().processes().send(process.pid(), to, message);
    }

    /**
     * Sends {@code message} to the process registered as {@code name} on this node.
     *
     * @throws IllegalArgumentException when no process has that name (Erlang's {@code badarg})
     */
    public void send(String name, Term message) {
        process.node().processes().sendLocalName(process.pid(), Atom.of(name), message);
    }

    /** Sends {@code message} to {@code {name, node}}, as Erlang's {@code {Name, Node} ! Msg}. */
    public void send(String name, NodeName node, Term message) {
        process.node().processes().sendName(process.pid(), Atom.of(name), node, message);
    }

    /** Sends {@code message} to {@code {name, node}}; {@code node} is {@code alive@host}. */
    public void send(String name, String node, Term message) {
        send(name, NodeName.parse(node), message);
    }

    /** Waits for the oldest message and removes it. */
    public Term receive() throws InterruptedException {
        return process.queue().take(null, -1);
    }

    /** Waits at most {@code timeout} for the oldest message; empty when the time runs out. */
    public Optional<Term> receive(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(process.queue().take(null, nanos(timeout)));
    }

    /** Waits for the oldest message {@code match} accepts; the others stay in order. */
    public Term receive(Predicate<? super Term> match) throws InterruptedException {
        return process.queue().take(Objects.requireNonNull(match, "match"), -1);
    }

    /**
     * Waits at most {@code timeout} for the oldest message {@code match} accepts; empty when
     * the time runs out. The other messages stay in order.
     */
    public Optional<Term> receive(Predicate<? super Term> match, Duration timeout) throws InterruptedException {
        return Optional.ofNullable(process.queue().take(Objects.requireNonNull(match, "match"), nanos(timeout)));
    }

    /**
     * Takes the oldest message, without blocking: the future completes with it when it
     * arrives. See {@link #receiveAsync(Predicate, Duration)}.
     */
    public CompletableFuture<Term> receiveAsync() {
        return awaitMessage(null, null, false).thenApply(Optional::get);
    }

    /**
     * Takes the oldest message {@code match} accepts, without blocking. See
     * {@link #receiveAsync(Predicate, Duration)}.
     */
    public CompletableFuture<Term> receiveAsync(Predicate<? super Term> match) {
        return awaitMessage(Objects.requireNonNull(match, "match"), null, false).thenApply(Optional::get);
    }

    /**
     * Takes the oldest message within {@code timeout}, without blocking; empty when the time
     * runs out. See {@link #receiveAsync(Predicate, Duration)}.
     */
    public CompletableFuture<Optional<Term>> receiveAsync(Duration timeout) {
        return awaitMessage(null, Objects.requireNonNull(timeout, "timeout"), false);
    }

    /**
     * Takes the oldest message {@code match} accepts within {@code timeout}, without
     * blocking a thread: the future completes with it (a message already queued is taken at
     * once), or with {@link Optional#empty()} when the time runs out; it fails with an
     * {@link ExitException} when the process ends first. The other messages stay in order.
     *
     * <p>No thread waits meanwhile: the receive is an entry in the process's table of waiters
     * that an arriving message settles where it arrives (waiters take a matching message
     * before a blocked {@link #receive()} sees it, in the order they were made). The future
     * completes on a new virtual thread (the node's completion executor), so dependent stages
     * may block. Cancelling it removes the waiter; once a message was taken for it,
     * {@code cancel} returns false and the message is still delivered, so none is lost.
     * Each pending receive with a predicate tests every arriving message until it matches:
     * keep such receives few (calls through {@link #callAsync} wait by reference, at no cost
     * per message).
     */
    public CompletableFuture<Optional<Term>> receiveAsync(Predicate<? super Term> match, Duration timeout) {
        return awaitMessage(Objects.requireNonNull(match, "match"), Objects.requireNonNull(timeout, "timeout"), false);
    }

    /** The one implementation of the asynchronous receives (null match: any message; null timeout: none). */
    Pending<Optional<Term>> awaitMessage(Predicate<? super Term> match, Duration timeout, boolean direct) {
        Pending<Optional<Term>> result = new Pending<>(direct);
        MessageQueue q = process.queue();
        MessageQueue.Waiter waiter = new MessageQueue.Waiter(null, match == null ? m -> true : match, true,
                m -> {
                    if (!result.settle(Optional.of(m))) {
                        q.put(m); // the timer or the caller settled it meanwhile: the message is not lost
                    }
                }, reason -> result.fail(new ExitException(reason)));
        result.await(q, waiter);
        process.node().async().timeout(result, timeout, () -> result.settle(Optional.empty()));
        return result;
    }

    /** The number of messages waiting. */
    public int queued() {
        return process.queue().size();
    }

    /** Ends this process with reason {@code normal} (idempotent); see the class comment. */
    @Override
    public void close() {
        process.node().processes().terminate(process, Atom.NORMAL);
    }

    // ------------------------------------------------------------------ signals

    /**
     * Ends this process with {@code reason} now, as {@code exit(Reason)}: linked processes
     * get the exit signal, monitors fire, the mailbox closes. Inside a {@link ProcessBody}
     * prefer {@code throw new ExitException(reason)}, which also leaves the body.
     */
    public void exit(Term reason) {
        process.node().processes().terminate(process, Objects.requireNonNull(reason, "reason"));
    }

    /**
     * Sends an exit signal to {@code pid}, as Erlang's {@code exit(Pid, Reason)} (EXIT2 over
     * the wire): {@code kill} kills it untrappably (reason {@code killed}), {@code normal}
     * is ignored unless it traps exits (or is this process), any other reason kills it
     * unless it traps exits, in which case it gets {@code {'EXIT', Self, Reason}}.
     */
    public void exit(Pid pid, Term reason) {
        process.node().processes().exitSignal(process.pid(), pid, reason, false);
    }

    /**
     * Links this process to {@code pid} ({@code link/1}). If the process does not exist the
     * link fails as Erlang's does: an exit signal {@code noproc} arrives (a message when
     * trapping exits). A peer that cannot be reached gives {@code noconnection}.
     *
     * <pre>{@code
     * box.trapExit(true);
     * box.link(worker);
     * Term m = box.receive();   // {'EXIT', Worker, Reason} when the worker ends
     * }</pre>
     */
    public void link(Pid pid) {
        process.node().processes().link(process, pid);
    }

    /**
     * Removes the link to {@code pid} ({@code unlink/1}), with UNLINK_ID (or the old UNLINK
     * to a peer without it). Once this returns, the link no longer affects this process.
     */
    public void unlink(Pid pid) {
        process.node().processes().unlink(process, pid);
    }

    /**
     * Sets {@code process_flag(trap_exit, on)}: exit signals (except an untrappable
     * {@code kill}) become {@code {'EXIT', From, Reason}} messages.
     *
     * @return the previous value
     */
    public boolean trapExit(boolean on) {
        return process.trapExit(on);
    }

    /** True when the process is linked to {@code pid} now (for the tests of this package; not API). */
    boolean isLinkedTo(Pid pid) {
        return process.linkedTo(pid);
    }

    /** True once the process has ended. */
    public boolean isExited() {
        return process.exited();
    }

    /** The reason the process ended with, if it has. */
    public Optional<Term> exitReason() {
        return Optional.ofNullable(process.exitReason());
    }

    // ------------------------------------------------------------------ spawning

    /**
     * Spawns a process linked to this one ({@code spawn_link/1}); the link exists before
     * the body runs.
     */
    public Pid spawnLink(ProcessBody body) {
        return process.node().processes().spawnLink(process, body);
    }

    /**
     * Spawns a process monitored by this one ({@code spawn_monitor/1}).
     *
     * <pre>{@code
     * Monitored m = box.spawnMonitor(self -> { throw new ExitException("boom"); });
     * Term down = box.receive();   // {'DOWN', Ref, process, Pid, boom}
     * }</pre>
     */
    public Monitored spawnMonitor(ProcessBody body) {
        return process.node().processes().spawnMonitor(process, body);
    }

    // ------------------------------------------------------------------ monitors

    /**
     * Monitors {@code pid} ({@code monitor(process, Pid)}): exactly one
     * {@code {'DOWN', Ref, process, Pid, Reason}} arrives when it ends, with {@code noproc}
     * when it does not exist and {@code noconnection} when its node is lost. Toward a peer
     * without DIST_MONITOR the monitor is local and fires only on {@code noconnection}.
     */
    public Ref monitor(Pid pid) {
        return process.node().processes().monitor(process, pid);
    }

    /**
     * Monitors the process registered as {@code name} on this node; the name is resolved
     * now. The DOWN message's Item is {@code {Name, Node}}.
     */
    public Ref monitor(String name) {
        return monitor(name, node().name());
    }

    /**
     * Monitors {@code {Name, Node}} ({@code monitor(process, {Name, Node})}); the name is
     * resolved on that node when the monitor is set up; {@code noproc} when nothing is
     * registered there.
     */
    public Ref monitor(String name, NodeName node) {
        return process.node().processes().monitor(process, Atom.of(name), node);
    }

    /** Removes monitor {@code ref} ({@code demonitor/1}); true when it was active. */
    public boolean demonitor(Ref ref) {
        return process.node().processes().demonitor(process, ref, false);
    }

    /**
     * Removes monitor {@code ref}; with {@code flush}, also removes a DOWN message of it
     * already queued ({@code demonitor(Ref, [flush])}).
     */
    public boolean demonitor(Ref ref, boolean flush) {
        return process.node().processes().demonitor(process, ref, flush);
    }

    /**
     * {@code monitor_node(Node, Flag)}: with true, one {@code {nodedown, Node}} arrives when
     * the connection to {@code node} is lost (at once if it cannot be made); each call adds
     * one. With false, all of this process's node monitors of {@code node} go.
     */
    public void monitorNode(NodeName node, boolean on) {
        process.node().processes().monitorNode(process, node, on);
    }

    /**
     * Subscribes to {@code {nodeup, Node}} and {@code {nodedown, Node}} for every connection,
     * hidden ones included ({@code net_kernel:monitor_nodes(true, [{node_type, all}])}).
     */
    public void monitorNodes(boolean on) {
        process.node().processes().monitorNodes(process, on, false);
    }

    /**
     * As {@link #monitorNodes(boolean)}, with an info list when {@code info}:
     * {@code {nodeup, Node, [{node_type, visible | hidden}]}} and
     * {@code {nodedown, Node, [{node_type, T}, {nodedown_reason, R}]}}, R one of
     * {@code connection_closed}, {@code net_tick_timeout}, {@code disconnect}.
     */
    public void monitorNodes(boolean on, boolean info) {
        process.node().processes().monitorNodes(process, on, info);
    }

    // ------------------------------------------------------------------ aliases

    /**
     * A new alias of this process ({@code alias()}): a reference others can send to
     * ({@link #send(Ref, Term)}, ALIAS_SEND over the wire) while it is active.
     */
    public Ref alias() {
        return process.node().processes().alias(process);
    }

    /** Deactivates {@code alias}; messages to it are dropped from now on. */
    public boolean unalias(Ref alias) {
        return process.node().processes().unalias(process, alias);
    }

    /** Sends {@code message} to the process whose alias is {@code alias}, local or remote. */
    public void send(Ref alias, Term message) {
        process.node().processes().sendAlias(process.pid(), alias, message);
    }

    /**
     * Sends to a destination given as a term: a pid, an alias, a registered name (atom) or
     * {@code {Name, Node}}.
     *
     * @throws IllegalArgumentException for another term, or a local name not registered
     */
    public void send(Term dest, Term message) {
        switch (dest) {
            case Pid p -> send(p, message);
            case Ref r -> send(r, message);
            case Atom a -> send(a.name(), message);
            case Tuple t when t.arity() == 2 && t.get(0) instanceof Atom n && t.get(1) instanceof Atom at ->
                    send(n.name(), node().processes().nodeName(at), message);
            default -> throw new IllegalArgumentException("destination: " + dest
                    + " (expected: a pid, an alias, a name or {Name, Node})");
        }
    }

    // ------------------------------------------------------------------ gen_server

    /**
     * {@code gen_server:call(Server, Request, Timeout)} from this process; see
     * {@link GenServer#call}.
     */
    public Term call(Term server, Term request, Duration timeout) throws CallException, InterruptedException {
        return GenServer.call(this, server, request, timeout);
    }

    /**
     * {@code gen_server:call(Server, Request, Timeout)} from this process without blocking;
     * see {@link GenServer#callAsync}.
     */
    public CompletableFuture<Term> callAsync(Term server, Term request, Duration timeout) {
        return GenServer.callAsync(this, server, request, timeout);
    }

    /** {@code gen_server:cast(Server, Request)} from this process; see {@link GenServer#cast}. */
    public void cast(Term server, Term request) {
        GenServer.cast(this, server, request);
    }

    LocalProcess process() {
        return process;
    }

    private static long nanos(Duration timeout) {
        return AsyncCalls.nanos(Objects.requireNonNull(timeout, "timeout"));
    }

    @Override
    public String toString() {
        return "Mailbox[" + process.pid() + name().map(n -> " " + n).orElse("") + "]";
    }
}
