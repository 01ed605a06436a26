%% Copyright 2026 the Jarl authors
%% SPDX-License-Identifier: Apache-2.0
%%
%% jarl_udp_dist: Erlang distribution over Jarl's UDP carrier protocol, version 1
%% (docs/udp-carrier.md in the Jarl repository), on distribution controller processes.
%%
%% Start a node with `erl -proto_dist jarl_udp -pa <dir of jarl_udp_dist.beam>'.
%%
%% Processes:
%%  * the acceptor owns the listening UDP socket (the port registered in EPMD): it answers
%%    INITIALs statelessly (RETRY with a token, the amplification bound), creates a
%%    controller for each INITIAL with a valid token and routes every later datagram to
%%    its controller by destination connection id;
%%  * one controller process per connection holds the reliable stream of both
%%    directions (sections 5 to 9 of the document): sequencing, acknowledgements,
%%    retransmission with a measured RTT, flow and congestion control, keepalive, idle
%%    timeout and close. It serves the handshake (f_send/f_recv) and, once the handshake
%%    is complete, drains dist_ctrl_get_data/1 into the stream and feeds each complete
%%    message to dist_ctrl_put_data/2 (it is the connection's input handler);
%%  * an initiator's controller owns a UDP socket of its own (an ephemeral port).
-module(jarl_udp_dist).

%% The distribution module interface (net_kernel).
-export([listen/1, listen/2, accept/1, accept_connection/5, setup/5, close/1,
         select/1, address/0, is_node_name/1]).
%% #hs_data{} callbacks and spawned functions.
-export([tick/1, getstat/1, setopts/2, getopts/2]).
-export([acceptor_init/2, do_accept/6, do_setup/6, controller_init/1]).
%% Encoding and decoding, exported for tests.
-export([encode_ack/5, decode/1, options/0]).
%% Counters of one connection (tests, diagnostics).
-export([info/1]).

-include_lib("kernel/include/net_address.hrl").
-include_lib("kernel/include/dist.hrl").
-include_lib("kernel/include/dist_util.hrl").

-define(PROTOCOL, udp).
-define(FAMILY, inet).

-define(T_INITIAL, 1).
-define(T_RETRY, 2).
-define(T_ACCEPT, 3).
-define(T_DATA, 4).
-define(T_ACK, 5).
-define(T_PING, 6).
-define(T_CLOSE, 7).
-define(T_CLOSE_ACK, 8).

-define(HDR(Type, Dcid), <<16#4A, 16#55, 1, Type, (Dcid):64>>).
-define(DATA_HEADER, 36).
-define(MIN_INITIAL, 1200).
-define(TOKEN_LIFETIME_MS, 10000).
-define(MAX_RANGES, 64).
-define(HANDSHAKE_MAX, 65535).
-define(MAX_RTT_US, 60000000).
-define(MAX_RTO_US, 60000000).
-define(CLOSE_TRIES, 3).

%% ---------------------------------------------------------------------------------------
%% Options: application environment of jarl_udp, or `-jarl_udp_<name> <integer>' on the
%% command line (the application is usually not loaded when distribution starts).

options() ->
    #{datagram_size => opt(datagram_size, 1400),
      window_bytes => opt(window_bytes, 4 * 1024 * 1024),
      min_rto_ms => opt(min_rto_ms, 200),
      initial_rto_ms => opt(initial_rto_ms, 1000),
      keepalive_ms => opt(keepalive_ms, 5000),
      idle_timeout_ms => opt(idle_timeout_ms, 30000),
      max_packet => opt(max_packet, 512 * 1024 * 1024),
      %% fault injection (percent of datagrams after the handshake's INITIAL/ACCEPT)
      loss => opt(fault_loss, 0),
      duplicate => opt(fault_duplicate, 0),
      reorder => opt(fault_reorder, 0)}.

opt(Key, Default) ->
    case application:get_env(jarl_udp, Key) of
        {ok, V} when is_integer(V) -> V;
        _ ->
            case init:get_argument(list_to_atom("jarl_udp_" ++ atom_to_list(Key))) of
                {ok, [[S | _] | _]} ->
                    try list_to_integer(S)
                    catch error:badarg -> erlang:error({bad_option, Key, S})
                    end;
                _ -> Default
            end
    end.

