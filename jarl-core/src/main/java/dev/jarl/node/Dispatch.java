/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import dev.jarl.channel.DistConnection;
import dev.jarl.channel.Signal;
import dev.jarl.term.Atom;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * What the node does with each signal a peer sends: one exhaustive switch over
 * {@link Signal}, one arm per signal. The channel has already read the signal from whichever
 * wire form it came in and checked its pids as erts does ({@code erts_net_message}), so a
 * pid of this node here may still be of an older incarnation where erts accepts that: it
 * finds no process, a link or monitor answers {@code noproc}, and the rest is dropped.
 *
 * <p>Threading: called on the connection's input thread, in the order the peer sent; it
 * never blocks (replies go out with {@link DistConnection#sendNoWait}).
 */
final class Dispatch {

    private static final Atom SPAWN_REPLY = Atom.of("spawn_reply");

    private final Processes processes;
    private final Rpc rpc;
    private final Node node;

    Dispatch(Processes processes, Rpc rpc) {
        this.processes = processes;
        this.rpc = rpc;
        this.node = processes.node();
    }

    /** Acts on one signal from {@code c}'s peer. */
    void received(DistConnection c, Signal signal) {
        switch (signal) {
            case Signal.Send s -> deliver(processes.local(s.to()), s.message());
            case Signal.RegSend s -> deliver(processes.registered(s.to()), s.message());
            case Signal.AliasSend s -> deliver(processes.aliased(s.alias()), s.message());
            case Signal.Link s -> link(c, s);
            case Signal.Unlink s -> unlink(c, s);
            case Signal.UnlinkAck s -> unlinkAck(s);
            case Signal.Exit s -> exit(s);
            case Signal.Monitor s -> monitor(c, s);
            case Signal.Demonitor s -> demonitor(s);
            case Signal.Down s -> down(s);
            case Signal.SpawnRequest s -> rpc.spawnRequest(c, s);
            case Signal.SpawnReply s -> spawnReply(c, s);
        }
    }

    private static void deliver(LocalProcess p, Term message) {
        if (p != null) {
            p.deliver(message);
        }
    }

    /** LINK: linked, or {@code noproc} back when the process is gone. */
    private void link(DistConnection c, Signal.Link s) {
        LocalProcess p = processes.local(s.to());
        if (p == null || !p.receiveLink(s.from())) {
            c.sendNoWait(new Signal.Exit(s.to(), s.from(), Atom.NOPROC, true));
        }
    }

    /** UNLINK_ID (or the old UNLINK): unlinked, and acknowledged before any other signal from the target. */
    private void unlink(DistConnection c, Signal.Unlink s) {
        LocalProcess p = processes.local(s.to());
        if (p != null) {
            p.receiveUnlink(s.from(), s.id());
        }
        // before any other signal from s.to() to s.from(): this thread sends it now
        c.sendNoWait(new Signal.UnlinkAck(s.id(), s.to(), s.from()));
    }

    private void unlinkAck(Signal.UnlinkAck s) {
        LocalProcess p = processes.local(s.to());
        if (p != null) {
            p.receiveUnlinkAck(s.from(), s.id());
        }
    }

    private void exit(Signal.Exit s) {
        if (processes.isLocal(s.to())) {
            processes.exitSignal(s.from(), s.to(), s.reason(), s.link());
        }
    }

    /** A monitor from a peer: watch the pid or the name (resolved now), or answer {@code noproc}. */
    private void monitor(DistConnection c, Signal.Monitor m) {
        LocalProcess p = resolve(m.target());
        Term item = m.target() instanceof Atom a ? Tuple.of(a, node.nameAtom()) : m.target();
        LocalProcess.Monitor mon = new LocalProcess.Monitor(m.ref(), m.from(), p == null ? null : p.pid(), m.target(),
                null, item);
        if (p == null || !p.addWatcher(mon)) {
            c.sendNoWait(new Signal.Down(m.target(), m.from(), m.ref(), Atom.NOPROC));
        }
    }

    private void demonitor(Signal.Demonitor s) {
        LocalProcess p = resolve(s.target());
        if (p != null) {
            p.removeWatcher(s.ref());
        }
    }

    private void down(Signal.Down s) {
        LocalProcess p = processes.local(s.to());
        if (p != null) {
            p.down(s.ref(), s.reason());
        }
    }

    /** The process a monitor names: a pid of this node, or a registered name. */
    private LocalProcess resolve(Term proc) {
        if (proc instanceof Pid pid) {
            return processes.local(pid);
        }
        return proc instanceof Atom a ? processes.registered(a) : null;
    }

    /**
     * SPAWN_REPLY to a request of ours: the monitor and link the peer set up (flags bits 1
     * and 0) are entered here, on the connection's input thread, so a DOWN or exit that
     * follows on the same connection finds them; then {@code {spawn_reply, ReqId, ok, Pid}}
     * or {@code {spawn_reply, ReqId, error, Reason}} is queued for the requester. One for a
     * requester of an older incarnation of this node is dropped, as erts drops it.
     */
    private void spawnReply(DistConnection c, Signal.SpawnReply s) {
        Pid to = s.to();
        Ref reqId = s.reqId();
        if (olderIncarnation(to.node(), to.creation()) || olderIncarnation(reqId.node(), reqId.creation())) {
            return;
        }
        LocalProcess p = processes.local(to);
        if (!(s.result() instanceof Pid child)) {
            deliver(p, Tuple.of(SPAWN_REPLY, reqId, Atom.ERROR, s.result()));
            return;
        }
        int flags = s.flags();
        boolean monitored = (flags & 2) != 0 && p != null
                && p.addMonitor(new LocalProcess.Monitor(reqId, to, child, child, processes.nodeOf(child), child));
        if ((flags & 2) != 0 && !monitored) {
            c.sendNoWait(new Signal.Demonitor(to, child, reqId));
        }
        if ((flags & 1) != 0 && (p == null || !p.receiveLink(child))) {
            c.sendNoWait(new Signal.Exit(to, child, Atom.NOPROC, true));
        }
        deliver(p, Tuple.of(SPAWN_REPLY, reqId, Atom.OK, child));
    }

    private boolean olderIncarnation(Atom nodeAtom, int creation) {
        return nodeAtom.equals(node.nameAtom()) && creation != node.creation();
    }
}
