# Copyright 2026 the Jarl authors
# SPDX-License-Identifier: Apache-2.0
#
# An Elixir node using the Java billing node (src/main/java/example/Billing.java) as it
# would use another Elixir node:
#
#   elixir --sname client --cookie COOKIE client.exs billing@HOST
#
# Pings it, calls Billing.charge/2 with :rpc and :erpc, sends it structs and receives
# structs back, monitors two Java processes, then tells the Java node to stop. Exits 1 at
# the first answer that is not what it should be.

defmodule Order do
  defstruct [:id, :items]
end

defmodule Receipt do
  defstruct [:currency, :order_id, :total]
end

defmodule Client do
  def run(java) do
    # 1. the Java node answers net_adm:ping like any node
    step("Node.ping(java)", :pong = Node.ping(java))

    # 2. :rpc and :erpc: structs go as arguments, a struct comes back
    order = %Order{id: 42, items: [%{sku: "apple", qty: 3}]}
    {:ok, %Receipt{order_id: 42, total: 450}} = receipt = :rpc.call(java, Billing, :charge, [order, 450])
    step(":rpc.call(java, Billing, :charge, [order, 450])", receipt)

    {:ok, %Receipt{order_id: 7, total: 0, currency: "EUR"}} =
      receipt = :erpc.call(java, Billing, :charge, [%Order{id: 7, items: []}, 0])
    step(":erpc.call(java, Billing, :charge, [%Order{id: 7}, 0])", receipt)

    # an error raised in Java is an error raised in the caller, as from any node
    reason =
      try do
        :erpc.call(java, Billing, :charge, [:not_an_order, 1])
      catch
        :error, {:exception, reason, _stacktrace} -> reason
      end

    {:bad_order, :not_an_order} = reason
    step(":erpc.call(java, Billing, :charge, [:not_an_order, 1])", {:raised, reason})

    # 3. messages: a struct in, a struct back
    send({:billing, java}, {self(), %Order{id: 8, items: [%{sku: "pear", qty: 2}]}})

    reply =
      receive do
        {:accepted, %Receipt{order_id: 8, total: 300}} = reply -> reply
      after
        5000 -> raise "no {:accepted, %Receipt{}} from #{java} within 5 s"
      end

    step("send({:billing, java}, {self(), %Order{id: 8}}); receive", reply)

    # 4. monitors: a Java process that ends normally, one that crashes
    worker = :erpc.call(java, Billing, :start_worker, [])
    ref = Process.monitor(worker)
    send(worker, :stop)
    step("Process.monitor(worker); send(worker, :stop)", await_down(ref, worker, :normal))

    crasher = :erpc.call(java, Billing, :start_worker, [])
    ref = Process.monitor(crasher)
    send(crasher, {:crash, :card_declined})
    step("Process.monitor(crasher); send(crasher, {:crash, ...})", await_down(ref, crasher, :card_declined))

    # 5. done: the Java node stops when told to
    send({:billing, java}, :shutdown)
    IO.puts("all answers as expected")
  end

  defp step(what, result), do: IO.puts(String.pad_trailing(what, 58) <> " " <> inspect(result))

  defp await_down(ref, pid, reason) do
    receive do
      {:DOWN, ^ref, :process, ^pid, ^reason} = down -> down
    after
      5000 -> raise "no :DOWN with reason #{inspect(reason)} for #{inspect(pid)} within 5 s"
    end
  end
end

case System.argv() do
  [name] -> Client.run(String.to_atom(name))
  _ -> raise "usage: elixir --sname client --cookie COOKIE client.exs billing@HOST"
end
