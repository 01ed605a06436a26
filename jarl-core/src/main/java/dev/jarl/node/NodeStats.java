/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.TermMap;

/**
 * A node's figures at one moment, as {@link Node#stats()} returns them: what OTP's operators
 * read from {@code net_kernel:nodes_info/0}, {@code inet:getstat/2} and
 * {@code erlang:statistics/1}, for a Jarl node. Cheap to take: every figure is a counter
 * the node keeps anyway, read without stopping traffic (no lock of the message path is
 * taken); taking a snapshot walks the process table once, for the mailbox figures.
 *
 * <p>The same figures reach Erlang: a Jarl node answers {@code rpc:call(Node, jarl, stats, [])}
 * with {@link #toTerm()} (which {@code jarl stats} prints), and JFR and Micrometer read them
 * from here.
 *
 * @param node             this node
 * @param at               when the snapshot was taken
 * @param started          when the node started
 * @param processes        live processes: spawned processes and open mailboxes, the
 *                         node's own system processes included
 * @param registeredNames  registered names
 * @param mailboxHighWater the most messages any one mailbox of this node has held at once
 *                         since the node started (processes that have ended included)
 * @param deepestMailboxes the live processes whose mailboxes have held the most messages
 *                         at once, deepest first, at most {@link #DEEPEST_MAILBOXES}
 * @param rpcsServed       calls of registered functions this node has answered for peers
 *                         ({@code erpc}, {@code rpc}, {@code spawn/4}), raised ones included
 * @param rpcsFailed       of those, calls that did not return a value: the function raised,
 *                         or did not exist ({@code undef})
 * @param connections      the connections that are up, in the order of the peers' names
 */
public record NodeStats(NodeName node, Instant at, Instant started, int processes, int registeredNames,
        int mailboxHighWater, List<MailboxStats> deepestMailboxes, long rpcsServed, long rpcsFailed,
        List<ConnectionStats> connections) {

    /** How many processes {@link #deepestMailboxes()} lists at most. */
    public static final int DEEPEST_MAILBOXES = 5;

    /** Checks for nulls and copies the lists. */
    public NodeStats {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(started, "started");
        deepestMailboxes = List.copyOf(deepestMailboxes);
        connections = List.copyOf(connections);
    }

    /** How long the node had been running when the snapshot was taken. */
    public Duration uptime() {
        return Duration.between(started, at);
    }

    /**
     * The snapshot as an Erlang map, the answer to {@code rpc:call(Node, jarl, stats, [])}.
     * Its keys are atoms named as the JSON fields of {@code jarl stats --json}
     * ({@code docs/observability.md} lists them): {@code node}, {@code kind} ({@code jarl}),
     * {@code time}, {@code uptime_ms}, {@code processes}, {@code registered_names},
     * {@code mailbox_high_water}, {@code deepest_mailboxes}, {@code rpcs_served},
     * {@code rpcs_failed}, {@code connections}; each connection a map with {@code peer},
     * {@code carrier}, {@code address}, {@code state}, {@code type}, {@code since},
     * {@code flags}, {@code bytes_in}, {@code bytes_out}, {@code packets_in},
     * {@code packets_out}, {@code ticks_in}, {@code ticks_out}, {@code queued_bytes},
     * {@code queued_packets}, {@code busy_waits}, {@code busy_ms}, {@code carrier_stats}.
     * Times are binaries in ISO-8601 (UTC), names atoms, addresses binaries.
     */
    public TermMap toTerm() {
        LinkedHashMap<Term, Term> m = new LinkedHashMap<>();
        m.put(Atom.of("node"), Atom.of(node.toString()));
        m.put(Atom.of("kind"), Atom.of("jarl"));
        m.put(Atom.of("time"), Binary.of(at.toString()));
        m.put(Atom.of("uptime_ms"), Int.of(uptime().toMillis()));
        m.put(Atom.of("processes"), Int.of(processes));
        m.put(Atom.of("registered_names"), Int.of(registeredNames));
        m.put(Atom.of("mailbox_high_water"), Int.of(mailboxHighWater));
        List<Term> boxes = new ArrayList<>();
        for (MailboxStats b : deepestMailboxes) {
            LinkedHashMap<Term, Term> bm = new LinkedHashMap<>();
            bm.put(Atom.of("pid"), b.pid());
            bm.put(Atom.of("name"), b.registeredName().<Term>map(Atom::of).orElse(Atom.UNDEFINED));
            bm.put(Atom.of("depth"), Int.of(b.depth()));
            bm.put(Atom.of("high_water"), Int.of(b.highWater()));
            boxes.add(TermMap.of(bm));
        }
        m.put(Atom.of("deepest_mailboxes"), TermList.of(boxes));
        m.put(Atom.of("rpcs_served"), Int.of(rpcsServed));
        m.put(Atom.of("rpcs_failed"), Int.of(rpcsFailed));
        List<Term> conns = new ArrayList<>();
        for (ConnectionStats c : connections) {
            LinkedHashMap<Term, Term> cm = new LinkedHashMap<>();
            cm.put(Atom.of("peer"), Atom.of(c.peer().toString()));
            cm.put(Atom.of("carrier"), Atom.of(c.carrier()));
            cm.put(Atom.of("address"), Binary.of(c.address()));
            cm.put(Atom.of("state"), Atom.of(c.state().erlangName()));
            cm.put(Atom.of("type"), Atom.of(c.hidden() ? "hidden" : "normal"));
            cm.put(Atom.of("since"), Binary.of(c.since().toString()));
            cm.put(Atom.of("flags"), TermList.of(c.flagNames().stream().<Term>map(Atom::of).toList()));
            cm.put(Atom.of("bytes_in"), Int.of(c.bytesIn()));
            cm.put(Atom.of("bytes_out"), Int.of(c.bytesOut()));
            cm.put(Atom.of("packets_in"), Int.of(c.packetsIn()));
            cm.put(Atom.of("packets_out"), Int.of(c.packetsOut()));
            cm.put(Atom.of("ticks_in"), Int.of(c.ticksIn()));
            cm.put(Atom.of("ticks_out"), Int.of(c.ticksOut()));
            cm.put(Atom.of("queued_bytes"), Int.of(c.queuedBytes()));
            cm.put(Atom.of("queued_packets"), Int.of(c.queuedPackets()));
            cm.put(Atom.of("busy_waits"), Int.of(c.busyWaits()));
            cm.put(Atom.of("busy_ms"), Int.of(c.busyTime().toMillis()));
            LinkedHashMap<Term, Term> figures = new LinkedHashMap<>();
            new TreeMap<>(c.carrierFigures()).forEach((k, v) -> figures.put(Atom.of(k), Int.of(v)));
            cm.put(Atom.of("carrier_stats"), TermMap.of(figures));
            conns.add(TermMap.of(cm));
        }
        m.put(Atom.of("connections"), TermList.of(conns));
        return TermMap.of(m);
    }

    /** The connection to {@code peer}, if one is up. */
    public Optional<ConnectionStats> connection(NodeName peer) {
        return connections.stream().filter(c -> c.peer().equals(peer)).findFirst();
    }
}
