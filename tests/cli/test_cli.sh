#!/usr/bin/env bash
# End-to-end checks of the `advx` command line: exit codes, one-line errors, help, and a synth →
# inspect round trip. Usage: test_cli.sh ADVX_BINARY TESTS_DATA_DIR
set -u
advx=$1
data=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
checks=0

# expect CODE PATTERN -- CMD...: CMD exits with CODE and its stderr+stdout matches the regex PATTERN.
expect() {
  local code=$1 pattern=$2
  shift 3
  checks=$((checks + 1))
  "$@" >"$tmp/out" 2>"$tmp/err"
  local got=$?
  if [[ $got -ne $code ]] || ! grep -Eq -- "$pattern" "$tmp/out" "$tmp/err"; then
    echo "FAIL: $* → exit $got (want $code), output must match /$pattern/"
    sed 's/^/    /' "$tmp/err" "$tmp/out" | head -20
    failures=$((failures + 1))
  fi
}
# one_line_error: the last command's stderr is a single 'advx: error:' line plus the usage hint.
one_line_error() {
  checks=$((checks + 1))
  if [[ $(grep -c '^advx: error:' "$tmp/err") -ne 1 ]] || [[ $(wc -l <"$tmp/err") -gt 2 ]]; then
    echo "FAIL: expected one 'advx: error:' line, got:"; sed 's/^/    /' "$tmp/err"
    failures=$((failures + 1))
  fi
}

expect 0 'Subcommands' -- "$advx" --help
expect 0 '--format' -- "$advx" data inspect --help
expect 0 '--users' -- "$advx" data synth --help
expect 0 '^[0-9]+\.[0-9]+\.[0-9]+' -- "$advx" --version
expect 2 'advx: error: a command is required, one of: data, train, plan, sweep' -- "$advx"
one_line_error
expect 2 "advx: error: unknown command 'frobnicate'; the commands are: data, train, plan, sweep, merge, results, slurm, analyze$" -- "$advx" frobnicate
one_line_error
expect 2 "advx: error: data: unknown command 'frob'; the commands are: inspect, export-split, synth" -- "$advx" data frob
expect 2 "advx: error: unknown command 'analyse' \\(did you mean 'analyze'\\?\\)" -- "$advx" analyse r.h5
expect 2 'advx: error: sweep-file is required' -- "$advx" sweep
expect 2 "advx: error: --threads: expected an integer in 1\\.\\.1024, got 'abc'" -- "$advx" sweep x.yaml --threads abc
expect 2 'advx: error: --fold: expected 0\.\.4 for --folds 5, got 5' -- \
  "$advx" data export-split --format csv --path "$tmp" --fold 5 --out "$tmp/x"
expect 2 'advx: error: --foldin: expected a number strictly between 0 and 1, got 0' -- \
  "$advx" data inspect --format csv --path "$tmp" --foldin 0
expect 2 'advx: error: .*--bogus' -- "$advx" data inspect --format csv --path "$tmp" --bogus
for bad in nan inf -inf; do
  expect 2 "advx: error: --min-rating: expected a finite number, got '$bad'" -- \
    "$advx" data inspect --format csv --path "$tmp" --min-rating=$bad
done
# A misspelled option is the error named, with the nearest option, even when a required one is missing too.
expect 2 "advx: error: data: synth: unknown option '--user' \\(did you mean '--users'\\?\\)" -- "$advx" data synth --out "$tmp/s" --user 5
one_line_error
checks=$((checks + 1))
grep -qx "Run 'advx data synth --help' for usage." "$tmp/err" || { echo "FAIL: the hint names the command's help"; cat "$tmp/err"; failures=$((failures + 1)); }
expect 2 "advx: error: analyze: unknown option '--objective' \\(did you mean '--objectives'\\?\\)" -- \
  "$advx" analyze r.h5 --objective=test.ndcg@10
