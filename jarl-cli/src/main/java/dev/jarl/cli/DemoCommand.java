/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.jarl.carrier.Carrier;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.MemNetwork;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.carriers.UdpOptions;
import dev.jarl.carriers.UdsOptions;
import dev.jarl.epmd.Epmd;
import dev.jarl.node.Cookie;
import dev.jarl.node.ExitException;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Ref;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jarl demo}: shows what Jarl is for, on this machine, in under a minute. It starts
 * what it needs (Jarl nodes, the embedded EPMD when none runs, and a real Erlang node when
 * {@code erl} is installed), walks through ping, messages both ways, a link and a monitor
 * firing, an RPC each way, and Jarl-to-Jarl traffic over each carrier, printing each step with its result.
 * It exits 0 only if every step worked, and stops everything it started.
 *
 * <p>Without a working {@code erl} (checked by running it, not by looking on the {@code PATH})
 * the steps with a real Erlang node are listed as skipped, not run, and the last line says
 * which they are and how to install Erlang; the demo still exits 0 when every step that ran
 * worked.
 */
@Command(name = "demo",
        description = {"Walks through what Jarl does (ping, messages, links, monitors, RPC, every carrier),",
                "with a real Erlang node when erl is installed.",
                "Starts everything it needs and stops it again; exits 0 only if every step worked."},
        footer = {"", "Example:", "  jarl demo"},
        mixinStandardHelpOptions = true)
final class DemoCommand implements Callable<Integer> {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Option(names = "--no-erlang", description = "Skip the steps with a real Erlang node even if erl is installed.")
    boolean noErlang;

    @Option(names = "--verbose", description = "Print stack traces and debug logs.")
    boolean verbose;

    @Option(names = "--listen", paramLabel = "ADDRESS",
            description = {"Have the demo's Jarl nodes (tcp, udp), its erl node and the EPMD it starts when none "
                    + "answers listen on ADDRESS only, e.g. 127.0.0.1 (default: every address, as erl). The nodes "
                    + "reach each other through this host's name, which must then resolve to ADDRESS."})
    String listen;

    /** The {@code --listen} address, or null for every address. */
    private InetAddress bind;

    private final List<String> failures = new ArrayList<>();
    private final List<Integer> skipped = new ArrayList<>();
    private int step;
    /** While set, steps are numbered and listed with this reason, not run. */
    private String skipping;

    /** One step: does something and returns a short account of what came back. */
    private interface Step {
        String run() throws Exception;
    }

