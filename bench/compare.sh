#!/usr/bin/env bash
# Copyright 2026 the Jarl authors
# SPDX-License-Identifier: Apache-2.0
# Jarl's side-by-side distribution benchmark: Erlang/OTP, JInterface and Jarl on one
# machine, each as driver and as target, with the CPU time of both sides of every pair.
# Usage and columns: docs/benchmarks.md.
#
#   bench/compare.sh [--quick|--smoke] [--warm] [--all] [--only ROW[,ROW...]]
#
# Needs erl, erlc and epmd. JInterface rows need OtpErlang.jar ($JINTERFACE_JAR, Debian's
# /usr/share/java/OtpErlang.jar, or the installed OTP's lib/jinterface-*/priv) and are
# skipped, with a message, without it. Jarl rows use the launcher beside this script ($JARL
# to use another). Starts its own EPMD on a free port and ends only what it started.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=bench/cpu.sh
. "$here/cpu.sh"
JARL=${JARL:-$root/jarl}
SMALL=1000000 RTT=50000 BIG=200
ONLY="" WARM=0 ALL=0
usage() { echo "usage: bench/compare.sh [--quick|--smoke] [--warm] [--all] [--only ROW[,ROW...]]  (ROW: driver->target, e.g. jarl->erlang)" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) SMALL=200000 RTT=10000 BIG=50 ;;
    --smoke) SMALL=20000 RTT=2000 BIG=10 ;;
    --warm) WARM=1 ;;
    --all) ALL=1 ;;
    --only) [ $# -ge 2 ] || usage; ONLY=$2; shift ;;
    -h|--help) sed -n '4,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage ;;
  esac
  shift
