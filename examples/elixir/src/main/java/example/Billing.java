/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package example;

import java.net.InetAddress;
import java.time.Duration;

import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.node.Cookie;
import dev.jarl.node.ErlangException;
import dev.jarl.node.ExitException;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.ElixirFormat;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.TermMap;
import dev.jarl.term.Tuple;

/**
 * A billing service in Java that Elixir code uses as if it were an Elixir node:
 *
 * <ul>
 *   <li>{@code Billing.charge(%Order{}, cents)} through {@code :rpc} or {@code :erpc}:
 *       {@code {:ok, %Receipt{}}}, or raises {@code {:bad_order, term}};</li>
 *   <li>{@code send({:billing, node}, {self(), %Order{}})} answers
 *       {@code {:accepted, %Receipt{}}}; {@code :shutdown} stops the node;</li>
 *   <li>{@code Billing.start_worker()} returns the pid of a Java process to monitor: it ends
 *       {@code :normal} on {@code :stop} and with {@code reason} on {@code {:crash, reason}}.</li>
 * </ul>
 *
 * <pre>
 * java -jar target/elixir-billing.jar [--cookie COOKIE] [--listen ADDRESS] billing@HOST
 * </pre>
 *
 * The cookie comes from {@code --cookie}, else from {@code RELEASE_COOKIE} (as an Elixir
 * release's), else from the files {@code erl} reads ({@code ~/.erlang.cookie}). Prints
 * {@code ready billing@HOST} once it accepts connections.
 */
public final class Billing {

    private static final Atom BILLING = Atom.elixir("Billing");

    private Billing() {
    }

    public static void main(String[] args) throws Exception {
        String cookie = null;
        String listen = null;
        String name = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--cookie")) {
                cookie = args[++i];
            } else if (args[i].equals("--listen")) {
                listen = args[++i];
            } else {
                name = args[i];
            }
        }
        if (name == null) {
            System.err.println("usage: java -jar elixir-billing.jar [--cookie COOKIE] [--listen ADDRESS] billing@HOST");
            System.exit(2);
        }
        NodeConfig.Builder config = NodeConfig.builder(NodeName.parse(name));
        if (cookie != null) {
            config.cookie(Cookie.of(cookie, "--cookie"));
        } else if (System.getenv("RELEASE_COOKIE") != null) {
            config.cookieFromEnvironment("RELEASE_COOKIE");
        }
        if (listen != null) { // only this address, e.g. 127.0.0.1 (default: every address, as erl)
            config.carrier(Carriers.tcp(TcpOptions.defaults().withBindAddress(InetAddress.getByName(listen))));
        }
        try (Node node = Node.start(config.build()); Mailbox inbox = node.createMailbox("billing")) {
            node.functions().register(BILLING.name(), "charge", 2, a -> Tuple.of(Atom.OK, charge(a.get(0), a.get(1))));
            node.functions().register(BILLING.name(), "start_worker", 0, a -> node.spawn(Billing::worker));
            System.out.println("ready " + node.name());
            System.out.flush();
            serve(inbox);
            System.out.println("shutting down, as asked");
        }
    }

    /** A receipt for {@code %Order{id: id, items: [...]}} charged {@code cents}. */
    private static TermMap charge(Term order, Term cents) {
        if (!(order instanceof TermMap o) || !o.isStruct("Order") || !(cents instanceof Int amount) || amount.signum() < 0) {
            throw new ErlangException.Error(Tuple.of(Atom.of("bad_order"), order));
        }
        return TermMap.struct("Receipt", "order_id", o.field("id").orElseThrow(), "total", amount,
                "currency", "EUR");
    }

    /** The registered process {@code billing}: orders in, receipts out, until {@code :shutdown}. */
    private static void serve(Mailbox inbox) throws InterruptedException {
        while (true) {
            Term m = inbox.receive();
            System.out.println("billing got " + ElixirFormat.inspect(m) + "   (in Erlang syntax: " + m + ")");
            if (Atom.of("shutdown").equals(m)) {
                return;
            }
            if (m instanceof Tuple t && t.arity() == 2 && t.get(0) instanceof Pid from && t.get(1) instanceof TermMap order
                    && order.isStruct("Order")) {
                long total = 0;
                for (Term item : ((TermList) order.field("items").orElse(TermList.NIL)).elements()) {
                    TermMap line = (TermMap) item;
                    total += 150 * ((Int) line.field("qty").orElse(Int.ZERO)).longValue();
                }
                inbox.send(from, Tuple.of(Atom.of("accepted"), charge(order, Int.of(total))));
            }
        }
    }

    /** A process for Elixir to monitor: ends normally on {@code :stop}, with the reason on {@code {:crash, reason}}. */
    private static void worker(Mailbox self) throws Exception {
        while (true) {
            Term m = self.receive(Duration.ofMinutes(5)).orElse(Atom.of("stop"));
            if (Atom.of("stop").equals(m)) {
                return;
            }
            if (m instanceof Tuple t && t.isTagged(Atom.of("crash"), 2)) {
                throw new ExitException(t.get(1));
            }
        }
    }
}
