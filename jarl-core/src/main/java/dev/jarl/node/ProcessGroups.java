/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;

/**
 * A node's {@code pg} scopes ({@link Node#pg()}): each {@link Scope} is started on demand,
 * by its name, and runs until closed or until the node closes.
 *
 * <pre>{@code
 * Scope pg = node.pg().scope();                            // scope pg, as -kernel start_pg true
 * Scope chat = node.pg().scope("chat");                    // as pg:start_link(chat)
 * Scope hidden = node.pg().start("pg", Set.of(NodeName.parse("erl@host")));   // a hidden node joins erl's scope
 * }</pre>
 *
 * <p>Once a node uses process groups it also answers {@code pg}'s reading functions over RPC,
 * so {@code jarl pg NODE} and {@code erpc:call(JarlNode, pg, which_groups, [Scope])} work
 * against it as against an Erlang node: {@code which_groups/0,1}, {@code which_local_groups/0,1},
 * {@code get_members/1,2} and {@code get_local_members/1,2}, with pg's results (a scope that
 * is not running: {@code badarg} from {@code which_groups}, {@code []} from
 * {@code get_members}).
 *
 * <p>Thread-safe.
 */
public final class ProcessGroups {

    /** The default scope's name, {@code pg}. */
    public static final String DEFAULT_SCOPE = "pg";

    private final Node node;
    private final ConcurrentHashMap<Atom, Scope> scopes = new ConcurrentHashMap<>();
    private final ReentrantLock starting = new ReentrantLock();

    private ProcessGroups(Node node) {
        this.node = node;
    }

    /** The process groups of {@code node}, made by {@link Node#pg()} on first use; answers pg's reading functions. */
    static ProcessGroups create(Node node) {
        ProcessGroups created = new ProcessGroups(node);
        created.registerFunctions();
        return created;
    }

    /** The default scope {@code pg}, started if it is not running. */
    public Scope scope() {
        return scope(DEFAULT_SCOPE);
    }

    /**
     * The scope {@code name}, started if it is not running: a process registered as
     * {@code name} on this node, as {@code pg:start_link(Name)}.
     *
     * @throws IllegalArgumentException when another process has that name
     * @throws IllegalStateException    when the node is closed
     */
    public Scope scope(String name) {
        return start(name, Set.of());
    }

    /**
     * The scope {@code name}, started if it is not running, which also joins the scopes of
     * {@code join} (see {@link Scope#discover}): how a hidden node takes part.
     *
     * @throws IllegalArgumentException when another process has that name
     * @throws IllegalStateException    when the node is closed
     */
    public Scope start(String name, Collection<NodeName> join) {
        Atom scopeName = Atom.of(Objects.requireNonNull(name, "name"));
        List<NodeName> peers = List.copyOf(join);
        Scope s = scopes.get(scopeName);
        if (s == null || !s.isRunning()) {
            starting.lock();
            try {
                s = scopes.get(scopeName);
                if (s == null || !s.isRunning()) {
                    s = new Scope(this, node, scopeName, peers);
                    scopes.put(scopeName, s);
                    return s;
                }
            } finally {
                starting.unlock();
            }
        }
        for (NodeName n : peers) {
            s.discover(n);
        }
        return s;
    }

    /** The scope {@code name} if it is running. */
    public Optional<Scope> existing(String name) {
        return Optional.ofNullable(scopes.get(Atom.of(name))).filter(Scope::isRunning);
    }

    /** The running scopes. */
    public List<Scope> scopes() {
        return scopes.values().stream().filter(Scope::isRunning).toList();
    }

    void closed(Scope scope) {
        scopes.remove(scope.name(), scope);
    }

    /** {@code pg}'s reading functions for RPC, answered from this node's scopes. */
    private void registerFunctions() {
        Functions f = node.functions();
        f.register("pg", "which_groups", 0, args -> whichGroups(Atom.of(DEFAULT_SCOPE), false));
        f.register("pg", "which_groups", 1, args -> whichGroups(args.get(0), false));
        f.register("pg", "which_local_groups", 0, args -> whichGroups(Atom.of(DEFAULT_SCOPE), true));
        f.register("pg", "which_local_groups", 1, args -> whichGroups(args.get(0), true));
        f.register("pg", "get_members", 1, args -> members(Atom.of(DEFAULT_SCOPE), args.get(0), false));
        f.register("pg", "get_members", 2, args -> members(args.get(0), args.get(1), false));
        f.register("pg", "get_local_members", 1, args -> members(Atom.of(DEFAULT_SCOPE), args.get(0), true));
        f.register("pg", "get_local_members", 2, args -> members(args.get(0), args.get(1), true));
    }

    private Term whichGroups(Term scope, boolean local) {
        Scope s = scope instanceof Atom a ? scopes.get(a) : null;
        if (s == null || !s.isRunning()) {
            throw new ErlangException.Error(Atom.of("badarg"));
        }
        return TermList.of(List.copyOf(local ? s.localGroups() : s.groups()));
    }

    private Term members(Term scope, Term group, boolean local) {
        Scope s = scope instanceof Atom a ? scopes.get(a) : null;
        if (s == null || !s.isRunning()) {
            return TermList.NIL;
        }
        return TermList.of(local ? s.localMembers(group) : s.members(group));
    }

    @Override
    public String toString() {
        return "ProcessGroups[" + node.name() + " " + scopes.keySet() + "]";
    }
}
