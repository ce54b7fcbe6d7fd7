#!/usr/bin/env bash
# Gives one PostgreSQL cluster a CPU of its own on a small shared machine, for benchmarks whose figure is "what the loads
# do to the central database" (the nation and storm probes). `taskset` alone (the benchmarks' --central-cpu) cannot
# keep other users' processes off that CPU; a cpuset cgroup can, and every process forked later inherits it.
#
#   cpu-fence.sh on <postmaster pid> [cpu]   every process but that cluster's runs on the other CPU from now on
#   cpu-fence.sh off                         everything back in the root cpuset
#
# Needs root and a writable cgroup v1 cpuset hierarchy at /sys/fs/cgroup/cpuset (as on this machine). The cluster keeps
# the affinity the benchmark gave it (--central-cpu); its backends fork from the postmaster, so they stay with it.
set -euo pipefail
root=/sys/fs/cgroup/cpuset
fence=$root/bench-fence

case "${1:-}" in
on)
  postmaster=${2:?postmaster pid}
  cpu=${3:-0}
  other=$(( cpu == 0 ? 1 : 0 ))
  mkdir -p "$fence"
  echo "$other" > "$fence/cpuset.cpus"
  cat "$root/cpuset.mems" > "$fence/cpuset.mems"
  keep=" $postmaster $( (pgrep -P "$postmaster" || true) | tr "\n" " ") "
  moved=0
  while read -r pid; do
    [[ "$keep" == *" $pid "* ]] && continue
    # Kernel threads cannot move; processes that ended meanwhile are gone. Neither matters.
    echo "$pid" > "$fence/cgroup.procs" 2>/dev/null && moved=$((moved + 1)) || true
  done < "$root/cgroup.procs"
  echo "fenced: $moved processes on CPU $other; cluster $postmaster and its $(( $(wc -w <<< "$keep") - 1 )) processes keep CPU $cpu"
  ;;
off)
  [[ -d "$fence" ]] || { echo "no fence"; exit 0; }
  while read -r pid; do echo "$pid" > "$root/cgroup.procs" 2>/dev/null || true; done < "$fence/cgroup.procs"
  rmdir "$fence"
  echo "fence removed"
  ;;
*)
  echo "usage: $0 on <postmaster pid> [cpu] | off" >&2
  exit 2
  ;;
esac
