#!/usr/bin/env bash
# advx under a real SLURM controller (ctest label `slurm`): starts a one-node cluster on localhost
# (tests/slurm/cluster.sh; munge, slurmctld, slurmd from Debian's packages) in a temporary directory, then
#   1. a small synthetic sweep, as a script written by `advx slurm --ranks 2` and submitted with sbatch
#      from another directory, finishes with every trial in the file;
#   2. the same sweep as a job array of 3 shards (`advx slurm --array 3 --submit`) plus `advx merge` gives
#      the same trials and metrics; merge keeps each trial once and refuses shards of another sweep;
#   3. a job sent `scancel --signal=USR1 --batch` mid-sweep checkpoints, requeues itself and completes;
#      its log shows trials resumed from a checkpoint epoch > 0; every trial is in the file exactly once,
#      finished once, with the same metrics as an uninterrupted run;
#      3b. the same when USR1 comes before any trial has finished;
#   4. a plain `scancel` (SIGTERM) cancels the job for good (no requeue), and a resubmission resumes from
#      the checkpoints the ranks wrote on SIGTERM;
#   5. a job whose time limit (2 min) is shorter than the sweep gets USR1 before the limit, requeues
#      itself until the sweep is done, and gives the metrics of an uninterrupted run.
# Every wait is bounded; job logs are printed on failure. Set KEEP_TMP=1 to keep the temporary directory.
# Usage: test_slurm.sh ADVX SOURCE_DIR   (as root; needs slurm-wlm and munge: tests/slurm/install-slurm.sh)
set -u
[[ $# -eq 2 ]] || { echo "usage: $0 ADVX SOURCE_DIR" >&2; exit 2; }
advx=$(readlink -f "$1")
src=$(readlink -f "$2")
cluster_sh=$src/tests/slurm/cluster.sh
tmp=$(mktemp -d /tmp/advx-slurm-test.XXXXXX)
chmod 755 "$tmp"
cluster=$tmp/cluster
proj=$tmp/proj          # where `advx slurm` runs: the jobs' working directory, results under results/
sweeps=$tmp/sweeps      # the sweep files
elsewhere=$tmp/elsewhere  # where sbatch is run from
mkdir -p "$proj" "$sweeps" "$elsewhere"

# shellcheck source=../lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib.sh"

cleanup() {
  if [[ -n ${SLURM_CONF:-} ]] && "$cluster_sh" status "$cluster" 2>/dev/null; then
    scancel --full --quiet --user=root 2>/dev/null
    for _ in $(seq 150); do  # up to 15 s for the jobs to end
      [[ -z $(squeue -h -o %i 2>/dev/null) ]] && break
      sleep 0.1
    done
  fi
  "$cluster_sh" stop "$cluster" >/dev/null 2>&1
  # Anything still running from this test's directory (a job step slurmd left behind): by PID.
  local pids
  pids=$(pgrep -f "$tmp" | grep -vx $$ || true)
  [[ -n $pids ]] && kill -9 $pids 2>/dev/null
  if [[ ${KEEP_TMP:-0} == 1 ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

if ! "$cluster_sh" start "$cluster"; then
  echo "FAIL: the SLURM cluster does not start"
  echo "0 of 1 checks passed, 1 failed"
  exit 1
fi
# shellcheck source=/dev/null
source "$cluster/env.sh"
check "sinfo shows the node idle" test "$(sinfo -h -o %T)" = idle

write_sweep() {  # write_sweep FILE NAME EPOCHS FOLDS...: data path relative to the jobs' working directory
  local file=$1 name=$2 epochs=$3
  shift 3
  local folds
  folds=$(IFS=,; echo "$*")
  cat >"$file" <<YAML
name: $name
data: {format: synthetic, path: data, users: 600, items: 300, seed: 3}
attributes:
  gender: {type: categorical, class_weights: {f: 0.7, m: 0.3}}
  age: {type: continuous, target: zscore}
model: {latent: 16}
train: {epochs: $epochs, batch_size: 32}
adversaries:
  gender: {lambda: 0, heads: 2}
  age: {lambda: 0, heads: 2}
attackers: {epochs: 3}
grid:
  adversaries.gender.lambda: [0, 50, 400]
  split.fold: [$folds]
YAML
}
write_sweep "$sweeps/fast.yaml" slurm-fast 3 0 1 2
write_sweep "$sweeps/slow.yaml" slurm-slow 1000 0 1 2  # a few seconds per trial
fast_trials=9
slow_trials=9

rows() { "$advx" results "$1" --csv | tail -n +2 | sort; }
# Trials with a checkpoint (a failed or diverged trial has one CSV row with an empty checkpoint).
trial_count() { "$advx" results "$1" --csv 2>/dev/null | awk -F, 'NR > 1 && $3 != "" {print $1}' | sort -u | wc -l; }
duplicates() { "$advx" results "$1" --csv | tail -n +2 | cut -d, -f1,3 | sort | uniq -d | wc -l; }
trial_ids() { "$advx" results "$1" --csv | tail -n +2 | cut -d, -f1 | sort -u; }

job_states() { squeue -h -t all -j "$1" -o %T 2>/dev/null; }
# wait_job JOBID SECONDS: until every task of the job has ended, through requeues (a requeued job is
# PENDING with reason BeginTime for cred_expire = 10 s; forcing StartTime=now can relaunch it while the
# node still cleans up its previous run, and the launch then fails). 0 when all COMPLETED.
wait_job() {
  local jid=$1 limit=$2 start=$SECONDS states
  while ((SECONDS - start < limit)); do
    states=$(job_states "$jid")
    if [[ -n $states ]] && ! grep -qvE '^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)$' <<<"$states"; then
      ! grep -qv '^COMPLETED$' <<<"$states"
      return
    fi
    sleep 0.5
  done
  echo "job $jid did not end within $limit s; states: $(job_states "$jid" | sort | uniq -c | tr '\n' ' ')"
  return 1
}
# wait_for SECONDS command...: until the command succeeds
wait_for() {
  local limit=$1 start=$SECONDS
  shift
  while ((SECONDS - start < limit)); do
    "$@" && return 0
    sleep 0.2
  done
  return 1
}
has_trials() { [[ -f $1 ]] && [[ $(trial_count "$1") -ge $2 ]]; }
show_logs() {  # show_logs JOBID: the job's logs and the controller's view of it
  local f
  for f in "$proj"/results/logs/*"$1"*.log; do
    [[ -f $f ]] || continue
    echo "---- $f"
    cat "$f"
  done
  echo "---- scontrol show job $1"
  scontrol show job "$1" 2>&1 | head -n 40
  echo "---- slurmctld.log (last 20 lines)"
  tail -n 20 "$cluster/log/slurmctld.log"
}
no_placeholder_left() { ! grep -qE '@[A-Z_]+@' "$1"; }
batch_script_of() { sed -n 's/.*Submitted batch job \([0-9]\+\).*/\1/p'; }

# ---- 1. One MPI job, submitted from another directory.
echo "== 1. one MPI job (advx slurm --ranks 2, sbatch from another directory)"
cd "$proj" || exit 1
script=$("$advx" slurm ../sweeps/fast.yaml --out results/fast.h5 --ranks 2 --time 00:10:00)
check "advx slurm exits 0" test $? -eq 0
check "advx slurm prints the path of a script in the current directory" test -f "$script" -a "$(dirname "$script")" = "$proj"
check "the script has no placeholder left" no_placeholder_left "$script"
check "the script asks for 2 tasks" grep -q '^#SBATCH --ntasks=2$' "$script"
check "the script asks for requeue and a USR1 warning" grep -q '^#SBATCH --signal=B:USR1@[0-9]\+$' "$script"
check "the script is valid bash" bash -n "$script"
cd "$elsewhere" || exit 1
jid=$(sbatch --parsable "$script")
check "sbatch accepts the script" test -n "$jid"
if wait_job "$jid" 180; then ok=1; else ok=0; fi
check "the sweep job completes" test $ok -eq 1
log=$(ls "$proj"/results/logs/*-"$jid".log 2>/dev/null | head -n 1)
check "the job log is under results/logs" test -n "$log"
check "every trial is in the file" test "$(trial_count "$proj/results/fast.h5")" -eq $fast_trials
check "the job ran 2 ranks" grep -q "on 2 ranks" "$log"
check "the data set was made in the job's working directory" test -f "$proj/data/users600-items300-seed3/ratings.dat"
check "nothing was written where sbatch ran" test -z "$(ls -A "$elsewhere")"
[[ $failures -gt 0 ]] && show_logs "$jid"

# ---- 2. The same sweep as a job array of 3 shards, submitted by advx slurm --submit, then merged.
echo "== 2. job array of 3 shards (advx slurm --array 3 --submit) + advx merge"
failures_before=$failures
cd "$proj" || exit 1
submitted=$("$advx" slurm ../sweeps/fast.yaml --out results/arr.h5 --array 3 --time 00:10:00 --submit)
check "advx slurm --array 3 --submit exits 0" test $? -eq 0
ajid=$(batch_script_of <<<"$submitted")
check "advx slurm --submit submits the job" test -n "$ajid"
array_script=$(grep '\.sbatch$' <<<"$submitted" | head -n 1)
check "advx slurm --submit prints the script path first, then sbatch's line" test "$(head -n 1 <<<"$submitted")" = "$array_script"
check "the array script has no placeholder left" no_placeholder_left "$array_script"
check "the array script asks for 3 tasks" grep -qE '^#SBATCH --array=(0-2|1-3)$' "$array_script"
if [[ -n $ajid ]] && wait_job "$ajid" 240; then ok=1; else ok=0; fi
check "every array task completes" test $ok -eq 1
check "the array has 3 tasks" test "$(job_states "$ajid" | wc -l)" -eq 3
shards=("$proj"/results/arr.shard-{0,1,2}.h5)
for s in "${shards[@]}"; do check "shard file $(basename "$s") exists" test -f "$s"; done
check "the shards hold 3 trials each" test "$(for s in "${shards[@]}"; do trial_count "$s"; done | tr '\n' ' ')" = "3 3 3 "
"$advx" merge --out results/merged.h5 "${shards[@]}" >merge.txt 2>&1
check "advx merge exits 0" test $? -eq 0
check "merged file holds every trial" test "$(trial_count results/merged.h5)" -eq $fast_trials
check "array + merge gives the trial ids of the single job" cmp -s <(trial_ids results/fast.h5) <(trial_ids results/merged.h5)
check "array + merge gives the rows (metrics) of the single job" cmp -s <(rows results/fast.h5) <(rows results/merged.h5)
"$advx" merge --out results/merged2.h5 "${shards[0]}" "${shards[1]}" "${shards[0]}" "${shards[2]}" "${shards[1]}" >merge2.txt 2>&1
check "merging a shard twice exits 0" test $? -eq 0
check "merging a shard twice keeps each trial once" test "$(duplicates results/merged2.h5)" -eq 0 -a "$(trial_count results/merged2.h5)" -eq $fast_trials
"$advx" merge --out results/merged.h5 "${shards[@]}" >merge3.txt 2>&1
check "merging again into the merged file adds nothing" test "$(rows results/merged.h5 | wc -l)" -eq "$(rows results/fast.h5 | wc -l)"
# A shard of another sweep (a non-grid setting changed) is refused, and the output is not written.
"$advx" sweep ../sweeps/fast.yaml --set train.lr=0.01 --shard 0/3 --out results/other.shard-0.h5 >other.txt 2>&1
"$advx" merge --out results/mixed.h5 "${shards[0]}" results/other.shard-0.h5 >mixed.txt 2>&1
check "merging shards of different sweeps is refused with exit 2" test $? -eq 2
check "the refused merge writes no file" test ! -e results/mixed.h5
if [[ $failures -gt $failures_before ]]; then
  show_logs "$ajid"
  cat merge.txt merge2.txt mixed.txt
fi

# ---- 3. Preemption: USR1 to the batch shell mid-sweep → checkpoint, requeue, resume, complete.
echo "== 3. preemption: scancel --signal=USR1 --batch mid-sweep"
failures_before=$failures
cd "$proj" || exit 1
script=$("$advx" slurm ../sweeps/slow.yaml --out results/slow.h5 --ranks 2 --time 00:20:00)
cd "$elsewhere" || exit 1
pjid=$(sbatch --parsable "$script")
check "sbatch accepts the slow sweep" test -n "$pjid"
check "a first trial of the slow sweep is written (within 120 s)" wait_for 120 has_trials "$proj/results/slow.h5" 1
before_signal=$(trial_count "$proj/results/slow.h5")
scancel --signal=USR1 --batch "$pjid"
check "scancel --signal=USR1 --batch is accepted" test $? -eq 0
if wait_job "$pjid" 300; then ok=1; else ok=0; fi
check "the preempted job completes" test $ok -eq 1
plog=$(ls "$proj"/results/logs/*-"$pjid".log 2>/dev/null | head -n 1)
restarts=$(scontrol show job "$pjid" | sed -n 's/.*Restarts=\([0-9]\+\).*/\1/p')
check "the job was requeued once (Restarts=$restarts)" test "${restarts:-0}" -eq 1
check "the log shows the second run (restart 1)" grep -q "restart 1 on" "$plog"
check "the log keeps the first run (open-mode append)" grep -q "restart 0 on" "$plog"
check "the batch shell received USR1" grep -q "received SIGUSR1" "$plog"
# "resumed trial <id> [(grid values)] from checkpoint epoch <E>"
epochs=$(grep -oE 'resumed trial [0-9a-f]+( \([^)]*\))? from checkpoint epoch [0-9]+' "$plog" | awk '{print $NF}')
check "the log shows trials resumed from a checkpoint" test -n "$epochs"
check "every resumed trial continues from an epoch > 0 ($(echo $epochs))" test -n "$epochs" -a -z "$(awk '$1 <= 0' <<<"$epochs")"
check "the signal came mid-sweep ($before_signal of $slow_trials done)" test "$before_signal" -lt $slow_trials
check "every trial is in the file" test "$(trial_count "$proj/results/slow.h5")" -eq $slow_trials
check "no duplicate rows" test "$(duplicates "$proj/results/slow.h5")" -eq 0
finished_lines=$(grep -cE '^\[[0-9]+/[0-9]+\] (ok|diverged|failed) ' "$plog")
check "each trial finished once across both runs ($finished_lines progress lines)" test "$finished_lines" -eq $slow_trials
check "no checkpoint is left once every trial is done" test -z "$(ls -A "$proj/results/slow.h5.ckpt" 2>/dev/null)"
# The same sweep without interruption (plain mpirun, same thread count) gives the same metrics.
reference_run() {  # reference_run SWEEP OUT: an uninterrupted run under plain mpirun; prints its wall ms
  local t0=${EPOCHREALTIME/./}
  (cd "$proj" && OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
    mpirun -np 2 --bind-to none "$advx" sweep "$1" --out "$2" --threads 1 >"$tmp/ref-$(basename "$2").txt" 2>&1) || return 1
  echo $(((${EPOCHREALTIME/./} - t0) / 1000))
}
slow_ms=$(reference_run ../sweeps/slow.yaml results/slow-ref.h5)
check "the uninterrupted reference run exits 0 (${slow_ms:-?} ms)" test -n "$slow_ms"
check "resumed trials give the metrics of an uninterrupted run" cmp -s <(rows "$proj/results/slow.h5") <(rows "$proj/results/slow-ref.h5")
# A long sweep for 3b and 5, sized from this machine's measured speed so that it lasts ~130 s. In 5 it runs
# under a 2 min limit with the warning 30 s before the end: Slurm checks limits every 30 s and may send
# the warning up to a minute early, so each run lasts 30–90 s, and the sweep must outlast the longest
# first run (sized for ~90 s, a sweep on a quiet host once finished in 85 s, before any warning)
# (a 1 min limit would let the warning come at any second of a run — seen: 6 s per run, 3 s of progress,
# a sweep that could not finish within the test's wait). In 3b no trial may finish in the second before
# USR1. The slow sweep's wall time holds fixed costs
# (mpirun start-up, data, attackers) besides its 1000 epochs; a 1-epoch run of it measures those.
write_sweep "$sweeps/probe.yaml" slurm-probe 1 0 1 2
probe_ms=$(reference_run ../sweeps/probe.yaml results/probe.h5)
train_ms=$((${slow_ms:-10000} - ${probe_ms:-0}))
((train_ms < 500)) && train_ms=500
long_epochs=$((1000 * 130000 / train_ms))
((long_epochs < 1000)) && long_epochs=1000
write_sweep "$sweeps/long.yaml" slurm-long "$long_epochs" 0 1 2
long_ms=$(reference_run ../sweeps/long.yaml results/long-ref.h5)
check "the long sweep's reference run exits 0 ($long_epochs epochs, ${long_ms:-?} ms; fixed costs ${probe_ms:-?} ms)" \
  test -n "$long_ms"
check "the long sweep outlasts a first run under the 2 min limit (${long_ms:-?} ms > 100 s)" test "${long_ms:-0}" -gt 100000
if [[ $failures -gt $failures_before ]]; then
  show_logs "$pjid"
  diff <(rows "$proj/results/slow.h5") <(rows "$proj/results/slow-ref.h5") | head -n 20
fi

# ---- 3b. Preemption before any trial has finished (the file holds no trial yet when the job stops).
echo "== 3b. preemption before the first trial finishes"
failures_before=$failures
cd "$proj" || exit 1
script=$("$advx" slurm ../sweeps/long.yaml --out results/early.h5 --ranks 2 --time 00:20:00)
cd "$elsewhere" || exit 1
ejid=$(sbatch --parsable "$script")
elog=$proj/results/logs/advx-slurm-long-$ejid.log
check "the early-preempted sweep starts (within 60 s)" wait_for 60 grep -qs '^sweep ' "$elog"
sleep 1
scancel --signal=USR1 --batch "$ejid"
check "no trial had finished when USR1 came" test "$(grep -cE '^\[[0-9]+/[0-9]+\] ' "$elog")" -eq 0
if wait_job "$ejid" 300; then ok=1; else ok=0; fi
check "the job preempted before its first trial completes" test $ok -eq 1
check "it resumed trials from a checkpoint epoch > 0" \
  grep -qE 'resumed trial [0-9a-f]+( \([^)]*\))? from checkpoint epoch [1-9][0-9]*' "$elog"
check "every trial is in the file" test "$(trial_count "$proj/results/early.h5")" -eq $slow_trials
check "same metrics as an uninterrupted run" cmp -s <(rows "$proj/results/early.h5") <(rows "$proj/results/long-ref.h5")
[[ $failures -gt $failures_before ]] && show_logs "$ejid"

# ---- 4. A plain scancel (SIGTERM to every process of the job) cancels for good; resubmitting resumes.
echo "== 4. plain scancel, then resubmit"
failures_before=$failures
rm -rf "$proj/results/slow.h5" "$proj/results/slow.h5.ckpt"
cd "$proj" || exit 1
script=$("$advx" slurm ../sweeps/slow.yaml --out results/slow.h5 --ranks 2 --time 00:20:00)  # (one script per sweep name)
cd "$elsewhere" || exit 1
cjid=$(sbatch --parsable "$script")
check "a first trial is written before scancel (within 120 s)" wait_for 120 has_trials "$proj/results/slow.h5" 1
scancel "$cjid"
wait_job "$cjid" 60 >/dev/null
check "scancel cancels the job" test "$(job_states "$cjid")" = CANCELLED
sleep 3  # a requeue would show up as PENDING again
check "a cancelled job is not requeued" test "$(job_states "$cjid")" = CANCELLED
check "the file opens after scancel" "$advx" results "$proj/results/slow.h5" >/dev/null
rjid=$(sbatch --parsable "$script")
if wait_job "$rjid" 300; then ok=1; else ok=0; fi
check "the resubmitted job completes" test $ok -eq 1
check "every trial is in the file after cancel + resubmit" test "$(trial_count "$proj/results/slow.h5")" -eq $slow_trials
check "no duplicate rows after cancel + resubmit" test "$(duplicates "$proj/results/slow.h5")" -eq 0
rlog=$(ls "$proj"/results/logs/*-"$rjid".log 2>/dev/null | head -n 1)
check "SIGTERM checkpointed: the resubmitted job resumes from a checkpoint epoch > 0" \
  grep -qE 'resumed trial [0-9a-f]+( \([^)]*\))? from checkpoint epoch [1-9][0-9]*' "$rlog"
[[ $failures -gt $failures_before ]] && { show_logs "$cjid"; show_logs "$rjid"; }

# ---- 5. A time limit shorter than the sweep: USR1 before the limit (--signal=B:USR1@30), requeue, resume.
echo "== 5. time limit (2 min, warning 30 s before) shorter than the sweep"
failures_before=$failures
cd "$proj" || exit 1
script=$("$advx" slurm ../sweeps/long.yaml --out results/limited.h5 --ranks 2 --time 00:02:00 --warn-seconds 30)
check "the script asks for a 2 minute limit and USR1 30 s before" \
  grep -qzE -- '--time=00:02:00.*--signal=B:USR1@30' "$script"
cd "$elsewhere" || exit 1
ljid=$(sbatch --parsable "$script")
if wait_job "$ljid" 600; then ok=1; else ok=0; fi
check "the time-limited job completes" test $ok -eq 1
llog=$(ls "$proj"/results/logs/*-"$ljid".log 2>/dev/null | head -n 1)
restarts=$(scontrol show job "$ljid" | sed -n 's/.*Restarts=\([0-9]\+\).*/\1/p')
check "the time-limited job requeued itself (Restarts=$restarts)" test "${restarts:-0}" -ge 1
check "it resumed trials from a checkpoint epoch > 0" \
  grep -qE 'resumed trial [0-9a-f]+( \([^)]*\))? from checkpoint epoch [1-9][0-9]*' "$llog"
check "every trial is in the time-limited file" test "$(trial_count "$proj/results/limited.h5")" -eq $slow_trials
check "no duplicate rows in the time-limited file" test "$(duplicates "$proj/results/limited.h5")" -eq 0
finished_lines=$(grep -cE '^\[[0-9]+/[0-9]+\] (ok|diverged|failed) ' "$llog")
check "each trial finished once across all runs ($finished_lines progress lines)" test "$finished_lines" -eq $slow_trials
check "the time-limited runs give the metrics of an uninterrupted run" \
  cmp -s <(rows "$proj/results/limited.h5") <(rows "$proj/results/long-ref.h5")
check "the job was never killed at the limit" bash -c "! grep -q 'DUE TO TIME LIMIT' '$llog'"
[[ $failures -gt $failures_before ]] && show_logs "$ljid"

finish
