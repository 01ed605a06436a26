/*
 * Copyright 2026 the Jarl authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.jarl.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.jarl.term.Atom;
import dev.jarl.term.Binary;
import dev.jarl.term.Int;
import dev.jarl.term.Pid;
import dev.jarl.term.Term;
import dev.jarl.term.TermList;
import dev.jarl.term.Tuple;
import dev.jarl.testing.Await;
import dev.jarl.testing.Closeables;
import dev.jarl.testing.Elixir;
import dev.jarl.testing.Otp;
import dev.jarl.testing.RealEpmd;
import dev.jarl.testing.ReleaseMatrix;

/**
 * Phoenix.PubSub's shape against real Elixir: an {@code elixir} script runs the PG2 adapter's
 * shape with {@code :pg} directly (scope {@code Phoenix.PubSub}, groups
 * {@code Jt.PubSub.Adapter} and {@code Jt.PubSub.Adapter_2}, one worker per group registered
 * under its name, a Registry of subscribers, the adapter's broadcast), and a Jarl node runs
 * {@link PubSub} with pool size 2. What Elixir broadcasts reaches every Java subscriber of
 * the topic once, what Java broadcasts (both groups, and a direct broadcast) reaches every
 * Elixir subscriber once, and other topics get nothing of it. Elixir 1.14 on the machine's
 * OTP 25; skipped by name without elixir (a failure under CI).
 */
@Tag("interop")
@Timeout(180)
class PubSubElixirTest {

    static final Duration T = Duration.ofSeconds(30);
    static final String COOKIE = "pubsubtest";

    static final String SCRIPT = """
            defmodule Jt.Worker do
              def start(group) do
                parent = self()
                pid = spawn(fn ->
                  Process.register(self(), group)
                  :ok = :pg.join(Phoenix.PubSub, group, self())
                  send(parent, {:joined, self()})
                  loop()
                end)
                receive do
                  {:joined, ^pid} -> pid
                end
              end

              defp loop do
                receive do
                  {:forward_to_local, topic, message, _dispatcher} ->
                    for {pid, _} <- Registry.lookup(Jt.Registry, topic), do: send(pid, message)
                    loop()
                  _ ->
                    loop()
                end
              end
            end

            defmodule Jt.Sub do
              def start(topic) do
                parent = self()
                pid = spawn(fn ->
                  {:ok, _} = Registry.register(Jt.Registry, topic, nil)
                  send(parent, {:subscribed, self()})
                  collect([])
                end)
                receive do
                  {:subscribed, ^pid} -> pid
                end
              end

              defp collect(acc) do
                receive do
                  {:report, from} ->
                    send(from, {:report, self(), Enum.reverse(acc)})
                    collect(acc)
                  msg ->
                    collect([msg | acc])
                end
              end
            end

            defmodule Jt do
              # Phoenix.PubSub.broadcast/3 with the PG2 adapter: remote members of one group, then local dispatch
              def broadcast(groups, topic, message) do
                group = Enum.at(groups, :erlang.phash2(self(), length(groups)))
                for pid <- :pg.get_members(Phoenix.PubSub, group), node(pid) != node() do
                  send(pid, {:forward_to_local, topic, message, Phoenix.PubSub})
                end
                for {pid, _} <- Registry.lookup(Jt.Registry, topic), do: send(pid, message)
                :ok
              end

              def wait_for_jarl(_groups, _jarl, 0), do: raise("the Jarl node's members never showed in :pg")
              def wait_for_jarl(groups, jarl, n) do
                if Enum.all?(groups, fn g -> Enum.any?(:pg.get_members(Phoenix.PubSub, g), &(node(&1) == jarl)) end) do
                  :ok
                else
                  Process.sleep(20)
                  wait_for_jarl(groups, jarl, n - 1)
                end
              end
            end

            jarl = String.to_atom(System.fetch_env!("JARL_NODE"))
            groups = [:"Elixir.Jt.PubSub.Adapter", :"Elixir.Jt.PubSub.Adapter_2"]
            {:ok, _} = :pg.start_link(Phoenix.PubSub)
            {:ok, _} = Registry.start_link(keys: :duplicate, name: Jt.Registry)
            Enum.each(groups, &Jt.Worker.start/1)
            subs = [Jt.Sub.start("room:lobby"), Jt.Sub.start("room:lobby"), Jt.Sub.start("room:other")]
            true = Node.connect(jarl)
            Jt.wait_for_jarl(groups, jarl, 1500)
            send({:ctl, jarl}, {:ready, self()})
            java = receive do
              {:go, java} -> java
            after 30_000 -> raise "no go from Java"
            end
            :ok = Jt.broadcast(groups, "room:lobby", {:from_elixir, 1})
            :ok = Jt.broadcast(groups, "room:other", {:from_elixir, 2})
            Process.sleep(500)
            reports = for s <- subs do
              send(s, {:report, self()})
              receive do
                {:report, ^s, msgs} -> msgs
              end
            end
            send(java, {:reports, reports})
            IO.inspect(reports, label: "elixir subscribers got")
            receive do
              :bye -> :ok
            after 30_000 -> :ok
            end
            """;

