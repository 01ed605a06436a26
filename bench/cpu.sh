#!/usr/bin/env bash
# Copyright 2026 the Jarl authors
# SPDX-License-Identifier: Apache-2.0
# CPU accounting for bench/compare.sh (sourced; bench/cpu-test.sh tests it).
#
# A side of a benchmark run is a process tree: the process the script started and every
# live descendant (erl's erl_child_setup, a `timeout` wrapper's child, ...). Its CPU time
# is the sum, over those processes, of the fields utime, stime, cutime and cstime of
# /proc/PID/stat (proc(5)): a process's utime and stime already add up all its threads, and
# cutime and cstime hold the time of its children that ended and were reaped, so a child
# that ends during a phase is still counted. The unit is the clock tick (getconf CLK_TCK).

# cpu_tree_ticks ROOT_PID [PROC_DIR]: prints the CPU ticks of ROOT_PID and its live
# descendants, 0 when ROOT_PID is gone. PROC_DIR (default /proc) lets tests use a fake tree.
cpu_tree_ticks() {
  local root=$1 proc=${2:-/proc} files
  files=("$proc"/[0-9]*/stat)
  # the comm field (2) is in parentheses and may hold spaces and ')': the fields this
  # reads are counted from the last ") " of the line (state is then field 1, ppid 2,
  # utime 12, stime 13, cutime 14, cstime 15)
  cat "${files[@]}" 2>/dev/null | awk -v root="$root" '
    {
      pid = $1
      rest = $0
      if (!sub(/^.*\) /, "", rest)) next
      split(rest, f, " ")
      parent[pid] = f[2]
      ticks[pid] = f[12] + f[13] + f[14] + f[15]
    }
    END {
      if (!(root in ticks)) { print 0; exit }
      member[root] = 1
      grew = 1
      while (grew) {
        grew = 0
        for (p in parent) if (!(p in member) && (parent[p] in member)) { member[p] = 1; grew = 1 }
      }
      sum = 0
      for (p in member) sum += ticks[p]
      printf "%d\n", sum
    }'
}

# cpu_per_unit TICKS_BEFORE TICKS_AFTER HZ UNITS PER: CPU seconds between the two samples
# per PER units of work (1000000 small messages, 1000 round trips), with 3 decimals.
# Fails on a negative interval or a non-positive count.
cpu_per_unit() {
  awk -v b="$1" -v a="$2" -v hz="$3" -v n="$4" -v per="$5" 'BEGIN {
    if (a < b || n <= 0 || hz <= 0) { print "cpu_per_unit: bad sample " b " -> " a " for " n > "/dev/stderr"; exit 1 }
    printf "%.3f\n", (a - b) / hz / (n / per)
  }'
}
