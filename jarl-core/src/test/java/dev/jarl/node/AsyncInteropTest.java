/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.sun.management.HotSpotDiagnosticMXBean;

import dev.jarl.term.Atom;
import dev.jarl.term.Etf;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.ErlNode;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;

/**
 * The asynchronous API against a real {@code erl}: a hundred thousand gen_server calls
 * pending at once hold no thread (the JVM's threads, platform and virtual, counted in a
 * thread dump, do not grow with them), all complete with the right replies, and the ones
 * cancelled leave no monitor at the Erlang server and no monitor, alias or waiter at Jarl,
 * their late replies dropped; errors arrive as the blocking forms' exceptions; RPCs that
 * time out leave no monitor on the Erlang process that runs them.
 */
@Tag("interop")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(300)
class AsyncInteropTest {

    static final Duration T = Duration.ofSeconds(20);
    static final String COOKIE = "async";
    /**
     * Calls pending at once in the thread test ({@code -Djarl.async.calls=N} to change): the
     * full count against the machine's OTP, 5 000 against a newer release of the matrix
     * (what differs between releases is how the server replies and monitors, not the count).
     */
    static final int CALLS = Integer.getInteger("jarl.async.calls", Otp.root() == null ? 100_000 : 5_000);

    static final String SERVER = """
            -module(jarl_async_srv).
            -behaviour(gen_server).
            -export([init/1, handle_call/3, handle_cast/2, handle_info/2, park/1, monitors_from/2]).
            init(S) -> {ok, S}.
            handle_call(count, _From, S) -> {reply, length(S), S};
            handle_call({echo, X}, _From, S) -> {reply, X, S};
            handle_call({hold, X}, From, S) -> {noreply, [{From, X} | S]};
            handle_call(die, _From, _S) -> exit(died_mid_call).
            handle_cast(release, S) -> [gen_server:reply(F, X) || {F, X} <- S], {noreply, []}.
            handle_info(_, S) -> {noreply, S}.
            park(Name) -> register(Name, self()), receive stop -> done end.
            monitors_from(Name, Node) ->
                case whereis(Name) of
                    undefined -> undefined;
                    P -> {monitored_by, Ms} = process_info(P, monitored_by),
                         length([M || M <- Ms, is_pid(M), node(M) =:= Node])
                end.
            """;

    private RealEpmd epmd;
    private ErlNode erl;
    private NodeName erlName;
    private Node jarl;
    private Term srv;

