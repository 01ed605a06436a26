package dev.jarl.node;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

import dev.jarl.term.Atom;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;

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
 *
 * <p>{@link #close()} ends the process: its name is unregistered, waiting receivers get
 * {@link IllegalStateException}, and processes on other nodes linked to it receive an exit
 * signal with reason {@code normal}. Thread-safe; usually one thread receives.
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
        process.node().send(process.pid(), to, message);
    }

    /**
     * Sends {@code message} to the process registered as {@code name} on this node.
     *
     * @throws IllegalArgumentException when no process has that name (Erlang's {@code badarg})
     */
    public void send(String name, Term message) {
        process.node().sendLocalName(process.pid(), Atom.of(name), message);
    }

    /** Sends {@code message} to {@code {name, node}}, as Erlang's {@code {Name, Node} ! Msg}. */
    public void send(String name, NodeName node, Term message) {
        process.node().sendName(process.pid(), Atom.of(name), node, message);
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

    /** The number of messages waiting. */
    public int queued() {
        return process.queue().size();
    }

    /** Ends this process (idempotent); see the class comment. */
    @Override
    public void close() {
        process.node().exit(process, "normal");
    }

    private static long nanos(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public String toString() {
        return "Mailbox[" + process.pid() + name().map(n -> " " + n).orElse("") + "]";
    }
}
