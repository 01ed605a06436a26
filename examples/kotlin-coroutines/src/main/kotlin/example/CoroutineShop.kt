/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package example

import dev.jarl.carriers.Carriers
import dev.jarl.carriers.TcpOptions
import dev.jarl.node.CallException
import dev.jarl.node.Cookie
import dev.jarl.node.Node
import dev.jarl.node.NodeConfig
import dev.jarl.term.Atom
import dev.jarl.term.Int as ErlInt
import dev.jarl.term.NodeName
import dev.jarl.term.Term
import dev.jarl.term.TermList
import dev.jarl.term.Tuple
import java.net.InetAddress
import java.time.Duration
import kotlin.system.exitProcess
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.future.await
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull

/*
 * Kotlin coroutines on Jarl's futures, against an Erlang shop node running
 * ../java-erlang/erlang/inventory.erl:
 *
 *   java -jar target/kotlin-coroutines.jar [--cookie COOKIE] [--listen ADDRESS] shop@HOST
 *
 * Each Jarl call returns a CompletableFuture that holds no thread while it waits;
 * kotlinx.coroutines' await() suspends on it, so the calls below read as plain sequential
 * code, run concurrently with async {}, and are cancelled with the coroutine (withTimeout):
 * cancelling the coroutine cancels the future, and Jarl then abandons the call on both nodes.
 */

private val TIMEOUT: Duration = Duration.ofSeconds(10)

/** gen_server:call(Server, Request, Timeout), suspending instead of blocking. */
suspend fun Node.call(server: Term, request: Term): Term = callAsync(server, request, TIMEOUT).await()

/** erpc:call(Node, M, F, A, Timeout), suspending instead of blocking. */
suspend fun Node.rpc(peer: NodeName, module: String, function: String, vararg args: Term, timeout: Duration? = TIMEOUT): Term =
    rpcAsync(peer, module, function, args.toList(), timeout).await()

fun main(args: Array<String>) {
    var cookie: String? = null
    var listen: String? = null
    var shop: String? = null
    var i = 0
    while (i < args.size) {
        when (args[i]) {
            "--cookie" -> cookie = args[++i]
            "--listen" -> listen = args[++i]
            else -> shop = args[i]
        }
        i++
    }
    if (shop == null) {
        System.err.println("usage: java -jar kotlin-coroutines.jar [--cookie COOKIE] [--listen ADDRESS] shop@HOST")
        exitProcess(2)
    }
    val erlang = NodeName.parse(shop)
    val config = NodeConfig.builder(NodeName("kotlin", erlang.host()))
    if (cookie != null) {
        config.cookie(Cookie.of(cookie, "--cookie"))
    }
    if (listen != null) { // only this address, e.g. 127.0.0.1 (default: every address, as erl)
        config.carrier(Carriers.tcp(TcpOptions.defaults().withBindAddress(InetAddress.getByName(listen))))
    }
    val ok = Node.start(config.build()).use { node -> runBlocking { shop(node, erlang) } }
    println(if (ok) "all calls answered as expected" else "SOME CALLS WENT WRONG")
    exitProcess(if (ok) 0 else 1)
}

suspend fun shop(node: Node, erlang: NodeName): Boolean = kotlinx.coroutines.coroutineScope {
    println("ping $erlang: " + if (node.pingAsync(erlang, TIMEOUT).await()) "pong" else "pang")
    val inventory = Tuple.of(Atom.of("inventory"), erlang.atom())
    val items = listOf("apple", "pear", "plum")

    // three calls in flight at once; awaitAll suspends until all have answered
    val counts = items.map { item -> async { node.call(inventory, Tuple.of(Atom.of("stock"), Atom.of(item))) } }.awaitAll()
    var ok = check("stock of $items", TermList.of(counts), Term.list(12, 0, 0))

    // sequential code over suspending calls: reverse the items in stock by RPC
    val inStock = items.filterIndexed { n, _ -> (counts[n] as ErlInt).longValue() > 0 }.map { Atom.of(it) as Term }
    ok = ok and check("lists:reverse of the items in stock",
        node.rpc(erlang, "lists", "reverse", TermList.of(inStock.reversed())), Term.list(Atom.of("apple")))

    // errors arrive as the blocking API's exceptions
    val noServer = try {
        node.call(Tuple.of(Atom.of("no_such_server"), erlang.atom()), Atom.of("hello"))
        "answered"
    } catch (e: CallException.NoProc) {
        "noproc"
    }
    ok = ok and check("gen_server:call to a server that is not there", Atom.of(noServer), Atom.of("noproc"))

    // a coroutine timeout cancels the future: Jarl abandons the RPC on both nodes
    val slept = withTimeoutOrNull(200) { node.rpc(erlang, "timer", "sleep", ErlInt.of(5_000), timeout = null) }
    ok = ok and check("timer:sleep(5000) by RPC, cancelled after 200 ms", Atom.of(slept?.toString() ?: "cancelled"),
        Atom.of("cancelled"))
    ok
}

fun check(what: String, got: Term, expected: Term): Boolean {
    val ok = expected == got
    println(String.format("%-50s = %s%s", what, got, if (ok) "" else "   (expected $expected)"))
    return ok
}
