#!/usr/bin/env bash
# Scheduling benchmark of the sweep engine: many cheap trials (2-epoch synthetic ones) on 1, 2, 4 and 8
# (oversubscribed) ranks. Prints, per rank count: makespan, the ideal makespan (total trial time spread
# over the ranks that have a core of their own), the efficiency, and the coordinator's time per trial.
# The ideal makespan is the total trial time of the 1-rank run divided by min(ranks, cores): with more
# ranks than cores every trial runs slower, so the oversubscribed runs are judged against the work, not
# against their own inflated trial times.
# Usage: bench/schedule.sh [ADVX] [TRIALS]     (default build/advx, 48 trials)
set -euo pipefail
advx=$(readlink -f "${1:-build/advx}")
trials=${2:-48}
cores=$(nproc --all)  # not nproc: it obeys OMP_NUM_THREADS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_NUM_THREADS=1
cat >cheap.yaml <<YAML
name: schedule-bench
data: {format: synthetic, path: $tmp/data, users: 1500, items: 600, seed: 1}
attributes:
  gender: {type: categorical}
model: {latent: 16}
train: {epochs: 2, batch_size: 64}
adversaries:
  gender: {lambda: 0, heads: 2}
attackers: {epochs: 1}
replicates: $trials
YAML
# Generated before the timed runs, where the sweep looks for it (data.path/<options>).
"$advx" data synth --out "$tmp/data/users1500-items600-seed1" --users 1500 --items 600 --seed 1 >/dev/null
echo "machine: $cores cores, load $(cut -d' ' -f1-3 /proc/loadavg); $trials trials of 2 epochs each (synthetic 1500 users x 600 items)"
printf "%5s %10s %10s %10s %12s %14s\n" ranks makespan ideal efficiency "coord ms/t" "write ms/t"
for np in 1 2 4 8; do
  out=r$np.h5
  log=$(mpirun --oversubscribe -np $np "$advx" sweep cheap.yaml --out $out 2>&1)
  makespan=$(grep -oP "in \K[0-9.]+(?= s$)" <<<"$log" | tail -1)
  coord=$(grep -oP "coordinator: \K[0-9.]+" <<<"$log")
  write=$(grep -oP "\(\K[0-9.]+(?= ms of it writing)" <<<"$log")
  # Total trial time of the 1-rank run; the ideal spreads it over min(ranks, cores) busy cores.
  [[ $np -eq 1 ]] && total=$(/usr/bin/python3 -c "import h5py; print(sum(h5py.File('$out','r')['trials/wall_seconds'][()]))")
  busy=$((np < cores ? np : cores))
  ideal=$(python3 -c "print(f'{$total/$busy:.3f}')")
  eff=$(python3 -c "print(f'{100*$total/$busy/$makespan:.1f}%')")
  printf "%5s %10s %10s %10s %12s %14s\n" $np "$makespan" "$ideal" "$eff" "$coord" "$write"
done
