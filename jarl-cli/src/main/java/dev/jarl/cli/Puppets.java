/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import dev.jarl.node.CallException;
import dev.jarl.node.ExitException;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.RpcException;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * The {@code ctl} registered process and its puppets (docs/conformance.md): Jarl processes an
 * Erlang test steers. {@code ctl} answers {@code {From, Ref, Request}} with
 * {@code {Ref, Reply}}; a puppet runs {@code {cmd, From, Ref, Cmd}} and replies
 * {@code {Ref, Result}}, and forwards every other message to its owner as
 * {@code {puppet, Self, Msg}}.
 */
final class Puppets {

    private static final Atom SPAWN = Atom.of("spawn");
    private static final Atom NODES = Atom.of("nodes");
    private static final Atom CMD = Atom.of("cmd");
    private static final Atom PUPPET = Atom.of("puppet");
    private static final Atom PROCESS = Atom.of("process");
    private static final Atom INFINITY = Atom.of("infinity");

    private Puppets() {
    }

    /** Starts {@code ctl} on {@code node}. */
    static void start(Node node) {
        Mailbox ctl = node.createMailbox("ctl");
        Thread.ofVirtual().name("role-ctl").start(() -> {
            try {
                while (true) {
                    if (ctl.receive() instanceof Tuple t && t.arity() == 3 && t.get(0) instanceof Pid from) {
                        ctl.send(from, Tuple.of(t.get(1), control(node, t.get(2))));
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExitException stopped) {
                // the node is stopping
            }
        });
    }

    private static Term control(Node node, Term request) {
        if (request instanceof Tuple t && t.isTagged(SPAWN, 2) && t.get(1) instanceof Pid owner) {
            return Tuple.of(Atom.OK, node.spawn(self -> puppet(self, owner)));
        }
        if (NODES.equals(request)) {
            return Tuple.of(Atom.OK, TermList.of(node.nodes().stream().map(n -> (Term) Atom.of(n.toString())).toList()));
        }
        return Tuple.of(Atom.ERROR, Tuple.of(Atom.of("unknown_request"), request));
    }

    private static void puppet(Mailbox self, Pid owner) throws InterruptedException {
        while (true) {
            Term m = self.receive();
            if (m instanceof Tuple t && t.isTagged(CMD, 4) && t.get(1) instanceof Pid from) {
                self.send(from, Tuple.of(t.get(2), command(self, t.get(3))));
            } else {
                self.send(owner, Tuple.of(PUPPET, self.self(), m));
            }
        }
    }

    /** Runs one puppet command; {@code {exit, Reason}} does not return. */
    static Term command(Mailbox self, Term cmd) throws InterruptedException {
        if (!(cmd instanceof Tuple t) || t.arity() < 2 || !(t.get(0) instanceof Atom tag)) {
            return unknown(cmd);
        }
        switch (tag.name()) {
            case "link" -> {
                if (t.arity() == 2 && t.get(1) instanceof Pid p) {
                    self.link(p);
                    return Atom.OK;
                }
            }
            case "unlink" -> {
                if (t.arity() == 2 && t.get(1) instanceof Pid p) {
                    self.unlink(p);
                    return Atom.OK;
                }
            }
            case "trap_exit" -> {
                if (t.arity() == 2 && t.get(1) instanceof Atom b && b.isBoolean()) {
                    self.trapExit(Atom.TRUE.equals(b));
                    return Atom.OK;
                }
            }
            case "monitor" -> {
                if (t.arity() == 3 && PROCESS.equals(t.get(1))) {
                    return monitor(self, t.get(2));
                }
            }
            case "demonitor" -> {
                if (t.arity() == 2 && t.get(1) instanceof Ref r) {
                    self.demonitor(r);
                    return Atom.OK;
                }
            }
            case "monitor_node" -> {
                if (t.arity() == 3 && t.get(1) instanceof Atom n && t.get(2) instanceof Atom b && b.isBoolean()) {
                    self.monitorNode(NodeName.parse(n.name()), Atom.TRUE.equals(b));
                    return Atom.OK;
                }
            }
            case "send" -> {
                if (t.arity() == 3) {
                    try {
                        self.send(t.get(1), t.get(2));
                        return Atom.OK;
                    } catch (IllegalArgumentException badarg) {
                        return Tuple.of(Atom.ERROR, Atom.of("badarg"));
                    }
                }
            }
            case "exit" -> {
                if (t.arity() == 2) {
                    throw new ExitException(t.get(1));
                }
                if (t.arity() == 3 && t.get(1) instanceof Pid p) {
                    self.exit(p, t.get(2));
                    return Atom.OK;
                }
            }
            case "call" -> {
                if (t.arity() == 4) {
                    return call(self, t.get(1), t.get(2), t.get(3));
                }
            }
            case "rpc" -> {
                if (t.arity() == 6 && t.get(1) instanceof Atom n && t.get(2) instanceof Atom m && t.get(3) instanceof Atom f
                        && t.get(4) instanceof TermList args && args.isProper()) {
                    return rpc(self, NodeName.parse(n.name()), m, f, args, t.get(5));
                }
            }
            default -> {
                return unknown(cmd);
            }
        }
        return unknown(cmd);
    }

    /** {@code {rpc, Node, M, F, Args, TimeoutMs}}: {@code {ok, Value}}, or {@code {badrpc, Reason}} as {@code rpc:call} gives it. */
    private static Term rpc(Mailbox self, NodeName node, Atom m, Atom f, TermList args, Term timeout)
            throws InterruptedException {
        Duration d;
        if (INFINITY.equals(timeout)) {
            d = ChronoUnit.FOREVER.getDuration();
        } else if (timeout instanceof Int ms && ms.isLong() && ms.longValue() >= 0) {
            d = Duration.ofMillis(ms.longValue());
        } else {
            return Tuple.of(Atom.ERROR, Atom.of("badarg"));
        }
        Term result;
        try {
            result = Tuple.of(Atom.OK, self.node().rpc(node, m.name(), f.name(), args.elements(), d));
        } catch (RpcException e) {
            Term r = e.rpcCallResult();
            result = r instanceof Tuple b && b.isTagged(Atom.of("badrpc"), 2) ? r : Tuple.of(Atom.OK, r);
        }
        return result;
    }

    private static Term monitor(Mailbox self, Term target) {
        return switch (target) {
            case Pid p -> Tuple.of(Atom.OK, self.monitor(p));
            case Atom name -> Tuple.of(Atom.OK, self.monitor(name.name()));
            case Tuple nn when nn.arity() == 2 && nn.get(0) instanceof Atom name && nn.get(1) instanceof Atom at ->
                    Tuple.of(Atom.OK, self.monitor(name.name(), NodeName.parse(at.name())));
            default -> Tuple.of(Atom.ERROR, Atom.of("badarg"));
        };
    }

    private static Term call(Mailbox self, Term server, Term request, Term timeout) throws InterruptedException {
        Duration d;
        if (INFINITY.equals(timeout)) {
            d = null;
        } else if (timeout instanceof Int ms && ms.isLong() && ms.longValue() >= 0) {
            d = Duration.ofMillis(ms.longValue());
        } else {
            return Tuple.of(Atom.ERROR, Atom.of("badarg"));
        }
        try {
            return Tuple.of(Atom.OK, self.call(server, request, d));
        } catch (CallException e) {
            return Tuple.of(Atom.ERROR, e.exitReason());
        } catch (IllegalArgumentException badServer) {
            return Tuple.of(Atom.ERROR, Atom.of("badarg"));
        }
    }

    private static Term unknown(Term cmd) {
        return Tuple.of(Atom.ERROR, Tuple.of(Atom.of("unknown_cmd"), cmd));
    }
}
