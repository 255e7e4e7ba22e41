#!/usr/bin/env bash
# Real `mpirun` runs of a small synthetic sweep (ctest label `mpi`):
#   1. -np 1, -np 2 and an oversubscribed -np 5 give the same metrics for every trial;
#   2. a second run into the same file adds no rows;
#   3. a worker killed with SIGKILL makes mpirun fail, and the rerun completes every trial exactly once;
#   4. a coordinator killed with SIGKILL at random moments leaves a file that opens with every
#      acknowledged trial (rows never disappear), and the rerun completes the sweep.
#   5. the pandas/h5py recipe of results/SCHEMA.md reads the file;
#   and: data that does not load is one error before any file exists; one writer per result file.
# Usage: test_mpi_sweep.sh ADVX SCHEMA_MD
set -u
advx=$(readlink -f "$1")
schema=$(readlink -f "$2")
tmp=$(mktemp -d)
trap 'pkill -9 -f "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
# shellcheck source=../lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib.sh"

write_sweep() {  # write_sweep FILE EPOCHS
  cat >"$1" <<YAML
name: mpi-test
data: {format: synthetic, path: $tmp/data, users: 600, items: 300, seed: 3}
attributes:
  gender: {type: categorical, class_weights: {f: 0.7, m: 0.3}}
  age: {type: continuous, target: zscore}
model: {latent: 16}
train: {epochs: $2, batch_size: 32}
adversaries:
  gender: {lambda: 0, heads: 2}
  age: {lambda: 0, heads: 2}
attackers: {epochs: 3}
grid:
  adversaries.gender.lambda: [0, 50, 400]
  split.fold: [0, 1, 2]
YAML
}
write_sweep fast.yaml 3
write_sweep slow.yaml 1000  # ≈ 2 s per trial: signals and kills land mid-sweep
planned=9

# Rows of a result file as sorted CSV without timing columns (the CSV has none: metrics only).
rows() { "$advx" results "$1" --csv | tail -n +2 | sort; }
# Trials with a checkpoint (a failed or diverged trial has one CSV row with an empty checkpoint).
trial_count() { "$advx" results "$1" --csv | awk -F, 'NR > 1 && $3 != "" {print $1}' | sort -u | wc -l; }
opens() { "$advx" results "$1" >/dev/null; }
duplicates() { "$advx" results "$1" --csv | tail -n +2 | cut -d, -f1,3 | sort | uniq -d | wc -l; }

# 1. Same numbers on 1, 2 and 5 ranks.
for np in 1 2 5; do
  mpirun -np $np "$advx" sweep fast.yaml --out r$np.h5 >log$np.txt 2>&1
  check "sweep on $np ranks exits 0" test $? -eq 0
