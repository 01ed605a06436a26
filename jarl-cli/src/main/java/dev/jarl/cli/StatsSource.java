/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.jarl.node.ErlangException;
import dev.jarl.node.Node;
import dev.jarl.node.RpcException;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Port;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.TermMap;
import dev.jarl.term.Tuple;

/**
 * One node's figures, fetched through RPC, in one shape whatever the node: the map a Jarl
 * node returns from {@code jarl:stats()} ({@code NodeStats.toTerm()}), or the same keys
 * built from what a BEAM node's own functions report:
 * <ul>
 *   <li>{@code net_kernel:nodes_info/0}: each connection's state, type, address and
 *       packets in and out;</li>
 *   <li>{@code erlang:system_info(dist_ctrl)} and {@code inet:getstat/2} on each controller
 *       that is a port (TCP): bytes in and out, bytes pending ({@code send_pend}), the
 *       socket's own counts;</li>
 *   <li>{@code erlang:statistics(wall_clock)},
 *       {@code erlang:system_info(process_count)}, {@code erlang:registered/0}.</li>
 * </ul>
 * Figures a BEAM node does not keep (mailbox high-water marks, RPCs served, busy-limit
 * waits, ticks, when a connection came up, its flags) are {@code undefined}, which JSON
 * prints as {@code null}. Whether the target is a Jarl node is learnt from the first answer.
 */
final class StatsSource {

    private static final Atom UNDEFINED = Atom.UNDEFINED;

    private final Node node;
    private final NodeName target;
    private final Duration timeout;
    /** Null until the first fetch tells. */
    private Boolean jarl;

    StatsSource(Node node, NodeName target, Duration timeout) {
        this.node = node;
        this.target = target;
        this.timeout = timeout;
    }

    /** One snapshot of the target's figures. */
    TermMap fetch() throws InterruptedException {
        if (jarl == null || jarl) {
            try {
                Term t = node.rpc(target, "jarl", "stats", List.of(), timeout);
                if (t instanceof TermMap m) {
                    jarl = true;
                    return m;
                }
                throw new CliException("jarl:stats() on " + target + " returned " + t + " (expected: a map)");
            } catch (RpcException.Raised e) {
                if (jarl != null || !isUndef(e.exception())) {
                    throw new CliException("jarl:stats() on " + target + " raised " + e.exception().getMessage());
                }
                jarl = false;
            } catch (RpcException e) {
                throw failed("jarl:stats()", e);
            }
        }
        return beam();
    }

    /** True once the target answered as a Jarl node. */
    boolean isJarl() {
        return Boolean.TRUE.equals(jarl);
    }

    private static boolean isUndef(ErlangException e) {
        Term r = e.reason();
        return r.equals(Atom.of("undef")) || (r instanceof Tuple t && t.arity() > 0 && t.get(0).equals(Atom.of("undef")));
    }

    private TermMap beam() throws InterruptedException {
        Term info = call("net_kernel", "nodes_info");
        if (!(info instanceof Tuple t && t.arity() == 2 && t.get(1) instanceof TermList rows)) {
            throw new CliException("net_kernel:nodes_info() on " + target + " returned " + info);
        }
        Map<Term, Term> controllers = new LinkedHashMap<>();
        if (call("erlang", "system_info", Atom.of("dist_ctrl")) instanceof TermList ctrl) {
            for (Term e : ctrl.elements()) {
                if (e instanceof Tuple p && p.arity() == 2) {
                    controllers.put(p.get(0), p.get(1));
                }
            }
        }
        List<Term> connections = new ArrayList<>();
        for (Term row : rows.elements()) {
            if (row instanceof Tuple r && r.arity() == 2 && r.get(1) instanceof TermList props) {
                connections.add(connection(r.get(0), props, controllers.get(r.get(0))));
            }
        }
        LinkedHashMap<Term, Term> m = new LinkedHashMap<>();
        m.put(Atom.of("node"), Atom.of(target.toString()));
        m.put(Atom.of("kind"), Atom.of("beam"));
        m.put(Atom.of("time"), Binary.of(Instant.now().toString()));
        Term wall = call("erlang", "statistics", Atom.of("wall_clock"));
        m.put(Atom.of("uptime_ms"), wall instanceof Tuple w && w.arity() == 2 ? w.get(0) : UNDEFINED);
        m.put(Atom.of("processes"), call("erlang", "system_info", Atom.of("process_count")));
        Term registered = call("erlang", "registered");
        m.put(Atom.of("registered_names"), registered instanceof TermList l ? Int.of(l.size()) : UNDEFINED);
        m.put(Atom.of("mailbox_high_water"), UNDEFINED);
        m.put(Atom.of("deepest_mailboxes"), UNDEFINED);
        m.put(Atom.of("rpcs_served"), UNDEFINED);
        m.put(Atom.of("rpcs_failed"), UNDEFINED);
        m.put(Atom.of("connections"), TermList.of(connections));
        return TermMap.of(m);
    }