expect 2 "advx: error: sweep: unknown option '--frmat'\$" -- "$advx" sweep x.yaml --frmat csv
one_line_error
expect 2 'advx: error: .*--path' -- "$advx" data inspect --format movielens-1m
one_line_error
expect 2 'advx: error: .*parquet' -- "$advx" data inspect --format parquet --path "$tmp"
one_line_error
expect 2 'advx: error: .*--users' -- "$advx" data synth --out "$tmp/s" --users abc
one_line_error
expect 2 'advx: error: .*--users' -- "$advx" data synth --out "$tmp/s" --users 3
expect 2 'advx: error: .*--min-user' -- "$advx" data inspect --format csv --path "$tmp" --min-user 0
expect 2 'advx: error: .*nonexistent.*not found' -- "$advx" data inspect --format movielens-1m --path "$tmp/nonexistent"
one_line_error
# A malformed data file: the message names the file and the line.
mkdir -p "$tmp/ug"  # fixture files are stored as NAME.in
for f in "$data"/bad/ml1m_unknown_gender/*.in; do cp "$f" "$tmp/ug/$(basename "${f%.in}")"; done
expect 2 'advx: error: .*users\.dat:2: unknown gender code' -- "$advx" data inspect --format movielens-1m --path "$tmp/ug"
one_line_error

# Round trip: synth writes ML-1M files that inspect reads; the JSON holds the counts.
expect 0 'wrote .*300 users' -- "$advx" data synth --out "$tmp/syn" --users 300 --items 200 --seed 4
expect 0 '"users": 3[0-9][0-9]' -- "$advx" data inspect --format movielens-1m --path "$tmp/syn" --json
expect 0 '"per_fold"' -- "$advx" data inspect --format movielens-1m --path "$tmp/syn" --json --folds 4
expect 0 'after core' -- "$advx" data inspect --format movielens-1m --path "$tmp/syn"
# A continuous column without a single value says so (not "mean nan, range inf..-inf").
mkdir -p "$tmp/empty-col"
{ echo "user,gender,score"; for u in $(seq 12); do echo "$u,$([ $((u % 2)) -eq 0 ] && echo f || echo m),"; done; } >"$tmp/empty-col/users.csv"
{ echo "user,item"; for u in $(seq 12); do for i in 1 2 3 4 5; do echo "$u,$i"; done; done; } >"$tmp/empty-col/interactions.csv"
expect 0 'score +continuous: no values \(missing 12\)' -- "$advx" data inspect --format csv --path "$tmp/empty-col" --min-user 1 --min-item 1 --folds 3
# Numeric category labels (ML-1M's occupation codes) are listed in numeric order, not as strings.
expect 0 'occupation +categorical: 0=[0-9]+ 1=[0-9]+ 2=[0-9]+ 3=[0-9]+ 4=[0-9]+ 5=[0-9]+ 6=[0-9]+ 7=[0-9]+ 8=[0-9]+ 9=[0-9]+ 10=[0-9]+ ' \
  -- "$advx" data inspect --format movielens-1m --path "$tmp/syn"
# An existing data set (real MovieLens-1M has the same file names) is replaced only with --force.
cp "$tmp/syn/ratings.dat" "$tmp/syn-ratings.before"
expect 2 "advx: error: $tmp/syn: already holds a data set \\(ratings.dat\\); choose another --out, or pass --force" -- \
  "$advx" data synth --out "$tmp/syn" --users 100 --items 60
one_line_error
checks=$((checks + 1))
cmp -s "$tmp/syn/ratings.dat" "$tmp/syn-ratings.before" || { echo "FAIL: refused synth changed the data"; failures=$((failures + 1)); }
expect 0 'wrote' -- "$advx" data synth --out "$tmp/syn" --users 300 --items 200 --seed 4 --force
# Same seed → same files.
"$advx" data synth --out "$tmp/syn2" --users 300 --items 200 --seed 4 >/dev/null
checks=$((checks + 1))
cmp -s "$tmp/syn/ratings.dat" "$tmp/syn2/ratings.dat" || { echo "FAIL: synth is not deterministic"; failures=$((failures + 1)); }
# --taste and --clusters change the data; the defaults are the documented 0.8 and min(16, items/5).
"$advx" data synth --out "$tmp/syn3" --users 300 --items 200 --seed 4 --taste 0.8 --clusters 16 >/dev/null
checks=$((checks + 1))
cmp -s "$tmp/syn/ratings.dat" "$tmp/syn3/ratings.dat" || { echo "FAIL: synth defaults are not --taste 0.8 --clusters 16"; failures=$((failures + 1)); }
"$advx" data synth --out "$tmp/syn4" --users 300 --items 200 --seed 4 --taste 2 >/dev/null
checks=$((checks + 1))
if cmp -s "$tmp/syn/ratings.dat" "$tmp/syn4/ratings.dat"; then echo "FAIL: synth --taste has no effect"; failures=$((failures + 1)); fi
expect 2 'advx: error: --clusters must be in 2\.\.items/5 = 2\.\.20 for 100 items, got 50' -- "$advx" data synth --out "$tmp/s" --items 100 --clusters 50
# Every --items the help allows works with the default clusters (60 items: 12 clusters).
expect 0 'wrote' -- "$advx" data synth --out "$tmp/s60" --users 100 --items 60
# Preprocessing errors name this command's options, not the sweep keys (data.min_user).
expect 2 'advx: error: .*then the k-core \(--min-user 5000, --min-item 5\) kept none' -- \
  "$advx" data inspect --format movielens-1m --path "$tmp/s60" --min-user 5000
one_line_error
expect 2 'advx: error: .*--taste' -- "$advx" data synth --out "$tmp/s" --taste -1

# export-split writes a fold's split; a second export into the same directory needs --force.
expect 0 "wrote fold 0 of .* to $tmp/split" -- "$advx" data export-split --format movielens-1m --path "$tmp/syn" --out "$tmp/split"
cp "$tmp/split/meta.json" "$tmp/split-meta.before"
expect 2 "advx: error: $tmp/split: already holds an exported split \\(meta.json\\); choose another --out, or pass --force" -- \
  "$advx" data export-split --format movielens-1m --path "$tmp/syn" --out "$tmp/split" --fold 1
one_line_error
checks=$((checks + 1))
cmp -s "$tmp/split/meta.json" "$tmp/split-meta.before" || { echo "FAIL: refused export-split changed the split"; failures=$((failures + 1)); }
expect 0 "wrote fold 1 of" -- "$advx" data export-split --format movielens-1m --path "$tmp/syn" --out "$tmp/split" --fold 1 --force
expect 0 '"fold": 1' -- cat "$tmp/split/meta.json"
# meta.json records the preprocessing too, so the split can be rebuilt from the raw files.
expect 0 '"preprocess": \{ *"min_rating": 4(\.0)?, *"min_user": 3, *"min_item": 5 *\}' -- \
  bash -c "\"$advx\" data export-split --format movielens-1m --path \"$tmp/syn\" --out \"$tmp/split3\" --min-user 3 >/dev/null && tr -d '\n' <\"$tmp/split3/meta.json\""
# items.tsv maps every column of the split's matrices to its item id in the data.
checks=$((checks + 1))
/usr/bin/python3 - "$tmp/split" "$tmp/syn/ratings.dat" <<'PY' || { echo "FAIL: items.tsv does not map the split's columns to item ids"; failures=$((failures + 1)); }
import json, sys
split, ratings = sys.argv[1], sys.argv[2]
meta = json.load(open(split + "/meta.json"))
rows = [l.rstrip("\n").split("\t") for l in open(split + "/items.tsv")][1:]
assert [int(r[0]) for r in rows] == list(range(meta["n_items"])), "one row per column, in order"
ids = [int(r[1]) for r in rows]
assert ids == sorted(set(ids)), "ascending, distinct"
known = {int(l.split("::")[1]) for l in open(ratings)}
assert set(ids) <= known, "every id is an item of the data"
PY

# A trial on the demo sweep is deterministic: the same command twice gives identical metrics.
sweeps=$(dirname "$data")/../sweeps
train() { "$advx" train "$sweeps/demo.yaml" --set data.path="$tmp/demo" --set train.epochs=4 --set attackers.epochs=4 --json; }
metrics() { grep -E '"(best|last)\.' "$1" | sort; }
train >"$tmp/t1.json" 2>"$tmp/t1.err"
status=$?
checks=$((checks + 1))
if [[ $status -ne 0 ]] || ! grep -q '"last.test.ndcg@10"' "$tmp/t1.json"; then echo "FAIL: advx train --json"; cat "$tmp/t1.err"; failures=$((failures + 1)); fi
train >"$tmp/t2.json" 2>/dev/null
checks=$((checks + 1))
if ! cmp -s <(metrics "$tmp/t1.json") <(metrics "$tmp/t2.json"); then echo "FAIL: advx train is not deterministic"; failures=$((failures + 1)); fi
for key in status message diverged_epoch epochs_run seconds_per_epoch seed_text best.attack.gender.bacc last.attack.age.mae last.test.recall@10; do
  checks=$((checks + 1))
  grep -q "\"$key\"" "$tmp/t1.json" || { echo "FAIL: advx train --json lacks $key"; failures=$((failures + 1)); }
done
checks=$((checks + 1))
/usr/bin/python3 -c 'import json, sys; j = json.load(open(sys.argv[1])); assert j["seed_text"] == str(j["seed"]), j["seed_text"]' \
  "$tmp/t1.json" || { echo "FAIL: advx train --json: seed_text is not the seed"; failures=$((failures + 1)); }
# A seeds: list is the sweep's replicate axis: advx train says it runs the sweep's seed instead.
expect 0 "^note: advx train runs one trial with seed 42 \\(the file's seed:\\), which the sweep's replicates do not use: they run seeds: 7, 8 \\(--set seed=7 trains with the first\\)\$" -- \
  "$advx" train "$sweeps/demo.yaml" --set data.path="$tmp/demo" --set data.users=300 --set data.items=200 \
  --set 'seeds=[7, 8]' --set train.epochs=1 --set attackers.epochs=1
# plan --json counts users and items as integers.
checks=$((checks + 1))
"$advx" plan "$sweeps/demo.yaml" --set data.path="$tmp/demo" --set data.users=300 --set data.items=200 --json |
  /usr/bin/python3 -c 'import json, sys; d = json.load(sys.stdin)["data_sets"][0]; assert type(d["users"]) is int and type(d["items"]) is int and d["users"] > 0, d' ||
  { echo "FAIL: advx plan --json data_sets counts"; failures=$((failures + 1)); }
# Synthetic data sets live in subdirectories of data.path named by their options: other data.users or
# data.seed (a grid over them) get their own data set instead of the first one's.
for seed in 1 2; do
  "$advx" train "$sweeps/demo.yaml" --set data.path="$tmp/demo" --set data.users=300 --set data.items=200 \
    --set data.seed=$seed --set train.epochs=1 --set attackers.epochs=1 >/dev/null 2>&1
done
checks=$((checks + 1))
if [[ ! -s $tmp/demo/users300-items200-seed1/ratings.dat || ! -s $tmp/demo/users300-items200-seed2/ratings.dat ]] ||
  cmp -s "$tmp/demo/users300-items200-seed"{1,2}/ratings.dat; then
  echo "FAIL: data.seed 1 and 2 did not get their own synthetic data sets"; ls -R "$tmp/demo"; failures=$((failures + 1))
fi
# The readable summary names the seed and counts epochs from 1 ("last (epoch 2)" after 2 epochs).
expect 0 '^trial demo \(seed 42\): ok after 2 epochs ' -- \
  "$advx" train "$sweeps/demo.yaml" --set data.path="$tmp/demo" --set data.users=300 --set data.items=200 \
  --set train.epochs=2 --set attackers.epochs=1
cp "$tmp/out" "$tmp/train-summary.txt"
expect 0 '^  last \(epoch   2\):' -- cat "$tmp/train-summary.txt"
# --progress: a line per epoch on stderr (the JSON on stdout stays whole), showing the validation values
# the curves hold; off by default when stderr is not a terminal, and with --no-progress.
"$advx" train "$sweeps/demo.yaml" --set data.path="$tmp/demo" --set data.users=300 --set data.items=200 \
  --set train.epochs=3 --set attackers.epochs=1 --json --progress >"$tmp/p.json" 2>"$tmp/p.err"
checks=$((checks + 1))
/usr/bin/python3 - "$tmp/p.json" "$tmp/p.err" <<'PY' || { echo "FAIL: advx train --progress"; sed 's/^/    /' "$tmp/p.err"; failures=$((failures + 1)); }
import json, re, sys
j = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
epochs = [l for l in lines if l.startswith("epoch ")]
assert len(epochs) == 3, lines
for e, (line, val) in enumerate(zip(epochs, j["curves"]["val.ndcg@10"])):
    m = re.match(r"epoch (\d+)/3  loss \S+ \(vae \S+, age \S+, gender \S+\)  val ndcg@10 (\S+) \((best|best \S+, epoch \d)\)", line)
    assert m and int(m[1]) == e + 1 and m[2] == "%.4f" % val, (line, val)
assert lines[-1].startswith("testing the best and last checkpoints"), lines
PY
expect 0 '"status": "ok"' -- "$advx" train "$sweeps/demo.yaml" --set data.path="$tmp/demo" --set data.users=300 \
  --set data.items=200 --set train.epochs=1 --set attackers.epochs=1 --json
for flag in "" --no-progress; do
  checks=$((checks + 1))
  "$advx" train "$sweeps/demo.yaml" --set data.path="$tmp/demo" --set data.users=300 --set data.items=200 \
    --set train.epochs=1 --set attackers.epochs=1 $flag 2>&1 >/dev/null | grep -q '^epoch ' &&
    { echo "FAIL: advx train ${flag:-without a terminal} printed progress lines"; failures=$((failures + 1)); }
done
# A trial that diverged after a best checkpoint: exit 1, its best checkpoint, and last.* keys that are
# null. Where a high learning rate makes it diverge depends on the CPU's arithmetic, so the first of a few
# rates that diverges after epoch 1 and before the last is taken (here 5 does: epoch 2 of 3).
found=""
for lr in 5 3 7 10 4; do
  "$advx" train "$sweeps/demo.yaml" --set data.path="$tmp/demo" --set train.epochs=3 --set train.lr=$lr \
    --set attackers.epochs=1 --json >"$tmp/div.json" 2>/dev/null
  rc=$?
  if /usr/bin/python3 -c "import json, sys; j = json.load(open(sys.argv[1])); sys.exit(0 if j['status'] == 'diverged' and 'best.epoch' in j else 1)" "$tmp/div.json"; then
    found=$lr
    break
  fi
done
checks=$((checks + 1))
[[ -n $found ]] || { echo "FAIL: no learning rate of 5 3 7 10 4 made the demo trial diverge after epoch 1"; failures=$((failures + 1)); }
checks=$((checks + 1))
[[ -z $found ]] || /usr/bin/python3 - "$tmp/div.json" "$rc" <<'PY' || { echo "FAIL: advx train --json of a diverged trial"; cat "$tmp/div.json"; failures=$((failures + 1)); }
import json, sys
j = json.load(open(sys.argv[1]))
assert sys.argv[2] == "1" and j["status"] == "diverged", (sys.argv[2], j["status"])
assert j["best.epoch"] >= 0 and j["last.epoch"] == -1 and j["last.test.ndcg@10"] is None, j
assert "epoch %d of 3" % (j["diverged_epoch"] + 1) in j["message"], j["message"]
PY
# Diverged in its first epoch (an absurd learning rate): no checkpoint at all, yet every best.* and
# last.* key is there, null, as for the last checkpoint above.
"$advx" train "$sweeps/demo.yaml" --set data.path="$tmp/demo" --set train.epochs=2 --set train.lr=1e30 \
  --set attackers.epochs=1 --json >"$tmp/div1.json" 2>/dev/null
rc=$?
checks=$((checks + 1))
/usr/bin/python3 - "$tmp/div1.json" "$rc" "$tmp/t1.json" <<'PY' || { echo "FAIL: advx train --json of a trial diverged in epoch 1"; cat "$tmp/div1.json"; failures=$((failures + 1)); }
import json, sys
j, ok = json.load(open(sys.argv[1])), json.load(open(sys.argv[3]))
assert sys.argv[2] == "1" and j["status"] == "diverged" and j["diverged_epoch"] == 0, (sys.argv[2], j)
assert j["best.epoch"] == -1 and j["last.epoch"] == -1, j
checkpoint_keys = lambda d: sorted(k for k in d if k.startswith(("best.", "last.")))
assert checkpoint_keys(j) == checkpoint_keys(ok), set(checkpoint_keys(j)) ^ set(checkpoint_keys(ok))
assert all(j[k] is None for k in checkpoint_keys(j) if not k.endswith(".epoch")), j
PY
# A setting the data contradicts names the sweep file, the key and what the data has.
expect 2 "advx: error: .*demo.yaml: attributes.gender.class_weights.F: the data has no such label \\(labels: f, m\\)" -- \
  "$advx" train "$sweeps/demo.yaml" --set data.path="$tmp/demo" --set data.users=300 --set data.items=200 \
  --set 'attributes.gender.class_weights={F: 0.7, m: 0.3}'
one_line_error
# A data set put there by hand (no stamp) is not taken for generated data (advx data synth writes one).
mkdir -p "$tmp/byhand/users100-items60-seed1" && cp "$tmp/s60/"{users,movies,ratings}.dat "$tmp/byhand/users100-items60-seed1/"
expect 2 "advx: error: $sweeps/demo.yaml: data: $tmp/byhand/users100-items60-seed1: holds a data set but no synthetic.txt" -- \
  "$advx" train "$sweeps/demo.yaml" --set data.path="$tmp/byhand" --set data.users=100 --set data.items=60
one_line_error
expect 0 'estimated cost: 515 GFLOP in all, 32.2 GFLOP per trial .* ≈ 10 core-seconds' -- \
  "$advx" plan "$sweeps/demo.yaml" --set data.path="$tmp/not-generated"
expect 0 'estimated cost: 8.6 GFLOP in all, .* under a core-second' -- \
  "$advx" plan "$sweeps/demo.yaml" --set data.path="$tmp/not-generated" --set train.epochs=1
# Data on the grid: each trial costed on its own data set (16 λ points × 300 and 600 users: 0.15 and 0.3
# of the 2000-user cost of 8.6 GFLOP, 3.9 in all), and every data set named.
expect 0 'estimated cost: 3.9 GFLOP in all, 0.1 GFLOP per trial on average over 2 data sets \(synthetic data \(not generated yet\) \(300 users × 1000 items\); synthetic data \(not generated yet\) \(600 users × 1000 items\)\)' -- \
  "$advx" plan "$sweeps/demo.yaml" --set data.path="$tmp/not-generated" --set train.epochs=1 --set 'grid.data.users=[300, 600]'
expect 2 "advx: error: $sweeps/ml100k-gender-age.yaml: data: $tmp/no-ml100k: data directory not found" -- \
  "$advx" train "$sweeps/ml100k-gender-age.yaml" --set data.path="$tmp/no-ml100k"
one_line_error
expect 0 'note: advx train runs the base settings and ignores --set grid.train.epochs=… \(a single value: --set train.epochs=VALUE\)' -- \
  "$advx" train "$sweeps/demo.yaml" --set data.path="$tmp/demo" --set data.users=300 --set data.items=200 \
  --set train.epochs=1 --set attackers.epochs=1 --set ' grid.train.epochs =[1, 2]'
expect 2 'advx: error: .*demo.yaml.*latnt' -- "$advx" train "$sweeps/demo.yaml" --set model.latnt=3
expect 2 'advx: error: .*adversaries.gender.lambda' -- "$advx" train "$sweeps/demo.yaml" --set adversaries.gender.lambda=-1

# A result file advx cannot read is refused with --new as the way out (nothing is trained or written).
echo "garbage" >"$tmp/garbage.h5"
expect 2 "advx: error: $tmp/garbage.h5: not an HDF5 file \(or truncated\); pass --new to move it aside" -- \
  "$advx" sweep "$sweeps/demo.yaml" --out "$tmp/garbage.h5" --set data.path="$tmp/gdata" --set data.users=100 --set data.items=60
one_line_error
checks=$((checks + 1))
[[ $(cat "$tmp/garbage.h5") == garbage ]] || { echo "FAIL: the unreadable result file was changed"; failures=$((failures + 1)); }
# A result file where the sweep file goes, and a sweep file where the result file goes, are named as such.
printf '\x89HDF\r\n\x1a\n\0\0\0' >"$tmp/result.h5"
for cmd in sweep train plan; do
  expect 2 "advx: error: $tmp/result.h5: is an HDF5 file \(a result file\?\), expected a sweep file \(YAML\)\$" -- \
    "$advx" $cmd "$tmp/result.h5" $([[ $cmd == sweep ]] && echo --out "$tmp/never.h5")
  one_line_error
done
cp "$sweeps/demo.yaml" "$tmp/as-result.yaml"  # a copy: --write takes a writer lock beside the file
for write in "" --write; do
  expect 2 "advx: error: $tmp/as-result.yaml: not an HDF5 file \(or truncated\); this looks like a sweep file: give the result file its sweep wrote \(--out\)" -- \
    "$advx" analyze "$tmp/as-result.yaml" $write
  one_line_error
done

# A sweep file as --out (its own, or another YAML) is refused even with --new, which would move it
# aside under a .h5 name; both files stay as they were.
cp "$sweeps/demo.yaml" "$tmp/self.yaml" && cp "$sweeps/demo.yaml" "$tmp/other.yaml"
for new in "" --new; do
  expect 2 "advx: error: --out $tmp/self.yaml: is the sweep file itself; the results need a file of their own, e.g. $tmp/self.h5\$" -- \
    "$advx" sweep "$tmp/self.yaml" --out "$tmp/self.yaml" $new --set data.path="$tmp/gdata" --set data.users=100 --set data.items=60
  one_line_error
  expect 2 "advx: error: --out $tmp/other.yaml: holds a sweep file, not results \(--new would move it aside\); give the result file its own name, e.g. $tmp/other.h5\$" -- \
    "$advx" sweep "$tmp/self.yaml" --out "$tmp/other.yaml" $new --set data.path="$tmp/gdata" --set data.users=100 --set data.items=60
  one_line_error
done
checks=$((checks + 1))
cmp -s "$sweeps/demo.yaml" "$tmp/self.yaml" && cmp -s "$sweeps/demo.yaml" "$tmp/other.yaml" && ! ls "$tmp"/self.*.h5 "$tmp"/other.*.h5 >/dev/null 2>&1 ||
  { echo "FAIL: a sweep file given as --out was changed or moved"; ls "$tmp"; failures=$((failures + 1)); }

# A closed output pipe (advx sweep … | head) stops the run as Ctrl-C does: exit 128 + SIGPIPE, a note on
# stderr, no lock left behind; the same command then resumes with the trials already in the file.
"$advx" sweep "$sweeps/demo.yaml" --out "$tmp/pipe.h5" --set data.path="$tmp/gdata" --set data.users=100 \
  --set data.items=60 2>"$tmp/pipe.err" | head -1 >/dev/null
rc=${PIPESTATUS[0]}
checks=$((checks + 1))
[[ $rc -eq 141 && ! -e $tmp/pipe.h5.lock ]] && grep -q "advx: the output pipe closed: the sweep stopped" "$tmp/pipe.err" ||
  { echo "FAIL: advx sweep | head: exit $rc, lock $(ls "$tmp"/pipe.h5.lock 2>&1)"; cat "$tmp/pipe.err"; failures=$((failures + 1)); }
expect 0 "finished $tmp/pipe.h5: 16 trials planned, [1-9][0-9]* already done" -- \
  "$advx" sweep "$sweeps/demo.yaml" --out "$tmp/pipe.h5" --set data.path="$tmp/gdata" --set data.users=100 --set data.items=60

# SIGHUP (the terminal of a plain run closed) stops the run as Ctrl-C does: exit 128 + 1, no lock left.
# Trials of 5000 short epochs (a second or two each), so that the signal, sent as the first trial ends,
# finds the second one in flight.
"$advx" sweep "$sweeps/demo.yaml" --out "$tmp/hup.h5" --set data.path="$tmp/gdata" --set data.users=100 \
  --set data.items=60 --set train.epochs=5000 >"$tmp/hup.out" 2>&1 &
hup=$!
for _ in $(seq 600); do grep -q '^\[ *1/' "$tmp/hup.out" && break; sleep 0.1; done
kill -HUP $hup
wait $hup
rc=$?
checks=$((checks + 1))
[[ $rc -eq 129 && ! -e $tmp/hup.h5.lock ]] && grep -q "^stopped $tmp/hup.h5" "$tmp/hup.out" ||
  { echo "FAIL: SIGHUP to advx sweep: exit $rc, lock $(ls "$tmp"/hup.h5.lock 2>&1)"; cat "$tmp/hup.out"
    failures=$((failures + 1)); }
# Its trial in flight was checkpointed; after a run of a grid without that trial, advx results says the
# checkpoint is not one a rerun resumes.
expect 0 "^1 trial checkpoint in $tmp/hup.h5.ckpt: rerunning the sweep resumes" -- "$advx" results "$tmp/hup.h5"
"$advx" sweep "$sweeps/demo.yaml" --out "$tmp/hup.h5" --set data.path="$tmp/gdata" --set data.users=100 \
  --set data.items=60 --set train.epochs=5000 --set 'grid.adversaries.gender.lambda=[1000]' \
  --set 'grid.adversaries.age.lambda=[1000]' >/dev/null 2>&1
expect 0 "^1 trial checkpoint in $tmp/hup.h5.ckpt of trials the last run did not plan: only a run whose grid" -- \
  "$advx" results "$tmp/hup.h5"

# --out through a symbolic link writes the link's target, and the link stays a link (the rename that
# replaces the file replaced the link itself, and the target kept its old trials); likewise merge and
# analyze --write. An empty --out is no file name.
mkdir -p "$tmp/real" && ln -s real/linked.h5 "$tmp/link.h5" && ln -s real/merged.h5 "$tmp/mlink.h5"
expect 0 "finished $tmp/real/linked.h5: 16 trials planned, 0 already done, 16 run now" -- \
  "$advx" sweep "$sweeps/demo.yaml" --out "$tmp/link.h5" --set data.path="$tmp/gdata" --set data.users=100 \
  --set data.items=60 --set train.epochs=1
expect 0 "" -- "$advx" analyze "$tmp/link.h5" --write
expect 0 "$tmp/real/merged.h5: 16 trials \(16 added\)" -- "$advx" merge --out "$tmp/mlink.h5" "$tmp/link.h5"
checks=$((checks + 1))
[[ -L $tmp/link.h5 && -L $tmp/mlink.h5 && ! -e $tmp/real/linked.h5.lock ]] &&
  [[ ! -e $tmp/real/linked.h5.analysis-writing ]] &&
  h5ls "$tmp/real/linked.h5" | grep -q '^analysis' &&
  "$advx" results "$tmp/real/merged.h5" | grep -q "16 of 16 trials recorded" ||
  { echo "FAIL: --out through a symbolic link"; ls -la "$tmp" "$tmp/real"; failures=$((failures + 1)); }
expect 2 "^advx: error: --out: empty value; expected a result file name\$" -- "$advx" sweep "$sweeps/demo.yaml" --out ""
one_line_error
expect 2 "^advx: error: --out: empty value; expected a result file name\$" -- "$advx" merge --out "" "$tmp/link.h5"
expect 2 "^advx: error: --out: empty value; expected a directory\$" -- "$advx" data synth --out " "
expect 2 "^advx: error: --out: empty value; expected a result file name \(leave the option out" -- \
  "$advx" plan "$sweeps/demo.yaml" --out ""

# A grid grown between runs moves trials to other plan indices: the trials already in the file get their
# new trial_index, so the file orders its trials as one run on the grown grid from the start (it kept the
# old indices, and analyze listed the points in another order).
grow=(--set data.path="$tmp/gdata" --set data.users=100 --set data.items=60 --set train.epochs=1
  --set attackers.epochs=1)
"$advx" sweep "$sweeps/demo.yaml" --out "$tmp/grow.h5" "${grow[@]}" >/dev/null 2>&1
for out in grow grown; do
  "$advx" sweep "$sweeps/demo.yaml" --out "$tmp/$out.h5" "${grow[@]}" \
    --set 'grid.adversaries.age.lambda=[0, 5, 10, 100, 1000]' >/dev/null 2>&1
done
checks=$((checks + 1))
if ! /usr/bin/python3 - "$tmp/grow.h5" "$tmp/grown.h5" <<'PY'
import sys, h5py
def index(path):
    t = h5py.File(path, "r")["trials"]
    return dict(zip(t["trial_id"].asstr()[()], t["trial_index"][()].tolist()))
grown, clean = index(sys.argv[1]), index(sys.argv[2])
assert len(clean) == 20 and grown == clean, (grown, clean)
PY
then
  echo "FAIL: trial_index after a grown grid"
  failures=$((failures + 1))
fi
grown_csv=$("$advx" analyze "$tmp/grow.h5" --format csv 2>/dev/null)
[[ -n $grown_csv && "$grown_csv" == "$("$advx" analyze "$tmp/grown.h5" --format csv 2>/dev/null)" ]] ||
  { echo "FAIL: analyze of a grown grid's file differs from one run on that grid"; failures=$((failures + 1)); }
checks=$((checks + 1))

# A full disk (a small tmpfs, in a mount namespace of its own so that it goes with the process; root
# only): the sweep fails with a message that says how little space is left, and leaves no half-written
# file; a rerun fails the same way instead of crashing in HDF5's exit-time clean-up (it segfaulted).
if [[ $EUID -eq 0 ]] && unshare -m true 2>/dev/null; then
  export advx sweeps tmp
  unshare -m bash -c 'mkdir -p "$tmp/full" && mount -t tmpfs -o size=24k tmpfs "$tmp/full" || exit
    for run in first second; do
      "$advx" sweep "$sweeps/demo.yaml" --out "$tmp/full/x.h5" --set data.path="$tmp/gdata" --set data.users=100 \
        --set data.items=60 --set train.epochs=1 >"$tmp/full-$run.log" 2>&1
      echo $? >"$tmp/full-$run.rc"
      ls "$tmp/full" >"$tmp/full-$run.ls"
    done'
  for run in first second; do
    rc=$(cat "$tmp/full-$run.rc" 2>/dev/null)
    checks=$((checks + 1))
    [[ $rc == 1 || $rc == 2 ]] && ! grep -q writing "$tmp/full-$run.ls" &&
      grep -qE "^advx: (error|failed on rank 0): .*x.h5.writing.* \(the file system holding it has [0-9]+ bytes \
free\)$" "$tmp/full-$run.log" ||
      { echo "FAIL: $run sweep on a full disk: exit $rc"; cat "$tmp/full-$run.log" "$tmp/full-$run.ls"
        failures=$((failures + 1)); }
  done
else
  echo "note: not root or no mount namespace: the full-disk checks are skipped"
fi

# More threads than the CPUs the process may run on (mpirun's default binding, here taskset): a warning.
expect 0 "^warning: --threads 2, but this process may run on only 1 CPU: the threads take turns and slow each other down\$" -- \
  env -u SLURM_JOB_ID -u OMPI_COMM_WORLD_SIZE taskset -c 0 "$advx" sweep "$sweeps/demo.yaml" --out "$tmp/bound.h5" --threads 2 --set data.path="$tmp/gdata" \
  --set data.users=100 --set data.items=60 --set train.epochs=1
checks=$((checks + 1))
taskset -c 0 "$advx" sweep "$sweeps/demo.yaml" --out "$tmp/bound1.h5" --threads 1 --set data.path="$tmp/gdata" \
  --set data.users=100 --set data.items=60 --set train.epochs=1 2>&1 | grep -q '^warning: ' &&
  { echo "FAIL: a warning about threads at --threads 1"; failures=$((failures + 1)); }

# Only advx sweep leaves its errors to the first MPI/srun task; other commands report on any task (a task
# farm may run a different command per task).
expect 2 "advx: error: $tmp/nonexist.yaml: no such sweep file" -- env SLURM_PROCID=1 "$advx" train "$tmp/nonexist.yaml"
expect 2 "advx: error: train: unknown option '--bogus'" -- env SLURM_PROCID=1 "$advx" train "$tmp/nonexist.yaml" --bogus
# Settings the data cannot meet are named as the options that set them; a missing sweep file as such.
expect 2 "advx: error: --folds: cannot split [0-9]+ users into 1000 folds" -- \
  "$advx" data inspect --format movielens-1m --path "$tmp/gdata/users100-items60-seed1" --folds 1000
one_line_error
expect 2 "advx: error: $tmp/nonexist.yaml: no such sweep file" -- "$advx" slurm "$tmp/nonexist.yaml" --out "$tmp/r.h5"
one_line_error

# advx slurm only writes a script (no SLURM needed without --submit); it writes into the current directory.
slurm() { (cd "$tmp" && "$advx" slurm "$sweeps/demo.yaml" --out "$tmp/r.h5" "$@"); }
# Real data the submitting machine lacks: a warning, "relative to" only for a relative path.
expect 0 "^advx: warning: data.path /nonexistent/x does not exist; the job fails at once" -- \
  bash -c "cd '$tmp' && '$advx' slurm '$sweeps/ml100k-gender-age.yaml' --out '$tmp/r.h5' --set data.path=/nonexistent/x"
expect 0 "^advx: warning: data.path rel/x does not exist \\(relative to $tmp, where the job will start\\)" -- \
  bash -c "cd '$tmp' && '$advx' slurm '$sweeps/ml100k-gender-age.yaml' --out '$tmp/r.h5' --set data.path=rel/x"
expect 2 "advx: error: --time: expected a positive time limit as sbatch takes it .*got '1h'" -- slurm --time 1h
one_line_error
expect 2 "advx: error: --time: expected a positive time limit" -- slurm --time 0
expect 2 "advx: error: --ranks excludes --array" -- slurm --array 3 --ranks 2
# sbatch's forms: minutes, D-HH; the limit is checked against the warning in seconds.
expect 0 'advx-.*\.sbatch' -- slurm --time 30
grep -q -- '^#SBATCH --time=30$' "$tmp"/advx-*.sbatch || { echo "FAIL: --time 30 (minutes) not passed to sbatch"; failures=$((failures + 1)); }
expect 2 'advx: error: --warn-seconds 120 must be shorter than the time limit --time 1:2 .62 s.' -- slurm --time 1:2
expect 0 'advx-.*\.sbatch' -- slurm --time 1-0
expect 0 'replacing .*advx-.*\.sbatch' -- slurm --time 1-0
# A script per result file: another --out of the same sweep gets its own (named after it), not this one.
expect 0 "^$tmp/advx-other\\.sbatch\$" -- bash -c "cd '$tmp' && '$advx' slurm '$sweeps/demo.yaml' --out '$tmp/other.h5'"
checks=$((checks + 1))
grep -q replacing "$tmp/err" && { echo "FAIL: a second --out replaced the first script"; failures=$((failures + 1)); }
checks=$((checks + 1))
grep -q "$tmp/other.h5" "$tmp/advx-other.sbatch" || { echo "FAIL: advx-other.sbatch does not write other.h5"; failures=$((failures + 1)); }
# A data set that is not where the job starts is a warning (the compute nodes may have it), not an error.
expect 0 "advx: warning: data.path $tmp/nowhere does not exist" -- \
  bash -c "cd '$tmp' && '$advx' slurm '$sweeps/ml100k-gender-age.yaml' --out '$tmp/r.h5' --set data.path='$tmp/nowhere'"
expect 2 'advx: error: --warn-seconds 120 must be shorter than the time limit' -- slurm --time 00:01:00
one_line_error
expect 0 'advx: warning: .*at least 120 s' -- slurm --time 00:01:00 --warn-seconds 30
checks=$((checks + 1))
grep -q -- '--signal=B:USR1@30' "$tmp"/advx-*.sbatch || { echo "FAIL: advx slurm wrote no script with the warning"; failures=$((failures + 1)); }
expect 0 'advx-.*\.sbatch' -- slurm --time 00:02:00 --warn-seconds 30
checks=$((checks + 1))
if grep -q 'warning' "$tmp/err"; then echo "FAIL: advx slurm warned about a 2 min limit with a 30 s warning"; failures=$((failures + 1)); fi
# --set reaches the job's advx sweep command, each value one shell word (quotes survive), in both templates;
# a bad override fails now, not in the queue.
expect 2 "advx: error: .*unknown key 'train\.epoch' .did you mean 'train\.epochs'" -- slurm --set train.epoch=3
for mode in "" "--array 2"; do
  rm -f "$tmp"/advx-*.sbatch
  # shellcheck disable=SC2086
  expect 0 'advx-.*\.sbatch' -- slurm $mode --set train.epochs=3 --set "data.path=$tmp/it's @OUT@" --set 'grid.split.fold=[0]'
  words=$(grep " sweep '" "$tmp"/advx-*.sbatch)
  words=${words#*"' sweep '"}  # from the sweep file's path on
  words=${words#*"'"}           # after it
  words=${words%% --shard *}
  words=${words%% --out *}
  checks=$((checks + 1))
  eval "set -- $words"
  [[ $# -eq 6 && $2 == train.epochs=3 && $4 == "data.path=$tmp/it's @OUT@" && $6 == 'grid.split.fold=[0]' ]] ||
    { echo "FAIL: advx slurm $mode --set: the script passes [$words]"; failures=$((failures + 1)); }
done

echo "$((checks - failures)) passed, $failures failed"
[[ $failures -eq 0 ]]
