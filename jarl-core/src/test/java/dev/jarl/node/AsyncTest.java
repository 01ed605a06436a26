/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.term.Atom;
import dev.jarl.term.Int;
import dev.jarl.term.NodeName;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.NotReleaseSpecific;
import dev.jarl.testing.Otp;

/**
 * The asynchronous API between Jarl nodes and within one: receives, gen_server calls, RPCs
 * and pings that hold no thread, fail with the blocking forms' exceptions, and leave no
 * monitor, alias, waiter or timer behind when they complete, time out or are cancelled.
 * Against real Erlang: {@link AsyncInteropTest}.
 */
@Timeout(60)
@NotReleaseSpecific // no erl: runs in the machine's own pass only
class AsyncTest {

    private static final Duration T = Duration.ofSeconds(10);
    private static final Atom HOLD = Atom.of("hold");
    private static final Atom RELEASE = Atom.of("release");

    private static Node start(int epmdPort) throws Exception {
        return Node.start(NodeConfig.builder(Otp.uniqueName("async") + "@" + Otp.shortHost()).cookie("c")
                .epmdPort(epmdPort).carrier(Otp.loopbackTcp(epmdPort)).build());
    }

    private static Throwable cause(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        return e.getCause();
    }

    /** A server: {echo, X} answers X, hold keeps the caller until release, die exits. */
    private static Pid server(Node node, String name) {
        List<Term> held = new ArrayList<>();
        Mailbox self = node.createMailbox(name);
        Thread.ofVirtual().start(() -> {
            try {
                serve(self, held);
            } catch (Exception e) {
                self.exit(ExitException.reasonOf(e));
            }
        });
        return self.self();
    }

    private static void serve(Mailbox self, List<Term> held) throws Exception {
            GenServer.serve(self, new GenServer.Handler() {
                @Override
                public Term handleCall(Term request, Term from) {
                    if (request instanceof Tuple t && t.isTagged(Atom.of("echo"), 2)) {
                        return t.get(1);
                    }
                    if (Atom.of("die").equals(request)) {
                        throw new ExitException("died_mid_call");
                    }
                    held.add(from);
                    return null;
                }

                @Override
                public void handleCast(Term request) {
                    for (Term from : held) {
                        GenServer.reply(self, from, Atom.of("late"));
                    }
                    held.clear();
                }
            });
    }

    private static void assertNothingLeft(Node node) throws InterruptedException {
        Await.until(T, () -> node.async().waiting() == 0 && node.async().timers() == 0, () -> "waiters and timers gone");
        int[] ma = node.async().caller().process().monitorsAndAliases();
        assertEquals(0, ma[0], "monitors of the caller process");
        assertEquals(0, ma[1], "aliases of the caller process");
        assertEquals(0, node.async().caller().queued(), "messages left in the caller process");
    }

    @Test
    void receiveAsyncTakesQueuedAndLaterMessagesTimesOutAndCancelsWithoutLosingOne() throws Exception {
        try (Node a = start(Otp.freePort()); Mailbox box = a.createMailbox(); Mailbox other = a.createMailbox()) {
            other.send(box.self(), Int.of(1));
            assertEquals(Int.of(1), box.receiveAsync().get(10, TimeUnit.SECONDS));
            CompletableFuture<Term> two = box.receiveAsync(m -> Int.of(2).equals(m));
            assertFalse(two.isDone());
            other.send(box.self(), Int.of(3));
            other.send(box.self(), Int.of(2));
            assertEquals(Int.of(2), two.get(10, TimeUnit.SECONDS));
            assertEquals(1, box.queued(), "3 stays in order");
            assertEquals(Optional.empty(), box.receiveAsync(m -> Int.of(4).equals(m), Duration.ofMillis(50))
                    .get(10, TimeUnit.SECONDS));
            CompletableFuture<Optional<Term>> five = box.receiveAsync(m -> Int.of(5).equals(m), T);
            assertTrue(five.cancel(false));
            other.send(box.self(), Int.of(5));
            assertEquals(2, box.queued(), "a cancelled receive takes nothing");
            assertEquals(0, box.process().queue().waiters());
            assertEquals(0, a.async().timers());
            AtomicReference<String> thread = new AtomicReference<>();
            CompletableFuture<Term> six = box.receiveAsync(m -> Int.of(6).equals(m));
            CompletableFuture<Void> seen = six.thenAccept(m -> thread.set(Thread.currentThread().toString()));
            other.send(box.self(), Int.of(6));
            seen.get(10, TimeUnit.SECONDS);
            assertTrue(thread.get().contains("jarl-completion"), thread.get());
            assertFalse(six.cancel(false), "settled: cancel refused");
            CompletableFuture<Term> never = box.receiveAsync(m -> false);
            box.exit(Atom.of("done"));
            assertInstanceOf(ExitException.class, cause(never));
        }
    }

