%% Copyright 2026 the Jarl authors
%% SPDX-License-Identifier: Apache-2.0
%%
%% The Erlang side of FaultsInteropTest: load against a Jarl node (calls to its echo and
%% numbered casts to its sink), a checking inbox for numbered messages from Jarl, and idle
%% processes for Jarl to link to and monitor.
-module(jarl_faults).
-export([load/4, load_verdict/3, inbox/0, inbox_verdict/3, procs/2]).

%% Workers processes each make Calls calls to {echo, Jarl} and, after each, send a numbered
%% cast to {sink, Jarl}. A call unanswered within CallTimeout ms counts as bad.
load(Jarl, Workers, Calls, CallTimeout) ->
    register(jarl_load, spawn(fun() -> coordinate(Jarl, Workers, Calls, CallTimeout) end)),
    ok.

coordinate(Jarl, Workers, Calls, CallTimeout) ->
    Self = self(),
    [spawn(fun() -> Self ! {done, W, work(Jarl, W, Calls, CallTimeout, 1, 0, 0)} end)
     || W <- lists:seq(1, Workers)],
    answer([receive {done, W, R} -> {W, R} end || W <- lists:seq(1, Workers)]).

answer(Results) ->
    receive {result, From} -> From ! {jarl_load, Results}, answer(Results) end.

work(_Jarl, _W, Calls, _T, I, Ok, Bad) when I > Calls ->
    {Ok, Bad};
work(Jarl, W, Calls, T, I, Ok, Bad) ->
    Ref = make_ref(),
    {echo, Jarl} ! {self(), {call, Ref, I}},
    {sink, Jarl} ! {seq, node(), W, I},
    receive
        {call, Ref, I} -> work(Jarl, W, Calls, T, I + 1, Ok + 1, Bad)
    after T -> work(Jarl, W, Calls, T, I + 1, Ok, Bad + 1)
    end.

%% ok when every worker got an answer to each of its calls; waits up to Timeout ms.
load_verdict(Workers, Calls, Timeout) ->
    jarl_load ! {result, self()},
    receive
        {jarl_load, Results} ->
            Expected = [{W, {Calls, 0}} || W <- lists:seq(1, Workers)],
            case lists:sort(Results) of
                Expected -> ok;
                Other -> {bad, Other}
            end
    after Timeout -> timeout
    end.

%% Receives {jarl_seq, Sender, I} from Jarl and checks each sender's numbers run 1, 2, 3...
inbox() ->
    register(jarl_inbox, spawn(fun() -> inbox(#{}, []) end)),
    ok.

inbox(Next, Anomalies) ->
    receive
        {jarl_seq, S, I} ->
            case maps:get(S, Next, 1) of
                I -> inbox(Next#{S => I + 1}, Anomalies);
                E -> inbox(Next#{S => max(E, I + 1)}, [{S, expected, E, got, I} | Anomalies])
            end;
        {result, From} ->
            From ! {jarl_inbox, Next, Anomalies},
            inbox(Next, Anomalies)
    end.

%% ok once each of Senders (1..Senders) sent 1..Count in order, nothing lost or twice;
%% waits up to Timeout ms for the last ones.
inbox_verdict(Senders, Count, Timeout) ->
    inbox_until(Senders, Count, erlang:monotonic_time(millisecond) + Timeout).

inbox_until(Senders, Count, Deadline) ->
    jarl_inbox ! {result, self()},
    receive
        {jarl_inbox, Next, Anomalies} ->
            Complete = maps:from_list([{S, Count + 1} || S <- lists:seq(1, Senders)]),
            Late = erlang:monotonic_time(millisecond) > Deadline,
            if
                Anomalies =/= [] -> {anomalies, lists:reverse(Anomalies)};
                Next =:= Complete -> ok;
                Late -> {incomplete, lists:sort(maps:to_list(Next))};
                true -> timer:sleep(50), inbox_until(Senders, Count, Deadline)
            end
    end.

%% N idle processes that announce themselves to {victims, Jarl}; each links to a pid sent
%% to it as {link_to, Pid} and says so.
procs(Jarl, N) ->
    [spawn(fun() -> {victims, Jarl} ! {victim, self()}, idle() end) || _ <- lists:seq(1, N)],
    ok.

idle() ->
    receive
        {link_to, Pid} -> link(Pid), Pid ! {linked, self()}, idle();
        _ -> idle()
    end.