done
kinds="erlang jinterface jarl"
DEFAULT_ROWS="erlang->erlang,jinterface->jinterface,jarl->erlang,erlang->jarl,jarl->jarl"
if [ -n "$ONLY" ]; then
  for r in ${ONLY//,/ }; do
    d=${r%%->*} t=${r#*->}
    [[ " $kinds " == *" $d "* && " $kinds " == *" $t "* && "$r" == *"->"* ]] \
      || { echo "compare.sh: unknown row '$r' (driver->target, each of: $kinds)" >&2; exit 2; }
  done
elif [ $ALL = 0 ]; then
  ONLY=$DEFAULT_ROWS
fi
want() { [ -z "$ONLY" ] || [[ ",$ONLY," == *",$1,"* ]]; }

for t in erl erlc epmd; do
  command -v $t >/dev/null || { echo "compare.sh: $t not found (Debian: apt-get install erlang-nox)" >&2; exit 2; }
done
jdk=$("$root/tools/find-jdk" 21) || { echo "compare.sh: no JDK 21 or newer found" >&2; exit 2; }
HZ=$(getconf CLK_TCK)

# JInterface: the first jar found, else its rows are skipped
find_jinterface() {
  local lib
  for j in "${JINTERFACE_JAR:-}" /usr/share/java/OtpErlang.jar; do
    [ -n "$j" ] && [ -f "$j" ] && { echo "$j"; return 0; }
  done
  lib=$(erl -noshell -eval 'case code:lib_dir(jinterface) of D when is_list(D) -> io:format("~s", [D]); _ -> ok end, halt().' 2>/dev/null)
  [ -n "$lib" ] && [ -f "$lib/priv/OtpErlang.jar" ] && { echo "$lib/priv/OtpErlang.jar"; return 0; }
  return 1
}
jar=$(find_jinterface) || jar=""

work=$(mktemp -d /tmp/jarl-compare.XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

erlc -o "$work" "$here/compare_driver.erl" || exit 2
have_ji=0
if [ -n "$jar" ]; then
  "$jdk/bin/javac" -nowarn -d "$work" -cp "$jar" "$here"/jinterface/*.java && have_ji=1
else
  echo "compare.sh: no JInterface jar (set JINTERFACE_JAR, or Debian: apt-get install erlang-jinterface): jinterface rows skipped" >&2
fi
have_jarl=0
if [ -x "$JARL" ] || command -v "$JARL" >/dev/null 2>&1; then
  # builds on first use, before anything is timed
  if "$JARL" --help >/dev/null 2>&1; then have_jarl=1; else echo "compare.sh: $JARL --help failed: jarl rows skipped" >&2; fi
else
  echo "compare.sh: no Jarl launcher at $JARL: jarl rows skipped" >&2
fi
have() { case $1 in erlang) return 0 ;; jinterface) [ $have_ji = 1 ] ;; jarl) [ $have_jarl = 1 ] ;; esac; }

# An EPMD of our own on a free port: try random ports until one binds
start_epmd() {
  local port p
  for _ in $(seq 1 20); do
    port=$(( 20000 + RANDOM % 40000 ))
    ERL_EPMD_ADDRESS=127.0.0.1 epmd -port "$port" >"$work/epmd.log" 2>&1 &
    p=$!
    for _ in $(seq 1 20); do
      sleep 0.1
      kill -0 "$p" 2>/dev/null || break
      if epmd -port "$port" -names >/dev/null 2>&1; then
        pids+=("$p"); ERL_EPMD_PORT=$port; export ERL_EPMD_PORT; return 0
      fi
    done
    kill "$p" 2>/dev/null; wait "$p" 2>/dev/null
  done
  echo "compare.sh: could not start epmd on a free port" >&2; return 1
}
start_epmd || exit 2

host=$(hostname -s)
cookie=jarlcompare$$
target_pid=""

start_target() { # kind name: starts it, waits for "ready", sets target_pid
  local kind=$1 name=$2 log="$work/$2.log"
  case $kind in
    erlang) erl -sname "$name" -setcookie "$cookie" -start_epmd false -noshell -pa "$work" \
              -kernel inet_dist_use_interface '{127,0,0,1}' \
              -eval 'compare_driver:start_targets(), io:format("ready~n").' >"$log" 2>&1 & ;;
    jinterface) "$jdk/bin/java" -cp "$jar:$work" CompareTarget "$name" "$cookie" >"$log" 2>&1 & ;;
    jarl) "$JARL" serve --name "$name@$host" --cookie "$cookie" --listen 127.0.0.1 >"$log" 2>&1 & ;;
  esac
  target_pid=$!
  pids+=("$target_pid")
  for _ in $(seq 1 300); do
    grep -q '^ready' "$log" 2>/dev/null && return 0
    kill -0 "$target_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "compare.sh: $kind target did not come up; its log:" >&2; cat "$log" >&2
  kill "$target_pid" 2>/dev/null
  return 1
}

driver_command() { # kind name targetNode: sets cmd
  local kind=$1 name=$2 target=$3 warm=() erl_warm=false
  [ $WARM = 1 ] && { warm=(--warm); erl_warm=true; }
  case $kind in
    erlang) cmd=(timeout 900 erl -sname "$name" -setcookie "$cookie" -start_epmd false -noshell -pa "$work"
              -kernel inet_dist_use_interface '{127,0,0,1}'
              -eval "compare_driver:run('$target', [{small,$SMALL},{rtt,$RTT},{big,$BIG},{warm,$erl_warm},{phase_sync,true}]), init:stop().") ;;
    jinterface) cmd=(timeout 900 "$jdk/bin/java" -cp "$jar:$work" CompareDriver "$name" "$cookie" "$target"
              "$SMALL" "$RTT" "$BIG" "${warm[@]}" --phase-sync) ;;
    jarl) cmd=(timeout 900 "$JARL" bench --name "$name@$host" --cookie "$cookie" --listen 127.0.0.1 --small "$SMALL" --rtt "$RTT"
              --big "$BIG" "${warm[@]}" --phase-sync "$target") ;;
  esac
}

# drive kind name targetNode: runs the driver, answering its phase barriers after reading
# both sides' CPU; leaves its figures in $out and the CPU samples in ticks[SIDE.EDGE.PHASE]
declare -A ticks
out=""
drive() {
  local line what phase
  out=""
  ticks=()
  local cmd
  driver_command "$@"
  coproc DRV { exec "${cmd[@]}" 2>"$work/driver.log"; }
  local dpid=$DRV_PID
  pids+=("$dpid")
  while IFS= read -r line <&"${DRV[0]}"; do
    case $line in
      "phase "*|"done "*)
        read -r what phase <<<"$line"
        ticks[drv.$what.$phase]=$(cpu_tree_ticks "$dpid")
        ticks[tgt.$what.$phase]=$(cpu_tree_ticks "$target_pid")
        echo go >&"${DRV[1]}" ;;
      *) out+="$line"$'\n' ;;
    esac
  done
  wait "$dpid" 2>/dev/null
  return 0
}

cpu_cell() { # side phase units per
  local b=${ticks[$1.phase.$2]:-} a=${ticks[$1.done.$2]:-}
  [ -n "$b" ] && [ -n "$a" ] && cpu_per_unit "$b" "$a" "$HZ" "$3" "$4" || echo "-"
}

echo "| driver -> target | send small msg/s | RTT us | recv small msg/s | send 1MB MB/s | recv 1MB MB/s | send CPU s/M drv | send CPU s/M tgt | RTT CPU s/k drv | RTT CPU s/k tgt | recv CPU s/M drv | recv CPU s/M tgt | send 1MB CPU s/k drv | send 1MB CPU s/k tgt | recv 1MB CPU s/k drv | recv 1MB CPU s/k tgt |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
n=0
for kind in $kinds; do
  rows=()
  for d in $kinds; do want "$d->$kind" && rows+=("$d"); done
  [ ${#rows[@]} -gt 0 ] || continue
  if ! have $kind; then echo "compare.sh: rows with target $kind skipped (see above)" >&2; continue; fi
  n=$((n + 1)); tname="cmptgt${n}x$$"
  start_target $kind $tname || continue
  for d in "${rows[@]}"; do
    have $d || { echo "compare.sh: row $d->$kind skipped (see above)" >&2; continue; }
    drive $d "cmpdrv${n}$d$$" "$tname@$host"
    v() { awk -v k="$1" '$1 == k { print $2 }' <<<"$out" | tail -1; }
    echo "| $d->$kind | $(v send_small_msgs_per_s) | $(v rtt_us) | $(v recv_small_msgs_per_s) | $(v send_1mb_mbytes_per_s) | $(v recv_1mb_mbytes_per_s) | $(cpu_cell drv send_small "$SMALL" 1000000) | $(cpu_cell tgt send_small "$SMALL" 1000000) | $(cpu_cell drv rtt "$RTT" 1000) | $(cpu_cell tgt rtt "$RTT" 1000) | $(cpu_cell drv recv_small "$SMALL" 1000000) | $(cpu_cell tgt recv_small "$SMALL" 1000000) | $(cpu_cell drv send_1mb "$BIG" 1000) | $(cpu_cell tgt send_1mb "$BIG" 1000) | $(cpu_cell drv recv_1mb "$BIG" 1000) | $(cpu_cell tgt recv_1mb "$BIG" 1000) |"
    if [ -z "$(v rtt_us)" ]; then
      echo "compare.sh: $d->$kind gave no figures; its output:" >&2
      { echo "$out"; tail -20 "$work/driver.log"; } >&2
    fi
  done
  kill "$target_pid" 2>/dev/null; wait "$target_pid" 2>/dev/null
done
echo "compare.sh: counts small=$SMALL rtt=$RTT big=$BIG$([ $WARM = 1 ] && echo ', warm'); load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); CPU in s per 1e6 small messages, 1e3 round trips or 1e3 1 MB messages ($(nproc) CPUs)" >&2