    private Term connection(Term peer, TermList props, Term controller) throws InterruptedException {
        Map<String, Term> p = proplist(props);
        LinkedHashMap<Term, Term> c = new LinkedHashMap<>();
        c.put(Atom.of("peer"), peer);
        Term address = p.getOrDefault("address", UNDEFINED);
        // #net_address{address, host, protocol, family}
        boolean record = address instanceof Tuple a && a.arity() == 5 && a.get(0).equals(Atom.of("net_address"));
        c.put(Atom.of("carrier"), record ? ((Tuple) address).get(3) : UNDEFINED);
        c.put(Atom.of("address"), record ? Binary.of(socketAddress(((Tuple) address).get(1))) : UNDEFINED);
        c.put(Atom.of("state"), p.getOrDefault("state", UNDEFINED));
        c.put(Atom.of("type"), p.getOrDefault("type", UNDEFINED));
        c.put(Atom.of("since"), UNDEFINED);
        c.put(Atom.of("flags"), UNDEFINED);
        Map<String, Term> socket = controller instanceof Port ? getstat(controller) : Map.of();
        c.put(Atom.of("bytes_in"), socket.getOrDefault("recv_oct", UNDEFINED));
        c.put(Atom.of("bytes_out"), socket.getOrDefault("send_oct", UNDEFINED));
        c.put(Atom.of("packets_in"), p.getOrDefault("in", UNDEFINED));
        c.put(Atom.of("packets_out"), p.getOrDefault("out", UNDEFINED));
        c.put(Atom.of("ticks_in"), UNDEFINED);
        c.put(Atom.of("ticks_out"), UNDEFINED);
        c.put(Atom.of("queued_bytes"), socket.getOrDefault("send_pend", UNDEFINED));
        c.put(Atom.of("queued_packets"), UNDEFINED);
        c.put(Atom.of("busy_waits"), UNDEFINED);
        c.put(Atom.of("busy_ms"), UNDEFINED);
        LinkedHashMap<Term, Term> figures = new LinkedHashMap<>();
        for (String k : List.of("recv_cnt", "send_cnt", "recv_max", "send_max")) {
            Term v = socket.get(k);
            if (v != null) {
                figures.put(Atom.of(k), v);
            }
        }
        c.put(Atom.of("carrier_stats"), TermMap.of(figures));
        return TermMap.of(c);
    }

    /** {@code inet:getstat(Port)}; empty when it fails (the port just closed). */
    private Map<String, Term> getstat(Term port) throws InterruptedException {
        Term r = call("inet", "getstat", port);
        if (r instanceof Tuple t && t.arity() == 2 && t.get(0).equals(Atom.OK) && t.get(1) instanceof TermList l) {
            return proplist(l);
        }
        return Map.of();
    }

    private static Map<String, Term> proplist(TermList list) {
        Map<String, Term> m = new LinkedHashMap<>();
        for (Term e : list.elements()) {
            if (e instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Atom k) {
                m.putIfAbsent(k.name(), t.get(1));
            }
        }
        return m;
    }

    /** {@code {{127,0,0,1}, 4369}} as {@code 127.0.0.1:4369}; IPv6 in brackets; else as printed. */
    static String socketAddress(Term t) {
        if (t instanceof Tuple a && a.arity() == 2 && a.get(0) instanceof Tuple ip && a.get(1) instanceof Int port) {
            StringBuilder sb = new StringBuilder();
            boolean v6 = ip.arity() == 8;
            if (v6) {
                sb.append('[');
            }
            for (int i = 0; i < ip.arity(); i++) {
                if (i > 0) {
                    sb.append(v6 ? ':' : '.');
                }
                sb.append(v6 && ip.get(i) instanceof Int n ? Long.toHexString(n.longValue()) : ip.get(i).toString());
            }
            return sb.append(v6 ? "]:" : ":").append(port).toString();
        }
        return t.toString();
    }

    private Term call(String module, String function, Term... args) throws InterruptedException {
        try {
            return node.rpc(target, module, function, List.of(args), timeout);
        } catch (RpcException e) {
            throw failed(module + ":" + function, e);
        }
    }

    private CliException failed(String what, RpcException e) {
        return switch (e) {
            case RpcException.Timeout t -> new CliException("no answer from " + target + " to " + what + " within "
                    + timeout.toSeconds() + " s");
            case RpcException.NoConnection n -> new CliException("lost the connection to " + target);
            case RpcException.Raised r -> new CliException(what + " on " + target + " raised " + r.exception().getMessage());
            case RpcException.Failed f -> new CliException(what + " on " + target + " failed: " + f.reason());
        };
    }
}