check_options(#{datagram_size := D}) when D < 1200; D > 65507 ->
    erlang:error({bad_option, datagram_size, D, "between 1200 and 65507"});
check_options(O) -> O.

%% ---------------------------------------------------------------------------------------
%% net_kernel interface

select(Node) ->
    case split_node(atom_to_list(Node)) of
        [_, Host] -> element(1, inet:getaddr(Host, ?FAMILY)) =:= ok;
        _ -> false
    end.

is_node_name(Node) when is_atom(Node) ->
    case split_node(atom_to_list(Node)) of
        [_, _] -> true;
        _ -> false
    end;
is_node_name(_) -> false.

address() ->
    {ok, Host} = inet:gethostname(),
    #net_address{host = Host, protocol = ?PROTOCOL, family = ?FAMILY}.

listen(Name, _Host) -> listen(Name).

listen(Name) ->
    Opts = interface(),
    {First, Last} = port_range(),
    case open_in_range(First, Last, [binary, {active, false}, {recbuf, 4 * 1024 * 1024},
                                     {sndbuf, 4 * 1024 * 1024} | Opts]) of
        {ok, Socket} ->
            {ok, {_, Port} = SockName} = inet:sockname(Socket),
            case (net_kernel:epmd_module()):register_node(Name, Port) of
                {ok, Creation} ->
                    {ok, {Socket, (address())#net_address{address = SockName}, Creation}};
                Error ->
                    gen_udp:close(Socket),
                    Error
            end;
        Error ->
            Error
    end.

%% kernel's inet_dist_use_interface binds the listening and the initiators' sockets.
interface() ->
    case application:get_env(kernel, inet_dist_use_interface) of
        {ok, Ip} -> [{ip, Ip}];
        _ -> []
    end.

port_range() ->
    case application:get_env(kernel, inet_dist_listen_min) of
        {ok, N} when is_integer(N) ->
            case application:get_env(kernel, inet_dist_listen_max) of
                {ok, M} when is_integer(M) -> {N, M};
                _ -> {N, N}
            end;
        _ -> {0, 0}
    end.

open_in_range(First, Last, _) when First > Last -> {error, eaddrinuse};
open_in_range(First, Last, Opts) ->
    case gen_udp:open(First, Opts) of
        {error, eaddrinuse} -> open_in_range(First + 1, Last, Opts);
        Other -> Other
    end.

accept(Socket) ->
    Pid = spawn_opt(?MODULE, acceptor_init, [self(), Socket], [link, {priority, max}]),
    ok = gen_udp:controlling_process(Socket, Pid),
    Pid ! {self(), socket_given},
    Pid.

close(Socket) ->
    %% net_kernel is done with the listener: new INITIALs get CLOSE "listener closed";
    %% the socket closes with the last connection.
    case erlang:port_info(Socket, connected) of
        {connected, Pid} -> Pid ! listener_closed, ok;
        undefined -> ok
    end.

accept_connection(AcceptPid, Ctrl, MyNode, Allowed, SetupTime) ->
    spawn_opt(?MODULE, do_accept, [self(), AcceptPid, Ctrl, MyNode, Allowed, SetupTime],
              dist_util:net_ticker_spawn_options()).

do_accept(Kernel, AcceptPid, Ctrl, MyNode, Allowed, SetupTime) ->
    receive
        {AcceptPid, controller} ->
            Timer = dist_util:start_timer(SetupTime),
            HSData = (hs_data(Ctrl))#hs_data{kernel_pid = Kernel, this_node = MyNode,
                                            socket = Ctrl, timer = Timer, this_flags = 0,
                                            allowed = Allowed},
            dist_util:handshake_other_started(HSData)
    end.

setup(Node, Type, MyNode, LongOrShortNames, SetupTime) ->
    spawn_opt(?MODULE, do_setup, [self(), Node, Type, MyNode, LongOrShortNames, SetupTime],
              dist_util:net_ticker_spawn_options()).

do_setup(Kernel, Node, Type, MyNode, LongOrShortNames, SetupTime) ->
    [Name, Host] = split_node_checked(Node, LongOrShortNames),
    case inet:getaddr(Host, ?FAMILY) of
        {ok, Ip} ->
            Timer = dist_util:start_timer(SetupTime),
            case (net_kernel:epmd_module()):port_please(Name, Ip) of
                {port, Port, Version} ->
                    dist_util:reset_timer(Timer),
                    Ctrl = spawn_initiator(Ip, Port),
                    case call(Ctrl, {connect, self()}, SetupTime) of
                        ok ->
                            HSData = (hs_data(Ctrl))#hs_data{
                                       kernel_pid = Kernel, other_node = Node,
                                       this_node = MyNode, socket = Ctrl, timer = Timer,
                                       this_flags = 0, other_version = Version,
                                       request_type = Type},
                            dist_util:handshake_we_started(HSData);
                        _ ->
                            ?shutdown(Node)
                    end;
                _ ->
                    ?shutdown(Node)
            end;
        _ ->
            ?shutdown(Node)
    end.

hs_data(Ctrl) ->
    #hs_data{f_send = fun(C, Data) -> call(C, {send, Data}, infinity) end,
             f_recv = fun(C, 0, Timeout) -> call(C, {recv}, Timeout) end,
             f_setopts_pre_nodeup = fun(_) -> ok end,
             f_setopts_post_nodeup = fun(_) -> ok end,
             f_getll = fun(C) -> {ok, C} end,
             f_address = fun(C, Node) -> peer_address(C, Node) end,
             f_handshake_complete =
                 fun(C, Node, DHandle) -> call(C, {handshake_complete, Node, DHandle}, infinity) end,
             mf_tick = fun ?MODULE:tick/1,
             mf_getstat = fun ?MODULE:getstat/1,
             mf_setopts = fun ?MODULE:setopts/2,
             mf_getopts = fun ?MODULE:getopts/2,
             socket = Ctrl}.

peer_address(Ctrl, Node) ->
    case split_node(atom_to_list(Node)) of
        [_, Host] ->
            {ok, Addr} = call(Ctrl, peer, infinity),
            #net_address{address = Addr, host = Host, protocol = ?PROTOCOL, family = ?FAMILY};
        _ -> {error, no_node}
    end.

tick(Ctrl) -> Ctrl ! tick, ok.

getstat(Ctrl) ->
    case call(Ctrl, getstat, 5000) of
        {ok, R, S, P} -> {ok, R, S, P};
        Other -> {error, Other}
    end.

setopts(_Ctrl, _Opts) -> {error, enotsup}.
getopts(_Ctrl, _Opts) -> {ok, []}.

call(Pid, Request, Timeout) ->
    Mon = erlang:monitor(process, Pid),
    Pid ! {jarl_udp_call, self(), Mon, Request},
    receive
        {Mon, Reply} -> erlang:demonitor(Mon, [flush]), Reply;
        {'DOWN', Mon, process, Pid, Reason} -> {error, {closed, Reason}}
    after Timeout ->
            erlang:demonitor(Mon, [flush]),
            {error, timeout}
    end.

split_node(Node) ->
    case string:split(Node, "@") of
        [Name, Host] when Name =/= [], Host =/= [] -> [Name, Host];
        Other -> Other
    end.

split_node_checked(Node, LongOrShortNames) ->
    case split_node(atom_to_list(Node)) of
        [Name, Host] ->
            Dotted = lists:member($., Host),
            IsIp = element(1, inet:parse_address(Host)) =:= ok,
            if
                LongOrShortNames =:= longnames, not Dotted, not IsIp ->
                    error_logger:error_msg("** jarl_udp: host ~ts is not fully qualified "
                                           "(the node runs with long names) **~n", [Host]),
                    ?shutdown(Node);
                LongOrShortNames =:= shortnames, Dotted ->
                    error_logger:error_msg("** jarl_udp: host ~ts is fully qualified "
                                           "(the node runs with short names) **~n", [Host]),
                    ?shutdown(Node);
                true -> [Name, Host]
            end;
        _ ->
            error_logger:error_msg("** jarl_udp: node name ~p is illegal **~n", [Node]),
            ?shutdown(Node)
    end.

%% ---------------------------------------------------------------------------------------
%% The acceptor: listening socket, stateless address validation, routing by connection id.

-record(acc, {kernel, socket, secret, conns = #{}, by_peer = #{}, mons = #{},
              closed = false, opts, dropped = 0, last_log = 0}).

acceptor_init(Kernel, Socket) ->
    receive {Kernel, socket_given} -> ok end,
    process_flag(trap_exit, true),
    ok = inet:setopts(Socket, [{active, 200}]),
    acceptor_loop(#acc{kernel = Kernel, socket = Socket, secret = crypto:strong_rand_bytes(32),
                       opts = check_options(options())}).

