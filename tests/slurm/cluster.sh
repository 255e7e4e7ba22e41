#!/usr/bin/env bash
# A one-node SLURM cluster on localhost, from Debian's packages (slurm-wlm, munge; see install-slurm.sh).
#
#   cluster.sh start DIR   starts a private munged, slurmctld and slurmd whose configuration, state, logs,
#                          sockets and pid files all live under DIR; waits until the node is idle; writes
#                          DIR/env.sh (source it: exports SLURM_CONF for sbatch, squeue, scontrol, ...)
#   cluster.sh stop DIR    stops the daemons that `start DIR` started, by the PIDs in DIR/run/
#   cluster.sh status DIR  exit 0 if all three daemons of DIR run
#
# The node is this machine (`hostname -s`), with CPUs from `nproc` and RealMemory from /proc/meminfo minus
# a margin; one partition `debug`. Requeued jobs become eligible again after a few seconds
# (cred_expire=10 instead of 120). Ports: 6817/6818, or the next free pair. Runs as root (SlurmUser=root).
# Nothing outside DIR is touched: munged gets its own key and socket, so a system munge/SLURM is left alone.
set -euo pipefail

usage() { echo "usage: $0 start|stop|status DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
cmd=$1
case $cmd in
  start) mkdir -p "$2" ;;
  stop | status) [[ -d $2 ]] || { echo "cluster.sh: no cluster directory $2" >&2; exit 1; } ;;
  *) usage ;;
esac
dir=$(cd "$2" && pwd -P)
conf=$dir/slurm.conf
run=$dir/run
log=$dir/log
daemons=(munged slurmctld slurmd)

pid_of() {  # pid_of DAEMON: the running PID recorded for DAEMON under DIR, or nothing
  local f=$run/$1.pid pid
  [[ -s $f ]] || return 0
  pid=$(<"$f")
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  # The PID must still be that daemon (PIDs are reused): check its command name.
  [[ -r /proc/$pid/comm && $(</proc/$pid/comm) == "$1" ]] && echo "$pid"
  return 0
}

show_logs() {
  local f
  for f in "$log"/*.log; do
    [[ -f $f ]] || continue
    echo "---- $f (last 40 lines)" >&2
    tail -n 40 "$f" >&2
  done
}

stop() {
  local d pid pids=()
  for d in slurmd slurmctld munged; do
    pid=$(pid_of "$d")
    if [[ -n $pid ]]; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
  done
  # Wait up to 10 s for them to go, then SIGKILL whatever is left (still by PID).
  for _ in $(seq 100); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ $alive -eq 0 ]] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null; done
  for d in "${daemons[@]}"; do rm -f "$run/$d.pid"; done
  echo "cluster in $dir stopped (${#pids[@]} daemons)"
}

port_free() {  # nothing listens on TCP port $1 (ss from iproute2, else a connection attempt)
  if command -v ss >/dev/null; then
    ! ss -Htln "sport = :$1" | grep -q .
  else
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
  fi
}

start() {
  local d running=()
  for d in "${daemons[@]}"; do [[ -n $(pid_of "$d") ]] && running+=("$d"); done
  if [[ ${#running[@]} -gt 0 ]]; then
    echo "cluster.sh: ${running[*]} of $dir already running; run '$0 stop $dir' first" >&2
    exit 1
  fi
  for d in munged mungekey slurmctld slurmd sinfo; do
    command -v "$d" >/dev/null || { echo "cluster.sh: $d not found; run tests/slurm/install-slurm.sh" >&2; exit 1; }
  done
  [[ $(id -u) -eq 0 ]] || { echo "cluster.sh: must run as root (SlurmUser=root)" >&2; exit 1; }

  mkdir -p "$run" "$log" "$dir/ctld" "$dir/d" "$dir/munge"
  # munged refuses a socket directory writable by others, and clients (job steps of any user) must reach
  # the socket; the key itself is mode 400.
  chmod 755 "$dir" "$dir/munge"
  chmod 700 "$run"

  local host cpus mem_mb margin ctld_port=6817
  host=$(hostname -s)
  cpus=$(nproc)
  mem_mb=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
  margin=$((mem_mb / 20 > 512 ? mem_mb / 20 : 512))  # 5 %, at least 512 MB: slurmd drains a node whose
  mem_mb=$((mem_mb - margin))                        # configured memory exceeds what it measures
  while ! port_free $ctld_port || ! port_free $((ctld_port + 1)); do
    ctld_port=$((ctld_port + 2))
    [[ $ctld_port -lt 6917 ]] || { echo "cluster.sh: no free port pair in 6817-6916" >&2; exit 1; }
  done

  # munge: a private key and socket (mungekey -c writes a fresh random key).
  local key=$dir/munge/munge.key socket=$dir/munge/munge.socket
  [[ -f $key ]] || mungekey -c -f -k "$key"
  chmod 400 "$key"
  munged --force --socket="$socket" --key-file="$key" --pid-file="$run/munged.pid" \
    --log-file="$log/munged.log" --seed-file="$dir/munge/munged.seed"

  cat >"$conf" <<CONF
# Written by tests/slurm/cluster.sh: a one-node test cluster, everything under $dir
ClusterName=advxtest
SlurmctldHost=$host
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# cred_expire: a requeued job waits this long (default 120 s) before it may start again.
AuthInfo=socket=$socket,cred_expire=10
StateSaveLocation=$dir/ctld
SlurmdSpoolDir=$dir/d
SlurmctldPidFile=$run/slurmctld.pid
SlurmdPidFile=$run/slurmd.pid
SlurmctldLogFile=$log/slurmctld.log
SlurmdLogFile=$log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobRequeue=1
# Keep finished jobs visible to scontrol/squeue for 10 minutes (no accounting database here);
# finished jobs are also appended to log/jobcomp.txt.
MinJobAge=600
JobCompType=jobcomp/filetxt
JobCompLoc=$log/jobcomp.txt
NodeName=$host CPUs=$cpus RealMemory=$mem_mb State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
  cat >"$dir/env.sh" <<ENV
export SLURM_CONF=$conf
ENV
  export SLURM_CONF=$conf

  # -i: ignore saved state, so a reused DIR starts with an empty queue.
  slurmctld -i -f "$conf"
  slurmd -f "$conf"

  local state=""
  for _ in $(seq 300); do  # up to 30 s
    state=$(sinfo -h -o %T 2>/dev/null | head -n 1 || true)
    [[ $state == idle ]] && break
    sleep 0.1
  done
  if [[ $state != idle ]]; then
    echo "cluster.sh: node not idle after 30 s (sinfo says '${state:-nothing}')" >&2
    for d in "${daemons[@]}"; do
      [[ -n $(pid_of "$d") ]] && echo "  $d running" >&2 || echo "  $d NOT running" >&2
    done
    show_logs
    stop >&2
    exit 1
  fi
  echo "cluster in $dir up: node $host, $cpus CPUs, ${mem_mb} MB, ports $ctld_port/$((ctld_port + 1))"
  echo "export SLURM_CONF=$conf"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  status)
    for d in "${daemons[@]}"; do [[ -n $(pid_of "$d") ]] || exit 1; done
    exit 0
    ;;
  *) usage ;;
esac