done
check "every trial recorded" test "$(trial_count r1.h5)" -eq $planned
check "np 1 and np 2 give identical rows" cmp -s <(rows r1.h5) <(rows r2.h5)
check "np 1 and np 5 give identical rows" cmp -s <(rows r1.h5) <(rows r5.h5)
# Every trial's seed in the CSV is the one advx plan prints (unsigned, whatever its size).
"$advx" plan fast.yaml | awk 'NR > 1 && NF >= 3 && $2 ~ /^[0-9a-f]+$/ {print $2 "," $3}' | sort >plan-seeds.txt
check "plan --json gives each seed as text too, the one plan prints" \
  cmp -s plan-seeds.txt <("$advx" plan fast.yaml --json | /usr/bin/python3 -c '
import json, sys
for t in json.load(sys.stdin)["trials"]:
    assert t["seed_text"] == str(t["seed"])
    print(t["id"] + "," + t["seed_text"])' | sort)
"$advx" results r1.h5 --csv | awk -F, -v col="$(("$(head -1 <("$advx" results r1.h5 --csv) | tr , '\n' | grep -nx seed | cut -d: -f1)"))" \
  'NR > 1 {print $1 "," $col}' | sort -u >csv-seeds.txt
check "results --csv gives each trial the seed advx plan prints ($(wc -l <plan-seeds.txt) trials)" \
  bash -c "test -s plan-seeds.txt && cmp -s plan-seeds.txt csv-seeds.txt"
check "progress lines name done/total and ETA" grep -q "\[9/9\].*ETA" log2.txt

# 2. Rerun: nothing new.
before=$(rows r2.h5 | wc -l)
cp r2.h5 r2-before.h5
mpirun -np 2 "$advx" sweep fast.yaml --out r2.h5 >rerun.txt 2>&1
check "rerun exits 0" test $? -eq 0
check "rerun runs nothing" grep -q "$planned already in r2.h5, 0 to run" rerun.txt
check "a rerun with nothing to run leaves the file as it was (its /analysis too)" cmp -s r2.h5 r2-before.h5
{ cat fast.yaml; echo "# a comment"; } >fast-commented.yaml
mpirun -np 2 "$advx" sweep fast-commented.yaml --out r2.h5 --set threads=2 >cosmetic.txt 2>&1
check "a rerun whose sweep file differs only in a comment and the thread count exits 0" test $? -eq 0
check "and runs nothing" grep -q "$planned already in r2.h5, 0 to run" cosmetic.txt
check "and leaves the file as it was too" cmp -s r2.h5 r2-before.h5
mpirun -np 2 "$advx" sweep fast.yaml --out r2.h5 --set 'grid.split.fold=[0]' >shrunk.txt 2>&1
check "a smaller grid whose trials are all in the file runs nothing" grep -q "3 trials, 3 already in r2.h5, 0 to run" shrunk.txt
check "and records its overrides (the header says what the last run was)" \
  eval '"$advx" results r2.h5 | grep -q -- "--set grid.split.fold=\[0\]"'
mpirun -np 2 "$advx" sweep fast.yaml --out r2.h5 --set 'grid.split.fold=[1]' >moved-fold.txt 2>&1
check "another grid of the same size whose trials are all in the file runs nothing" \
  grep -q "3 trials, 3 already in r2.h5, 0 to run" moved-fold.txt
check "and records its plan" eval '"$advx" results r2.h5 | grep -q -- "--set grid.split.fold=\[1\]"'
cp r2.h5 r3.h5
mpirun -np 2 "$advx" sweep fast.yaml --out r3.h5 --set 'grid.split.fold=[0, 3]' >moved.txt 2>&1
check "another grid runs only its new trials" grep -q "6 trials, 3 already in r3.h5, 3 to run" moved.txt
check "results counts the earlier grid's rows too" \
  eval '"$advx" results r3.h5 | grep -q "12 trials recorded (6 planned by the last run, the others from grid points"'
check "analyze notes those rows too" \
  eval '"$advx" analyze r3.h5 | grep -q "note: r3.h5 holds 12 trials; its last run planned 6"'
check "in a machine format the note goes to stderr" \
  eval '"$advx" analyze r3.h5 --format csv 2>&1 >/dev/null | grep -q "note: r3.h5 holds 12 trials"'
"$advx" analyze r3.h5 --format csv >analyze-r3.csv 2>/dev/null
check "and not to stdout" eval 'test -s analyze-r3.csv && ! grep -q "note:" analyze-r3.csv'
"$advx" analyze r1.h5 >analyze-r1.txt 2>&1
check "a file whose rows are all planned gets no note" eval 'grep -q "First front" analyze-r1.txt && ! grep -q "^note:" analyze-r1.txt'
check "rerun adds no rows" test "$(rows r2.h5 | wc -l)" -eq "$before"

# A different sweep into the same file is refused (exit 2, file untouched); --new moves it aside.
mpirun -np 1 "$advx" sweep fast.yaml --out r2.h5 --set train.lr=0.01 >other.txt 2>&1
check "another sweep is refused with exit 2" test $? -eq 2
check "refusal names --new" grep -q -- "--new" other.txt
check "refusal names the changed setting" grep -q "another sweep (train.lr: 0.001 → 0.01)" other.txt
check "refused file untouched" test "$(rows r2.h5 | wc -l)" -eq "$before"
# A directory of --out that does not exist is created, and the log says so (a typo shows at once).
mpirun -np 1 "$advx" sweep fast.yaml --out sub/dir/n.h5 --set 'grid.split.fold=[0]' >newdir.txt 2>&1
check "a sweep into a new directory says it created it" grep -q "^created the directory sub/dir for --out$" newdir.txt
check "and writes its file there" test -s sub/dir/n.h5
# A file whose header reads but whose trials do not (a damaged dataset) is refused with --new as the way out.
cp r1.h5 damaged.h5
/usr/bin/python3 -c "
import h5py
with h5py.File('damaged.h5', 'r+') as f:
    del f['trials/replicate']
    f.create_group('trials/replicate')
"
cp damaged.h5 damaged-before.h5
mpirun -np 1 "$advx" sweep fast.yaml --out damaged.h5 >damaged.txt 2>&1
check "a result file with a damaged dataset is refused with exit 2" test $? -eq 2
check "naming the dataset and --new" \
  grep -q "damaged.h5: /trials/replicate cannot be opened as a dataset (damaged file?); pass --new to move it aside" damaged.txt
check "and left as it was" cmp -s damaged.h5 damaged-before.h5
mpirun -np 1 "$advx" sweep fast.yaml --out r2.h5 --set 'grid.train.epochs=[3, 4]' >axis.txt 2>&1
check "a fixed setting made a grid axis is another sweep, and the refusal says so" \
  grep -q "another sweep (train.epochs: fixed 3 → grid axis)" axis.txt
# A relative data.path is read from the working directory: resuming from another one is refused before
# any data is read there, and the file stays as it was.
"$advx" data synth --out rel-data --users 300 --items 150 >/dev/null
cat >rel.yaml <<YAML
name: rel
data: {format: movielens-1m, path: rel-data}
attributes:
  gender: {type: categorical}
model: {latent: 8}
train: {epochs: 1, batch_size: 32}
adversaries:
  gender: {lambda: 0, heads: 1}
attackers: {epochs: 1}
YAML
mpirun -np 1 "$advx" sweep rel.yaml --out rel.h5 >rel.txt 2>&1
check "a sweep on real data by a relative path exits 0" test $? -eq 0
cp rel.h5 rel-before.h5
mkdir elsewhere && (cd elsewhere && mpirun -np 1 "$advx" sweep ../rel.yaml --out ../rel.h5 >../rel-elsewhere.txt 2>&1)
check "resuming it from another directory exits 2" test $? -eq 2
check "and says where to resume it" \
  grep -q "rel.h5: its trials read the relative data.path rel-data from $tmp, but this run is in $tmp/elsewhere, .*resume the sweep from $tmp$" rel-elsewhere.txt
check "the file stays as it was" cmp -s rel.h5 rel-before.h5
mpirun -np 1 "$advx" sweep rel.yaml --out rel.h5 >rel-again.txt 2>&1
check "from the directory it started in, it resumes" grep -q "1 already in rel.h5, 0 to run" rel-again.txt
# Data changed in place (same path, other ratings) is not resumed into the file: its trials trained on
# the old data. Restored, it resumes.
cp rel-data/ratings.dat ratings.dat.orig
sed -i '1,200s/::5::/::1::/' rel-data/ratings.dat
check "the edit changes the data" bash -c "! cmp -s rel-data/ratings.dat ratings.dat.orig"
mpirun -np 1 "$advx" sweep rel.yaml --out rel.h5 >rel-changed.txt 2>&1
check "a resume on data changed in place exits 2" test $? -eq 2
check "and says the data changed, with --new as the way out" \
  grep -qE "rel.h5: its trials were trained on other data than rel-data holds now \(data fingerprint [0-9a-f]{16} → [0-9a-f]{16}\): the data changed since; restore it, or pass --new" rel-changed.txt
check "the file stays as it was" cmp -s rel.h5 rel-before.h5
"$advx" plan rel.yaml --out rel.h5 >plan-changed.txt 2>&1
check "plan --out says so too" \
  grep -qE "^rel.h5: its trials were trained on other data than rel-data holds now \(data fingerprint [0-9a-f]{16} → [0-9a-f]{16}\): advx sweep refuses it" plan-changed.txt
# A worker that reads other data at the same path (another host's copy; here another working directory
# through mpirun's -wdir), or finds none there, takes no more trials: the one it was handed goes back to
# the queue and runs on rank 0, so every row is right and the run exits 0 with a warning.
mkdir -p wd-a wd-b wd-c wd-d
cp -r rel-data wd-b/
cp -r rel-data wd-a/ && cp ratings.dat.orig wd-a/rel-data/ratings.dat
{ sed '/^attackers:/q' rel.yaml; printf 'grid:\n  adversaries.gender.lambda: [0, 1, 2, 3]\n'; } >rel-grid.yaml
# (30 epochs: long enough trials that rank 0 cannot take all four before the worker asks.)
mpirun -np 1 -wdir "$tmp/wd-a" "$advx" sweep "$tmp/rel-grid.yaml" --out "$tmp/two-data.h5" --set train.epochs=30 : \
  -np 1 -wdir "$tmp/wd-b" "$advx" sweep "$tmp/rel-grid.yaml" --out "$tmp/two-data.h5" --set train.epochs=30 >two-data.txt 2>&1
check "ranks reading different data under one path: the run exits 0" test $? -eq 0 || tail -n 8 two-data.txt
check "the worker retires when it sees the data differ, naming its host" \
  grep -qE "^rank 1 takes no more trials: rel-data on host [^ ]+ is other data than rank 0 read \(data fingerprint [0-9a-f]{16} vs [0-9a-f]{16}\): every rank must see the same data; its trial goes to another rank$" two-data.txt
check "the summary warns of it" grep -qE "^warning: rank 1: rel-data on host .* other data than rank 0 read .*; it ran no further trials$" two-data.txt
check "all four trials are ok, all run by rank 0" test "$(grep -cE '^\[[1-4]/4\] ok .*, rank 0 \|' two-data.txt)" -eq 4
# The handed-back trial comes back after rank 0 has run out of its own: rank 0 waits for it (the
# worker's other data set here is large, so it reads longer than rank 0's one-epoch trial runs).
"$advx" data synth --out wd-c/rel-data --users 3000 --items 1500 >/dev/null
{ sed '/^attackers:/q' rel.yaml; printf 'grid:\n  adversaries.gender.lambda: [0, 1]\n'; } >rel-two.yaml
mpirun -np 1 -wdir "$tmp/wd-a" "$advx" sweep "$tmp/rel-two.yaml" --out "$tmp/late.h5" : \
  -np 1 -wdir "$tmp/wd-c" "$advx" sweep "$tmp/rel-two.yaml" --out "$tmp/late.h5" >late.txt 2>&1
check "a trial handed back after rank 0's last one still runs" grep -q "^finished .*late.h5: 2 trials planned, 0 already done, 2 run now (2 ok" late.txt ||
  tail -n 8 late.txt
mpirun -np 1 -wdir "$tmp/wd-a" "$advx" sweep "$tmp/rel-grid.yaml" --out "$tmp/no-data.h5" --set train.epochs=30 : \
  -np 1 -wdir "$tmp/wd-d" "$advx" sweep "$tmp/rel-grid.yaml" --out "$tmp/no-data.h5" --set train.epochs=30 >no-data.txt 2>&1
check "a worker that finds no data retires the same way, saying so" \
  grep -qE "^rank 1 takes no more trials: host [^ ]+: rel-data: data directory not found \(relative to the working directory $tmp/wd-d\)" no-data.txt
check "and the run finishes all four trials" grep -q "^finished .*no-data.h5: 4 trials planned, 0 already done, 4 run now (4 ok" no-data.txt
cp ratings.dat.orig rel-data/ratings.dat
mpirun -np 1 "$advx" sweep rel.yaml --out rel.h5 >rel-restored.txt 2>&1
check "with the data restored it resumes" grep -q "1 already in rel.h5, 0 to run" rel-restored.txt
# A directory as --out is refused even with --new, which would otherwise move the directory aside.
mkdir outdir && touch outdir/keep
mpirun -np 1 "$advx" sweep fast.yaml --out outdir --new >outdir.txt 2>&1
check "a directory as --out exits 2" test $? -eq 2
check "the error asks for a file path" grep -q -- "--out outdir: is a directory; expected the path of a result file" outdir.txt
check "the directory stays where it was" eval 'test -f outdir/keep && ! ls -d outdir.[0-9]* 2>/dev/null'

# Data that does not load stops the sweep before the result file exists: one error, exit 2, no file
# (not a failed row per trial in a new file that the corrected rerun would refuse as another sweep).
cp -r data broken-data && echo "garbage" >broken-data/users600-items300-seed3/users.dat  # the stamp matches
mpirun -np 2 "$advx" sweep fast.yaml --out nodata.h5 --set data.path="$tmp/broken-data" >nodata.txt 2>&1
check "unloadable data exits 2" test $? -eq 2
check "the error names the sweep file and the data file" \
  grep -q "fast.yaml: data: .*broken-data/users600-items300-seed3/users.dat" nodata.txt
check "no result file for unloadable data" test ! -e nodata.h5
# So do settings the data contradicts (checked for every trial before the file exists).
mpirun -np 2 "$advx" sweep fast.yaml --out badattr.h5 --set 'attributes.gender.class_weights={F: 0.7, m: 0.3}' >badattr.txt 2>&1
check "a class weight for a label the data lacks exits 2" test $? -eq 2
check "the error names the sweep file and the key" grep -q "fast.yaml: trial .*attributes.gender.class_weights.F: the data has no such label" badattr.txt
check "no result file for settings the data contradicts" test ! -e badattr.h5


# pid of the given rank of the sweep writing $1
rank_pid() {
  for pid in $(pgrep -f "advx sweep .*--out $1"); do
    if tr '\0' '\n' </proc/$pid/environ 2>/dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$2"; then echo $pid; return; fi
  done
}
wait_rows() {  # wait_rows FILE N: until the file has ≥ N trials (max 60 s)
  for _ in $(seq 600); do
    [[ -f $1 ]] && [[ $(trial_count "$1" 2>/dev/null || echo 0) -ge $2 ]] && return 0
    sleep 0.1
  done
  return 1
}

# A result file that can no longer be written (its directory deleted mid-run, a full disk): the run
# fails with the write error instead of hanging (rank 0 waited for trials out on workers).
mkdir gone
mpirun -np 2 "$advx" sweep slow.yaml --out gone/x.h5 >gone.txt 2>&1 &
gone_pid=$!
wait_rows gone/x.h5 1
rm -rf gone
for _ in $(seq 1200); do kill -0 $gone_pid 2>/dev/null || break; sleep 0.1; done
check "a sweep whose file cannot be written any more ends within 2 minutes" bash -c "! kill -0 $gone_pid 2>/dev/null"
kill -9 $gone_pid 2>/dev/null
wait $gone_pid
gone_rc=$?
check "exits non-zero, saying why" eval 'test $gone_rc -ne 0 && grep -q "advx: failed on rank 0: .*gone/x.h5" gone.txt' || tail -n 5 gone.txt

# One writer per file: a second sweep on a file in use exits 2 naming the holder; the first completes.
mpirun -np 1 "$advx" sweep slow.yaml --out busy.h5 >busy1.txt 2>&1 &
busy_pid=$!
check "the first sweep writes its file" wait_rows busy.h5 0
mpirun -np 1 "$advx" sweep slow.yaml --out busy.h5 >busy2.txt 2>&1
check "a second sweep on a file in use exits 2" test $? -eq 2
check "the refusal names the holder" grep -q "in use by another advx process (pid" busy2.txt
# ... before it loads any data (its data here could not even be generated).
mpirun -np 1 "$advx" sweep slow.yaml --out busy.h5 --set data.path="$tmp/slow.yaml/data" >busy4.txt 2>&1
check "the busy file is refused before the data is loaded" grep -q "in use by another advx process (pid" busy4.txt
"$advx" analyze busy.h5 --write >busy3.txt 2>&1
check "analyze --write on a file in use exits 2" test $? -eq 2
check "analyze --write names the holder" grep -q "in use by another advx process (pid" busy3.txt
kill -USR1 $busy_pid
wait $busy_pid
check "the lock file is gone after the first sweep" test ! -e busy.h5.lock

# 3. A worker killed with SIGKILL: mpirun fails; the rerun completes every trial exactly once.
mpirun -np 3 "$advx" sweep slow.yaml --out k.h5 >kill.txt 2>&1 &
mpirun_pid=$!
check "first trial written before the kill" wait_rows k.h5 1
worker=$(rank_pid k.h5 1)
check "found worker rank 1" test -n "$worker"
[[ -n $worker ]] && kill -9 "$worker"
wait $mpirun_pid
check "mpirun fails when a worker is killed" test $? -ne 0
check "file opens after the kill" opens k.h5
mpirun -np 2 "$advx" sweep slow.yaml --out k.h5 >kill-rerun.txt 2>&1
check "rerun after worker kill exits 0" test $? -eq 0
check "every trial exactly once after worker kill" test "$(trial_count k.h5)" -eq $planned
check "no duplicate rows after worker kill" test "$(duplicates k.h5)" -eq 0

# 4. Coordinator killed with SIGKILL at random moments: the file always opens and never loses rows.
seen=0
for attempt in 1 2 3 4; do
  mpirun -np 2 "$advx" sweep slow.yaml --out c.h5 >coord$attempt.txt 2>&1 &
  mpirun_pid=$!
  sleep "0.$((RANDOM % 9 + 1))"
  wait_rows c.h5 $((seen + 1)) || true
  sleep "0.$((RANDOM % 5))"
  coordinator=$(rank_pid c.h5 0)
  [[ -n $coordinator ]] && kill -9 "$coordinator"
  wait $mpirun_pid 2>/dev/null
  check "file opens after coordinator kill $attempt" opens c.h5
  now=$(trial_count c.h5)
  check "acknowledged trials kept after kill $attempt ($now ≥ $seen)" test "$now" -ge "$seen"
  seen=$now
  [[ $seen -ge $planned ]] && break
done
mpirun -np 2 "$advx" sweep slow.yaml --out c.h5 >coord-final.txt 2>&1
check "rerun after coordinator kills exits 0" test $? -eq 0
check "every trial exactly once after coordinator kills" test "$(trial_count c.h5)" -eq $planned
check "no duplicate rows after coordinator kills" test "$(duplicates c.h5)" -eq 0
check "no temporary file left" test -z "$(ls | grep -E '\.writing$')"

# SIGTERM to mpirun: every rank stops at the next epoch boundary, finished trials are in the file, the
# trials in flight are cancelled (not recorded), and a rerun finishes the rest.
mpirun -np 2 "$advx" sweep slow.yaml --out t.h5 >term.txt 2>&1 &
mpirun_pid=$!
check "a trial finishes before SIGTERM" wait_rows t.h5 1
kill -TERM $mpirun_pid
wait $mpirun_pid
check "SIGTERM ends the run with a non-zero code" test $? -ne 0
check "SIGTERM reports a clean stop" grep -q "^stopped t.h5" term.txt || tail -n 15 term.txt
check "file opens after SIGTERM" opens t.h5
mpirun -np 2 "$advx" sweep slow.yaml --out t.h5 >term-rerun.txt 2>&1
check "rerun after SIGTERM completes" test "$(trial_count t.h5)" -eq $planned
check "no duplicate rows after SIGTERM" test "$(duplicates t.h5)" -eq 0

# Shards: three shard files merged equal the single run (same trials, same metrics).
for k in 0 1 2; do
  mpirun -np 1 "$advx" sweep fast.yaml --shard $k/3 --out shard$k.h5 >shard$k.txt 2>&1
  check "shard $k/3 exits 0" test $? -eq 0
done
"$advx" merge --out merged.h5 shard0.h5 shard1.h5 shard2.h5 >merge.txt 2>&1
check "merge exits 0" test $? -eq 0
check "merged shards equal the single run" cmp -s <(rows r1.h5) <(rows merged.h5)
check "results on a shard's file says it holds one shard" \
  eval '"$advx" results shard1.h5 | grep -q "^shard1.h5: sweep mpi-test ([0-9a-f]*), shard 1/3 only (advx merge combines the shards), 3 of 3 trials recorded"'
check "the merged file is the whole sweep" eval '"$advx" results merged.h5 | grep -q "^merged.h5: sweep mpi-test ([0-9a-f]*), $planned of $planned trials recorded"'
check "the merged file's run times span the shards' (earliest start, latest end)" /usr/bin/python3 - <<'PY'
import h5py
def times(p):
    a = h5py.File(p, "r").attrs
    return a["run_started"], a["run_finished"]
shards = [times("shard%d.h5" % k) for k in range(3)]
assert all(s and f for s, f in shards), shards
assert times("merged.h5") == (min(s for s, _ in shards), max(f for _, f in shards)), (times("merged.h5"), shards)
# A merge output of an older advx has neither attribute: it is no unfinished run.
import shutil
shutil.copy("merged.h5", "old-merge.h5")
with h5py.File("old-merge.h5", "r+") as f:
    del f.attrs["run_started"], f.attrs["run_finished"]
PY
"$advx" merge --out remerged.h5 old-merge.h5 shard0.h5 >remerge.txt 2>&1
check "a merge with an older merge output is not reported as unfinished" \
  eval '! "$advx" results remerged.h5 | grep -q "has not finished"'
before=$(rows shard0.h5 | wc -l)
"$advx" sweep fast.yaml --shard 1/3 --out shard0.h5 >wrong-shard.txt 2>&1
check "another shard into a shard's file exits 2" test $? -eq 2
check "the refusal names both shards" grep -q "holds shard 0/3 of this sweep, this run is shard 1/3" wrong-shard.txt
"$advx" sweep fast.yaml --out shard0.h5 >unsharded.txt 2>&1
check "an unsharded run into a shard's file exits 2" test $? -eq 2
check "the shard file is untouched" test "$(rows shard0.h5 | wc -l)" -eq "$before"
"$advx" merge --out bad-merge.h5 shard0.h5 t.h5 >bad-merge.txt 2>&1
check "merging files of different sweeps is refused (exit 2)" test $? -eq 2
check "the merge refusal names what differs" grep -q "what differs (train.epochs: 3 → 1000)" bad-merge.txt
cp t.h5 t-before.h5
"$advx" merge --out t.h5 shard0.h5 >merge-into-other.txt 2>&1
check "merging into another sweep's file exits 2" test $? -eq 2
check "and names what differs without suggesting an option merge lacks" \
  eval 'grep -q "what differs (train.epochs: 1000 → 3); refusing to merge into it: choose another --out" merge-into-other.txt && ! grep -q -- "--new" merge-into-other.txt'
check "the other sweep's file is untouched" cmp -s t.h5 t-before.h5
# Merged into a shard's file, the shards make a file of the whole sweep: an unsharded run completes it.
cp shard0.h5 m0.h5
"$advx" merge --out m0.h5 shard1.h5 shard2.h5 >merge0.txt 2>&1
check "merge into a shard's file exits 0" test $? -eq 0
check "the merged file plans the whole sweep" eval '"$advx" results m0.h5 | grep -q "$planned of $planned trials recorded"'
"$advx" merge --out m01.h5 shard0.h5 shard1.h5 >merge01.txt 2>&1
check "two of three shards merged are not the whole sweep" eval '"$advx" results m01.h5 | grep -q "of $planned trials recorded"'
check "two of three shards merged are not complete" eval '! "$advx" results m01.h5 | grep -q "$planned of $planned trials"'
check "and merge says so" grep -q "^note: m01.h5 holds 6 of the $planned trials planned; 3 planned trials are in none of the inputs" merge01.txt
check "three of three shards merged get no such note" eval '! grep -q "^note:" merge.txt'
# Shards of different splits (a 0/3 and a 1/2) merge, with a note that they do not add up.
mpirun -np 1 "$advx" sweep fast.yaml --shard 1/2 --out half1.h5 >/dev/null 2>&1
"$advx" merge --out mixed-split.h5 shard0.h5 half1.h5 >mixed-split.txt 2>&1
check "merging shards of different splits notes it" \
  grep -q "^note: the inputs are shards of different splits (0/3, 1/2): their trials do not add up to a whole split$" mixed-split.txt
# Every rank parses the same arguments: a mistake in them is reported once, not once per rank.
mpirun -np 2 "$advx" sweep fast.yaml --out never.h5 --bogus >bogus.txt 2>&1
check "a command-line mistake under mpirun is reported once" test "$(grep -c '^advx: error:' bogus.txt)" -eq 1
# A forgotten --out is named as such (not as a missing shard file named like the output).
"$advx" merge m6.h5 shard0.h5 >no-out.txt 2>&1
check "merge without --out exits 2" test $? -eq 2
check "naming --out" eval 'head -1 no-out.txt | grep -qx "advx: error: --out is required"'
"$advx" merge --out m7.h5 shard0.h5 nonexistent.h5 >missing-shard.txt 2>&1
check "a missing shard file is named as such, and nothing is written" \
  eval 'grep -qx "advx: error: nonexistent.h5: result file not found" missing-shard.txt && test ! -e m7.h5'
"$advx" sweep fast.yaml --out m0.h5 >m0-rerun.txt 2>&1
check "an unsharded run resumes the merged file (nothing to run)" grep -q "$planned already in m0.h5, 0 to run" m0-rerun.txt
check "the merged file equals the single run" cmp -s <(rows r1.h5) <(rows m0.h5)

# Axes reordered in the sweep file: the same trials, with the ids and seeds of the file's first run.
awk '/^  adversaries.gender.lambda:/ {held = $0; next} {print} /^  split.fold:/ {print held}' fast.yaml >reordered.yaml
check "the reordered sweep file has its axes swapped" \
  eval 'test "$(grep -A2 "^grid:" reordered.yaml | tail -n 2 | cut -d: -f1 | tr -d " " | paste -sd,)" = split.fold,adversaries.gender.lambda'
cp r1.h5 reorder.h5
mpirun -np 2 "$advx" sweep reordered.yaml --out reorder.h5 >reorder.txt 2>&1
check "a sweep file with its axes reordered runs nothing on the file of the first order" \
  grep -q "$planned already in reorder.h5, 0 to run" reorder.txt
check "and adds no rows" test "$(rows reorder.h5 | wc -l)" -eq "$(rows r1.h5 | wc -l)"
cp r1.h5 reorder-add.h5
mpirun -np 2 "$advx" sweep reordered.yaml --out reorder-add.h5 --set 'grid.split.fold=[0, 1, 2, 3]' >reorder-add.txt 2>&1
check "reordered with a value added, it runs only the new trials" grep -q "12 trials, $planned already in reorder-add.h5, 3 to run" reorder-add.txt
cp r1.h5 order-add.h5
mpirun -np 1 "$advx" sweep fast.yaml --out order-add.h5 --set 'grid.split.fold=[0, 1, 2, 3]' >/dev/null 2>&1
check "with the seeds of the first order (same rows as the same values added in that order)" \
  cmp -s <(rows reorder-add.h5) <(rows order-add.h5)
# advx plan --out shows a file's trials under the ids and seeds a resume uses: the file's axis order.
"$advx" plan reordered.yaml --out r1.h5 >plan-reordered.txt 2>&1
check "plan --out on the reordered file lists the first order's ids and seeds" \
  cmp -s plan-seeds.txt <(awk '$1 ~ /^[0-9]+$/ && $2 ~ /^[0-9a-f]+$/ && length($2) == 16 {print $2 "," $3}' plan-reordered.txt | sort)
check "marks them all done" grep -q "^r1.h5: $planned done, 0 to run$" plan-reordered.txt
"$advx" plan reordered.yaml --out r1.h5 --set 'grid.split.fold=[0, 1, 2, 3]' >plan-add.txt 2>&1
check "and counts the trials a grid value added would run" grep -q "^r1.h5: $planned done, 3 to run$" plan-add.txt
"$advx" plan fast.yaml --out not-yet.h5 --shard 1/3 >plan-new.txt 2>&1
check "plan --out a new file --shard counts the shard's trials" \
  grep -q "^not-yet.h5 (shard 1/3; '-' marks the other shards' trials): 0 done, 3 to run$" plan-new.txt
"$advx" plan fast.yaml --out r1.h5 --shard 1/3 >plan-mix.txt 2>&1
check "plan --out --shard on the unsharded run's file says a sweep would refuse it" \
  grep -q "^r1.h5 holds the unsharded run, this is shard 1/3: advx sweep refuses to mix them" plan-mix.txt
"$advx" plan fast.yaml --out r1.h5 --set train.epochs=5 >plan-other.txt 2>&1
check "plan --out on a file of another sweep says a sweep would refuse it" \
  grep -q "^r1.h5 holds results of another sweep (train.epochs: .* → 5): advx sweep refuses it unless --new moves it aside$" plan-other.txt
mpirun -np 1 "$advx" sweep reordered.yaml --shard 1/3 --out reordered-shard1.h5 >/dev/null 2>&1
"$advx" merge --out mixed.h5 shard0.h5 reordered-shard1.h5 >mixed.txt 2>&1
check "shards run with their axes in different orders are not merged (exit 2)" test $? -eq 2
check "and the refusal names both orders" \
  grep -q "reordered-shard1.h5: its grid axes (split.fold, adversaries.gender.lambda) are not in the order of shard0.h5's (adversaries.gender.lambda, split.fold)" mixed.txt
# A finished row replaces a failed row of the same trial, and the summary tells the two apart.
cp shard0.h5 shard0-failed.h5
/usr/bin/python3 -c "
import h5py
with h5py.File('shard0-failed.h5', 'r+') as f:
    f['trials/status'][0] = 'failed'
"
"$advx" merge --out replaced.h5 shard0-failed.h5 shard0.h5 >replaced.txt 2>&1
check "merge counts a failed row replaced apart from trials added" \
  grep -q "^replaced.h5: 3 trials (3 added, 1 replacing failed rows)$" replaced.txt || cat replaced.txt
"$advx" plan fast.yaml --out shard0-failed.h5 >plan-failed.txt 2>&1
check "plan --out on a shard file marks the other shards' trials and reruns the failed one" \
  grep -q "^shard0-failed.h5 (shard 0/3; '-' marks the other shards' trials): 2 done, 1 to run (1 of them failed before and run again)$" plan-failed.txt ||
  tail -n 3 plan-failed.txt
# A shard resumed from the reordered sweep file runs the trials of the same shard: none to run.
cp shard1.h5 shard1-resumed.h5
mpirun -np 1 "$advx" sweep reordered.yaml --shard 1/3 --out shard1-resumed.h5 >shard-reorder.txt 2>&1
check "a shard resumed with its axes reordered has all its trials already" grep -q "3 trials, 3 already in shard1-resumed.h5, 0 to run" shard-reorder.txt ||
  cat shard-reorder.txt
# Shards whose data changed in place between their runs (the same settings, another fingerprint).
cp shard1.h5 shard1-other-data.h5
/usr/bin/python3 -c "
import h5py
with h5py.File('shard1-other-data.h5', 'r+') as f:
    prints = [p.decode() if isinstance(p, bytes) else p for p in f.attrs['data_fingerprints']]
    assert len(prints) == 1, prints
    f.attrs['data_fingerprints'] = ['0' * 16 + prints[0][16:]]
"
"$advx" merge --out mixed-data.h5 shard0.h5 shard1-other-data.h5 >mixed-data.txt 2>&1
check "shards trained on other data under the same settings are not merged (exit 2)" test $? -eq 2
check "and the refusal says so" grep -qE "shard1-other-data.h5: its trials were trained on other data than shard0.h5's \(data\..*: data fingerprint 0{16} vs [0-9a-f]{16}\); refusing to merge" mixed-data.txt

# SIGUSR1 (SLURM's warning signal): trials in flight are checkpointed and resumed, with the same numbers.
mpirun -np 2 "$advx" sweep slow.yaml --out u.h5 >usr1.txt 2>&1 &
mpirun_pid=$!
check "a trial finishes before SIGUSR1" wait_rows u.h5 1
sleep 0.3
kill -USR1 $mpirun_pid
wait $mpirun_pid
check "SIGUSR1 leaves checkpoints" test -n "$(ls u.h5.ckpt 2>/dev/null)"
check "analyze on the stopped sweep says it covers only part of it" \
  eval '"$advx" analyze u.h5 | grep -qE "^note: u.h5 holds [1-8] of the $planned trials its last run planned"'
# A trial handed out as the signal came has no epoch to keep: no checkpoint at epoch 0.
check "no trial is checkpointed at epoch 0" bash -c "! grep -qE 'checkpointed trial [0-9a-f]+ at epoch 0$' usr1.txt"
# results and plan --out say what the next run resumes.
n_ckpt=$(ls u.h5.ckpt/*.ckpt 2>/dev/null | wc -l)
check "results counts the checkpoints" eval '"$advx" results u.h5 | grep -qE "^$n_ckpt trial checkpoints? in u.h5.ckpt: rerunning the sweep resumes them from there$"'
"$advx" plan slow.yaml --out u.h5 >plan-u.txt 2>&1
check "plan --out marks the checkpointed trials" test "$(grep -cE '^ +[0-9]+  [0-9a-f]{16} +[0-9]+  checkpt ' plan-u.txt)" -eq "$n_ckpt"
check "and counts them" grep -qE "^u.h5: [1-8] done, [1-8] to run \($n_ckpt of them resume from checkpoints in u.h5.ckpt\)$" plan-u.txt ||
  tail -n 3 plan-u.txt
mpirun -np 2 "$advx" sweep slow.yaml --out u.h5 >usr1-rerun.txt 2>&1
check "rerun resumes from a checkpoint epoch > 0" grep -qE "resumed trial .* from checkpoint epoch [1-9]" usr1-rerun.txt
check "checkpoints are removed once recorded" test -z "$(ls u.h5.ckpt 2>/dev/null)"
mpirun -np 2 "$advx" sweep slow.yaml --out k-ref.h5 >/dev/null 2>&1
check "resumed trials give the same metrics as uninterrupted ones" cmp -s <(rows u.h5) <(rows k-ref.h5)

# A stop signal to a worker rank alone stops the run as one to rank 0 does: no trial still queued is
# cancelled, the exit code says stopped, and a rerun completes it with the same numbers.
mpirun -np 2 "$advx" sweep slow.yaml --out w.h5 >worker-stop.txt 2>&1 &
mpirun_pid=$!
check "a trial finishes before the worker is signalled" wait_rows w.h5 1
sleep 0.3
worker=$(rank_pid w.h5 1)
check "rank 1's process is found" test -n "$worker"
kill -TERM "$worker"
wait $mpirun_pid
check "a stop of one worker exits 143 (128 + SIGTERM)" test $? -eq 143
# Cancelled: the trials in flight on rank 1 and rank 0 (none if the signal fell between two trials).
check "and the summary says stopped, with at most the trials in flight cancelled" \
  eval 'grep -qE "^stopped w.h5: $planned trials planned, 0 already done, [0-9]+ run now \([^)]*failed(, [12] cancelled)?(; [0-9]+ not started)?\)" worker-stop.txt' ||
  tail -n 5 worker-stop.txt
check "and says to rerun" grep -q "rerun the same command to resume" worker-stop.txt
mpirun -np 2 "$advx" sweep slow.yaml --out w.h5 >worker-stop-rerun.txt 2>&1
check "the rerun completes the sweep with the numbers of an uninterrupted run" cmp -s <(rows w.h5) <(rows k-ref.h5)

# Checkpoints are resumed only under the settings they were trained with (the trial id names only the
# grid values): --new moves them aside with the old file; left behind (the file deleted by hand), they
# are ignored. The reruns use train.epochs=3 (other settings, and quick).
stop_with_checkpoints() {  # stop_with_checkpoints FILE: a slow sweep into FILE, stopped by SIGUSR1 mid-trial
  mpirun -np 2 "$advx" sweep slow.yaml --out "$1" >"$1.log" 2>&1 &
  local pid=$!
  wait_rows "$1" 1
  sleep 0.3
  kill -USR1 $pid
  wait $pid
}
stop_with_checkpoints tag-c.h5
check "a stopped sweep leaves checkpoints" test -n "$(ls tag-c.h5.ckpt 2>/dev/null)"
mpirun -np 2 "$advx" sweep slow.yaml --out tag-c.h5 --new --set train.epochs=3 >tag-c-new.txt 2>&1
check "--new moves the checkpoints aside with the file" grep -qE "aside to tag-c\.[0-9T-]+\.h5, its checkpoints to tag-c\.[0-9T-]+\.h5\.ckpt" tag-c-new.txt
check "and the new sweep resumes none of them" bash -c "! grep -q 'resumed trial' tag-c-new.txt"
check "the moved checkpoints are beside the moved file" test -n "$(ls tag-c.*.h5.ckpt 2>/dev/null)"
check "the new sweep's file holds every trial" test "$(trial_count tag-c.h5)" -eq $planned
stop_with_checkpoints tag-d.h5
rm tag-d.h5
mpirun -np 2 "$advx" sweep slow.yaml --out tag-d.h5 --set train.epochs=3 >tag-d-other.txt 2>&1
check "checkpoints of other settings left behind are ignored, named as such" \
  grep -q "ignoring checkpoint of trial .*checkpoint of other settings" tag-d-other.txt
check "and not resumed" bash -c "! grep -q 'resumed trial' tag-d-other.txt"
check "the sweep over them completes" test "$(trial_count tag-d.h5)" -eq $planned

# --checkpoint-every bounds what a hard kill loses: after kill -9 the rerun resumes from a periodic checkpoint.
mpirun -np 1 "$advx" sweep slow.yaml --checkpoint-every 20 --out p.h5 >periodic.txt 2>&1 &
mpirun_pid=$!
# A whole checkpoint (*.ckpt), not one still being written (*.ckpt.partial, renamed when complete): a
# kill during the first write would leave nothing to resume.
for _ in $(seq 300); do compgen -G "p.h5.ckpt/*.ckpt" >/dev/null && break; sleep 0.1; done
check "a periodic checkpoint appears" compgen -G "p.h5.ckpt/*.ckpt"
kill -9 "$(rank_pid p.h5 0)" 2>/dev/null
wait $mpirun_pid 2>/dev/null
# As a kill during a checkpoint write leaves it: the trial's next checkpoint half-written beside the last.
for f in p.h5.ckpt/*.ckpt; do head -c 100 "$f" >"$f.partial"; done
# (The rerun writes no checkpoint of its own that could replace the half-written one.)
mpirun -np 1 "$advx" sweep slow.yaml --out p.h5 >periodic-rerun.txt 2>&1
check "after kill -9 the rerun resumes from a periodic checkpoint (epoch multiple of 20)" \
  grep -qE "resumed trial .* from checkpoint epoch ([1-9][0-9]*[02468]0|20|40|60|80)$" periodic-rerun.txt ||
  { ls -l p.h5.ckpt; tail -n 15 periodic-rerun.txt; }
check "periodic run completes every trial once" test "$(trial_count p.h5)" -eq $planned ||
  { "$advx" results p.h5; tail -n 15 periodic-rerun.txt; }
check "a half-written checkpoint is removed with its trial's checkpoint, and the directory with them" \
  test ! -e p.h5.ckpt || ls -l p.h5.ckpt

# 5. The documented Python recipe (the first ```python block of SCHEMA.md) reads the file.
recipe=$(awk '/^```python/{flag=1; next} /^```/{if (flag) exit} flag' "$schema")
cat >recipe.py <<PY
$recipe
import sys
assert len(df) == $planned, len(df)
assert "last.test.ndcg@10" in df.columns and "adversaries.gender.lambda" in df.columns
print("recipe ok:", df.shape)
PY
sed -i "s#results/demo.h5#r2.h5#" recipe.py
check "SCHEMA.md recipe runs with h5py/pandas" /usr/bin/python3 recipe.py
check "SCHEMA.md lists the root attributes in the order the file does" /usr/bin/python3 - "$schema" r2.h5 <<'PY'
import re, sys, h5py
text = open(sys.argv[1]).read().split("### Root attributes", 1)[1].split("\n###", 1)[0]
documented = [n for line in text.splitlines() if line.startswith("| `") for n in re.findall(r"`([^`]+)`", line.split("|")[1])]
written = list(h5py.File(sys.argv[2], "r").attrs)
assert documented == written, (documented, written)
PY

finish
