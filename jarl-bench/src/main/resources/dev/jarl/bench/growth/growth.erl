%% Copyright 2026 the Jarl authors
%% SPDX-License-Identifier: Apache-2.0
%%
%% The BEAM side of dev.jarl.bench.Growth: the same workload as the Jarl side, point for
%% point (see Growth.java for what each sweep measures). The target runs start_target/0;
%% the driver runs main/2 and prints one line per point:
%%   point SWEEP X MSGS_PER_S BYTES_PER_S P50_US P99_US MEMORY_BYTES_PER_UNIT
%% (MEMORY -1 where the sweep measures none), then `end`.
-module(growth).
-export([start_target/0, main/2, worker/4]).

start_target() ->
    register(sink, spawn(fun() -> sink(0, none) end)),
    register(echo, spawn(fun echo/0)),
    io:format("ready~n").

%% sink: counts messages; {sync, From, Ref} answers the count and resets it; {expect, From,
%% Ref, Total} answers the count once it reaches Total (at once if it has), without
%% resetting it.
sink(Count, Expect) ->
    receive
        {sync, From, Ref} -> From ! {Ref, Count}, sink(0, Expect);
        {expect, From, Ref, Total} -> counted(Count, {From, Ref, Total});
        _ -> counted(Count + 1, Expect)
    end.

counted(Count, {From, Ref, Total}) when Count >= Total -> From ! {Ref, Count}, sink(Count, none);
counted(Count, Expect) -> sink(Count, Expect).

echo() ->
    receive {From, Msg} -> From ! Msg end,
    echo().

%% Plan: [{warm, {Messages, RoundTrips}}, {sizes, [{Size, Messages, RoundTrips}]}, {peers, [{Peers, Messages, RoundTrips}]},
%%        {procs, [{Processes, Messages, RoundTrips}]}, {dir, CodeDir}]
main(Target, Plan) ->
    pong = net_adm:ping(Target),
    {WarmN, WarmK} = proplists:get_value(warm, Plan),
    WarmN = to_sink(Target, WarmN, <<>>),
    [round_trip(Target, <<>>) || _ <- lists:seq(1, WarmK)],
    [size_point(Target, S, N, K) || {S, N, K} <- proplists:get_value(sizes, Plan)],
    peers(Target, proplists:get_value(peers, Plan), proplists:get_value(dir, Plan)),
    [procs_point(Target, P, M, R) || {P, M, R} <- proplists:get_value(procs, Plan)],
    io:format("end~n").

point(Sweep, X, Msgs, Micros, Bytes, Samples, Memory) ->
    Sorted = lists:sort(Samples),
    io:format("point ~s ~p ~.3f ~.3f ~.3f ~.3f ~p~n",
              [Sweep, X, Msgs / (Micros / 1.0e6), Bytes / (Micros / 1.0e6),
               percentile(Sorted, 0.50), percentile(Sorted, 0.99), Memory]).

%% nearest rank on a sorted list of microseconds
percentile([], _) -> -1.0;
percentile(Sorted, Q) ->
    Rank = max(1, ceiling(Q * length(Sorted))),
    float(lists:nth(Rank, Sorted)).

ceiling(X) ->
    T = trunc(X),
    if X > T -> T + 1; true -> T end.

%% --- against message size: one sender, one connection
size_point(Target, Size, N, K) ->
    Bin = binary:copy(<<7>>, Size),
    {Micros, Count} = timer:tc(fun() -> to_sink(Target, N, Bin) end),
    Count = N,
    Samples = [round_trip(Target, Bin) || _ <- lists:seq(1, K)],
    point(size, Size, N, Micros, N * Size, Samples, -1).

to_sink(Target, N, Bin) ->
    send_loop({sink, Target}, N, Bin),
    Ref = make_ref(),
    {sink, Target} ! {sync, self(), Ref},
    receive {Ref, Count} -> Count after 300000 -> exit(sink_timeout) end.

send_loop(_, 0, _) -> ok;
send_loop(To, I, Bin) -> To ! {msg, I, Bin}, send_loop(To, I - 1, Bin).

%% microseconds of one round trip through echo
round_trip(Target, Payload) ->
    Ref = make_ref(),
    T0 = erlang:monotonic_time(nanosecond),
    {echo, Target} ! {self(), {Ref, Payload}},
    receive {Ref, _} -> (erlang:monotonic_time(nanosecond) - T0) / 1000
    after 300000 -> exit(echo_timeout)
    end.

reset_sink(Target) ->
    Ref = make_ref(),
    {sink, Target} ! {sync, self(), Ref},
    receive {Ref, Count} -> Count after 300000 -> exit(sink_timeout) end.