    @Test
    void callsFromAnotherNodeAnswerFailAndLeaveNothingBehind() throws Exception {
        int port = Otp.freePort();
        try (Node a = start(port); Node b = start(port)) {
            Pid srv = server(a, "srv");
            Await.until(T, () -> a.whereis("srv").isPresent(), () -> "server registered");
            Term byName = Tuple.of(Atom.of("srv"), a.nameAtom());
            assertEquals(Atom.of("hi"), b.callAsync(byName, Tuple.of(Atom.of("echo"), Atom.of("hi")), T)
                    .get(10, TimeUnit.SECONDS));
            assertEquals(Atom.of("yo"), b.call(srv, Tuple.of(Atom.of("echo"), Atom.of("yo")), T));
            assertInstanceOf(CallException.Timeout.class, cause(b.callAsync(srv, HOLD, Duration.ofMillis(100))));
            CompletableFuture<Term> cancelled = b.callAsync(srv, HOLD, T);
            Await.until(T, () -> watchers(a, srv) >= 1, () -> "the call's monitor at the server");
            assertTrue(cancelled.cancel(false));
            assertThrows(CancellationException.class, cancelled::join);
            Await.until(T, () -> watchers(a, srv) == 0, () -> "cancel removes the monitor at the server");
            b.createMailbox().cast(srv, RELEASE); // late replies to both: dropped, their aliases are gone
            assertEquals(Atom.of("again"), b.call(srv, Tuple.of(Atom.of("echo"), Atom.of("again")), T));
            assertNothingLeft(b);
            assertInstanceOf(CallException.NoProc.class,
                    cause(b.callAsync(Tuple.of(Atom.of("nobody"), a.nameAtom()), HOLD, T)));
            assertInstanceOf(CallException.NoProc.class, cause(a.callAsync(Atom.of("nobody"), HOLD, T)));
            CallException.Exited died = assertInstanceOf(CallException.Exited.class, cause(b.callAsync(srv, Atom.of("die"), T)));
            assertEquals(Atom.of("died_mid_call"), died.reason());
            assertThrows(CallException.NoProc.class, () -> b.call(srv, HOLD, T));
            assertNothingLeft(b);
            CompletionException wrapped = assertThrows(CompletionException.class,
                    () -> b.callAsync(srv, HOLD, T).join());
            assertInstanceOf(CallException.class, wrapped.getCause());
        }
    }

    private static int watchers(Node node, Pid pid) {
        LocalProcess p = node.processes().local(pid);
        return p == null ? 0 : p.watcherCount();
    }