    @Test
    void elixirAndJavaReachEachOthersSubscribersOnce() throws Exception {
        ReleaseMatrix.notReleaseSpecific();
        Elixir.require();
        Otp.requireEpmd();
        RealEpmd epmd = RealEpmd.start();
        Node jarl = null;
        Process elixir = null;
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "jarl-pubsub");
        Path script = dir.resolve("pubsub.exs");
        Path out = dir.resolve("out.txt");
        try {
            jarl = Node.start(NodeConfig.builder(Otp.uniqueName("psj") + "@" + Otp.shortHost()).cookie(COOKIE)
                    .epmdPort(epmd.port()).carrier(Otp.loopbackTcp(epmd.port())).hidden(false).build());
            PubSub pubsub = PubSub.start(jarl, "Jt.PubSub", 2);
            assertEquals(List.of(Atom.of("Elixir.Jt.PubSub.Adapter"), Atom.of("Elixir.Jt.PubSub.Adapter_2")), pubsub.groups());
            Mailbox ctl = jarl.createMailbox("ctl");
            Mailbox j1 = jarl.createMailbox();
            Mailbox j2 = jarl.createMailbox();
            Mailbox j3 = jarl.createMailbox();
            pubsub.subscribe(j1, "room:lobby");
            pubsub.subscribe(j2, "room:lobby");
            pubsub.subscribe(j3, "room:other");

            Files.writeString(script, SCRIPT, StandardCharsets.UTF_8);
            ProcessBuilder pb = new ProcessBuilder("elixir", "--sname", Otp.uniqueName("psex"), "--cookie", COOKIE,
                    "--erl", "-start_epmd false " + String.join(" ", Otp.ERL_LOOPBACK_ONLY), script.toString()).redirectErrorStream(true).redirectOutput(out.toFile());
            pb.environment().put("ERL_EPMD_PORT", Integer.toString(epmd.port()));
            pb.environment().put("JARL_NODE", jarl.name().toString());
            elixir = pb.start();
            elixir.getOutputStream().close();
            Process ex = elixir;
            Term ready = ctl.receive(T).orElseThrow(() -> new AssertionError("elixir never said ready:\n" + read(out, ex)));
            Pid main = (Pid) ((Tuple) ready).get(1);
            for (Atom g : pubsub.groups()) {
                Await.until(T, () -> pubsub.scope().members(g).stream().anyMatch(p -> p.node().equals(main.node())),
                        () -> "the Elixir member of " + g + " in " + pubsub.scope().members(g));
            }

            Term fromJava1 = Tuple.of(Atom.of("from_java"), Int.of(1));
            Term fromJava2 = Tuple.of(Atom.of("from_java"), Int.of(2));
            Term direct = Tuple.of(Atom.of("direct"), Int.of(3));
            pubsub.broadcast("room:lobby", fromJava1); // one group
            pubsub.broadcast("room:lobby", fromJava2); // the other
            pubsub.directBroadcast(jarl.nodes().stream().filter(n -> n.toString().equals(main.node().name()))
                    .findFirst().orElseThrow(), Binary.of("room:lobby"), direct);
            ctl.send(main, Tuple.of(Atom.of("go"), ctl.self()));

            Term reports = ctl.receive(T).orElseThrow(() -> new AssertionError("no reports:\n" + read(out, ex)));
            List<Term> lists = ((TermList) ((Tuple) reports).get(1)).elements();
            Term fromElixir1 = Tuple.of(Atom.of("from_elixir"), Int.of(1));
            Term fromElixir2 = Tuple.of(Atom.of("from_elixir"), Int.of(2));
            Map<Term, Integer> lobby = MemberBag.of(List.of(fromJava1, fromJava2, direct, fromElixir1));
            assertEquals(lobby, MemberBag.of(((TermList) lists.get(0)).elements()), "Elixir lobby subscriber 1");
            assertEquals(lobby, MemberBag.of(((TermList) lists.get(1)).elements()), "Elixir lobby subscriber 2");
            assertEquals(List.of(fromElixir2), ((TermList) lists.get(2)).elements(), "Elixir room:other subscriber");

            Map<Term, Integer> javaLobby = MemberBag.of(List.of(fromJava1, fromJava2, fromElixir1));
            assertEquals(javaLobby, MemberBag.of(drain(j1)), "Java lobby subscriber 1");
            assertEquals(javaLobby, MemberBag.of(drain(j2)), "Java lobby subscriber 2");
            assertEquals(List.of(fromElixir2), drain(j3), "Java room:other subscriber");

            ctl.send(main, Atom.of("bye"));
            assertTrue(elixir.waitFor(30, TimeUnit.SECONDS), "elixir did not end");
            assertEquals(0, elixir.exitValue(), () -> "elixir failed:\n" + read(out, ex));
            pubsub.close();
        } finally {
            if (elixir != null && elixir.isAlive()) {
                elixir.destroyForcibly();
            }
            Closeables.closeAll(jarl, epmd);
            for (File f : new File[] {script.toFile(), out.toFile(), dir.toFile()}) {
                Files.deleteIfExists(f.toPath());
            }
        }
    }

    /** Every message that arrives within a second of the last one. */
    private static List<Term> drain(Mailbox box) throws InterruptedException {
        List<Term> got = new ArrayList<>();
        Optional<Term> m;
        while ((m = box.receive(Duration.ofSeconds(1))).isPresent()) {
            got.add(m.get());
        }
        return got;
    }

    private static String read(Path out, Process p) {
        try {
            return Files.readString(out) + (p.isAlive() ? "" : "\n[exited " + p.exitValue() + "]");
        } catch (java.io.IOException e) {
            return "(no output: " + e + ")";
        }
    }
}