%% --- against the number of peers: each peer a node of its own with one connection to the
%% target; the peers started once, each point adding connections
peers(Target, Points, Dir) ->
    Max = lists:max([0 | [P || {P, _, _} <- Points]]),
    Cookie = atom_to_list(erlang:get_cookie()),
    Peers = [start_peer(I, Cookie, Dir) || I <- lists:seq(1, Max)],
    try peer_points(Target, Points, Peers, 0)
    after [peer:stop(Pid) || {Pid, _} <- Peers]
    end.

start_peer(I, Cookie, Dir) ->
    Name = list_to_atom(lists:flatten(io_lib:format("~s_p~p", [hd(string:split(atom_to_list(node()), "@")), I]))),
    {ok, Pid, Node} = peer:start(#{name => Name, wait_boot => 120000,
                                   args => ["-setcookie", Cookie, "-hidden", "-start_epmd", "false", "-pa", Dir]}),
    {Pid, Node}.

peer_points(_, [], _, _) -> ok;
peer_points(Target, [{P, M, R} | Rest], Peers, Connected) ->
    Mine = [Node || {_, Node} <- lists:sublist(Peers, P)],
    New = lists:nthtail(Connected, Mine),
    Before = memory_total([Target | New]),
    [true = erpc:call(Node, net_kernel, connect_node, [Target]) || Node <- New],
    After = memory_total([Target | New]),
    PerConnection = case New of [] -> -1; _ -> (After - Before) div length(New) end,
    Each = max(1, M div P),
    Rt = max(1, R div P),
    Self = self(),
    Workers = [spawn_link(Node, growth, worker, [Self, Target, Each, Rt]) || Node <- Mine],
    gather(ready, length(Workers)),
    {Micros, Count, Samples} = run_workers(Target, Workers, Each),
    point(peers, P, Count, Micros, 0, Samples, PerConnection),
    peer_points(Target, Rest, Peers, P).

memory_total(Nodes) ->
    lists:sum([erpc:call(Node, erlang, memory, [total]) || Node <- Nodes]).

%% --- against the number of concurrent sending processes on one node, one connection
procs_point(Target, P, M, R) ->
    Self = self(),
    Each = max(1, M div P),
    Rt = max(1, R div P),
    erlang:garbage_collect(),
    Before = erlang:memory(processes),
    Workers = [spawn(fun() -> worker(Self, Target, Each, Rt) end) || _ <- lists:seq(1, P)],
    gather(ready, P),
    After = erlang:memory(processes),
    PerProcess = (After - Before) div P,
    {Micros, Count, Samples} = run_workers(Target, Workers, Each),
    point(procs, P, Count, Micros, 0, Samples, PerProcess).

%% starts the workers' sends and times them until the sink has counted every message (it
%% answers expect for the total once it has); then checks that the sink counted exactly the
%% total; then runs the workers' round trips and gathers the samples (which says each
%% worker finished). Nothing but the sink's answer reaches this process inside the window.
run_workers(Target, Workers, Each) ->
    Total = Each * length(Workers),
    Ref = make_ref(),
    {Micros, Total} = timer:tc(fun() ->
                                       {sink, Target} ! {expect, self(), Ref, Total},
                                       [W ! go_send || W <- Workers],
                                       receive {Ref, Counted} -> Counted after 300000 -> exit(expect_timeout) end
                               end),
    Count = reset_sink(Target),
    Count = Total,
    [W ! go_rtt || W <- Workers],
    Samples = lists:append(gather_samples(length(Workers), [])),
    {Micros, Count, Samples}.

%% N {Tag, Worker} messages, in whatever order the workers sent them
gather(_, 0) -> ok;
gather(Tag, N) -> receive {Tag, _} -> gather(Tag, N - 1) after 300000 -> exit({Tag, timeout}) end.

gather_samples(0, Acc) -> Acc;
gather_samples(N, Acc) ->
    receive {samples, _, S} -> gather_samples(N - 1, [S | Acc]) after 300000 -> exit(samples_timeout) end.

%% one sender of the peers and procs sweeps: ready, then on go_send its messages, then on
%% go_rtt its round trips, whose microseconds it reports
worker(Coordinator, Target, Each, Rt) ->
    Coordinator ! {ready, self()},
    receive go_send -> ok end,
    send_loop({sink, Target}, Each, <<>>),
    receive go_rtt -> ok end,
    Samples = [round_trip(Target, <<>>) || _ <- lists:seq(1, Rt)],
    Coordinator ! {samples, self(), Samples}.
