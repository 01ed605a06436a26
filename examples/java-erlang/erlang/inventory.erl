%% Copyright 2026 the Jarl authors
%% SPDX-License-Identifier: Apache-2.0
%%
%% The Erlang side of the java-erlang example: a shop's stock as a gen_server that Java
%% calls, and call_java/1, which calls the Java node the ways Erlang code does.
-module(inventory).
-behaviour(gen_server).

-export([start/0, call_java/1]).
-export([init/1, handle_call/3, handle_cast/2]).

%% Starts the registered gen_server inventory (not linked: it outlives the caller).
start() ->
    gen_server:start({local, inventory}, ?MODULE, #{apple => 12, pear => 0}, []).

%% Calls the Java node Java: its functions by rpc and erpc, its gen_server, and a call
%% that raises in Java. Returns what each gave.
call_java(Java) ->
    Error = try erpc:call(Java, prices, quote, [kiwi]) of
                Unexpected -> {returned, Unexpected}
            catch
                error:{exception, Reason, _Stack} -> {error, Reason}
            end,
    #{rpc => rpc:call(Java, prices, quote, [apple]),
      erpc => erpc:call(Java, prices, total, [[{apple, 3}, {pear, 2}]]),
      gen_server => gen_server:call({price_server, Java}, {quote, pear}),
      error => Error}.

init(Stock) ->
    {ok, Stock}.

handle_call({stock, Item}, _From, Stock) ->
    {reply, maps:get(Item, Stock, 0), Stock};
handle_call(_Other, _From, Stock) ->
    {reply, {error, bad_request}, Stock}.

handle_cast(_Msg, Stock) ->
    {noreply, Stock}.
