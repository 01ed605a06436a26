/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package example;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import dev.jarl.node.CallException;
import dev.jarl.carriers.Carriers;
import dev.jarl.carriers.TcpOptions;
import dev.jarl.node.Cookie;
import dev.jarl.node.Node;
import dev.jarl.node.NodeConfig;
import dev.jarl.node.RpcException;
import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;

/**
 * Calls into an Erlang shop node (running {@code ../java-erlang/erlang/inventory.erl})
 * composed with {@link CompletableFuture}, with no thread waiting for any of them:
 *
 * <ol>
 *   <li>a ping, then the stock of three items asked at once (three {@code gen_server:call}s
 *       in flight together) and summed when all have answered;</li>
 *   <li>an RPC that depends on those answers ({@code lists:reverse/1} of the items in
 *       stock), chained with {@code thenCompose};</li>
 *   <li>the errors as the blocking API throws them: a call to a server that is not there
 *       ({@link CallException.NoProc}) and an RPC that outlives its timeout
 *       ({@link RpcException.Timeout}), handled with {@code exceptionally};</li>
 *   <li>a slow RPC cancelled: the call is abandoned on both nodes.</li>
 * </ol>
 *
 * <pre>
 * java -jar target/java-async.jar [--cookie COOKIE] [--listen ADDRESS] shop@HOST
 * </pre>
 *
 * It prints what each step gave and exits 0 when all came back as expected.
 */
public final class AsyncShop {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> ITEMS = List.of("apple", "pear", "plum");

    private AsyncShop() {
    }

    public static void main(String[] args) throws Exception {
        String cookie = null;
        String listen = null;
        String shop = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--cookie" -> cookie = args[++i];
                case "--listen" -> listen = args[++i];
                default -> shop = args[i];
            }
        }
        if (shop == null) {
            System.err.println("usage: java -jar java-async.jar [--cookie COOKIE] [--listen ADDRESS] shop@HOST");
            System.exit(2);
        }
        NodeName erlang = NodeName.parse(shop);
        NodeConfig.Builder config = NodeConfig.builder(new NodeName("java_async", erlang.host()));
        if (cookie != null) {
            config.cookie(Cookie.of(cookie, "--cookie"));
        }
        if (listen != null) { // only this address, e.g. 127.0.0.1 (default: every address, as erl)
            config.carrier(Carriers.tcp(TcpOptions.defaults().withBindAddress(InetAddress.getByName(listen))));
        }
        try (Node node = Node.start(config.build())) {
            boolean ok = run(node, erlang).join();
            System.out.println(ok ? "all calls answered as expected" : "SOME CALLS WENT WRONG");
            System.exit(ok ? 0 : 1);
        }
    }

    /** The whole program as one future; the main thread only waits for its end. */
    private static CompletableFuture<Boolean> run(Node node, NodeName erlang) {
        Term inventory = Tuple.of(Atom.of("inventory"), erlang.atom());

        // 1. ping, then fan out: one gen_server:call per item, all in flight together
        CompletableFuture<List<Term>> stock = node.pingAsync(erlang, TIMEOUT).thenCompose(pong -> {
            System.out.println("ping " + erlang + ": " + (pong ? "pong" : "pang"));
            List<CompletableFuture<Term>> calls = ITEMS.stream()
                    .map(item -> node.callAsync(inventory, Tuple.of(Atom.of("stock"), Atom.of(item)), TIMEOUT))
                    .toList();
            return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                    .thenApply(done -> calls.stream().map(CompletableFuture::join).toList());
        });
        CompletableFuture<Boolean> counted = stock.thenApply(counts -> {
            long total = counts.stream().mapToLong(c -> ((Int) c).longValue()).sum();
            return check("stock of " + ITEMS, TermList.of(counts), Term.list(12, 0, 0))
                    & check("items in stock, summed", Int.of(total), Int.of(12));
        });

        // 2. a call that depends on the answers: reverse the items that are in stock, by RPC
        CompletableFuture<Boolean> chained = stock.thenCompose(counts -> {
            List<Term> inStock = ITEMS.stream()
                    .filter(item -> ((Int) counts.get(ITEMS.indexOf(item))).longValue() > 0)
                    .map(item -> (Term) Atom.of(item))
                    .toList();
            return node.rpcAsync(erlang, "lists", "reverse", List.of(TermList.of(inStock.reversed())), TIMEOUT);
        }).thenApply(reversed -> check("lists:reverse of the items in stock", reversed, Term.list(Atom.of("apple"))));

        // 3. errors arrive as the blocking API's exceptions, wrapped as futures wrap them
        CompletableFuture<Boolean> noServer = node.callAsync(Tuple.of(Atom.of("no_such_server"), erlang.atom()),
                        Atom.of("hello"), TIMEOUT)
                .thenApply(reply -> "answered " + reply)
                .exceptionally(e -> unwrap(e) instanceof CallException.NoProc ? "noproc" : "failed: " + e)
                .thenApply(what -> check("gen_server:call to a server that is not there", Atom.of(what), Atom.of("noproc")));
        CompletableFuture<Boolean> tooSlow = node.rpcAsync(erlang, "timer", "sleep", List.of(Int.of(5_000)),
                        Duration.ofMillis(200))
                .thenApply(v -> "returned " + v)
                .exceptionally(e -> unwrap(e) instanceof RpcException.Timeout ? "timeout" : "failed: " + e)
                .thenApply(what -> check("timer:sleep(5000) by RPC with a 200 ms timeout", Atom.of(what),
                        Atom.of("timeout")));

        // 4. cancelling: the RPC's process on the Erlang node is no longer monitored from here
        CompletableFuture<Term> slow = node.rpcAsync(erlang, "timer", "sleep", List.of(Int.of(5_000)), TIMEOUT);
        boolean cancelled = slow.cancel(false);
        boolean cancelOk = check("a slow RPC cancelled", Atom.of(String.valueOf(cancelled && slow.isCancelled())),
                Atom.of("true"));

        return counted.thenCombine(chained, Boolean::logicalAnd)
                .thenCombine(noServer, Boolean::logicalAnd)
                .thenCombine(tooSlow, Boolean::logicalAnd)
                .thenApply(all -> all & cancelOk);
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e;
    }

    private static synchronized boolean check(String what, Term got, Term expected) {
        boolean ok = expected.equals(got);
        System.out.printf("%-50s = %s%s%n", what, got, ok ? "" : "   (expected " + expected + ")");
        return ok;
    }
}
