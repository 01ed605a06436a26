/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.math.BigInteger;

import dev.jarl.node.ErlangException;
import dev.jarl.node.Functions;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.Scope;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * The registered processes of {@code jarl serve} (docs/conformance.md): {@code echo}, {@code sink}
 * and {@code flood}, each a mailbox served by its own virtual thread, {@code ctl} with its
 * puppets ({@link Puppets}), and the {@code jarl} RPC module.
 */
final class Roles {

    private static final Atom SYNC = Atom.of("sync");
    private static final Atom FLOOD = Atom.of("flood");
    private static final Atom MSG = Atom.of("msg");
    private static final Atom FLOOD_DONE = Atom.of("flood_done");
    /** The pg group of the echo role, in the default scope. */
    static final Atom JARL_ECHO = Atom.of("jarl_echo");

    private Roles() {
    }

    static void start(Node node) {
        registerJarlModule(node);
        // on the input thread of the connection a request comes on: the reply leaves at once
        Mailbox echo = node.createMailbox("echo", Roles::echo);
        // CONFORMANCE.md: echo is a member of jarl_echo in the default pg scope; the scope
        // discovers every node that connects, so an erl that meets a hidden serve node sees it
        Scope pg = node.pg().scope();
        pg.discoverAll(true);
        pg.join(JARL_ECHO, echo);
        serve(node.createMailbox("sink"), Roles::sink);
        serve(node.createMailbox("flood"), Roles::flood);
        Puppets.start(node);
    }

    /**
     * The {@code jarl} module of docs/conformance.md, callable by {@code rpc:call} and
     * {@code erpc:call}: {@code echo/1}, {@code node/0}, {@code sum/1} (integers of any
     * size; anything else is {@code badarith}), {@code sleep/1} and {@code fail/1}
     * ({@code erlang:error(Reason)}).
     */
    static void registerJarlModule(Node node) {
        Functions f = node.functions();
        f.register("jarl", "echo", 1, args -> args.get(0));
        f.register("jarl", "node", 0, args -> node.nameAtom());
        f.register("jarl", "sum", 1, args -> {
            if (!(args.get(0) instanceof TermList list) || !list.isProper()) {
                throw new ErlangException.Error(Atom.of("function_clause"));
            }
            BigInteger sum = BigInteger.ZERO;
            for (Term t : list.elements()) {
                if (!(t instanceof Int i)) {
                    throw new ErlangException.Error(Atom.of("badarith"));
                }
                sum = sum.add(i.bigValue());
            }
            return Int.of(sum);
        });
        f.register("jarl", "sleep", 1, args -> {
            if (!(args.get(0) instanceof Int ms) || ms.signum() < 0 || !ms.isLong()) {
                throw new ErlangException.Error(Atom.of("function_clause"));
            }
            Thread.sleep(ms.longValue());
            return Atom.OK;
        });
        f.register("jarl", "fail", 1, args -> {
            throw new ErlangException.Error(args.get(0));
        });
    }

    private interface Loop {
        void run(Mailbox mailbox) throws InterruptedException;
    }

    private static void serve(Mailbox mailbox, Loop loop) {
        Thread.ofVirtual().name("role-" + mailbox.name().orElse("?")).start(() -> {
            try {
                loop.run(mailbox);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                System.getLogger("dev.jarl.cli").log(System.Logger.Level.ERROR,
                        "role " + mailbox.name().orElse("?") + " failed", e);
            }
        });
    }

    /** {@code {From, Msg}}: sends {@code Msg} to {@code From} (a {@link dev.jarl.node.MessageHandler}: never blocks). */
    private static void echo(Mailbox mb, Term message) {
        if (message instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid from) {
            mb.send(from, t.get(1));
        }
    }

    /** Counts every message; {@code {sync, From, Ref}} replies {@code {Ref, Count}} and resets. */
    private static void sink(Mailbox mb) throws InterruptedException {
        long count = 0;
        while (true) {
            Term m = mb.receive();
            if (m instanceof Tuple t && t.arity() == 3 && SYNC.equals(t.get(0)) && t.get(1) instanceof Pid from) {
                mb.send(from, Tuple.of(t.get(2), Int.of(count)));
                count = 0;
            } else {
                count++;
            }
        }
    }

    /** Binaries at least this large are moved off the heap once before the flood sends them N times. */
    private static final int OFF_HEAP_MIN = 64 * 1024;

    /**
     * {@code {flood, From, N, Bin}}: sends {@code {msg, I, Bin}} for I = 1..N, then {@code {flood_done, N}}.
     * A binary of {@value #OFF_HEAP_MIN} bytes or more is copied off the heap once
     * ({@link Binary#toOffHeap()}), so the N sends hand the socket its bytes without a copy each.
     */
    private static void flood(Mailbox mb) throws InterruptedException {
        while (true) {
            if (mb.receive() instanceof Tuple t && t.arity() == 4 && FLOOD.equals(t.get(0))
                    && t.get(1) instanceof Pid from && t.get(2) instanceof Int n && n.isLong()) {
                long count = n.longValue();
                Term bin = t.get(3) instanceof Binary b && b.size() >= OFF_HEAP_MIN ? b.toOffHeap() : t.get(3);
                for (long i = 1; i <= count; i++) {
                    mb.send(from, Tuple.of(MSG, Int.of(i), bin));
                }
                mb.send(from, Tuple.of(FLOOD_DONE, n));
            }
        }
    }
}