    @BeforeAll
    void start() throws IOException, InterruptedException {
        Otp.requireErl();
        epmd = RealEpmd.start();
        String beamDir = ErlNode.compile("jarl_async_srv", SERVER);
        erl = ErlNode.builder().sname(Otp.uniqueName("aerl")).cookie(COOKIE).epmdPort(epmd.port())
                .args("-pa", beamDir).start();
        erlName = NodeName.parse(erl.name());
        erl.eval("{ok, _} = gen_server:start({local, jasrv}, jarl_async_srv, [], []), ok");
        jarl = Node.start(NodeConfig.builder(Otp.uniqueName("ajarl") + "@" + Otp.shortHost()).cookie(COOKIE)
                .epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).build());
        assertTrue(jarl.pingAsync(erlName, T).join());
        srv = Tuple.of(Atom.of("jasrv"), Atom.of(erlName.toString()));
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(jarl, erl, epmd);
    }

    /** Monitors of processes on the Jarl node at the Erlang process registered as {@code name}. */
    private int erlMonitorsFromJarl(String name) {
        return Integer.parseInt(erl.eval("jarl_async_srv:monitors_from(" + name + ", '" + jarl.name() + "')"));
    }

    private static Throwable cause(CompletableFuture<?> f) {
        return assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS)).getCause();
    }

    private static final Pattern TID = Pattern.compile("\"tid\"\\s*:");
    private static final Pattern VIRTUAL = Pattern.compile("\"virtual\"\\s*:\\s*true");

    /** Threads in a JSON thread dump of this JVM: {all, virtual}. */
    static int[] threadsInDump() throws IOException {
        Path f = Files.createTempFile(Path.of("/tmp"), "jarl-threads", ".json");
        Files.delete(f);
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(f.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            String json = Files.readString(f);
            return new int[] {count(TID.matcher(json)), count(VIRTUAL.matcher(json))};
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static int count(Matcher m) {
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void aHundredThousandPendingCallsHoldNoThreadAndCancelledOnesLeaveNothing() throws Exception {
        int n = CALLS;
        List<CompletableFuture<Term>> warm = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            warm.add(jarl.callAsync(srv, Tuple.of(Atom.of("echo"), Int.of(i)), T));
        }
        for (int i = 0; i < warm.size(); i++) {
            assertEquals(Int.of(i), warm.get(i).get(30, TimeUnit.SECONDS));
        }
        // the warm-up's completion threads end on their own, as virtual threads only a thread dump
        // sees; real time: there is no event to wait for
        Thread.sleep(500);
        int[] before = threadsInDump();

        List<CompletableFuture<Term>> calls = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            calls.add(jarl.callAsync(srv, Tuple.of(Atom.of("hold"), Int.of(i)), Duration.ofMinutes(4)));
        }
        Await.until(Duration.ofSeconds(120), () -> Integer.parseInt(erl.eval("gen_server:call(jasrv, count)")) == n,
                () -> "the Erlang server holds " + n + " calls");
        int[] during = threadsInDump();
        System.out.printf("threads in a dump: %d (%d virtual) before, %d (%d virtual) with %d calls pending%n",
                before[0], before[1], during[0], during[1], n);
        assertTrue(during[0] <= before[0] + 8, () -> "threads grew with the calls pending: " + before[0] + " -> " + during[0]);
        assertTrue(during[1] <= before[1] + 4, () -> "virtual threads grew: " + before[1] + " -> " + during[1]);
        assertEquals(n, erlMonitorsFromJarl("jasrv"), "one monitor per pending call at the Erlang server");
        assertEquals(n, jarl.async().waiting());
        assertEquals(n, jarl.async().timers());
        int[] ma = jarl.async().caller().process().monitorsAndAliases();
        assertEquals(n, ma[0]);
        assertEquals(n, ma[1]);

        for (int i = 0; i < n; i += 2) {
            assertTrue(calls.get(i).cancel(false));
        }
        int left = n - (n + 1) / 2;
        Await.until(T, () -> erlMonitorsFromJarl("jasrv") == left, () -> "cancelled calls' monitors removed at the server: "
                + erlMonitorsFromJarl("jasrv") + " left, expected " + left);
        assertEquals(left, jarl.async().waiting());
        ma = jarl.async().caller().process().monitorsAndAliases();
        assertEquals(left, ma[0], "monitors at Jarl");
        assertEquals(left, ma[1], "aliases at Jarl");

        erl.eval("gen_server:cast(jasrv, release)");
        for (int i = 1; i < n; i += 2) {
            assertEquals(Int.of(i), calls.get(i).get(60, TimeUnit.SECONDS));
        }
        for (int i = 0; i < n; i += 2) {
            assertTrue(calls.get(i).isCancelled());
        }
        Await.until(T, () -> erlMonitorsFromJarl("jasrv") == 0, () -> "no monitor left at the server");
        Await.until(T, () -> jarl.async().waiting() == 0 && jarl.async().timers() == 0, () -> "no waiter or timer left");
        ma = jarl.async().caller().process().monitorsAndAliases();
        assertEquals(0, ma[0], "monitors at Jarl");
        assertEquals(0, ma[1], "aliases at Jarl");
        assertEquals(0, jarl.async().caller().queued(), "late replies dropped, not queued");
        assertEquals("0", erl.eval("gen_server:call(jasrv, count)"));
    }

    @Test
    void errorsArriveAsTheBlockingFormsExceptions() throws Exception {
        assertEquals(Atom.of("hi"), jarl.callAsync(srv, Tuple.of(Atom.of("echo"), Atom.of("hi")), T).get(30, TimeUnit.SECONDS));
        assertInstanceOf(CallException.Timeout.class, cause(jarl.callAsync(srv, Tuple.of(Atom.of("hold"), Atom.of("t")), Duration.ofMillis(200))));
        assertInstanceOf(CallException.NoProc.class, cause(jarl.callAsync(Tuple.of(Atom.of("nobody"), Atom.of(erlName.toString())), Atom.of("x"), T)));
        Mailbox box = jarl.createMailbox();
        assertInstanceOf(CallException.Timeout.class, cause(box.callAsync(srv, Tuple.of(Atom.of("hold"), Atom.of("t2")), Duration.ofMillis(200))));
        erl.eval("gen_server:cast(jasrv, release)");
        // the server answered the held call before this one, on the same connection: the late
        // reply has reached the node (and been dropped) before "after" did, no waiting needed
        assertEquals(Atom.of("after"), box.call(srv, Tuple.of(Atom.of("echo"), Atom.of("after")), T));
        assertEquals(0, box.queued(), "the late reply was dropped (its alias is gone)");
        assertEquals(0, erlMonitorsFromJarl("jasrv"));

        Pid other = (Pid) Etf.decode(erl.evalResult("{ok, P} = gen_server:start(jarl_async_srv, [], []), P").etf());
        CallException.Exited e = assertInstanceOf(CallException.Exited.class, cause(jarl.callAsync(other, Atom.of("die"), T)));
        assertEquals(Atom.of("died_mid_call"), e.reason());

        assertEquals(TermList.of(Int.of(3), Int.of(2), Int.of(1)), jarl.rpcAsync(erlName, "lists", "reverse",
                List.of(TermList.of(Int.of(1), Int.of(2), Int.of(3))), T).get(30, TimeUnit.SECONDS));
        RpcException.Raised r = assertInstanceOf(RpcException.Raised.class,
                cause(jarl.rpcAsync(erlName, "erlang", "error", List.of(Atom.of("oops")), T)));
        assertEquals(Atom.of("oops"), r.exception().reason());
        assertInstanceOf(RpcException.Timeout.class,
                cause(jarl.rpcAsync(erlName, "jarl_async_srv", "park", List.of(Atom.of("parked1")), Duration.ofMillis(500))));
        Await.until(T, () -> erlMonitorsFromJarl("parked1") == 0, () -> "the timed-out RPC's monitor removed on the Erlang side");
        CompletableFuture<Term> parked = jarl.rpcAsync(erlName, "jarl_async_srv", "park", List.of(Atom.of("parked2")), T);
        Await.until(T, () -> !"undefined".equals(erl.eval("whereis(parked2)")), () -> "parked2 runs");
        Await.until(T, () -> erlMonitorsFromJarl("parked2") == 1, () -> "the RPC monitors its process");
        assertTrue(parked.cancel(false));
        Await.until(T, () -> erlMonitorsFromJarl("parked2") == 0, () -> "the cancelled RPC's monitor removed on the Erlang side");
        erl.eval("parked1 ! stop, parked2 ! stop, ok");
        Await.until(T, () -> jarl.async().waiting() == 0 && jarl.async().timers() == 0, () -> "no waiter or timer left");
        int[] ma = jarl.async().caller().process().monitorsAndAliases();
        assertEquals(0, ma[0] + ma[1], "monitors and aliases at Jarl");
    }
}
