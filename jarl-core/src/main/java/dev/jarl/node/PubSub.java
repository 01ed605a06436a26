/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * A Jarl node in a {@code Phoenix.PubSub} cluster, shaped as its default adapter
 * ({@code Phoenix.PubSub.PG2}): Java processes subscribe to topics and broadcast to them, and
 * receive what Elixir broadcasts, with no Elixir code on the Java side.
 *
 * <pre>{@code
 * try (PubSub pubsub = PubSub.start(node, "MyApp.PubSub")) {    // {Phoenix.PubSub, name: MyApp.PubSub}
 *     Mailbox box = node.createMailbox();
 *     pubsub.subscribe(box, "room:lobby");
 *     pubsub.broadcast("room:lobby", Term.tuple("new_msg", "hello"));   // Elixir subscribers get it
 *     Term m = box.receive();                                    // what Phoenix.PubSub.broadcast sent
 * }
 * }</pre>
 *
 * <p><b>The shape</b>, as the adapter's source has it: the {@code pg} scope
 * {@code 'Elixir.Phoenix.PubSub'}; for a PubSub named {@code MyApp.PubSub} the adapter's name
 * is {@code 'Elixir.MyApp.PubSub.Adapter'}, which is also the first group, and with
 * {@code pool_size} N &gt; 1 the groups {@code 'Elixir.MyApp.PubSub.Adapter_2'} ...
 * {@code _N}. On every node one process per group is a member of it and is registered locally
 * under the group's name (the target of {@code direct_broadcast}); it dispatches
 * {@code {forward_to_local, Topic, Message, Dispatcher}} to the local subscribers of Topic. A
 * broadcast dispatches locally and sends that tuple to the members of one group (chosen
 * round-robin) on every other node, so each node gets it once. The pool size must match the
 * Elixir side's {@code pool_size}.
 *
 * <p><b>Dispatch.</b> Each subscriber gets the message itself, as Phoenix's default
 * dispatcher sends it, once per subscription. A custom dispatcher module named in a
 * {@code forward_to_local} (Phoenix channels' fastlane, say) is Elixir code Jarl cannot run:
 * Java subscribers get the message as the default dispatcher would deliver it. Topics are
 * binaries, as Elixir strings are; a subscriber that ends is unsubscribed.
 *
 * <p>Thread-safe. The group members handle their messages where they arrive (see
 * {@link dev.jarl.node.MessageHandler}): dispatching is local sends only.
 */
public final class PubSub implements AutoCloseable {

    /** The scope the adapter uses, {@code 'Elixir.Phoenix.PubSub'}. */
    public static final String SCOPE = "Elixir.Phoenix.PubSub";
    private static final Atom FORWARD_TO_LOCAL = Atom.of("forward_to_local");
    private static final Atom DEFAULT_DISPATCHER = Atom.of("Elixir.Phoenix.PubSub");
    private static final Atom DOWN = Atom.of("DOWN");

    private final Node node;
    private final Atom name;
    private final Scope scope;
    private final List<Atom> groups;
    private final List<Mailbox> members = new ArrayList<>();
    private final Mailbox watcher;
    private final ConcurrentHashMap<Term, CopyOnWriteArrayList<Pid>> subscribers = new ConcurrentHashMap<>();
    /** Subscriber to its monitor, so the subscription ends when the subscriber does. */
    private final ConcurrentHashMap<Pid, Ref> watched = new ConcurrentHashMap<>();
    private final AtomicInteger next = new AtomicInteger();

    private PubSub(Node node, Atom name, int poolSize) {
        this.node = node;
        this.name = name;
        this.scope = node.pg().scope(SCOPE);
        Atom adapter = Atom.of(name.name() + ".Adapter");
        List<Atom> g = new ArrayList<>();
        g.add(adapter);
        for (int i = 2; i <= poolSize; i++) {
            g.add(Atom.of(adapter.name() + "_" + i));
        }
        this.groups = List.copyOf(g);
        this.watcher = node.createMailbox();
        Thread.ofVirtual().name("jarl-pubsub-" + name.name() + "-" + node.name()).start(this::watch);
        try {
            for (Atom group : groups) {
                Mailbox member = node.createMailbox(group.name(), this::forwarded);
                members.add(member);
                scope.join(group, member);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** {@link #start(Node, String, int)} with {@code pool_size} 1, the adapter's default. */
    public static PubSub start(Node node, String name) {
        return start(node, name, 1);
    }

    /**
     * Starts the PubSub {@code name} on {@code node}: {@code "MyApp.PubSub"} (or
     * {@code "Elixir.MyApp.PubSub"}) for Elixir's {@code MyApp.PubSub}, with the same
     * {@code poolSize} as the Elixir nodes' {@code pool_size}. Starts the scope
     * {@code 'Elixir.Phoenix.PubSub'} if it is not running.
     *
     * @throws IllegalArgumentException when {@code poolSize} is below 1, or a group's name is
     *                                  registered already (the PubSub runs on this node)
     */
    public static PubSub start(Node node, String name, int poolSize) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(name, "name");
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize: " + poolSize + " (expected: at least 1)");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: blank (expected: an Elixir module name such as MyApp.PubSub)");
        }
        return new PubSub(node, Atom.of(name.startsWith("Elixir.") ? name : "Elixir." + name), poolSize);
    }

    /** The PubSub's name as an atom, e.g. {@code 'Elixir.MyApp.PubSub'}. */
    public Atom name() {
        return name;
    }

    /** The pg groups of the adapter, the first being the adapter's name. */
    public List<Atom> groups() {
        return groups;
    }

    /** The scope the groups live in. */
    public Scope scope() {
        return scope;
    }

    /** {@link #subscribe(Mailbox, Term)} of a topic given as text (an Elixir string). */
    public void subscribe(Mailbox subscriber, String topic) {
        subscribe(subscriber, Binary.of(topic));
    }

    /**
     * Subscribes {@code subscriber} to {@code topic} ({@code Phoenix.PubSub.subscribe/2}):
     * each broadcast to the topic reaches it once per subscription.
     */
    public void subscribe(Mailbox subscriber, Term topic) {
        Objects.requireNonNull(topic, "topic");
        Pid p = subscriber.self();
        watched.computeIfAbsent(p, watcher::monitor);
        subscribers.compute(topic, (t, l) -> {
            CopyOnWriteArrayList<Pid> list = l == null ? new CopyOnWriteArrayList<>() : l;
            list.add(p);
            return list;
        });
    }

    /** {@link #unsubscribe(Mailbox, Term)} of a topic given as text. */
    public void unsubscribe(Mailbox subscriber, String topic) {
        unsubscribe(subscriber, Binary.of(topic));
    }

    /** Ends every subscription of {@code subscriber} to {@code topic}. */
    public void unsubscribe(Mailbox subscriber, Term topic) {
        Pid p = subscriber.self();
        subscribers.computeIfPresent(topic, (t, l) -> {
            l.removeIf(p::equals);
            return l.isEmpty() ? null : l;
        });
    }

    /** The local subscribers of {@code topic}, one entry per subscription. */
    public List<Pid> subscribers(Term topic) {
        List<Pid> subs = subscribers.get(topic);
        return subs == null ? List.of() : List.copyOf(subs);
    }

    /** {@link #broadcast(Term, Term)} to a topic given as text. */
    public void broadcast(String topic, Term message) {
        broadcast(Binary.of(topic), message);
    }

    /**
     * Sends {@code message} to every subscriber of {@code topic} in the cluster
     * ({@code Phoenix.PubSub.broadcast/3}): the local ones directly, and
     * {@code {forward_to_local, Topic, Message, 'Elixir.Phoenix.PubSub'}} to the members of one
     * of the adapter's groups on every other node.
     */
    public void broadcast(Term topic, Term message) {
        Objects.requireNonNull(message, "message");
        Atom group = groups.get(Math.floorMod(next.getAndIncrement(), groups.size()));
        Term forward = Tuple.of(FORWARD_TO_LOCAL, topic, message, DEFAULT_DISPATCHER);
        for (Pid p : scope.members(group)) {
            if (!p.node().equals(node.nameAtom())) {
                watcher.send(p, forward);
            }
        }
        localBroadcast(topic, message);
    }

    /** {@link #localBroadcast(Term, Term)} to a topic given as text. */
    public void localBroadcast(String topic, Term message) {
        localBroadcast(Binary.of(topic), message);
    }

    /** Sends {@code message} to the subscribers of {@code topic} on this node only. */
    public void localBroadcast(Term topic, Term message) {
        Objects.requireNonNull(message, "message");
        dispatch(watcher, topic, message);
    }

    /**
     * Sends {@code message} to the subscribers of {@code topic} on {@code target} only
     * ({@code Phoenix.PubSub.direct_broadcast/4}): the {@code forward_to_local} tuple to the
     * process registered there under the adapter's name.
     */
    public void directBroadcast(NodeName target, Term topic, Term message) {
        Objects.requireNonNull(message, "message");
        if (target.equals(node.name())) {
            localBroadcast(topic, message);
            return;
        }
        watcher.send(groups.get(0).name(), target, Tuple.of(FORWARD_TO_LOCAL, topic, message, DEFAULT_DISPATCHER));
    }

    /** A group member's message: {@code forward_to_local} is dispatched, anything else ignored (as the adapter's worker does). */
    private void forwarded(Mailbox self, Term message) {
        if (message instanceof Tuple t && t.isTagged(FORWARD_TO_LOCAL, 4)) {
            dispatch(self, t.get(1), t.get(2));
        }
    }

    private void dispatch(Mailbox from, Term topic, Term message) {
        List<Pid> subs = subscribers.get(topic);
        if (subs != null) {
            for (Pid p : subs) {
                from.send(p, message);
            }
        }
    }

    /** The watcher's thread: a subscriber's DOWN ends its subscriptions. */
    private void watch() {
        while (true) {
            Term message;
            try {
                message = watcher.receive();
            } catch (InterruptedException | IllegalStateException closed) {
                return;
            }
            if (message instanceof Tuple t && t.isTagged(DOWN, 5) && t.get(3) instanceof Pid p) {
                watched.remove(p);
                for (Term topic : List.copyOf(subscribers.keySet())) {
                    subscribers.computeIfPresent(topic, (k, l) -> {
                        l.removeIf(p::equals);
                        return l.isEmpty() ? null : l;
                    });
                }
            }
        }
    }

    /**
     * Stops this node's part: the group members leave and end (other nodes stop forwarding
     * here), local subscriptions end. The scope keeps running. Idempotent.
     */
    @Override
    public void close() {
        for (Mailbox m : members) {
            m.close();
        }
        watcher.close();
        subscribers.clear();
        watched.clear();
    }

    @Override
    public String toString() {
        return "PubSub[" + name + " on " + node.name() + ", groups " + groups + "]";
    }
}