acceptor_loop(#acc{socket = S} = A) ->
    receive
        {udp, S, Ip, Port, Bin} ->
            acceptor_loop(acceptor_datagram(Ip, Port, Bin, A));
        {udp_passive, S} ->
            ok = inet:setopts(S, [{active, 200}]),
            acceptor_loop(A);
        {'DOWN', Mon, process, _, _} ->
            acceptor_loop(forget(Mon, A));
        listener_closed ->
            acceptor_loop(maybe_close_socket(A#acc{closed = true}));
        {'EXIT', Kernel, Reason} when Kernel =:= A#acc.kernel ->
            exit(Reason);
        _ ->
            acceptor_loop(A)
    end.

maybe_close_socket(#acc{closed = true, conns = C, socket = S} = A) when map_size(C) =:= 0 ->
    gen_udp:close(S),
    exit(normal),
    A;
maybe_close_socket(A) -> A.

forget(Mon, #acc{mons = Mons, conns = Conns, by_peer = ByPeer} = A) ->
    case maps:take(Mon, Mons) of
        {{Id, PeerKey}, Mons1} ->
            maybe_close_socket(A#acc{mons = Mons1, conns = maps:remove(Id, Conns),
                                     by_peer = maps:remove(PeerKey, ByPeer)});
        error -> A
    end.

acceptor_datagram(Ip, Port, <<16#4A, 16#55, 1, ?T_INITIAL, 0:64, Scid:64, TLen:16,
                              Token:TLen/binary, _/binary>> = Bin, A)
  when byte_size(Bin) >= ?MIN_INITIAL, Scid =/= 0 ->
    initial(Ip, Port, Scid, Token, A);
acceptor_datagram(Ip, Port, <<16#4A, 16#55, 1, Type, Dcid:64, _/binary>> = Bin,
                  #acc{conns = Conns} = A) when Type >= ?T_DATA, Type =< ?T_CLOSE_ACK ->
    case Conns of
        #{Dcid := {Pid, Ip, Port}} -> Pid ! {jarl_udp_dgram, Bin}, A;
        _ -> dropped(A)
    end;
acceptor_datagram(_, _, _, A) ->
    dropped(A).

dropped(#acc{dropped = D, last_log = Last} = A) ->
    Now = erlang:monotonic_time(millisecond),
    if
        Now - Last >= 10000 ->
            error_logger:info_msg("jarl_udp: dropped ~b datagrams (malformed, unknown id, "
                                  "wrong address or invalid token)~n", [D + 1]),
            A#acc{dropped = 0, last_log = Now};
        true -> A#acc{dropped = D + 1}
    end.

initial(Ip, Port, Scid, _Token, #acc{closed = true, socket = S} = A) ->
    Reason = <<"listener closed">>,
    gen_udp:send(S, Ip, Port, [?HDR(?T_CLOSE, Scid), <<(byte_size(Reason)):16>>, Reason]),
    A;
initial(Ip, Port, Scid, <<>>, #acc{socket = S} = A) ->
    Token = token(A#acc.secret, Ip, Port, Scid, erlang:system_time(millisecond)),
    gen_udp:send(S, Ip, Port, [?HDR(?T_RETRY, Scid), <<(byte_size(Token)):16>>, Token]),
    A;
initial(Ip, Port, Scid, <<Issued:64, _:16/binary>> = Token, #acc{socket = S} = A) ->
    Now = erlang:system_time(millisecond),
    Valid = Now - Issued =< ?TOKEN_LIFETIME_MS andalso Issued - Now =< 1000
        andalso crypto:hash_equals(Token, token(A#acc.secret, Ip, Port, Scid, Issued)),
    PeerKey = {Ip, Port, Scid},
    case {Valid, A#acc.by_peer} of
        {false, _} -> dropped(A);
        {true, #{PeerKey := R}} ->
            gen_udp:send(S, Ip, Port, [?HDR(?T_ACCEPT, Scid), <<R:64>>]),
            A;
        {true, _} ->
            R = fresh_id(A#acc.conns),
            Ctrl = spawn_opt(?MODULE, controller_init,
                             [#{role => responder, socket => S, ip => Ip, port => Port,
                                my_id => R, peer_id => Scid, opts => A#acc.opts}],
                             [{priority, max}, {message_queue_data, off_heap}]),
            Mon = erlang:monitor(process, Ctrl),
            gen_udp:send(S, Ip, Port, [?HDR(?T_ACCEPT, Scid), <<R:64>>]),
            A1 = A#acc{conns = (A#acc.conns)#{R => {Ctrl, Ip, Port}},
                       by_peer = (A#acc.by_peer)#{PeerKey => R},
                       mons = (A#acc.mons)#{Mon => {R, PeerKey}}},
            hand_to_kernel(Ctrl, A1)
    end;
initial(_, _, _, _, A) ->
    dropped(A).

hand_to_kernel(Ctrl, #acc{kernel = Kernel} = A) ->
    Kernel ! {accept, self(), Ctrl, ?FAMILY, ?PROTOCOL},
    receive
        {Kernel, controller, Pid} ->
            ok = call(Ctrl, {supervisor, Pid}, infinity),
            Pid ! {self(), controller},
            A;
        {Kernel, unsupported_protocol} ->
            exit(unsupported_protocol)
    end.

token(Secret, Ip, Port, Scid, Issued) ->
    IpBin = list_to_binary(tuple_to_list(Ip)),
    <<Mac:16/binary, _/binary>> =
        crypto:mac(hmac, sha256, Secret, <<IpBin/binary, Port:16, Scid:64, Issued:64>>),
    <<Issued:64, Mac/binary>>.

fresh_id(Taken) ->
    <<Id:64>> = crypto:strong_rand_bytes(8),
    case Id =:= 0 orelse maps:is_key(Id, Taken) of
        true -> fresh_id(Taken);
        false -> Id
    end.

%% ---------------------------------------------------------------------------------------
%% Decoding (section 3). Returns a tuple per datagram type, or malformed.

decode(<<16#4A, 16#55, 1, ?T_DATA, _:64, Seq:64, Ack:64, Win:32, Ts:32, Payload/binary>>)
  when Seq < 1 bsl 63, Ack < 1 bsl 63 ->
    {data, Seq, Ack, Win, Ts, Payload};
decode(<<16#4A, 16#55, 1, ?T_ACK, _:64, Ack:64, Win:32, Echo:32, Delay:32, N:16,
         Rest/binary>>) when N =< ?MAX_RANGES, byte_size(Rest) >= N * 8, Ack < 1 bsl 63 ->
    <<RangeBin:(N * 8)/binary, _/binary>> = Rest,
    case ranges(RangeBin, Ack, 0, []) of
        malformed -> malformed;
        Ranges -> {ack, Ack, Win, Echo, Delay, Ranges}
    end;
decode(<<16#4A, 16#55, 1, ?T_PING, _:64, _/binary>>) -> ping;
decode(<<16#4A, 16#55, 1, ?T_CLOSE, _:64, Len:16, Reason:Len/binary, _/binary>>)
  when Len =< 512 -> {close, Reason};
decode(<<16#4A, 16#55, 1, ?T_CLOSE_ACK, _:64, _/binary>>) -> close_ack;
decode(<<16#4A, 16#55, 1, ?T_RETRY, _:64, Len:16, Token:Len/binary, _/binary>>) -> {retry, Token};
decode(<<16#4A, 16#55, 1, ?T_ACCEPT, _:64, Scid:64, _/binary>>) when Scid =/= 0 -> {accept, Scid};
decode(_) -> malformed.

%% Ranges as absolute [{First, Last}], ascending with a gap between two.
ranges(<<>>, _, _, Acc) -> lists:reverse(Acc);
ranges(<<Off:32, Len:32, Rest/binary>>, Ack, MinOff, Acc) when Off >= MinOff + 1, Len >= 1 ->
    ranges(Rest, Ack, Off + Len, [{Ack + Off, Ack + Off + Len - 1} | Acc]);
ranges(_, _, _, _) -> malformed.

encode_ack(Dcid, {Ack, Win, Echo, Delay}, Reorder, _Opts, _) ->
    Ranges = lists:sublist(reorder_ranges(Reorder), ?MAX_RANGES),
    [?HDR(?T_ACK, Dcid), <<Ack:64, Win:32, Echo:32, Delay:32, (length(Ranges)):16>>,
     [<<(F - Ack):32, (L - F + 1):32>> || {F, L} <- Ranges]].

reorder_ranges(Reorder) ->
    collapse(lists:sort(maps:keys(Reorder)), []).

collapse([], Acc) -> lists:reverse(Acc);
collapse([S | T], [{F, L} | Acc]) when S =:= L + 1 -> collapse(T, [{F, S} | Acc]);
collapse([S | T], Acc) -> collapse(T, [{S, S} | Acc]).

%% ---------------------------------------------------------------------------------------
%% The controller: one per connection.

-record(c, {
          role, socket, ip, port, my_id, peer_id = 0, opts,
          phase = handshake,               % connecting | handshake | up | closing
          connect_waiter, token = <<>>, initial_rto, initial_due,
          supervisor, dhandle, node,
          hs_msgs = queue:new(), hs_waiter, early = [],
          %% send side (section 7)
          payload_size, outq = [], outq_bytes = 0, pending_bytes = 0,
          snd_nxt = 0, snd_tx = 0, snd_una = 0,
          segs = #{},                      % Seq -> {Payload, TxNo, inflight | lost | acked}
          retxq = [], inflight = 0, txno = 0, edge = 10,
          max_acked_txno = 0, high_range = -1,
          cwnd = 10.0, ssthresh = 1.0e9, recover,
          srtt, rttvar, rto, rto_due,
          notify_asked = false, draining = false,
          %% receive side (section 6)
          rcv_nxt = 0, reorder = #{}, rwin, ack_pending = 0, last_ts = 0, last_ts_at = 0,
          ack_due, ack_delay, rx = {hdr, <<>>},
          %% keepalive, idle, close
          last_sent, last_recv, close_tries = 0, close_reason = <<>>,
          timer, timer_due,
          recv_cnt = 0, sent_cnt = 0, retransmitted = 0, duplicates = 0, timeouts = 0,
          held                             % fault injection: a datagram held back
         }).

spawn_initiator(Ip, Port) ->
    Opts = check_options(options()),
    spawn_opt(?MODULE, controller_init,
              [#{role => initiator, ip => Ip, port => Port, opts => Opts}],
              [{priority, max}, {message_queue_data, off_heap}]).

controller_init(#{role := Role, ip := Ip, port := Port, opts := Opts} = Args) ->
    process_flag(trap_exit, true),
    Now = now_us(),
    D = maps:get(datagram_size, Opts),
    C0 = #c{role = Role, ip = Ip, port = Port, opts = Opts, payload_size = D - ?DATA_HEADER,
            rwin = max(4, maps:get(window_bytes, Opts) div D),
            rto = maps:get(initial_rto_ms, Opts) * 1000,
            ack_delay = 1000 * max(1, min(25, maps:get(min_rto_ms, Opts) div 4)),
            last_sent = Now, last_recv = Now},
    case Role of
        responder ->
            loop(C0#c{socket = maps:get(socket, Args), my_id = maps:get(my_id, Args),
                      peer_id = maps:get(peer_id, Args)});
        initiator ->
            {ok, S} = gen_udp:open(0, [binary, {active, 200}, {recbuf, 4 * 1024 * 1024},
                                       {sndbuf, 4 * 1024 * 1024} | interface()]),
            loop(C0#c{socket = S, my_id = fresh_id(#{}), phase = connecting})
    end.

loop(C) ->
    receive Msg -> loop(arm(handle(Msg, C)))
    end.

%% The one timer: the earliest of RTO, ack delay, keepalive, idle timeout, INITIAL resend.
%% A timer already running that fires no later than the earliest deadline is kept: when it
%% fires, timers/2 does what is due and the timer is set again for what remains. So the
%% deadlines that move later with every datagram (RTO, keepalive, idle) cost no
%% cancel_timer/start_timer pair each.
arm(#c{} = C) ->
    Dues = [D || D <- [C#c.rto_due, C#c.ack_due, C#c.initial_due,
                       keepalive_due(C), idle_due(C)], D =/= undefined],
    Due = case Dues of [] -> undefined; _ -> lists:min(Dues) end,
    case C#c.timer_due of
        Due -> C;
        _ when Due =:= undefined -> C;
        Armed when Armed =/= undefined, Armed =< Due -> C;
        _ ->
            case C#c.timer of
                undefined -> ok;
                Old -> erlang:cancel_timer(Old, [{async, true}, {info, false}])
            end,
            Ref = erlang:start_timer((Due + 999) div 1000, self(), jarl_udp_timer, [{abs, true}]),
            C#c{timer = Ref, timer_due = Due}
    end.

keepalive_due(#c{phase = P}) when P =:= connecting; P =:= closing -> undefined;
keepalive_due(#c{last_sent = L, opts = #{keepalive_ms := K}}) -> L + K * 1000.

idle_due(#c{phase = connecting}) -> undefined;
idle_due(#c{last_recv = L, opts = #{idle_timeout_ms := I}}) -> L + I * 1000.

handle({udp, S, Ip, Port, Bin}, #c{socket = S, ip = Ip, port = Port} = C) ->
    datagram(Bin, C);
handle({udp, _, _, _, _}, C) -> C;
handle({udp_passive, S}, #c{socket = S} = C) ->
    ok = inet:setopts(S, [{active, 200}]),
    C;
handle({jarl_udp_dgram, Bin}, C) -> datagram(Bin, C);
handle({timeout, Ref, jarl_udp_timer}, #c{timer = Ref} = C) ->
    timers(now_us(), C#c{timer = undefined, timer_due = undefined});
handle({timeout, _, jarl_udp_timer}, C) -> C;
handle(dist_data, C) -> drain(C#c{notify_asked = false});
handle(tick, #c{phase = up} = C) -> push_message(<<>>, C);
handle(tick, C) -> C;
handle({jarl_udp_call, From, Ref, Req}, C) -> request(Req, From, Ref, C);
handle({'EXIT', Pid, Reason}, #c{supervisor = Pid} = C) ->
    start_close(io_lib:format("~p", [Reason]), C);
handle({'EXIT', _, Reason}, C) ->
    %% net_kernel (erlang:disconnect_node/1) kills the controller and waits for it to
    %% exit: CLOSE goes out (twice, as the retransmissions cannot wait) and it exits now.
    case C#c.phase of
        connecting -> ok;
        _ ->
            R = io_lib:format("~p", [Reason]),
            send_close_once(R, C),
            send_close_once(R, C)
    end,
    exit(Reason);
handle(_, C) -> C.

reply(From, Ref, Reply) -> From ! {Ref, Reply}.

request({connect, Waiter}, From, Ref, C) ->
    link(Waiter),
    send_initial(now_us(), C#c{supervisor = Waiter, connect_waiter = {From, Ref}});
request({supervisor, Pid}, From, Ref, C) ->
    link(Pid),
    reply(From, Ref, ok),
    C#c{supervisor = Pid};
request({send, Data}, From, Ref, C) ->
    reply(From, Ref, ok),
    push_message(Data, C);
request({recv}, From, Ref, #c{hs_msgs = Q} = C) ->
    case queue:out(Q) of
        {{value, M}, Q1} -> reply(From, Ref, {ok, binary_to_list(M)}), C#c{hs_msgs = Q1};
        {empty, _} -> C#c{hs_waiter = {From, Ref}}
    end;
request(info, From, Ref, C) ->
    reply(From, Ref, #{phase => C#c.phase, sent_segments => C#c.snd_tx,
                       retransmitted => C#c.retransmitted, timeouts => C#c.timeouts,
                       duplicates_received => C#c.duplicates, received_segments => C#c.rcv_nxt,
                       srtt_us => C#c.srtt, rto_us => C#c.rto, cwnd => C#c.cwnd,
                       faults => #{dropped => fault_count(dropped),
                                   duplicated => fault_count(duplicated),
                                   reordered => fault_count(reordered)}}),
    C;
request(peer, From, Ref, #c{ip = Ip, port = Port} = C) ->
    reply(From, Ref, {ok, {Ip, Port}}),
    C;
request(getstat, From, Ref, #c{recv_cnt = R, sent_cnt = S, pending_bytes = P} = C) ->
    reply(From, Ref, {ok, R, S, P}),
    C;
request({handshake_complete, Node, DHandle}, From, Ref, C) ->
    %% Messages that came after the handshake's last one are distribution data.
    Early = queue:to_list(C#c.hs_msgs) ++ lists:reverse(C#c.early),
    [erlang:dist_ctrl_put_data(DHandle, M) || M <- Early],
    reply(From, Ref, ok),
    drain(C#c{phase = up, dhandle = DHandle, node = Node, hs_msgs = queue:new(), early = []}).

%% ---- datagrams in

datagram(Bin, #c{phase = connecting} = C) ->
    case decode(Bin) of
        {retry, Token} -> send_initial(now_us(), C#c{token = Token, last_recv = now_us()});
        {accept, R} ->
            {From, Ref} = C#c.connect_waiter,
            reply(From, Ref, ok),
            C#c{phase = handshake, peer_id = R, initial_due = undefined,
                connect_waiter = undefined, last_recv = now_us(),
                rto = maps:get(initial_rto_ms, C#c.opts) * 1000};
        {close, _} -> exit({shutdown, refused});
        _ -> C
    end;
datagram(<<_:4/binary, Dcid:64, _/binary>> = Bin, #c{phase = closing, my_id = Dcid} = C) ->
    case decode(Bin) of
        {close, _} -> send_raw(?HDR(?T_CLOSE_ACK, C#c.peer_id), C), exit(normal);
        close_ack -> exit(normal);
        _ -> C
    end;
datagram(<<_:4/binary, Dcid:64, _/binary>> = Bin, #c{my_id = Dcid} = C) ->
    Now = now_us(),
    C1 = C#c{last_recv = Now},
    case decode(Bin) of
        {data, Seq, Ack, Win, Ts, Payload} ->
            C2 = on_ack(Now, Ack, Win, 0, 0, [], C1),
            try_send(Now, on_data(Now, Seq, Ts, Payload, C2));
        {ack, Ack, Win, Echo, Delay, Ranges} ->
            try_send(Now, on_ack(Now, Ack, Win, Echo, Delay, Ranges, C1));
        ping -> send_ack(Now, C1);
        {close, Reason} ->
            send_raw(?HDR(?T_CLOSE_ACK, C#c.peer_id), C1),
            exit({shutdown, {closed_by_peer, Reason}});
        close_ack when C#c.phase =:= closing -> exit(normal);
        {accept, _} -> C1;
        _ -> C
    end;
datagram(_, C) -> C.

on_data(Now, Seq, Ts, Payload, #c{rcv_nxt = Nxt, reorder = Ro, rwin = W} = C) ->
    if
        Seq < Nxt -> send_ack(Now, C#c{duplicates = C#c.duplicates + 1});
        Seq >= Nxt + W -> send_ack(Now, C);
        Seq =:= Nxt ->
            C1 = deliver(Payload, C#c{rcv_nxt = Nxt + 1, last_ts = Ts, last_ts_at = Now}),
            {C2, N} = deliver_buffered(C1, 1),
            C3 = C2#c{ack_pending = C2#c.ack_pending + N},
            if
                C3#c.ack_pending >= 2; map_size(C3#c.reorder) > 0 -> send_ack(Now, C3);
                C3#c.ack_due =:= undefined -> C3#c{ack_due = Now + C3#c.ack_delay};
                true -> C3
            end;
        true ->
            case maps:is_key(Seq, Ro) of
                true -> send_ack(Now, C#c{duplicates = C#c.duplicates + 1});
                false ->
                    send_ack(Now, C#c{reorder = Ro#{Seq => Payload}, last_ts = Ts,
                                      last_ts_at = Now})
            end
    end.

deliver_buffered(#c{rcv_nxt = Nxt, reorder = Ro} = C, N) ->
    case maps:take(Nxt, Ro) of
        {P, Ro1} -> deliver_buffered(deliver(P, C#c{rcv_nxt = Nxt + 1, reorder = Ro1}), N + 1);
        error -> {C, N}
    end.

%% The message stream: 4-byte length, then that many bytes.
deliver(Payload, #c{rx = Rx} = C) -> parse(Rx, Payload, C).

parse({hdr, Part}, Bytes, C) ->
    case <<Part/binary, Bytes/binary>> of
        <<Len:32, Rest/binary>> ->
            check_length(Len, C),
            parse({body, Len, [], 0}, Rest, C#c{rx = {hdr, <<>>}});
        Short -> C#c{rx = {hdr, Short}}
    end;
parse({body, Len, Acc, Got}, Bytes, C) ->
    Need = Len - Got,
    case byte_size(Bytes) of
        Size when Size >= Need ->
            <<Last:Need/binary, Rest/binary>> = Bytes,
            Msg = iolist_to_binary(lists:reverse([Last | Acc])),
            C1 = message_in(Msg, C),
            case Rest of
                <<>> -> C1#c{rx = {hdr, <<>>}};
                _ -> parse({hdr, <<>>}, Rest, C1)
            end;
        Size -> C#c{rx = {body, Len, [Bytes | Acc], Got + Size}}
    end.

check_length(Len, #c{opts = #{max_packet := Max}} = C) when Len > Max ->
    protocol_error(Len, Max, C);
check_length(Len, #c{phase = P, recv_cnt = N} = C) when P =/= up, N < 3, Len > ?HANDSHAKE_MAX ->
    protocol_error(Len, ?HANDSHAKE_MAX, C);
check_length(_, _) -> ok.

protocol_error(Len, Max, #c{ip = Ip, port = Port} = C) ->
    Reason = io_lib:format("packet length: ~b bytes (expected: at most ~b) from ~s:~b",
                           [Len, Max, inet:ntoa(Ip), Port]),
    error_logger:error_msg("jarl_udp: ~s~n", [Reason]),
    send_close_once(Reason, C),
    exit({shutdown, protocol_error}).

message_in(Msg, #c{phase = up, dhandle = DH} = C) ->
    erlang:dist_ctrl_put_data(DH, Msg),
    C#c{recv_cnt = C#c.recv_cnt + 1};
message_in(Msg, #c{hs_waiter = {From, Ref}} = C) ->
    case queue:is_empty(C#c.hs_msgs) of
        true ->
            reply(From, Ref, {ok, binary_to_list(Msg)}),
            C#c{hs_waiter = undefined, recv_cnt = C#c.recv_cnt + 1};
        false -> message_in(Msg, C#c{hs_waiter = undefined})
    end;
message_in(Msg, #c{hs_msgs = Q} = C) ->
    C#c{hs_msgs = queue:in(Msg, Q), recv_cnt = C#c.recv_cnt + 1}.

%% ---- acknowledgements in (section 7)

on_ack(_, Ack, _, _, _, _, #c{snd_una = Una, snd_tx = Tx} = C) when Ack < Una; Ack > Tx -> C;
on_ack(Now, Ack, Win, Echo, Delay, Ranges, #c{segs = Segs0, snd_una = Una} = C) ->
    {Segs1, N1, In1, MaxTx1, Freed1} = cum_ack(Una, Ack, Segs0, 0, 0, C#c.max_acked_txno, 0),
    {Segs2, N2, In2, MaxTx2, HighRange} =
        range_ack(Ranges, Segs1, N1, In1, MaxTx1, C#c.high_range, C#c.snd_tx),
    C1 = C#c{segs = Segs2, snd_una = Ack, inflight = C#c.inflight - In2,
             max_acked_txno = MaxTx2, high_range = HighRange,
             edge = max(C#c.edge, Ack + Win),
             pending_bytes = C#c.pending_bytes - Freed1},
    case N2 of
        0 -> C1;
        _ ->
            C2 = rtt_sample(Now, Echo, Delay, C1),
            C3 = congestion_on_ack(N2, Ack, C2),
            C4 = detect_loss(C3),
            C5 = C4#c{rto_due = case C4#c.inflight of 0 -> undefined; _ -> Now + C4#c.rto end},
            resume_drain(C5)
    end.

cum_ack(Seq, Ack, Segs, N, In, MaxTx, Freed) when Seq < Ack ->
    case maps:take(Seq, Segs) of
        {{P, _, acked}, S1} -> cum_ack(Seq + 1, Ack, S1, N, In, MaxTx, Freed + byte_size(P));
        {{P, TxNo, inflight}, S1} ->
            cum_ack(Seq + 1, Ack, S1, N + 1, In + 1, max(MaxTx, TxNo), Freed + byte_size(P));
        {{P, TxNo, lost}, S1} ->
            cum_ack(Seq + 1, Ack, S1, N + 1, In, max(MaxTx, TxNo), Freed + byte_size(P));
        error -> cum_ack(Seq + 1, Ack, Segs, N, In, MaxTx, Freed)
    end;
cum_ack(_, _, Segs, N, In, MaxTx, Freed) -> {Segs, N, In, MaxTx, Freed}.

range_ack([], Segs, N, In, MaxTx, High, _) -> {Segs, N, In, MaxTx, High};
range_ack([{F, L} | T], Segs, N, In, MaxTx, High, Tx) ->
    {S1, N1, In1, MaxTx1} = mark_acked(F, min(L, Tx - 1), Segs, N, In, MaxTx),
    range_ack(T, S1, N1, In1, MaxTx1, max(High, min(L, Tx - 1)), Tx).

mark_acked(S, L, Segs, N, In, MaxTx) when S =< L ->
    case Segs of
        #{S := {P, TxNo, inflight}} ->
            mark_acked(S + 1, L, Segs#{S := {P, TxNo, acked}}, N + 1, In + 1, max(MaxTx, TxNo));
        #{S := {P, TxNo, lost}} ->
            mark_acked(S + 1, L, Segs#{S := {P, TxNo, acked}}, N + 1, In, max(MaxTx, TxNo));
        _ -> mark_acked(S + 1, L, Segs, N, In, MaxTx)
    end;
mark_acked(_, _, Segs, N, In, MaxTx) -> {Segs, N, In, MaxTx}.

rtt_sample(_, 0, _, C) -> C;
rtt_sample(Now, Echo, Delay, #c{opts = #{min_rto_ms := MinRto}} = C) ->
    R = (ts32(Now) - Echo - Delay) band 16#FFFFFFFF,
    if
        R > ?MAX_RTT_US -> C;
        true ->
            {Srtt, Var} = case C#c.srtt of
                              undefined -> {R, R / 2};
                              S0 -> {7 / 8 * S0 + R / 8, 3 / 4 * C#c.rttvar + abs(S0 - R) / 4}
                          end,
            Rto = min(?MAX_RTO_US, max(MinRto * 1000, round(Srtt + max(1000, 4 * Var)))),
            C#c{srtt = Srtt, rttvar = Var, rto = Rto}
    end.

congestion_on_ack(N, Ack, #c{recover = Rec} = C) when Rec =/= undefined ->
    case Ack >= Rec of
        true -> congestion_on_ack(N, Ack, C#c{recover = undefined});
        false -> C
    end;
congestion_on_ack(N, _, #c{cwnd = Cwnd, ssthresh = Ss} = C) ->
    C#c{cwnd = grow(N, Cwnd, Ss)}.

grow(0, Cwnd, _) -> Cwnd;
grow(N, Cwnd, Ss) when Cwnd < Ss -> grow(N - 1, Cwnd + 1, Ss);
grow(N, Cwnd, Ss) -> grow(N - 1, Cwnd + 1 / Cwnd, Ss).

%% Packet threshold: an in-flight segment below the highest range-acknowledged sequence
%% number whose transmission number is 3 or more below the newest acknowledged one.
detect_loss(#c{high_range = High, snd_una = Una} = C) when High < Una -> C;
detect_loss(#c{high_range = High, snd_una = Una, segs = Segs, max_acked_txno = MaxTx} = C) ->
    {Segs1, Lost} = scan_lost(Una, High, Segs, MaxTx, []),
    case Lost of
        [] -> C;
        _ ->
            C1 = C#c{segs = Segs1, retxq = merge_retx(C#c.retxq, lists:reverse(Lost)),
                     inflight = C#c.inflight - length(Lost)},
            case C1#c.recover of
                undefined ->
                    Ss = max(C1#c.cwnd / 2, 2.0),
                    C1#c{ssthresh = Ss, cwnd = Ss, recover = C1#c.snd_tx};
                _ -> C1
            end
    end.

scan_lost(S, High, Segs, MaxTx, Lost) when S < High ->
    case Segs of
        #{S := {P, TxNo, inflight}} when TxNo + 3 =< MaxTx ->
            scan_lost(S + 1, High, Segs#{S := {P, TxNo, lost}}, MaxTx, [S | Lost]);
        _ -> scan_lost(S + 1, High, Segs, MaxTx, Lost)
    end;
scan_lost(_, _, Segs, _, Lost) -> {Segs, Lost}.

merge_retx(A, B) -> lists:umerge(A, B).

%% ---- timers

timers(Now, C0) ->
    C1 = case C0#c.initial_due of
             D when D =/= undefined, D =< Now -> send_initial(Now, C0);
             _ -> C0
         end,
    C2 = case C1#c.ack_due of
             A when A =/= undefined, A =< Now -> send_ack(Now, C1);
             _ -> C1
         end,
    C3 = case C1#c.rto_due of
             R when R =/= undefined, R =< Now -> rto_fired(Now, C2);
             _ -> C2
         end,
    case idle_due(C3) of
        I when I =/= undefined, I =< Now ->
            exit({shutdown, {peer_silent, (Now - C3#c.last_recv) div 1000}});
        _ -> ok
    end,
    case keepalive_due(C3) of
        K when K =/= undefined, K =< Now -> send_ping(Now, C3);
        _ -> C3
    end.

send_initial(Now, #c{phase = connecting, token = Token, my_id = I, rto = Rto,
                     initial_due = Due} = C) ->
    Body = <<16#4A, 16#55, 1, ?T_INITIAL, 0:64, I:64, (byte_size(Token)):16, Token/binary>>,
    Pad = ?MIN_INITIAL - byte_size(Body),
    send_raw([Body, <<0:(Pad * 8)>>], C),
    %% a resend after a timeout doubles the interval; an answer to RETRY does not
    Rto1 = case Due of
               undefined -> Rto;
               D when D =< Now -> min(?MAX_RTO_US, Rto * 2);
               _ -> Rto
           end,
    C#c{initial_due = Now + Rto, rto = Rto1};
send_initial(_, C) -> C#c{initial_due = undefined}.

rto_fired(Now, #c{phase = closing} = C) ->
    case C#c.close_tries >= ?CLOSE_TRIES of
        true -> exit(normal);
        false -> send_close_again(Now, C)
    end;
rto_fired(Now, #c{inflight = 0} = C) ->
    %% the window is closed and data waits: PING to learn of a reopened window
    case C#c.snd_tx < C#c.snd_nxt orelse C#c.retxq =/= [] of
        true -> send_ping(Now, C#c{rto_due = Now + C#c.rto});
        false -> C#c{rto_due = undefined}
    end;
rto_fired(Now, #c{segs = Segs, snd_una = Una, snd_tx = Tx} = C) ->
    {Segs1, Lost} = all_lost(Una, Tx, Segs, []),
    C1 = C#c{segs = Segs1, retxq = Lost, inflight = 0,
             ssthresh = max(C#c.cwnd / 2, 2.0), cwnd = 1.0, recover = Tx,
             rto = min(?MAX_RTO_US, C#c.rto * 2), rto_due = undefined,
             timeouts = C#c.timeouts + 1},
    try_send(Now, C1).

all_lost(S, Tx, Segs, Lost) when S < Tx ->
    case Segs of
        #{S := {P, TxNo, F}} when F =/= acked ->
            all_lost(S + 1, Tx, Segs#{S := {P, TxNo, lost}}, [S | Lost]);
        _ -> all_lost(S + 1, Tx, Segs, Lost)
    end;
all_lost(_, _, Segs, Lost) -> {Segs, lists:reverse(Lost)}.

%% ---- sending

push_message(Data, C) ->
    Size = iolist_size(Data),
    Framed = [<<Size:32>>, Data],
    C1 = C#c{outq = [Framed | C#c.outq], outq_bytes = C#c.outq_bytes + Size + 4,
             pending_bytes = C#c.pending_bytes + Size + 4, sent_cnt = C#c.sent_cnt + 1},
    case C1#c.draining of
        true -> C1;
        false -> try_send(now_us(), cut(C1))
    end.

%% Cut everything queued into segments (the node has no more data queued right now).
cut(#c{outq = []} = C) -> C;
cut(#c{outq = Q, payload_size = P, snd_nxt = Nxt, segs = Segs} = C) ->
    Bin = iolist_to_binary(lists:reverse(Q)),
    {Segs1, Nxt1} = chop(Bin, P, Nxt, Segs),
    C#c{outq = [], outq_bytes = 0, segs = Segs1, snd_nxt = Nxt1}.

chop(Bin, P, Seq, Segs) when byte_size(Bin) > P ->
    <<Seg:P/binary, Rest/binary>> = Bin,
    chop(Rest, P, Seq + 1, Segs#{Seq => {Seg, 0, new}});
chop(Bin, _, Seq, Segs) -> {Segs#{Seq => {Bin, 0, new}}, Seq + 1}.

drain(#c{phase = up, dhandle = DH, opts = #{window_bytes := Max}} = C) ->
    C1 = drain_loop(DH, Max, C#c{draining = true}),
    C2 = C1#c{draining = false},
    C3 = case C2#c.pending_bytes < Max of
             true when not C2#c.notify_asked ->
                 ok = erlang:dist_ctrl_get_data_notification(DH),
                 C2#c{notify_asked = true};
             _ -> C2
         end,
    try_send(now_us(), cut(C3));
drain(C) -> C.

drain_loop(DH, Max, C) when C#c.pending_bytes < Max ->
    case erlang:dist_ctrl_get_data(DH) of
        none -> C;
        Data -> drain_loop(DH, Max, push_message(Data, C))
    end;
drain_loop(_, _, C) -> C.

resume_drain(#c{phase = up, notify_asked = false, pending_bytes = P,
                opts = #{window_bytes := Max}} = C) when P < Max ->
    drain(C);
resume_drain(C) -> C.

try_send(Now, #c{phase = closing} = C) -> C#c{rto_due = C#c.rto_due, last_sent = Now};
try_send(Now, #c{phase = connecting} = C) -> C#c{last_sent = Now};
try_send(Now, #c{inflight = In, cwnd = Cwnd} = C) when In < Cwnd ->
    case C#c.retxq of
        [S | T] ->
            case C#c.segs of
                #{S := {P, _, lost}} ->
                    try_send(Now, send_segment(Now, S, P, C#c{retxq = T,
                                                              retransmitted = C#c.retransmitted + 1}));
                _ -> try_send(Now, C#c{retxq = T})
            end;
        [] when C#c.snd_tx < C#c.snd_nxt, C#c.snd_tx < C#c.edge ->
            S = C#c.snd_tx,
            #{S := {P, _, _}} = C#c.segs,
            try_send(Now, send_segment(Now, S, P, C#c{snd_tx = S + 1}));
        [] when C#c.snd_tx < C#c.snd_nxt, C#c.inflight =:= 0, C#c.rto_due =:= undefined ->
            C#c{rto_due = Now + C#c.rto};   % window closed: PING after an RTO
        [] -> C
    end;
try_send(_, C) -> C.

send_segment(Now, Seq, Payload, #c{segs = Segs} = C) ->
    TxNo = C#c.txno + 1,
    Hdr = <<16#4A, 16#55, 1, ?T_DATA, (C#c.peer_id):64, Seq:64, (C#c.rcv_nxt):64,
            (C#c.rwin):32, (ts32(Now)):32>>,
    send_faulty([Hdr, Payload], C),
    C1 = C#c{segs = Segs#{Seq := {Payload, TxNo, inflight}}, txno = TxNo,
             inflight = C#c.inflight + 1, last_sent = Now,
             rto_due = case C#c.rto_due of undefined -> Now + C#c.rto; D -> D end},
    case map_size(C1#c.reorder) of
        0 -> C1#c{ack_pending = 0, ack_due = undefined};
        _ -> C1
    end.

send_ack(Now, #c{phase = connecting} = C) -> C#c{ack_due = undefined, last_sent = Now};
send_ack(Now, C) ->
    Delay = case C#c.last_ts of
                0 -> 0;
                _ -> min(16#FFFFFFFF, Now - C#c.last_ts_at)
            end,
    send_faulty(encode_ack(C#c.peer_id, {C#c.rcv_nxt, C#c.rwin, C#c.last_ts, Delay},
                           C#c.reorder, C#c.opts, Now), C),
    C#c{ack_pending = 0, ack_due = undefined, last_sent = Now}.

send_ping(Now, C) ->
    send_faulty(?HDR(?T_PING, C#c.peer_id), C),
    C#c{last_sent = Now}.

start_close(Reason, #c{phase = connecting}) -> exit({shutdown, Reason});
start_close(Reason, C) ->
    R = unicode:characters_to_binary(Reason),
    R1 = binary:part(R, 0, min(512, byte_size(R))),
    send_close_again(now_us(), C#c{phase = closing, close_reason = R1, ack_due = undefined,
                                   close_tries = 0}).

send_close_again(Now, #c{close_reason = R, close_tries = N} = C) ->
    send_raw([?HDR(?T_CLOSE, C#c.peer_id), <<(byte_size(R)):16>>, R], C),
    C#c{close_tries = N + 1, rto_due = Now + C#c.rto, last_sent = Now}.

send_close_once(Reason, C) ->
    R = unicode:characters_to_binary(Reason),
    R1 = binary:part(R, 0, min(512, byte_size(R))),
    send_raw([?HDR(?T_CLOSE, C#c.peer_id), <<(byte_size(R1)):16>>, R1], C).

send_raw(Data, #c{socket = S, ip = Ip, port = Port}) ->
    _ = gen_udp:send(S, Ip, Port, Data),
    ok.

%% Fault injection (percentages from the options): loss, duplication, reordering.
send_faulty(Data, #c{opts = #{loss := 0, duplicate := 0, reorder := 0}} = C) ->
    send_raw(Data, C);
send_faulty(Data, #c{opts = #{loss := L, duplicate := D, reorder := R}} = C) ->
    Held = get(jarl_udp_held),
    put(jarl_udp_held, undefined),
    case rand:uniform(100) of
        X when X =< L -> fault(dropped);
        X when X =< L + R, Held =:= undefined -> fault(reordered), put(jarl_udp_held, Data);
        X when X =< L + R + D -> fault(duplicated), send_raw(Data, C), send_raw(Data, C);
        _ -> send_raw(Data, C)
    end,
    case Held of
        undefined -> ok;
        _ -> send_raw(Held, C)
    end.

fault(What) -> put({jarl_udp_fault, What}, fault_count(What) + 1).

fault_count(What) ->
    case get({jarl_udp_fault, What}) of
        undefined -> 0;
        N -> N
    end.

%% The counters of the connection to Node (a map), or undefined when there is none.
info(Node) ->
    case lists:keyfind(Node, 1, erlang:system_info(dist_ctrl)) of
        {Node, Ctrl} when is_pid(Ctrl) ->
            case call(Ctrl, info, 5000) of
                #{} = Info -> Info;
                _ -> undefined
            end;
        _ -> undefined
    end.

now_us() -> erlang:monotonic_time(microsecond).

ts32(Now) ->
    case Now band 16#FFFFFFFF of
        0 -> 1;
        T -> T
    end.