    @Test
    void anInterruptedBlockingCallIsCancelled() throws Exception {
        int port = Otp.freePort();
        try (Node a = start(port); Node b = start(port)) {
            Pid srv = server(a, "srv2");
            AtomicReference<Throwable> got = new AtomicReference<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    b.call(srv, HOLD, null);
                } catch (Throwable t) {
                    got.set(t);
                }
            });
            Await.until(T, () -> watchers(a, srv) >= 1, () -> "the call's monitor at the server");
            caller.interrupt();
            caller.join(10_000);
            assertInstanceOf(InterruptedException.class, got.get());
            Await.until(T, () -> watchers(a, srv) == 0, () -> "interrupting removes the monitor at the server");
            assertNothingLeft(b);
        }
    }

    @Test
    void rpcAndPingWithoutAThread() throws Exception {
        int port = Otp.freePort();
        try (Node a = start(port); Node b = start(port)) {
            a.functions().register("m", "twice", 1, args -> Int.of(2 * ((Int) args.get(0)).longValue()));
            a.functions().register("m", "boom", 0, args -> {
                throw new ErlangException.Error(Atom.of("boom"), TermList.NIL);
            });
            CountDownLatch slowRelease = new CountDownLatch(1);
            a.functions().register("m", "slow", 0, args -> {
                slowRelease.await(10, TimeUnit.SECONDS); // held until the caller has timed out
                return Atom.of("slow");
            });
            // not connected yet: the call connects first
            assertEquals(Int.of(42), b.rpcAsync(a.name(), "m", "twice", List.of(Int.of(21)), T).get(10, TimeUnit.SECONDS));
            List<CompletableFuture<Term>> many = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                many.add(b.rpcAsync(a.name(), "m", "twice", List.of(Int.of(i)), T));
            }
            for (int i = 0; i < 1000; i++) {
                assertEquals(Int.of(2L * i), many.get(i).get(10, TimeUnit.SECONDS));
            }
            RpcException.Raised r = assertInstanceOf(RpcException.Raised.class,
                    cause(b.rpcAsync(a.name(), "m", "boom", List.of(), T)));
            assertEquals(Atom.of("boom"), r.exception().reason());
            assertInstanceOf(RpcException.Timeout.class,
                    cause(b.rpcAsync(a.name(), "m", "slow", List.of(), Duration.ofMillis(100))));
            slowRelease.countDown();
            assertThrows(RpcException.Raised.class, () -> b.rpc(a.name(), "m", "boom", List.of(), T));
            assertInstanceOf(RpcException.Raised.class, cause(b.rpcAsync(b.name(), "m2", "x", List.of(), T)));
            assertTrue(b.pingAsync(a.name(), T).get(10, TimeUnit.SECONDS));
            NodeName nobody = NodeName.parse(Otp.uniqueName("nobody") + "@" + Otp.shortHost());
            assertFalse(b.pingAsync(nobody, T).get(10, TimeUnit.SECONDS));
            assertInstanceOf(RpcException.NoConnection.class, cause(b.rpcAsync(nobody, "m", "twice", List.of(Int.of(1)), T)));
            assertFalse(b.ping(nobody, T));
            Await.until(T, () -> b.async().waiting() == 0 && b.async().timers() == 0, () -> "waiters and timers gone");
            int[] ma = b.async().caller().process().monitorsAndAliases();
            assertEquals(0, ma[0] + ma[1], "monitors and aliases of the caller process");
        }
    }

    /**
     * An operation settled before its waiter was registered (here: an RPC whose timeout fires
     * before the spawn request is built; likewise a ping's nodedown before its is_auth) must
     * not leave the waiter behind: it used to stay registered for good, on a loaded machine
     * in rpcAndPingWithoutAThread's 100 ms call.
     */
    @Test
    void operationsSettledBeforeTheirWaiterIsRegisteredLeaveNone() throws Exception {
        int port = Otp.freePort();
        try (Node a = start(port); Node b = start(port)) {
            a.functions().register("m", "twice", 1, args -> Int.of(2 * ((Int) args.get(0)).longValue()));
            assertEquals(Int.of(2), b.rpcAsync(a.name(), "m", "twice", List.of(Int.of(1)), T).get(10, TimeUnit.SECONDS));
            NodeName nobody = NodeName.parse(Otp.uniqueName("nobody") + "@" + Otp.shortHost());
            List<CompletableFuture<?>> all = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                all.add(b.rpcAsync(a.name(), "m", "twice", List.of(Int.of(i)), Duration.ZERO));
                all.add(b.pingAsync(nobody, T));
            }
            for (CompletableFuture<?> f : all) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    assertInstanceOf(RpcException.Timeout.class, e.getCause());
                }
            }
            Await.until(T, () -> b.async().waiting() == 0 && b.async().timers() == 0,
                    () -> b.async().waiting() + " waiters and " + b.async().timers() + " timers left");
        }
    }
}