    private boolean step(String what, Step body) {
        step++;
        if (skipping != null) {
            System.out.printf("  %2d. %-66s skip (needs erl)%n", step, what);
            skipped.add(step);
            return false;
        }
        long t0 = System.nanoTime();
        try {
            String result = body.run();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("  %2d. %-66s ok   %s (%d ms)%n", step, what, result, ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        } catch (Exception | AssertionError e) {
            String why = e.getMessage() != null ? e.getMessage() : e.toString();
            System.out.printf("  %2d. %-66s FAIL %s%n", step, what, why);
            if (verbose) {
                e.printStackTrace(System.out);
            }
            failures.add(what + ": " + why);
            return false;
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new AssertionError(message);
        }
    }

    @Override
    public Integer call() throws Exception {
        String tag = randomTag();
        String cookieText = "demo" + tag + tag;
        Cookie cookie = Cookie.of(cookieText);
        bind = listen == null ? null : Cli.address("--listen", listen);
        String host = NodeOptions.localHost(null);
        System.out.println("Jarl demo: Java nodes in an Erlang cluster. EPMD port " + Epmd.portFromEnvironment()
                + (System.getenv(Epmd.PORT_VARIABLE) != null ? " (from " + Epmd.PORT_VARIABLE + ")" : "") + ".");
        System.out.println();
        System.out.println("Two Jarl nodes over TCP, registered with EPMD (Jarl starts its own EPMD if none runs):");
        NodeName aName = new NodeName("demo_a_" + tag, host);
        NodeName bName = new NodeName("demo_b_" + tag, host);
        Node[] nodes = new Node[2];
        ErlangPeer erl = null;
        try {
            boolean up = step("start Jarl node " + aName, () -> {
                nodes[0] = Node.start(tcp(aName, cookie));
                return "creation " + nodes[0].creation();
            }) & step("start Jarl node " + bName, () -> {
                nodes[1] = Node.start(tcp(bName, cookie));
                return "creation " + nodes[1].creation();
            });
            if (!up) {
                return summary();
            }
            Node a = nodes[0];
            Node b = nodes[1];
            jarlToJarl(a, b);

            System.out.println();
            NodeName erlName = new NodeName("demo_erl_" + tag, host);
            String noErl = noErlang ? "--no-erlang" : ErlangPeer.unavailable().map(why -> "erl " + why).orElse(null);
            if (noErl != null) {
                System.out.println("A real Erlang node: skipped (" + noErl + "). These steps need erl:");
                skipping = noErl;
                step("start erl -sname " + erlName.alive(), () -> "");
                withErlang(a, null);
                skipping = null;
            } else {
                System.out.println("A real Erlang node, started with erl, driven from Java:");
                ErlangPeer[] peer = new ErlangPeer[1];
                if (step("start erl -sname " + erlName.alive(), () -> {
                    peer[0] = ErlangPeer.start(erlName, cookieText, a, bind);
                    return "OTP " + peer[0].eval("erlang:system_info(otp_release)").toString().replace("\"", "");
                })) {
                    erl = peer[0];
                    withErlang(a, erl);
                }
            }

            System.out.println();
            System.out.println("Jarl to Jarl over each carrier (same handshake and packets, other transports):");
            carriers(cookie, host, tag);
        } finally {
            if (erl != null) {
                erl.close();
            }
            // in reverse: the first node may own the embedded EPMD the others registered with
            for (int i = nodes.length - 1; i >= 0; i--) {
                if (nodes[i] != null) {
                    nodes[i].close();
                }
            }
        }
        return summary();
    }

    private int summary() {
        System.out.println();
        if (failures.isEmpty()) {
            System.out.println((skipped.isEmpty() ? "All " + step + " steps worked."
                    : "All " + (step - skipped.size()) + " steps that ran worked.")
                    + " Everything the demo started has been stopped.");
            if (!skipped.isEmpty()) {
                System.out.println(skippedLine());
            }
            return 0;
        }
        System.out.println(failures.size() + " of " + step + " steps failed:");
        failures.forEach(f -> System.out.println("  - " + f));
        return 1;
    }

    /** The one line about the steps that need erl: which, why not run, and how to get erl. */
    private String skippedLine() {
        String which = skipped.size() == 1 ? "Step " + skipped.get(0)
                : skipped.get(skipped.size() - 1) - skipped.get(0) == skipped.size() - 1
                        ? "Steps " + skipped.get(0) + "-" + skipped.get(skipped.size() - 1)
                        : "Steps " + skipped.stream().map(String::valueOf).collect(Collectors.joining(", "));
        if (noErlang) {
            return which + " (with a real Erlang node) were left out: --no-erlang.";
        }
        return which + " (with a real Erlang node) need erl, which " + ErlangPeer.unavailable().orElse("is missing")
                + ": " + ErlCommand.INSTALL_HINT + " and run jarl demo again.";
    }

    private NodeConfig tcp(NodeName name, Cookie cookie) {
        return NodeConfig.builder(name).cookie(cookie).carrier(Carriers.tcp(TcpOptions.defaults().withBindAddress(bind)))
                .build();
    }

    private void jarlToJarl(Node a, Node b) {
        step("ping " + a.name() + " from " + b.name(), () -> {
            check(b.ping(a.name()), "pang");
            return "pong; " + b.name() + " sees nodes() = " + b.nodes();
        });
        step("message to a registered process and its reply", () -> {
            try (Mailbox inbox = a.createMailbox("inbox"); Mailbox client = b.createMailbox()) {
                Term hello = Tuple.of(client.self(), Atom.of("hello"));
                client.send("inbox", a.name(), hello);
                Term got = inbox.receive(WAIT).orElseThrow(() -> new AssertionError("nothing arrived"));
                check(got.equals(hello), "got " + got);
                inbox.send(client.self(), Atom.of("hi_back"));
                Term back = client.receive(WAIT).orElseThrow(() -> new AssertionError("no reply"));
                return a.name().alive() + " got " + got + ", replied " + back;
            }
        });
        step("link across nodes: the linked process dies, the trapper hears", () -> {
            try (Mailbox watcher = a.createMailbox()) {
                watcher.trapExit(true);
                Pid worker = b.spawn(self -> {
                    self.receive();
                    throw new ExitException(Atom.of("boom"));
                });
                watcher.link(worker);
                watcher.send(worker, Atom.of("go"));
                Term exit = watcher.receive(m -> m instanceof Tuple t && t.arity() == 3
                        && Atom.of("EXIT").equals(t.get(0)), WAIT).orElseThrow(() -> new AssertionError("no EXIT"));
                check(((Tuple) exit).get(2).equals(Atom.of("boom")), "got " + exit);
                return exit.toString();
            }
        });
        step("monitor across nodes: DOWN with the exit reason", () -> {
            try (Mailbox watcher = b.createMailbox()) {
                Pid worker = a.spawn(self -> {
                    self.receive();
                    throw new ExitException(Atom.of("done"));
                });
                Ref ref = watcher.monitor(worker);
                watcher.send(worker, Atom.of("go"));
                Term down = watcher.receive(m -> m instanceof Tuple t && t.arity() == 5 && ref.equals(t.get(1)), WAIT)
                        .orElseThrow(() -> new AssertionError("no DOWN"));
                check(((Tuple) down).get(4).equals(Atom.of("done")), "got " + down);
                return down.toString();
            }
        });
        step("RPC from one Jarl node to a Java function on the other", () -> {
            registerGreet(a);
            Term r = b.rpc(a.name(), "demo", "greet", List.of(Atom.of("jarl")), WAIT);
            check(r instanceof Tuple t && t.arity() == 4, "got " + r);
            return r.toString();
        });
    }

    /** Registers demo:greet/1 on {@code node}, a Java function Erlang (and Jarl) can call. */
    private static void registerGreet(Node node) {
        node.functions().register("demo", "greet", 1, args -> Tuple.of(Atom.of("hello"), args.get(0),
                Atom.of("from_java"), node.nameAtom()));
    }

    /** The steps with a real Erlang node; with {@code erl} null (while {@link #skipping}) only listed. */
    private void withErlang(Node a, ErlangPeer erl) {
        NodeName e = erl == null ? null : erl.name();
        if (erl != null) {
            registerGreet(a);
        }
        step("Java pings Erlang: net_adm:ping from Jarl", () -> {
            check(a.ping(e), "pang");
            return "pong";
        });
        step("Erlang pings Java: net_adm:ping('" + a.name() + "')", () -> {
            Term r = erl.eval("net_adm:ping('" + a.name() + "')");
            check(r.equals(Atom.of("pong")), "got " + r);
            return r.toString();
        });
        step("Erlang sends to a Java process: {inbox, Node} ! Msg", () -> {
            try (Mailbox inbox = a.createMailbox("erl_inbox")) {
                erl.eval("{erl_inbox, '" + a.name() + "'} ! {from_erlang, self(), <<\"hello, Java\">>}");
                Term got = inbox.receive(WAIT).orElseThrow(() -> new AssertionError("nothing arrived"));
                check(got instanceof Tuple t && t.arity() == 3, "got " + got);
                return "Java got " + got;
            }
        });
        step("Java sends to an Erlang process, which receives it", () -> {
            try (Mailbox box = a.createMailbox()) {
                box.send("demo_ctl", e, Tuple.of(Atom.of("from_java"), Atom.of("hello_erlang")));
                Term r = erl.eval("receive {from_java, X} -> X after 5000 -> timeout end");
                check(r.equals(Atom.of("hello_erlang")), "got " + r);
                return "Erlang got " + r;
            }
        });
        step("Erlang calls Java: rpc:call(Jarl, demo, greet, [<<\"erlang\">>])", () -> {
            Term r = erl.eval("rpc:call('" + a.name() + "', demo, greet, [<<\"erlang\">>])");
            check(r instanceof Tuple t && t.arity() == 4 && Atom.of("hello").equals(t.get(0)), "got " + r);
            return "Erlang got " + r;
        });
        step("Erlang calls Java with erpc, a function Java lacks: undef", () -> {
            Term r = erl.eval("try erpc:call('" + a.name() + "', demo, missing, []) catch error:{exception, undef, _} -> undef end");
            check(Atom.of("undef").equals(r), "got " + r);
            return "error:{exception, undef, _} as from a BEAM node";
        });
        step("Java calls Erlang: rpc lists:reverse([1,2,3])", () -> {
            Term r = a.rpc(e, "lists", "reverse", List.of(TermList.of(Int.of(1), Int.of(2), Int.of(3))), WAIT);
            check(r.toString().equals("[3,2,1]"), "got " + r);
            return "Java got " + r;
        });
        step("gen_server:call from Java to an Erlang process (global_name_server)", () -> {
            try (Mailbox box = a.createMailbox()) {
                Term r = box.call(Tuple.of(Atom.of("global_name_server"), e.atom()), Atom.of("get_known"), WAIT);
                return "reply " + r;
            }
        });
        step("link Java to an Erlang process that exits: {'EXIT', Pid, boom}", () -> {
            try (Mailbox watcher = a.createMailbox()) {
                watcher.trapExit(true);
                Term victim = erl.eval("P = spawn(fun() -> receive stop -> exit(boom) end end), "
                        + "register(demo_victim, P), P");
                check(victim instanceof Pid, "got " + victim);
                watcher.link((Pid) victim);
                erl.eval("demo_victim ! stop");
                Term exit = watcher.receive(m -> m instanceof Tuple t && t.arity() == 3
                        && Atom.of("EXIT").equals(t.get(0)), WAIT).orElseThrow(() -> new AssertionError("no EXIT"));
                check(((Tuple) exit).get(2).equals(Atom.of("boom")), "got " + exit);
                return exit.toString();
            }
        });
        step("Erlang monitors a Java process: {'DOWN', Ref, process, _, done}", () -> {
            try (Mailbox worker = a.createMailbox("demo_worker")) {
                // monitor/2 returns before its signal arrives; a message sent after it on the same
                // connection arrives after it, so once that is here the monitor is in place
                erl.eval("put(demo_ref, erlang:monitor(process, {demo_worker, '" + a.name() + "'})), "
                        + "{demo_worker, '" + a.name() + "'} ! monitor_set");
                worker.receive(Atom.of("monitor_set")::equals, WAIT).orElseThrow(() -> new AssertionError("no monitor_set"));
                worker.exit(Atom.of("done"));
                Term r = erl.eval("R = get(demo_ref), receive {'DOWN', R, process, _, Why} -> Why after 5000 -> timeout end");
                check(r.equals(Atom.of("done")), "got " + r);
                return "Erlang saw " + r;
            }
        });
    }

    private void carriers(Cookie cookie, String host, String tag) throws IOException {
        Path udsDir = Files.createTempDirectory("jarl-demo-uds");
        MemNetwork mem = new MemNetwork();
        try {
            record Choice(String name, Carrier carrier, boolean epmd) {
            }
            List<Choice> choices = List.of(
                    new Choice("tcp", Carriers.tcp(TcpOptions.defaults().withBindAddress(bind)), true),
                    new Choice("uds", Carriers.uds(UdsOptions.of(udsDir)), false),
                    new Choice("udp", Carriers.udp(UdpOptions.defaults().withBindAddress(bind)
                            .withDatagrams(UdpOptions.LOOPBACK_DATAGRAM_SIZE, UdpOptions.DEFAULT_WINDOW_BYTES)), true),
                    new Choice("mem", mem.carrier(), false));
            for (Choice c : choices) {
                step(c.name() + ": two nodes, ping, 1000 messages in order, 1 MB binary", () -> {
                    NodeName x = new NodeName("demo_" + c.name() + "_x_" + tag, host);
                    NodeName y = new NodeName("demo_" + c.name() + "_y_" + tag, host);
                    try (Node nx = Node.start(NodeConfig.builder(x).cookie(cookie).carrier(c.carrier()).useEpmd(c.epmd()).build());
                         Node ny = Node.start(NodeConfig.builder(y).cookie(cookie).carrier(c.carrier()).useEpmd(c.epmd()).build());
                         Mailbox sink = nx.createMailbox("sink");
                         Mailbox src = ny.createMailbox()) {
                        check(ny.ping(x), "pang");
                        long t0 = System.nanoTime();
                        for (int i = 1; i <= 1000; i++) {
                            src.send("sink", x, Int.of(i));
                        }
                        src.send("sink", x, Binary.of(new byte[1 << 20]));
                        for (int i = 1; i <= 1000; i++) {
                            Optional<Term> m = sink.receive(WAIT);
                            check(m.isPresent() && m.get().equals(Int.of(i)), "message " + i + " was " + m);
                        }
                        Optional<Term> big = sink.receive(WAIT);
                        check(big.isPresent() && big.get() instanceof Binary bin && bin.size() == 1 << 20,
                                "the 1 MB binary did not arrive whole");
                        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                        return "pong, all in order, in " + ms + " ms";
                    }
                });
            }
        } finally {
            try (var files = Files.list(udsDir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(udsDir);
        }
    }

    private static String randomTag() {
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return sb.toString();
    }
}
