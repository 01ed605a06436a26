package dev.jarl.node;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.jarl.term.Atom;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;

/**
 * A Jarl process as the node sees it: its pid, its registered name, its message queue and
 * its signal state. A {@link Mailbox} is the public handle on one.
 *
 * <p>Signal state grows with the processes work (links, monitors, {@code trap_exit}, exit
 * reason); today it keeps the links peers asked for, so that closing the process can tell
 * them, and everything that arrives is a message in the queue.
 */
final class LocalProcess {

    private final Node node;
    private final Pid pid;
    private final MessageQueue queue = new MessageQueue();
    private final Set<Pid> links = ConcurrentHashMap.newKeySet();
    private volatile Atom registeredName;
    private volatile boolean exited;

    LocalProcess(Node node, Pid pid) {
        this.node = node;
        this.pid = pid;
    }

    Node node() {
        return node;
    }

    Pid pid() {
        return pid;
    }

    MessageQueue queue() {
        return queue;
    }

    Atom registeredName() {
        return registeredName;
    }

    void registeredName(Atom name) {
        this.registeredName = name;
    }

    boolean exited() {
        return exited;
    }

    /** A message arrived (from a local sender or a connection). */
    void deliver(Term message) {
        queue.put(message);
    }

    /** A peer linked to this process. */
    void linkFrom(Pid other) {
        if (!exited) {
            links.add(other);
        }
    }

    /** A peer removed its link. */
    void unlinkFrom(Pid other) {
        links.remove(other);
    }

    /**
     * The process ends with {@code reason}: the queue closes and the linked processes are
     * returned so the node can send them exit signals. Idempotent: later calls return an
     * empty set.
     */
    Set<Pid> exit(String reason) {
        if (exited) {
            return Set.of();
        }
        exited = true;
        queue.close(reason);
        Set<Pid> linked = Set.copyOf(links);
        links.clear();
        return linked;
    }
}
