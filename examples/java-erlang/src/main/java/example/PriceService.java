/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package example;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.node.Cookie;
import dev.jarl.node.ErlangException;
import dev.jarl.node.GenServer;
import dev.jarl.node.Mailbox;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.TermMap;
import dev.jarl.term.Tuple;

/**
 * A Java price service on a Jarl node, next to an Erlang shop node running
 * {@code erlang/inventory.erl}.
 *
 * <ul>
 *   <li>Erlang calls Java: the functions {@code prices:quote/1} and {@code prices:total/1}
 *       ({@code rpc:call}, {@code erpc:call}), and the registered Java gen_server
 *       {@code price_server} ({@code gen_server:call}).</li>
 *   <li>Java calls Erlang: {@code lists:reverse/1} by RPC, and the Erlang gen_server
 *       {@code inventory} by {@code gen_server:call}.</li>
 * </ul>
 *
 * <pre>
 * java -jar target/java-erlang.jar [--cookie COOKIE] [--listen ADDRESS] [--stay] shop@HOST
 * </pre>
 *
 * Without {@code --cookie} the node takes the cookie {@code erl} would take
 * ({@code ~/.erlang.cookie}). It runs both directions, prints what each call returned,
 * and exits 0 when everything came back as expected; {@code --stay} keeps it up afterwards
 * so you can call it from the Erlang shell.
 */
public final class PriceService {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** Prices in cents. */
    private static final Map<String, Long> PRICES = Map.of("apple", 150L, "pear", 120L);

    private PriceService() {
    }

    public static void main(String[] args) throws Exception {
        String cookie = null;
        String listen = null;
        boolean stay = false;
        String shop = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cookie" -> cookie = args[++i];
                case "--listen" -> listen = args[++i];
                case "--stay" -> stay = true;
                default -> shop = args[i];
            }
        }
        if (shop == null) {
            System.err.println("usage: java -jar java-erlang.jar [--cookie COOKIE] [--listen ADDRESS] [--stay] shop@HOST");
            System.exit(2);
        }
        NodeName erlang = NodeName.parse(shop);
        NodeConfig.Builder config = NodeConfig.builder(new NodeName("java", erlang.host()));
        if (cookie != null) {
            config.cookie(Cookie.of(cookie, "--cookie"));
        }
        if (listen != null) { // only this address, e.g. 127.0.0.1 (default: every address, as erl)
            config.carrier(Carriers.tcp(TcpOptions.defaults().withBindAddress(InetAddress.getByName(listen))));
        }
        try (Node node = Node.start(config.build()); Mailbox me = node.createMailbox()) {
            System.out.println(node.name() + " is up, talking to " + erlang);
            serve(node);
            boolean ok = javaCallsErlang(node, me, erlang) & erlangCallsJava(node, erlang);
            System.out.println(ok ? "all calls answered as expected" : "SOME CALLS WENT WRONG");
            if (stay) {
                System.out.println("serving until Ctrl-C; try rpc:call('" + node.name() + "', prices, quote, [apple]).");
                Thread.currentThread().join();
            }
            System.exit(ok ? 0 : 1);
        }
    }

    /** What Erlang can call here. */
    private static void serve(Node node) {
        // prices:quote(apple) -> {ok, 150}; an unknown item raises error {unknown_item, kiwi} in the caller
        node.functions().register("prices", "quote", 1, args -> Tuple.of(Atom.OK, Int.of(price(args.get(0)))));
        // prices:total([{apple, 3}, {pear, 2}]) -> 690
        node.functions().register("prices", "total", 1, args -> {
            long cents = 0;
            for (Term line : ((TermList) args.get(0)).elements()) {
                Tuple t = (Tuple) line;
                cents += price(t.get(0)) * ((Int) t.get(1)).longValue();
            }
            return Int.of(cents);
        });
        // gen_server:call({price_server, 'java@host'}, {quote, pear}) -> 120
        Mailbox server = node.createMailbox("price_server");
        Thread.ofVirtual().name("price_server").start(() -> {
            try {
                GenServer.serve(server, (request, from) -> request instanceof Tuple t && t.isTagged(Atom.of("quote"), 2)
                        ? Int.of(price(t.get(1))) : Tuple.of(Atom.ERROR, Atom.of("bad_request")));
            } catch (Exception e) {
                // the node closed
            }
        });
    }

    private static long price(Term item) {
        Long cents = item instanceof Atom a ? PRICES.get(a.name()) : null;
        if (cents == null) {
            throw new ErlangException.Error(Tuple.of(Atom.of("unknown_item"), item));
        }
        return cents;
    }

    private static boolean javaCallsErlang(Node node, Mailbox me, NodeName erlang) throws Exception {
        Term reversed = node.rpc(erlang, "lists", "reverse", List.of(TermList.of(Int.of(1), Int.of(2), Int.of(3))), TIMEOUT);
        Term apples = GenServer.call(me, Tuple.of(Atom.of("inventory"), erlang.atom()),
                Tuple.of(Atom.of("stock"), Atom.of("apple")), TIMEOUT);
        return check("Java -> Erlang  rpc lists:reverse([1,2,3])", reversed, Term.list(3, 2, 1))
                & check("Java -> Erlang  gen_server:call(inventory, {stock, apple})", apples, Int.of(12));
    }

    /** Asks the Erlang node to call this one (inventory:call_java/1) and checks what it got. */
    private static boolean erlangCallsJava(Node node, NodeName erlang) throws Exception {
        TermMap got = (TermMap) node.rpc(erlang, "inventory", "call_java", List.of(node.name().atom()), TIMEOUT);
        return check("Erlang -> Java  rpc:call(J, prices, quote, [apple])", got.get(Atom.of("rpc")),
                        Tuple.of(Atom.OK, Int.of(150)))
                & check("Erlang -> Java  erpc:call(J, prices, total, [[{apple,3},{pear,2}]])", got.get(Atom.of("erpc")),
                        Int.of(690))
                & check("Erlang -> Java  gen_server:call({price_server, J}, {quote, pear})", got.get(Atom.of("gen_server")),
                        Int.of(120))
                & check("Erlang -> Java  erpc:call(J, prices, quote, [kiwi]) raises", got.get(Atom.of("error")),
                        Tuple.of(Atom.ERROR, Tuple.of(Atom.of("unknown_item"), Atom.of("kiwi"))));
    }

    private static boolean check(String what, Term got, Term expected) {
        boolean ok = expected.equals(got);
        System.out.printf("%-75s = %s%s%n", what, got, ok ? "" : "   (expected " + expected + ")");
        return ok;
    }
}
