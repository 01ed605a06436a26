/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.File;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import dev.jarl.epmd.Epmd;
import dev.jarl.epmd.EpmdClient;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.NodeName;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.Tuple;

/**
 * A real Erlang node for {@code jarl demo}: {@code erl} started as a child process, with a
 * registered process {@code demo_ctl} that evaluates Erlang expressions sent to it over
 * distribution and replies with the value. So every Erlang-side step of the demo is plain
 * Erlang, shown as it is run. Stopped (and waited for) on {@link #close()}.
 */
final class ErlangPeer implements AutoCloseable {

    /** The evaluator: {@code {eval, From, Ref, Text}} → {@code {Ref, {ok, Value} | {error, Class, Reason}}}. */
    private static final String CONTROL = String.join(" ",
            "register(demo_ctl, spawn(fun Loop() ->",
            "  receive {eval, From, Ref, Text} ->",
            "    Reply = try",
            "        {ok, Tokens, _} = erl_scan:string(binary_to_list(Text)),",
            "        {ok, Exprs} = erl_parse:parse_exprs(Tokens),",
            "        {value, V, _} = erl_eval:exprs(Exprs, []),",
            "        {ok, V}",
            "      catch C:R -> {error, C, R} end,",
            "    From ! {Ref, Reply}, Loop()",
            "  end end)).");

    private final Process process;
    private final NodeName name;
    private final Node via;

    private ErlangPeer(Process process, NodeName name, Node via) {
        this.process = process;
        this.name = name;
        this.via = via;
    }

    /** The outcome of running {@code erl} once: empty when it works, else why not (for a message). */
    private static volatile Optional<String> unavailable;

    /**
     * Empty when {@code erl} (from the {@code PATH}) starts and stops cleanly; otherwise why not,
     * worded to follow "erl": "is not installed", "exited 1 (...)". Found by running it, once:
     * a file named {@code erl} on the {@code PATH} may be a dangling link or a script whose
     * Erlang is gone.
     */
    static Optional<String> unavailable() {
        Optional<String> u = unavailable;
        if (u == null) {
            u = probe();
            unavailable = u;
        }
        return u;
    }

    private static Optional<String> probe() {
        Path out = null;
        try {
            out = Files.createTempFile("jarl-erl-probe", ".out");
            Process p = new ProcessBuilder("erl", "-noshell", "-noinput", "-eval", "erlang:halt(0).")
                    .redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                return Optional.of("did not start within 30 s");
            }
            if (p.exitValue() != 0) {
                String first = Files.readString(out).strip().lines().findFirst().orElse("no output");
                return Optional.of("does not run here (it exited " + p.exitValue() + ": " + first + ")");
            }
            return Optional.empty();
        } catch (IOException e) {
            // no such file (on the PATH, or behind a link): not installed; anything else is worth showing
            String m = String.valueOf(e.getMessage());
            return Optional.of(m.contains("No such file or directory") ? "is not installed" : "cannot be run (" + m + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("was not checked (interrupted)");
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // an empty temp file left behind is harmless
                }
            }
        }
    }

    /** {@code address} as an Erlang tuple, as kernel's {@code inet_dist_use_interface} takes it. */
    static String erlangAddress(InetAddress address) {
        byte[] b = address.getAddress();
        StringJoiner t = new StringJoiner(",", "{", "}");
        if (b.length == 4) {
            for (byte x : b) {
                t.add(Integer.toString(x & 0xff));
            }
        } else {
            for (int i = 0; i < b.length; i += 2) {
                t.add(Integer.toString((b[i] & 0xff) << 8 | (b[i + 1] & 0xff)));
            }
        }
        return t.toString();
    }

    /**
     * Starts {@code erl -sname NAME} with {@code cookie}, registering with the same EPMD as
     * {@code via} (so it uses Jarl's embedded one when that is what runs), and waits until
     * its evaluator answers; with {@code bind}, its distribution listens on that address only.
     */
    static ErlangPeer start(NodeName name, String cookie, Node via, InetAddress bind)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("erl", "-sname", name.alive(), "-setcookie", cookie,
                "-start_epmd", "false", "-noshell", "-noinput", "-hidden", "-eval", CONTROL));
        if (bind != null) {
            cmd.addAll(List.of("-kernel", "inet_dist_use_interface", erlangAddress(bind)));
            if (bind instanceof Inet6Address) {
                cmd.addAll(List.of("-proto_dist", "inet6_tcp"));
            }
        }
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put(Epmd.PORT_VARIABLE, Integer.toString(via.config().epmdPort()));
        ErlangPeer peer = new ErlangPeer(pb.start(), name, via);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!peer.process.isAlive()) {
                throw new IOException("erl exited with status " + peer.process.exitValue());
            }
            if (registered(name, via) && via.ping(name, Duration.ofSeconds(2))) {
                try {
                    peer.eval("ok", Duration.ofMillis(500));
                    return peer;
                } catch (IOException notYet) {
                    // the node is up but its evaluator not yet registered
                }
            }
            Thread.sleep(200);
        }
        peer.close();
        throw new IOException("erl did not come up within 20 s");
    }

    /** True once {@code name} is registered with the EPMD {@code via} uses: cheaper than a ping. */
    private static boolean registered(NodeName name, Node via) {
        try {
            return new EpmdClient(InetAddress.getLoopbackAddress(), via.config().epmdPort(), Duration.ofSeconds(2))
                    .portPlease(name.alive()).isPresent();
        } catch (IOException e) {
            return false;
        }
    }

    NodeName name() {
        return name;
    }

    /** Evaluates Erlang expressions on the node and returns the value. */
    Term eval(String expressions) throws IOException, InterruptedException {
        return eval(expressions, Duration.ofSeconds(10));
    }

    /**
     * {@link #eval(String)}, waiting at most {@code timeout} for the answer (start-up polls with a
     * short one: a request sent before the evaluator registered its name is dropped by erl).
     */
    private Term eval(String expressions, Duration timeout) throws IOException, InterruptedException {
        try (Mailbox box = via.createMailbox()) {
            Ref ref = via.makeRef();
            box.send("demo_ctl", name, Tuple.of(Atom.of("eval"), box.self(), ref, Binary.of(expressions + ".")));
            Term reply = box.receive(m -> m instanceof Tuple t && t.arity() == 2 && ref.equals(t.get(0)), timeout)
                    .orElseThrow(() -> new IOException("erl did not answer: " + expressions));
            Tuple result = (Tuple) ((Tuple) reply).get(1);
            if (result.get(0).equals(Atom.of("ok"))) {
                return result.get(1);
            }
            throw new IOException("erl raised " + result.get(1) + ":" + result.get(2) + " evaluating " + expressions);
        }
    }

    @Override
    public void close() {
        try {
            try {
                eval("spawn(fun() -> timer:sleep(50), erlang:halt() end)");
            } catch (IOException ignored) {
                // stopped by force below
            }
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
