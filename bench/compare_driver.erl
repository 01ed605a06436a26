%% Copyright 2026 the Jarl authors
%% SPDX-License-Identifier: Apache-2.0
%%
%% The Erlang side of bench/compare.sh: the three target roles (sink, echo, flood, as
%% docs/conformance.md describes them for `jarl serve`) and the driver that measures them.
%%
%% The driver measures five phases in order (send_small, rtt, recv_small, send_1mb,
%% recv_1mb) and prints one `KEY VALUE` line per figure, with the same keys as `jarl bench`.
%% With phase_sync, it prints `phase NAME` before and `done NAME` after each phase and then
%% reads one line from standard input before going on: bench/compare.sh reads the CPU
%% times of both sides at those points, while the driver waits.
-module(compare_driver).
-export([start_targets/0, run/2]).

start_targets() ->
    register(sink, spawn(fun() -> sink(0) end)),
    register(echo, spawn(fun echo/0)),
    register(flood, spawn(fun flood/0)),
    ok.

sink(Count) ->
    receive
        {sync, From, Ref} -> From ! {Ref, Count}, sink(0);
        _ -> sink(Count + 1)
    end.

echo() ->
    receive {From, Msg} -> From ! Msg end,
    echo().

flood() ->
    receive
        {flood, To, N, Bin} ->
            flood_loop(To, 1, N, Bin),
            To ! {flood_done, N}
    end,
    flood().

flood_loop(_, I, N, _) when I > N -> ok;
flood_loop(To, I, N, Bin) -> To ! {msg, I, Bin}, flood_loop(To, I + 1, N, Bin).

%% Opts: small, rtt, big (counts), warm (boolean: one untimed pass of every phase first),
%% phase_sync (boolean).
run(Target, Opts) ->
    Small = proplists:get_value(small, Opts, 1000000),
    Rtt = proplists:get_value(rtt, Opts, 50000),
    Big = proplists:get_value(big, Opts, 200),
    Sync = proplists:get_value(phase_sync, Opts, false),
    pong = net_adm:ping(Target),
    Mb = binary:copy(<<7>>, 1 bsl 20),
    Phases = [{send_small, Small, fun(N) -> to_sink(Target, N, <<>>) end},
              {rtt, Rtt, fun(N) -> round_trips(Target, N) end},
              {recv_small, Small, fun(N) -> from_flood(Target, N, <<>>) end},
              {send_1mb, Big, fun(N) -> to_sink(Target, N, Mb) end},
              {recv_1mb, Big, fun(N) -> from_flood(Target, N, Mb) end}],
    %% the same warm-up as the reference driver: 50 000 small messages to the sink
    50000 = to_sink(Target, 50000, <<>>),
    case proplists:get_value(warm, Opts, false) of
        true -> [N = F(N) || {_, N, F} <- Phases];
        false -> ok
    end,
    Micros = [{Name, N, measure(Name, N, F, Sync)} || {Name, N, F} <- Phases],
    [{_, _, T1}, {_, _, T2}, {_, _, T3}, {_, _, T4}, {_, _, T5}] = Micros,
    report([{send_small_msgs_per_s, round(Small / (T1 / 1.0e6))},
            {rtt_us, round(T2 / Rtt * 10) / 10},
            {recv_small_msgs_per_s, round(Small / (T3 / 1.0e6))},
            {send_1mb_mbytes_per_s, round(Big / (T4 / 1.0e6))},
            {recv_1mb_mbytes_per_s, round(Big / (T5 / 1.0e6))}]).

measure(Name, N, F, Sync) ->
    barrier(Sync, "phase", Name),
    {Micros, Count} = timer:tc(F, [N]),
    barrier(Sync, "done", Name),
    case Count of
        N -> Micros;
        _ -> exit({Name, {expected, N}, {acknowledged, Count}})
    end.

barrier(false, _, _) -> ok;
barrier(true, What, Name) ->
    io:format("~s ~s~n", [What, Name]),
    case io:get_line('') of
        eof -> exit(phase_sync_eof);
        _ -> ok
    end.

report(Figures) ->
    [io:format("~s ~p~n", [K, V]) || {K, V} <- Figures],
    ok.

to_sink(Target, N, Bin) ->
    send_loop({sink, Target}, 1, N, Bin),
    Ref = make_ref(),
    {sink, Target} ! {sync, self(), Ref},
    receive {Ref, Count} -> Count after 120000 -> exit(sink_sync_timeout) end.

send_loop(_, I, N, _) when I > N -> ok;
send_loop(To, I, N, Bin) -> To ! {msg, I, Bin}, send_loop(To, I + 1, N, Bin).

round_trips(Target, N) -> round_trips(Target, N, 0).

round_trips(_, 0, Done) -> Done;
round_trips(Target, K, Done) ->
    {echo, Target} ! {self(), {ping, K}},
    receive {ping, K} -> round_trips(Target, K - 1, Done + 1)
    after 10000 -> exit(echo_timeout)
    end.

from_flood(Target, N, Bin) ->
    {flood, Target} ! {flood, self(), N, Bin},
    flood_count(0).

flood_count(C) ->
    receive
        {msg, _, _} -> flood_count(C + 1);
        {flood_done, _} -> C
    after 120000 -> exit(flood_timeout)
    end.
