#!/usr/bin/env bash
# Copyright 2026 the Jarl authors
# SPDX-License-Identifier: Apache-2.0
# BEAM-to-BEAM throughput over one distribution carrier, on loopback, with an EPMD of its own:
#   bench.sh jarl_udp [DATAGRAM_SIZE]   this module (default datagram size 1400)
#   bench.sh inet_tcp                   OTP's default distribution
#   bench.sh gen_tcp                    OTP's gen_tcp_dist example (controller processes)
# Prints small messages per second (N messages of {seq, I}) and MB/s for 1 MB binaries.
# Environment: SMALL (default 200000), BIG (default 200), ROUNDS (default 3, the best is shown).
set -euo pipefail
proto=${1:?usage: bench.sh jarl_udp|inet_tcp|gen_tcp [datagram size]}
dgram=${2:-1400}
small=${SMALL:-200000}
big=${BIG:-200}
rounds=${ROUNDS:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/jarl-udp-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

args=()
case "$proto" in
  jarl_udp)
    erlc -o "$work" "$here/src/jarl_udp_dist.erl"
    args=(-proto_dist jarl_udp -pa "$work" -jarl_udp_datagram_size "$dgram");;
  gen_tcp)
    src=$(ls /usr/lib/erlang/lib/kernel-*/examples/gen_tcp_dist/src/gen_tcp_dist.erl | head -1)
    erlc -o "$work" "$src"
    args=(-proto_dist gen_tcp -pa "$work");;
  inet_tcp) ;;
  *) echo "unknown carrier $proto" >&2; exit 2;;
esac
args+=(-kernel inet_dist_use_interface '{127,0,0,1}')

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export ERL_EPMD_PORT=$port
ERL_EPMD_ADDRESS=127.0.0.1 epmd -port "$port" & pids+=($!)
sleep 0.5
host=$(hostname -s)
erl -noshell -start_epmd false -sname "bsink$$" -setcookie bench "${args[@]}" -eval '
  Sink = fun Sink() -> receive {count, From, N} -> (fun L(0) -> ok; L(K) -> receive {seq, _} -> L(K - 1); {big, _} -> L(K - 1) end end)(N), From ! done, Sink() end end,
  register(sink, spawn(Sink)), receive stop -> ok end.' & pids+=($!)
sleep 1.5
erl -noshell -start_epmd false -sname "bsrc$$" -setcookie bench "${args[@]}" -eval '
  Dst = {sink, list_to_atom("bsink'"$$"'@'"$host"'")}, pong = net_adm:ping(element(2, Dst)), timer:sleep(500),
  Time = fun(F) -> T0 = erlang:monotonic_time(microsecond), F(), erlang:monotonic_time(microsecond) - T0 end,
  Run = fun(N, Msg) -> Dst ! {count, self(), N}, [Dst ! Msg(I) || I <- lists:seq(1, N)], receive done -> ok end end,
  B = crypto:strong_rand_bytes(1048576),
  Small = lists:min([Time(fun() -> Run('"$small"', fun(I) -> {seq, I} end) end) || _ <- lists:seq(1, '"$rounds"')]),
  Big = lists:min([Time(fun() -> Run('"$big"', fun(_) -> {big, B} end) end) || _ <- lists:seq(1, '"$rounds"')]),
  io:format("~s~s: small messages ~w/s, 1 MB messages ~w MB/s~n",
            ["'"$proto"'", case "'"$proto"'" of "jarl_udp" -> " (datagram '"$dgram"' B)"; _ -> "" end,
             round('"$small"' / Small * 1.0e6), round('"$big"' * 1.048576 / Big * 1.0e6)]),
  case "'"$proto"'" of
    "jarl_udp" ->
      #{retransmitted := R, timeouts := T, sent_segments := S, cwnd := W} = jarl_udp_dist:info(element(2, Dst)),
      io:format("  sender: ~w segments sent, ~w retransmitted, ~w timeouts, cwnd ~.1f~n", [S, R, T, float(W)]);
    _ -> ok
  end,
  halt().'
