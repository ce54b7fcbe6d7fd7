#!/usr/bin/env bash
# Gives one PostgreSQL cluster a CPU of its own on a small shared machine, for benchmarks whose figure is "what the loads
# do to the central database" (the nation and storm probes). `taskset` alone (the benchmarks' --central-cpu) cannot
# keep other users' processes off that CPU; a cpuset cgroup can, and every process forked later inherits it.
#
#   cpu-fence.sh on <postmaster pid> [cpu] [benchmark pid]
#        every process but that cluster's runs on the other CPU from now on; with a benchmark pid, every process that
#        does not descend from it (other users' builds and tests) also gets a low CPU weight (cpu.shares 16 against
#        1024), so the benchmark's own clients, function app and Azurite on that other CPU are not slowed by them either
#   cpu-fence.sh weight <benchmark pid> <postmaster pid>
#        only the low CPU weight for every process not descended from the benchmark or that cluster (no CPU set aside;
#        the cluster is named because pg_ctl detaches it from the benchmark's process tree)
#   cpu-fence.sh favour <postmaster pid>
#        the low CPU weight for every process but that cluster, the benchmark's own function app and clients included:
#        the cluster gets every CPU it asks for, as a server of that many cores would; the rest runs on what it leaves
#   cpu-fence.sh off                         everything back in the root cgroups
#
# Needs root and writable cgroup v1 cpuset and cpu hierarchies at /sys/fs/cgroup/{cpuset,cpu} (as on this machine). The cluster keeps
# the affinity the benchmark gave it (--central-cpu); its backends fork from the postmaster, so they stay with it.
set -euo pipefail
root=/sys/fs/cgroup/cpuset
fence=$root/bench-fence
cpu_root=/sys/fs/cgroup/cpu
background=$cpu_root/bench-background

descendants() {
  local pid
  for pid in $( (pgrep -P "$1" || true) ); do echo "$pid"; descendants "$pid"; done
}

# weigh <pid>...: every process but these and their descendants gets the low weight.
weigh() {
  local benchmark="" pid weighted=0
  for pid in "$@"; do benchmark+=" $pid $(descendants "$pid" | tr '\n' ' ')"; done
  benchmark+=" "
  mkdir -p "$background"
  echo 16 > "$background/cpu.shares"
  # SCHED_IDLE for the group where the kernel has it (cpu.idle, Linux 5.15+): a waking process outside the group
  # takes the CPU at once instead of waiting for the running one's time slice (a few ms), which a latency probe sees.
  if [[ -f "$background/cpu.idle" ]]; then echo 1 > "$background/cpu.idle"; fi
  for pid in $(cat "$cpu_root/cgroup.procs"); do
    [[ "$benchmark" == *" $pid "* ]] && continue
    echo "$pid" > "$background/cgroup.procs" 2>/dev/null && weighted=$((weighted + 1)) || true
  done
  echo "background: $weighted processes at cpu.shares 16$( [[ -f "$background/cpu.idle" ]] && echo ", cpu.idle 1"); $(( $(wc -w <<< "$benchmark") )) kept at 1024"
}

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
  # Each list is read whole first: moving processes out of a cgroup while reading its cgroup.procs skips some.
  for pid in $(cat "$root/cgroup.procs"); do
    [[ "$keep" == *" $pid "* ]] && continue
    # Kernel threads cannot move; processes that ended meanwhile are gone. Neither matters.
    echo "$pid" > "$fence/cgroup.procs" 2>/dev/null && moved=$((moved + 1)) || true
  done
  echo "fenced: $moved processes on CPU $other; cluster $postmaster and its $(( $(wc -w <<< "$keep") - 1 )) processes keep CPU $cpu"
  # Alone on its CPU, the cluster needs no weight; keeping it out of the background costs nothing either.
  if [[ -n "${4:-}" ]]; then weigh "$4" "$postmaster"; fi
  ;;
weight)
  weigh "${2:?benchmark pid}" "${3:?postmaster pid}"
  ;;
favour)
  weigh "${2:?postmaster pid}"
  ;;
off)
  if [[ -d "$background" ]]; then
    # The list is read whole first: moving processes out of a cgroup while reading its cgroup.procs skips some.
    # Processes fork while they are moved: repeat until the group is empty.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      for pid in $(cat "$background/cgroup.procs"); do echo "$pid" > "$cpu_root/cgroup.procs" 2>/dev/null || true; done
      rmdir "$background" 2>/dev/null && break
    done
  fi
  if [[ -d "$fence" ]]; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      for pid in $(cat "$fence/cgroup.procs"); do echo "$pid" > "$root/cgroup.procs" 2>/dev/null || true; done
      rmdir "$fence" 2>/dev/null && break
    done
  fi
  [[ -d "$fence" || -d "$background" ]] && { echo "fence not removed: processes keep forking into it; run again" >&2; exit 1; }
  echo "fence removed"
  ;;
*)
  echo "usage: $0 on <postmaster pid> [cpu] [benchmark pid] | weight <benchmark pid> <postmaster pid> | favour <postmaster pid> | off" >&2
  exit 2
  ;;
esac
