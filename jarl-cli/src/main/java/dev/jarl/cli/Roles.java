package dev.jarl.cli;

import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * The registered processes of {@code jarl serve} (CONFORMANCE.md): {@code echo}, {@code sink}
 * and {@code flood}, each a mailbox served by its own virtual thread, and {@code ctl} with its
 * puppets ({@link Puppets}).
 */
final class Roles {

    private static final Atom SYNC = Atom.of("sync");
    private static final Atom FLOOD = Atom.of("flood");
    private static final Atom MSG = Atom.of("msg");
    private static final Atom FLOOD_DONE = Atom.of("flood_done");

    private Roles() {
    }

    static void start(Node node) {
        serve(node.createMailbox("echo"), Roles::echo);
        serve(node.createMailbox("sink"), Roles::sink);
        serve(node.createMailbox("flood"), Roles::flood);
        Puppets.start(node);
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

    /** {@code {From, Msg}}: sends {@code Msg} to {@code From}. */
    private static void echo(Mailbox mb) throws InterruptedException {
        while (true) {
            if (mb.receive() instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid from) {
                mb.send(from, t.get(1));
            }
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

    /** {@code {flood, From, N, Bin}}: sends {@code {msg, I, Bin}} for I = 1..N, then {@code {flood_done, N}}. */
    private static void flood(Mailbox mb) throws InterruptedException {
        while (true) {
            if (mb.receive() instanceof Tuple t && t.arity() == 4 && FLOOD.equals(t.get(0))
                    && t.get(1) instanceof Pid from && t.get(2) instanceof Int n && n.isLong()) {
                long count = n.longValue();
                Term bin = t.get(3);
                for (long i = 1; i <= count; i++) {
                    mb.send(from, Tuple.of(MSG, Int.of(i), bin));
                }
                mb.send(from, Tuple.of(FLOOD_DONE, n));
            }
        }
    }
}
