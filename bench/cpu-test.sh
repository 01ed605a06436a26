#!/usr/bin/env bash
# Copyright 2026 the Jarl authors
# SPDX-License-Identifier: Apache-2.0
# Tests bench/cpu.sh (the CPU accounting of bench/compare.sh) on a fake /proc tree and on
# this machine's own; run by .ci/run. Prints one line per check, exits non-zero on a failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/cpu.sh"
fails=0
check() { # name expected actual
  if [ "$2" == "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected '$2', got '$3'"; fails=$((fails + 1)); fi
}
proc=$(mktemp -d /tmp/jarl-cpu-test.XXXXXX)
trap 'rm -rf "$proc"' EXIT
stat() { # pid comm ppid utime stime cutime cstime: one stat line (proc(5) field order)
  mkdir -p "$proc/$1"
  echo "$1 ($2) S $3 $1 $1 0 -1 4194304 100 0 0 0 $4 $5 $6 $7 20 0 8 0 1000 1000000 100" >"$proc/$1/stat"
}
# 100 -> 101 (a name with spaces and parentheses) -> 102; 103 is a reaped-children
# holder under 100; 200 is someone else's; 300 -> 301 is another tree
stat 100 "timeout" 1 5 1 0 0
stat 101 "beam.smp) S 7 (x" 100 700 80 0 0
stat 102 "erl_child_setup" 101 2 3 0 0
stat 103 "sh" 100 1 1 40 9
stat 200 "other" 1 999 999 0 0
stat 300 "java" 1 10 20 0 0
stat 301 "java child" 300 1 2 3 4
mkdir -p "$proc/self"  # not a pid: ignored
check "tree sums utime+stime+cutime+cstime of the root and every descendant" \
  $(( 5+1 + 700+80 + 2+3 + 1+1+40+9 )) "$(cpu_tree_ticks 100 "$proc")"
check "a subtree counts only itself and its descendants" $(( 700+80 + 2+3 )) "$(cpu_tree_ticks 101 "$proc")"
check "another tree is apart" $(( 10+20 + 1+2+3+4 )) "$(cpu_tree_ticks 300 "$proc")"
check "a gone root is 0" 0 "$(cpu_tree_ticks 999 "$proc")"
rm -rf "${proc:?}/102"
check "a child that vanished between samples is no longer counted" $(( 5+1 + 700+80 + 1+1+40+9 )) "$(cpu_tree_ticks 100 "$proc")"

check "per million: 150 ticks at 100 Hz over 500 000 messages" "3.000" "$(cpu_per_unit 100 250 100 500000 1000000)"
check "per thousand: 25 ticks at 100 Hz over 50 000 round trips" "0.005" "$(cpu_per_unit 0 25 100 50000 1000)"
check "a sample that went backwards fails" "fail" "$(cpu_per_unit 10 5 100 1 1 2>/dev/null || echo fail)"
check "no work fails" "fail" "$(cpu_per_unit 0 5 100 0 1 2>/dev/null || echo fail)"

# The real /proc: a child busy for a while shows in its parent's tree, not in a sibling's
hz=$(getconf CLK_TCK)
sleep 30 & idle=$!
before=$(cpu_tree_ticks $$)
( end=$((SECONDS + 1)); while [ $SECONDS -lt $end ]; do :; done ) & busy=$!
idle_before=$(cpu_tree_ticks $idle)
wait $busy
after=$(cpu_tree_ticks $$)
kill $idle
check "a busy child of this shell shows in this shell's tree (reaped: cutime)" yes \
  "$([ $((after - before)) -ge $((hz / 20)) ] && echo yes || echo "no: $before -> $after ticks")"
check "an idle sibling does not" yes "$([ "$idle_before" -le 1 ] && echo yes || echo "no: $idle_before")"
[ $fails -eq 0 ] && echo "cpu-test: all passed" || { echo "cpu-test: $fails failed"; exit 1; }
