#!/usr/bin/env bash
# End to end: a small real sweep (2 × 2 λ grid × 2 folds, 3 epochs), then
#   1. `advx analyze` in every format (text, markdown, csv, json; aggregated and per replicate);
#   2. --write stores /analysis and leaves /trials, /curves and the root attributes byte-identical, and a
#      --write killed at any of its writes leaves the file as it was;
#   3. --plot writes non-empty PNG and SVG files whose plotted points equal the JSON's numbers, and the
#      script alone (reading /analysis) highlights the same front;
#   4. bad inputs (not HDF5, not an advx file, truncated, zero trials, missing metric) exit 2 with one error line;
#   5. h5py lists the columns and attributes in the order advx writes them;
#   6. the notes on rows the last run did not plan, and planned trials without a row, compare trial ids
#      (and so does advx results).
# Usage: test_analyze.sh ADVX DEMO_YAML PLOT_SCRIPT
set -u
advx=$(readlink -f "$1")
demo=$(readlink -f "$2")
script=$(readlink -f "$3")
py=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
# shellcheck source=../lib.sh
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../lib.sh"

"$advx" sweep "$demo" --out r.h5 --set train.epochs=3 --set attackers.epochs=3 --set data.users=600 \
  --set data.items=300 --set 'grid.adversaries.gender.lambda=[0, 100]' --set 'grid.adversaries.age.lambda=[0, 100]' \
  --set 'grid.split.fold=[0, 1]' >sweep.log 2>&1
check "sweep exits 0" test $? -eq 0
trials=$("$advx" results r.h5 --csv | awk -F, 'NR > 1 && $3 != "" {print $1}' | sort -u | wc -l)
check "8 trials recorded" test "$trials" -eq 8

# 1. Formats.
"$advx" analyze r.h5 >text.txt 2>err.txt
check "text exits 0" test $? -eq 0
check "a file holding exactly its plan gets no note" bash -c "! grep -q '^note:' text.txt err.txt"
check "text has the front" grep -q "First front: .* of 4 configurations" text.txt
check "text has the paper table" grep -q "Paper table (checkpoint last, mean ± std over split.fold)" text.txt
check "text names the baselines" grep -q "AdvMultVAE-G" text.txt
check "text has the knee" grep -q "best trade-off (knee)" text.txt
check "text names the objective of each removal pick" \
  grep -q "^picked by their objective (mean over split.fold of each trial's value): best gender removal: |attack.gender.bacc−0.5| ↓; best age removal: attack.age.mae ↑" text.txt
check "text shows the hypervolume" grep -q "^hypervolume" text.txt
"$advx" analyze r.h5 --format markdown >md.txt
check "markdown table" grep -q "^| λ_gender | λ_age | n |" md.txt
"$advx" analyze r.h5 --format csv >a.csv
"$advx" analyze r.h5 --format json >a.json
"$advx" analyze r.h5 --format json --per-replicate >p.json
"$advx" analyze r.h5 --format json --checkpoint best --objectives 'test.ndcg@10:max,attack.gender.bacc:chance=0.5' \
  --reference 0,0.5 >b.json
check "json/csv are consistent" "$py" - <<'PY'
import csv, json, math
a = json.load(open("a.json")); p = json.load(open("p.json")); b = json.load(open("b.json"))
rows = list(csv.DictReader(open("a.csv")))
assert len(a["points"]) == 4 and len(rows) == 4, (len(a["points"]), len(rows))
assert len(p["points"]) == 8 and all("trial_id" in e for e in p["front"]), "per-replicate entries carry trial_id"
assert all("config" in e and "trial_id" not in e for e in a["front"]), "aggregated entries carry the config"
assert a["replicate_keys"] == ["split.fold"] and a["config_keys"] == ["adversaries.gender.lambda", "adversaries.age.lambda"]
# The default 'chance' objective is stored as given (the file's levels), not as the level it found here.
assert [o["spec"] for o in a["objectives"]] == ["test.ndcg@10:max", "attack.gender.bacc:chance", "attack.age.mae:max"]
assert [o["spec"] for o in b["objectives"]] == ["test.ndcg@10:max", "attack.gender.bacc:chance=0.5"]
front = {tuple(e["config"].values()) for e in a["front"]}
assert front == {(float(r["adversaries.gender.lambda"]), float(r["adversaries.age.lambda"])) for r in rows if r["rank"] == "1"}
for e, r in zip(a["points"], rows):
    assert e["n"] == 2 and int(r["n"]) == 2
    for m, s in e["objectives"].items():
        assert math.isclose(s["mean"], float(r[m]), rel_tol=1e-12) and math.isclose(s["std"], float(r[m + ".std"]), abs_tol=1e-15)
    g = e["metrics"]["attack.gender.bacc"]["mean"]
    assert e["objectives"]["attack.gender.bacc"]["mean"] >= abs(g - 0.5) - 1e-12  # mean |x − c| ≥ |mean − c|
assert b["checkpoint"] == "best" and b["hypervolume"]["reference"] == [0, 0.5] and b["hypervolume"]["reference_source"] == "given"
assert a["knee"]["rank"] == 1 and any(t["role"] == "best gender removal" for t in a["table"])
PY
"$advx" analyze r.h5 --objectives 'test.ndcg@10:max,attack.gender.bacc:chance=0.5' --reference 0,0 >ref0.txt 2>&1
check "a reference no front point beats in an objective: hypervolume 0 with a warning naming that objective" \
  eval 'grep -q "^hypervolume 0 with reference" ref0.txt &&
        grep -q "^warning: no point of the first front is better than the --reference in |attack.gender.bacc−0.5| ↓ (reference 0), so the hypervolume is 0" ref0.txt'
"$advx" analyze r.h5 --objectives 'test.ndcg@10:max,attack.gender.bacc:chance=0.5' --reference 0,0.5 >ref-ok.txt 2>&1
check "a reference the front beats gives no such warning" \
  eval 'grep -q "^hypervolume [0-9.e-]* with reference (0, 0.5; given by --reference)" ref-ok.txt && ! grep -q "better than the --reference" ref-ok.txt'

# 2. --write: trial rows untouched.
fingerprint() {
  "$py" - "$1" <<'PY'
import hashlib, sys, h5py
f = h5py.File(sys.argv[1], "r")
h = hashlib.sha256()
for g in ("trials", "curves"):
    for name in sorted(f[g]):
        d = f[g][name]
        h.update(name.encode() + str(d.dtype).encode() + str(d.shape).encode())
        h.update(repr(d.asstr()[()].tolist()).encode() if d.dtype.kind == "O" else d[()].tobytes())
for k in sorted(f.attrs):
    h.update(k.encode() + repr(f.attrs[k]).encode())
print(h.hexdigest(), ",".join(sorted(f)))
PY
}
before=$(fingerprint r.h5)
# A file open in another process (an h5py session) cannot be written: said before any analysis is printed.
# (HDF5's file locking on, as Debian's default, whatever the environment says.)
HDF5_USE_FILE_LOCKING=TRUE "$py" -c "import h5py, sys, time; f = h5py.File('r.h5', 'r'); print('open', flush=True); time.sleep(60)" >held.txt &
holder=$!
for _ in $(seq 300); do grep -q open held.txt && break; sleep 0.1; done
HDF5_USE_FILE_LOCKING=TRUE "$advx" analyze r.h5 --write >held-out.txt 2>held-err.txt
rc=$?
kill $holder; wait $holder 2>/dev/null
check "--write on a file h5py holds open exits 2" test $rc -eq 2
check "and says another process has it open" grep -q "r.h5: cannot open the result file for writing: another process has it open (an h5py session or notebook" held-err.txt
check "and prints no analysis" test ! -s held-out.txt
"$advx" analyze r.h5 --write >/dev/null
check "--write exits 0" test $? -eq 0
"$advx" analyze r.h5 --write --per-replicate >/dev/null
check "--write again replaces /analysis" test $? -eq 0
"$advx" analyze r.h5 --write >/dev/null
after=$(fingerprint r.h5)
check "trials, curves and root attributes identical after --write" test "${before%% *}" = "${after%% *}"
check "/analysis is there" grep -q " analysis,curves,trials$" <<<"$after"
check "the store still reads the file" "$advx" results r.h5 >/dev/null
check "/analysis matches the JSON" "$py" - <<'PY'
import json, h5py
a = json.load(open("a.json")); g = h5py.File("r.h5", "r")["analysis"]
assert g.attrs["per_replicate"] == 0 and g.attrs["checkpoint"] == "last"
assert list(g["front"][()]) == [a["points"].index(next(p for p in a["points"] if p["config"] == e["config"])) for e in a["front"]]
assert len(g["trial_rank"]) == 8 and set(g["trial_rank"][()]) <= {1, 2, 3, 4}
assert list(g["points"]["rank"][()]) == [p["rank"] for p in a["points"]]
assert abs(g.attrs["hypervolume"] - a["hypervolume"]["value"]) < 1e-12
PY

# Killed at any of its writes, --write leaves the file as it was, byte for byte: the analysis goes into a
# copy renamed over the file (in place, HDF5 left a file that no longer opened). strace's fault injection
# stops the process at its Nth pwrite.
if command -v strace >/dev/null && strace -o /dev/null true 2>/dev/null; then
  writes=$(strace -f -c -e trace=pwrite64 "$advx" analyze r.h5 --write 2>&1 >/dev/null |
    awk '$NF == "pwrite64" {print $4}')
  check "--write makes several writes" test "${writes:-0}" -gt 5
  whole=0
  for ((w = 1; w <= ${writes:-0}; w++)); do
    cp r.h5 killed.h5
    strace -f -o /dev/null -e trace=pwrite64 -e inject=pwrite64:signal=KILL:when=$w "$advx" analyze killed.h5 --write \
      >/dev/null 2>&1
    cmp -s r.h5 killed.h5 && ((whole += 1))
  done
  check "killed at each of its $writes writes, --write left the file untouched every time" test "$whole" -eq "$writes"
  check "and a later --write replaces the copy it left" "$advx" analyze killed.h5 --write
  check "and removes it" test ! -e killed.h5.analysis-writing
  # A copy that cannot be written (a full disk, injected) fails the command and leaves the file alone: no
  # fallback to writing in place, which a full disk would break halfway.
  cp r.h5 nospace.h5
  strace -f -o /dev/null -e trace=copy_file_range -e inject=copy_file_range:error=ENOSPC "$advx" analyze nospace.h5 \
    --write >/dev/null 2>nospace.txt
  check "--write on a full disk: exit 1" test $? -eq 1
  check "and says why" \
    grep -q "nospace.h5.analysis-writing: cannot write the copy for --write: No space left on device" nospace.txt
  check "and leaves the file as it was, with no copy" \
    eval 'cmp -s r.h5 nospace.h5 && test ! -e nospace.h5.analysis-writing'
else
  echo "note: no strace (or ptrace not allowed): the killed --write checks are skipped"
fi

# 3. Figures.
"$advx" analyze r.h5 --plot plots >plot.log 2>&1
check "--plot exits 0" test $? -eq 0
for name in ndcg_vs_gender_bacc ndcg_vs_age_mae heatmap_test_ndcg_10 heatmap_attack_gender_bacc heatmap_attack_age_mae val_curves; do
  check "$name.png non-empty" test -s "plots/$name.png"
  check "$name.svg non-empty" test -s "plots/$name.svg"
done
check "PNG signature" "$py" -c "import sys; assert open('plots/val_curves.png','rb').read(8) == b'\x89PNG\r\n\x1a\n'"
check "plotted points equal the table" "$py" - <<'PY'
import json, math
a = json.load(open("a.json")); d = json.load(open("plots/plot_data.json"))
assert len(d["scatter"]) == 2
for s in d["scatter"]:
    assert len(s["points"]) == len(a["points"])
    for q in s["points"]:
        p = next(p for p in a["points"] if p["config"] == q["config"])
        for axis, metric in (("x", s["x_metric"]), ("y", s["y_metric"])):
            assert math.isclose(q[axis]["mean"], p["metrics"][metric]["mean"], rel_tol=1e-12), (metric, q, p)
            assert math.isclose(q[axis]["std"], p["metrics"][metric]["std"], rel_tol=1e-9, abs_tol=1e-15)
        assert q["front"] == (p["rank"] == 1) and q["n"] == p["n"]
h = next(h for h in d["heatmaps"] if h["metric"] == "test.ndcg@10")
for p in a["points"]:
    c = p["config"]
    i = h["row_values"].index(c["adversaries.gender.lambda"]); j = h["column_values"].index(c["adversaries.age.lambda"])
    assert math.isclose(h["values"][i][j], p["metrics"]["test.ndcg@10"]["mean"], rel_tol=1e-12)
PY
"$py" "$script" r.h5 --out plots2 >/dev/null
check "script alone (reading /analysis) exits 0" test $? -eq 0
# Run alone on a damaged file: one line, exit 2, no output directory; on a file without /analysis it
# says that no front is highlighted.
head -c 20000 r.h5 >trunc.h5
"$py" "$script" trunc.h5 --out plots-trunc >trunc.txt 2>&1
trunc_rc=$?
check "script alone on a truncated file exits 2 with one line" \
  eval 'test $trunc_rc -eq 2 && test "$(wc -l <trunc.txt)" -eq 1 && grep -q "^plot_results.py: trunc.h5: cannot be read as HDF5" trunc.txt' || cat trunc.txt
check "and makes no output directory" test ! -e plots-trunc
cp r.h5 no-analysis.h5
"$py" -c "
import h5py
with h5py.File('no-analysis.h5', 'r+') as f:
    if 'analysis' in f: del f['analysis']
"
"$py" "$script" no-analysis.h5 --out plots-noa >noa.txt 2>&1
check "script alone without /analysis notes that no front is highlighted" \
  grep -q "^plot_results.py: note: no-analysis.h5 has no /analysis (advx analyze --write) and no --analysis was given" noa.txt
# Run by a Python without h5py (-I -S: no site packages, no PYTHONPATH; here a pyenv found first by its env shebang), the
# script says what it needs and how to get it, not a traceback.
"$py" -I -S "$script" r.h5 --out plots-nopy >nopy.txt 2>&1
nopy_rc=$?
check "script under a Python without h5py exits 1 with one line naming the packages" \
  eval 'test $nopy_rc -eq 1 && test "$(wc -l <nopy.txt)" -eq 1 && grep -q "it needs h5py, numpy and matplotlib (Debian: apt-get install python3-h5py python3-matplotlib)" nopy.txt' ||
  cat nopy.txt
check "script alone highlights the same front" "$py" - <<'PY'
import json
a, b = (json.load(open(f"{d}/plot_data.json")) for d in ("plots", "plots2"))
assert [p["front"] for p in a["scatter"][0]["points"]] == [p["front"] for p in b["scatter"][0]["points"]]
PY

# 4. Bad inputs: exit 2, one line naming the file or objective.
bad() {  # bad "what" "expected text" advx-args...
  local what=$1 expected=$2
  shift 2
  "$advx" "$@" >out.txt 2>err.txt
  local rc=$?
  check "$what: exit 2 (got $rc)" test $rc -eq 2
  # One error line; one naming an option is followed by the pointer to the command's help.
  check "$what: one line" test "$(grep -c '^advx: error: ' err.txt)" -eq 1 -a "$(wc -l <err.txt)" -le 2 \
    -a "$(grep -vc "^advx: error: \|^Run 'advx analyze --help' for usage\.$" err.txt)" -eq 0
  check "$what: message names '$expected' ($(cat err.txt))" grep -qF -- "$expected" err.txt
}
# An attacker that learned nothing on MultVAE (all λ = 0) makes removal unreadable: analyze warns. Copies of
# r.h5 whose MultVAE rows say so (BAcc at chance, MAE above the median predictor's), and say the opposite.
"$py" - <<'PY'
import shutil, h5py
for name, bacc, mae_above in (("blind.h5", 0.5, 1.0), ("seeing.h5", 0.8, -1.0)):
    shutil.copy("r.h5", name)
    with h5py.File(name, "r+") as f:
        t = f["trials"]
        base = (t["adversaries.gender.lambda"][()] == 0) & (t["adversaries.age.lambda"][()] == 0)
        b = t["last.attack.gender.bacc"][()]; b[base] = bacc; t["last.attack.gender.bacc"][...] = b
        m = t["last.attack.age.mae"][()]; c = t["last.attack.age.mae_constant"][()]
        m[base] = c[base] + mae_above; t["last.attack.age.mae"][...] = m
PY
"$advx" analyze blind.h5 >blind.txt 2>&1
check "analyze warns of a gender attacker at chance on MultVAE" \
  grep -q "^warning: the gender attacker on MultVAE (every λ = 0) scores BAcc 0.5000, no better than chance" blind.txt
check "and of an age attacker no better than the median" \
  grep -q "^warning: the age attacker on MultVAE (every λ = 0) has MAE .*, no lower than always predicting" blind.txt
"$advx" analyze blind.h5 --format csv >blind.csv 2>blind.err
check "in CSV the warnings go to stderr" test "$(grep -c '^warning:' blind.err)" -eq 2
check "and not into the CSV" bash -c "! grep -q warning blind.csv"
"$advx" analyze seeing.h5 >seeing.txt 2>&1
check "no warning when the attackers beat their trivial predictors" bash -c "grep -q 'First front' seeing.txt && ! grep -q '^warning:' seeing.txt"

echo "not hdf5" >text.h5
"$py" -c "import h5py; h5py.File('other.h5','w').create_dataset('x', data=[1, 2])"
head -c $(($(stat -c %s r.h5) / 2)) r.h5 >truncated.h5
"$py" - <<'PY'
import h5py
src = h5py.File("r.h5", "r"); dst = h5py.File("empty.h5", "w")
for k, v in src.attrs.items():
    dst.attrs[k] = v
g = dst.create_group("trials")
for name, d in src["trials"].items():
    g.create_dataset(name, shape=(0,), dtype=d.dtype)
PY
bad "not HDF5" "text.h5: not an HDF5 file" analyze text.h5
bad "not an advx file" "other.h5: not an advx result file" analyze other.h5
bad "truncated" "truncated.h5" analyze truncated.h5
bad "zero trials" "empty.h5: no finished trials" analyze empty.h5
# A file missing a column every reader relies on (how each trial ended, a grid key) is damaged: refused
# by every command, before a merge writes anything (it crashed on a missing status column).
"$py" - <<'PY'
import shutil, h5py
for name, column in (("no-status.h5", "status"), ("no-axis.h5", "adversaries.gender.lambda")):
    shutil.copy("r.h5", name)
    with h5py.File(name, "a") as f:
        del f["trials"][column]
import numpy as np
shutil.copy("r.h5", "fixed-strings.h5")
with h5py.File("fixed-strings.h5", "a") as f:  # as np.array(..., dtype="S") writes them
    hosts = f["trials"]["host"].asstr()[()]
    del f["trials"]["host"]
    f["trials"].create_dataset("host", data=np.array(hosts, dtype="S"))
PY
bad "fixed-length strings" \
  "fixed-strings.h5: /trials/host is not a column advx writes (expected a 1-D float, integer or variable-length string \
dataset, found fixed-length strings" analyze fixed-strings.h5
for cmd in analyze results; do
  bad "$cmd: no status column" "no-status.h5: /trials has no 'status' column of strings" $cmd no-status.h5
  bad "$cmd: no grid column" "no-axis.h5: /trials has no 'adversaries.gender.lambda' column, a grid key" $cmd no-axis.h5
done
"$advx" merge --out merged-bad.h5 r.h5 no-status.h5 >merge-bad.txt 2>&1
check "merge with a damaged input: exit 2" test $? -eq 2
check "and names it" grep -q "no-status.h5: /trials has no 'status' column" merge-bad.txt
check "and writes nothing" test ! -e merged-bad.h5 -a ! -e merged-bad.h5.lock
# Only diverged trials: analyze says so; advx results names each with its message.
"$advx" sweep "$demo" --out div.h5 --set train.lr=1e20 --set train.epochs=2 --set data.users=600 --set data.items=300 \
  --set 'grid.adversaries.gender.lambda=[0]' --set 'grid.adversaries.age.lambda=[0, 100]' >div.log 2>&1
bad "only diverged trials" "div.h5: none of its 2 trials finished ok" analyze div.h5
"$advx" results div.h5 >div-results.txt
check "results lists each diverged trial with its message" \
  test "$(grep -cE '^  diverged [0-9a-f]{16} adversaries.gender.lambda=0 adversaries.age.lambda=(0|100): loss became' div-results.txt)" -eq 2
check "results shows the --set overrides" grep -q -- "--set train.lr=1e20" div-results.txt
"$advx" results div.h5 --csv >div.csv
# Trials that diverged after a best epoch count at --checkpoint best, and the summary says how many.
cp r.h5 late-div.h5
"$py" - <<'PY'
import h5py, numpy as np
with h5py.File("late-div.h5", "r+") as f:
    st = f["trials/status"]
    v = st.asstr()[()]
    v[:2] = "diverged"
    del f["trials/status"]
    f["trials"].create_dataset("status", data=np.array(v, dtype=object), dtype=h5py.string_dtype())
PY
"$advx" analyze late-div.h5 --checkpoint best >late-div.txt 2>&1
check "the summary counts used trials that diverged later" \
  grep -q "8 of 8 trials used (2 of them diverged later: their best checkpoint is from before)" late-div.txt || cat late-div.txt
check "results --csv gives each trial without checkpoint one row with empty metrics" \
  test "$(grep -cE '^[0-9a-f]{16},diverged,,0,(0|100),0,[0-9]+,$' div.csv)" -eq 2
bad "missing metric" "objective 'attack.occupation.bacc': no column 'last.attack.occupation.bacc'" analyze r.h5 \
  --objectives 'test.ndcg@10:max,attack.occupation.bacc:chance'
bad "bad sense" "unknown sense 'maximum'" analyze r.h5 --objectives 'test.ndcg@10:maximum'
# No sense is an error, not max: that would rank the models that leak most first.
bad "no sense" "objective 'attack.gender.bacc' has no sense; write attack.gender.bacc:max, attack.gender.bacc:min or attack.gender.bacc:chance" \
  analyze r.h5 --objectives 'test.ndcg@10:max,attack.gender.bacc'
# An explicit ':chance' takes the level the attackers stored (1/C), as the default objectives do; here a
# copy of r.h5 whose gender chance says 4 classes.
cp r.h5 chance4.h5
"$py" -c "
import h5py
with h5py.File('chance4.h5', 'r+') as f:
    f['trials/last.attack.gender.chance'][...] = 0.25
"
"$advx" analyze chance4.h5 --objectives 'test.ndcg@10:max,attack.gender.bacc:chance' >chance4.txt 2>&1
check "an explicit :chance uses the stored chance level" grep -q "^objectives: test.ndcg@10 ↑, |attack.gender.bacc−0.25| ↓$" chance4.txt ||
  head -3 chance4.txt
"$advx" analyze chance4.h5 --objectives 'test.ndcg@10:max,attack.gender.bacc:chance=0.5' >chance5.txt 2>&1
check "and chance=C overrides it" grep -q "^objectives: test.ndcg@10 ↑, |attack.gender.bacc−0.5| ↓$" chance5.txt
# Levels that differ between trials (a fold whose test users lack a class of a multi-class attribute):
# each trial's objective value uses its own level.
cp r.h5 chance-mixed.h5
"$py" -c "
import h5py, numpy as np
with h5py.File('chance-mixed.h5', 'r+') as f:
    c = f['trials/last.attack.gender.chance']
    c[...] = np.where(np.arange(c.shape[0]) % 2 == 0, 0.25, 0.5)
"
"$advx" analyze chance-mixed.h5 >mixed.txt 2>&1
check "levels that differ are labelled as each trial's chance" grep -q "^objectives: test.ndcg@10 ↑, |attack.gender.bacc−chance| ↓, attack.age.mae ↑$" mixed.txt ||
  head -3 mixed.txt
"$advx" analyze chance-mixed.h5 --per-replicate --format json >mixed.json 2>mixed-notes.txt
check "and each trial's value is |BAcc − its own level|" "$py" - <<'PY'
import h5py, json, math
a = json.load(open("mixed.json"))
o = next(o for o in a["objectives"] if o["metric"] == "attack.gender.bacc")
assert o["spec"] == "attack.gender.bacc:chance" and o["chance_column"] == "last.attack.gender.chance", o
with h5py.File("chance-mixed.h5") as f:
    ids = list(f["trials/trial_id"].asstr()[()])
    bacc, level = f["trials/last.attack.gender.bacc"][()], f["trials/last.attack.gender.chance"][()]
for p in a["points"]:
    r = ids.index(p["trial_id"])
    assert math.isclose(p["objectives"]["attack.gender.bacc"]["mean"], abs(bacc[r] - level[r]), rel_tol=1e-12), (p, r)
PY
bad "reference length" "--reference: 1 values for 3 objectives" analyze r.h5 --reference 0
"$advx" analyze r.h5 --objectives '' >out.txt 2>err.txt
check "an empty --objectives exits 2 instead of meaning the default" test $? -eq 2
check "and says so" grep -q -- "--objectives: empty value; expected metric:sense" err.txt
touch plotfile
bad "--plot naming a file" "--plot plotfile: exists and is not a directory" analyze r.h5 --plot plotfile
check "--plot naming a file fails before printing the report" test ! -s out.txt
bad "missing file" "nope.h5: result file not found" analyze nope.h5
ADVX_PLOT_SCRIPT=$tmp/none.py bad "missing plot script" "none.py: no such file" analyze r.h5 --plot p3
# No usable Python: every candidate interpreter fails to import h5py (a poisoned module on PYTHONPATH).
mkdir -p "$tmp/nopy/h5py" && echo 'raise ImportError("h5py hidden by the test")' >"$tmp/nopy/h5py/__init__.py"
PYTHONPATH=$tmp/nopy ADVX_PYTHON=/nonexistent bad "no python with h5py" "apt-get install python3-h5py python3-matplotlib" analyze r.h5 --plot p4
bad "missing file with --write" "nope.h5: result file not found" analyze nope.h5 --write

# 5. Order: the columns as advx writes them (identifiers, grid values, how the trial ran, metrics), not by
# name, in h5py and so in the SCHEMA.md recipe's DataFrame; the attributes likewise.
check "h5py lists columns, curves and attributes in the order written" "$py" - <<'PY'
import h5py, pandas as pd
f = h5py.File("r.h5", "r")
df = pd.DataFrame({k: (v.asstr()[()] if v.dtype.kind == "O" else v[()]) for k, v in f["trials"].items()})
assert list(df.columns[:9]) == ["trial_id", "trial_index", "replicate", "seed", "adversaries.gender.lambda",
                                "adversaries.age.lambda", "split.fold", "status", "message"], list(df.columns)
cols = list(df.columns)
assert cols.index("seconds_per_epoch") < cols.index("best.epoch") < cols.index("best.test.ndcg@10") < cols.index("last.epoch")
assert list(f["curves"])[:3] == ["train_loss", "train_vae_loss", "val_loss"], list(f["curves"])
assert list(f.attrs)[:3] == ["format", "format_version", "advx_version"], list(f.attrs)
a = f["analysis"]  # written by --write above
assert list(a.attrs)[:3] == ["format", "format_version", "checkpoint"], list(a.attrs)
assert list(a["points"])[:4] == ["adversaries.gender.lambda", "adversaries.age.lambda", "trial_ids", "n"], list(a["points"])
PY

# 6. Notes by trial id. Copies of r.h5 whose header says the last run had another grid — what a run with
# split.fold [0, 2] writes when it starts, here as if it stopped before its first trial finished: 8 rows
# for 8 planned trials, but 4 rows (fold 1) it did not plan and 4 planned trials (fold 2) without a row.
"$py" - <<'PY'
import shutil, h5py, numpy as np
def edit(name, overrides=True, planned=None):
    shutil.copy("r.h5", name)
    with h5py.File(name, "r+") as f:
        o = [x.decode() if isinstance(x, bytes) else x for x in f.attrs["sweep_overrides"]]
        assert "grid.split.fold=[0, 1]" in o, o
        o = ["grid.split.fold=[0, 2]" if x == "grid.split.fold=[0, 1]" else x for x in o]
        f.attrs["sweep_overrides"] = np.array(o, dtype=h5py.string_dtype())
        if not overrides:
            del f.attrs["sweep_overrides"]  # as written by an advx that did not record them
        if planned is not None:
            f.attrs["planned_trials"] = np.int64(planned)
edit("moved.h5")
edit("old-header.h5", overrides=False, planned=10)
edit("other-count.h5", planned=10)
PY
"$advx" analyze moved.h5 >moved.txt 2>&1
check "analyze of a stopped run of another grid exits 0" test $? -eq 0
check "notes the rows the last run did not plan, by id" \
  grep -q "^note: moved.h5 holds 8 trials; its last run planned 8, 4 of the 8 come from grid points that run did not have" moved.txt
check "and the planned trials without a row" \
  grep -q "^note: moved.h5 holds 4 of the 8 trials its last run planned; this analysis covers those and the 4 from other grid points" moved.txt
"$advx" analyze moved.h5 --format json >moved.json 2>moved.err
check "in JSON both notes go to stderr" test "$(grep -c '^note: moved.h5' moved.err)" -eq 2
check "and stdout stays JSON" "$py" -c "import json; json.load(open('moved.json'))"
check "advx results counts the same trials" \
  eval '"$advx" results moved.h5 | grep -q "8 trials recorded (4 of the 8 planned by the last run, 4 from grid points it did not have)"'
check "the JSON records what the analysis saw of the plan" "$py" - <<'PY'
import json
t = json.load(open("moved.json"))["trials"]
assert (t["planned"], t["planned_without_row"], t["unplanned"], t["shard"], t["sweep_trials"]) == (8, 4, 4, "", 8), t
PY
# A shard's file is complete for its shard, but the analysis sees half the sweep: a note says so, and the
# JSON and /analysis record it.
"$advx" sweep "$demo" --out shard0.h5 --shard 0/2 --set train.epochs=3 --set attackers.epochs=3 --set data.users=600 \
  --set data.items=300 --set 'grid.adversaries.gender.lambda=[0, 100]' --set 'grid.adversaries.age.lambda=[0, 100]' \
  --set 'grid.split.fold=[0, 1]' >shard0.log 2>&1
"$advx" analyze shard0.h5 --write >shard0.txt 2>&1
check "analyze of a shard notes it" \
  grep -q "^note: shard0.h5 holds shard 0/2 of sweep 'demo' only (4 of the sweep's 8 trials); this analysis covers that shard" shard0.txt
check "and /analysis records the shard and the sweep's size" "$py" - <<'PY'
import h5py
a = h5py.File("shard0.h5", "r")["analysis"].attrs
assert (a["shard"], a["sweep_trials"], a["trials_planned"], a["trials_planned_without_row"]) == ("0/2", 8, 4, 0), dict(a)
PY
check "a whole sweep's analysis has no shard note" bash -c "! grep -q 'holds shard' text.txt"
# A grid grown on a shard's file shifts plan indices (a third fold: index parity no longer follows the
# fold): finished trials that now belong to the other shard are counted in a note (it runs them again).
cp shard0.h5 shard0-grown.h5
"$advx" sweep "$demo" --out shard0-grown.h5 --shard 0/2 --set train.epochs=3 --set attackers.epochs=3 \
  --set data.users=600 --set data.items=300 --set 'grid.adversaries.gender.lambda=[0, 100]' \
  --set 'grid.adversaries.age.lambda=[0, 100]' --set 'grid.split.fold=[0, 1, 2]' >shard0-grown.log 2>&1
check "a grown grid on a shard's file runs (exit 0)" test $? -eq 0
check "and notes the finished trials that moved to the other shard" \
  grep -qE "^note: [1-9][0-9]* finished trials? of shard0-grown.h5 belong to other shards now \(the grid changed" shard0-grown.log
# A last run that planned nothing (a shard's part of a shrunken grid): every row is from other grid points.
"$py" - <<'PY'
import shutil, h5py, numpy as np
shutil.copy("r.h5", "none-planned.h5")
with h5py.File("none-planned.h5", "r+") as f:
    o = [x.decode() if isinstance(x, bytes) else x for x in f.attrs["sweep_overrides"]]
    f.attrs["sweep_overrides"] = np.array([x for x in o if not x.startswith("grid.")] + ["grid.split.fold=[]"],
                                          dtype=h5py.string_dtype())
    f.attrs["planned_trials"] = np.int64(0)
PY
check "advx results: rows of a run that planned none" \
  eval '"$advx" results none-planned.h5 | grep -q "8 trials recorded (0 planned by the last run, the others from grid points"'
# Without the overrides the plan cannot be rebuilt; with them but another planned count it is not the plan
# the count describes (a merge of shards of different grids): counts, as before.
for name in old-header other-count; do
  "$advx" analyze $name.h5 >$name.txt 2>&1
  check "$name: the note compares counts" \
    grep -q "^note: $name.h5 holds 8 of the 10 trials its last run planned; this analysis covers those (rerun" $name.txt
  check "$name: one note" test "$(grep -c '^note:' $name.txt)" -eq 1
done

# The writer lock in a directory shared by a group, as another user (nobody): a stale lock file left by
# root is taken over; a held one is "in use" naming its holder; in a sticky directory the stale one
# cannot be replaced and the message says to remove it. Needs root to switch users (skipped otherwise).
nobody=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
mkdir -m 777 shared && cp r.h5 shared/r.h5 && chmod 666 shared/r.h5 && chmod 755 "$tmp"
if [[ $EUID -eq 0 ]] && "${nobody[@]}" "$advx" --version >/dev/null 2>&1; then
  echo "pid 1 on deadhost" >shared/r.h5.lock
  "${nobody[@]}" "$advx" analyze shared/r.h5 --write >nobody1.txt 2>&1
  check "another user's stale lock file is taken over" test $? -eq 0
  check "and removed at the end" test ! -e shared/r.h5.lock
  echo "pid 1 on deadhost" >shared/r.h5.lock
  flock shared/r.h5.lock sleep 5 &
  holder=$!
  sleep 0.5
  "${nobody[@]}" "$advx" analyze shared/r.h5 --write >nobody2.txt 2>&1
  check "another user's held lock: exit 2" test $? -eq 2
  check "another user's held lock names the holder" grep -q "in use by another advx process (pid 1 on deadhost); wait" nobody2.txt
  wait $holder
  chmod 1777 shared
  "${nobody[@]}" "$advx" analyze shared/r.h5 --write >nobody3.txt 2>&1
  check "a stale lock that cannot be replaced: analyze --write (in place) locks it read-only and runs" test $? -eq 0
  check "and leaves it" test -e shared/r.h5.lock
  "${nobody[@]}" "$advx" merge --out shared/r.h5 shared/r.h5 >nobody5.txt 2>&1
  check "a stale lock that cannot be replaced: a whole-file writer exits 2" test $? -eq 2
  check "a stale lock that cannot be replaced: says to remove it" grep -q "r.h5.lock is another user's.*remove it" nobody5.txt
  # A writable result file in a directory this user cannot create files in: no sweep can be writing it
  # (a sweep creates the lock file there), and the analysis is written in place.
  rm -f shared/r.h5.lock && chmod 555 shared
  "${nobody[@]}" "$advx" analyze shared/r.h5 --write >nobody4.txt 2>&1
  check "analyze --write in a read-only directory works (in place)" test $? -eq 0
else
  echo "note: not root or no setpriv: the other-user lock checks are skipped"
fi

# 7. A λ the sweep fixes names the models too: with λ_gender = 100 fixed (no axis), λ_age = 0 is
# AdvMultVAE-G, not MultVAE, and λ_age = 100 is AdvXMultVAE.
sed -e '/^  adversaries.gender.lambda: \[/d' -e 's/^  adversaries.age.lambda: .*/  adversaries.age.lambda: [0, 100]/' \
  -e 's/gender: {lambda: 0,/gender: {lambda: 100,/' "$demo" >fixed-gender.yaml
check "the fixed-λ sweep file has λ_gender 100 and one axis" \
  eval 'grep -q "gender: {lambda: 100," fixed-gender.yaml && test "$(grep -A3 "^grid:" fixed-gender.yaml | grep -c lambda)" -eq 1'
"$advx" sweep fixed-gender.yaml --out fixed.h5 --set train.epochs=2 --set attackers.epochs=2 --set data.users=600 \
  --set data.items=300 >fixed-sweep.log 2>&1
"$advx" analyze fixed.h5 >fixed.txt 2>&1
check "analyze of a sweep at a fixed λ_gender exits 0" test $? -eq 0
check "its λ_age = 0 baseline is AdvMultVAE-G" grep -qE "^ +AdvMultVAE-G +0 " fixed.txt || cat fixed.txt
check "its λ_age = 100 point is AdvXMultVAE" grep -qE "AdvXMultVAE +100 " fixed.txt
check "and nothing in it is called MultVAE (warnings aside)" bash -c "! grep -v '^warning:' fixed.txt | grep -qE '(^| )MultVAE'"
# Without a MultVAE point, an attacker at chance on every point is removal or an attacker that learned
# nothing, and analyze says the numbers cannot tell which.
"$py" -c '
import shutil, h5py
shutil.copy("fixed.h5", "fixed-blind.h5")
with h5py.File("fixed-blind.h5", "r+") as f:
    t = f["trials"]; b = t["last.attack.gender.bacc"][()]; b[:] = 0.5; t["last.attack.gender.bacc"][...] = b'
"$advx" analyze fixed-blind.h5 >fixed-blind.txt 2>&1
check "analyze warns of a gender attacker at chance everywhere when no point is MultVAE" \
  grep -q "^warning: the gender attacker is no better than chance on every point, and no point has every λ = 0" \
  fixed-blind.txt || cat fixed-blind.txt

# A sweep whose train.ks has no 10: the default objectives and the paper table take NDCG (and Recall) at
# its smallest k, as --plot draws them.
"$advx" sweep fixed-gender.yaml --out ks.h5 --set train.epochs=2 --set attackers.epochs=2 --set data.users=600 \
  --set data.items=300 --set 'train.ks=[5, 20]' --set train.select=ndcg@5 >ks-sweep.log 2>&1
"$advx" analyze ks.h5 --format json >ks.json 2>ks.err
check "analyze of a sweep without k = 10 exits 0" test $? -eq 0 || cat ks.err
check "its default objectives start with NDCG@5" "$py" -c '
import json; a = json.load(open("ks.json"))
assert [o["spec"] for o in a["objectives"]][0] == "test.ndcg@5:max", a["objectives"]'
"$advx" analyze ks.h5 >ks.txt 2>&1
check "and its paper table shows NDCG@5 and Recall@5" grep -qE "NDCG@5 +Recall@5" ks.txt || cat ks.txt
# A sweep without attributes: no scatter plots, and the note says why (not "diverged or failed").
cat >noattr.yaml <<'YAML'
name: noattr
data: {format: synthetic, path: data/demo, users: 600, items: 300, seed: 1}
train: {epochs: 2}
grid:
  model.latent: [8, 16]
YAML
"$advx" sweep noattr.yaml --out noattr.h5 >noattr-sweep.log 2>&1
"$advx" analyze noattr.h5 --plot plots-noattr >noattr-plot.txt 2>&1
check "--plot on a sweep without attributes exits 0" test $? -eq 0 || cat noattr-plot.txt
check "and says it has no attributes to attack" grep -qF "the sweep declares no attributes to attack" noattr-plot.txt ||
  cat noattr-plot.txt
check "its table names the model (no λ axis, no adversary: MultVAE)" grep -qE "^best trade-off \(knee\) +MultVAE " noattr-plot.txt ||
  cat noattr-plot.txt
# A file without any NDCG column: analyze says how to name the objectives.
"$py" -c '
import shutil, h5py
shutil.copy("ks.h5", "no-ndcg.h5")
with h5py.File("no-ndcg.h5", "r+") as f:
    for c in [c for c in f["trials"] if ".test.ndcg@" in c]: del f["trials"][c]'
bad "no NDCG for the default objectives" "no-ndcg.h5: no column 'last.test.ndcg@K' in /trials for the default objectives" analyze no-ndcg.h5
check "and the error says to name objectives" grep -qF "; name the objectives with --objectives" err.txt
"$advx" analyze ks.h5 --objectives 'test.ndcg@5:max,attack.gender.bacc:chance' --plot plots-ks >ks-plot.txt 2>&1
check "--plot on a sweep without k = 10 exits 0" test $? -eq 0 || cat ks-plot.txt
check "and plots NDCG@5 against each attacker" "$py" - <<'PY'
import json
d = json.load(open("plots-ks/plot_data.json"))
assert [s["y_metric"] for s in d["scatter"]] == ["test.ndcg@5", "test.ndcg@5"], d["scatter"]
# One trial per point: no std (null, as in analyze's JSON), not 0.
assert all(q["n"] == 1 and q["x"]["std"] is None and q["y"]["std"] is None for s in d["scatter"] for q in s["points"])
PY

# results --csv carries each trial's replicate and seed (a seeds: list runs replicate r with seeds[r]).
"$advx" sweep fixed-gender.yaml --out seeds.h5 --set train.epochs=1 --set attackers.epochs=1 --set data.users=300 \
  --set data.items=200 --set 'seeds=[3, 5]' --set 'grid.adversaries.age.lambda=[0]' >seeds-sweep.log 2>&1
"$advx" results seeds.h5 --csv >seeds.csv
check "results --csv: a replicate and a seed column, seeds[replicate] in each row" "$py" - <<'PY'
import csv
rows = list(csv.DictReader(open("seeds.csv")))
assert len(rows) == 4, rows
assert sorted({(r["replicate"], r["seed"]) for r in rows}) == [("0", "3"), ("1", "5")], rows
PY
# More seeds later: a seeds: list extended at the end resumes the file (its trials keep ids, seeds and
# metrics) and runs the new replicate; reordered, it is another sweep.
seeds_run() { "$advx" sweep fixed-gender.yaml --out seeds.h5 --set train.epochs=1 --set attackers.epochs=1 \
  --set data.users=300 --set data.items=200 --set "seeds=$1" --set 'grid.adversaries.age.lambda=[0]'; }
"$advx" plan fixed-gender.yaml --out seeds.h5 --set train.epochs=1 --set attackers.epochs=1 --set data.users=300 \
  --set data.items=200 --set 'seeds=[3, 5, 7]' \
  --set 'grid.adversaries.age.lambda=[0]' >seeds-plan.txt 2>&1
check "plan says the file takes the new seed" \
  grep -q "seeds.h5: seeds: \[3, 5\] → \[3, 5, 7\]; advx sweep keeps the earlier replicates' trials (same ids and seeds) and runs only the new ones" seeds-plan.txt
check "and counts 2 done, 1 to run" grep -q "^seeds.h5: 2 done, 1 to run" seeds-plan.txt
seeds_run '[3, 5, 7]' >seeds-grow.log 2>&1
check "a seeds: list extended at the end resumes the file" test $? -eq 0
check "the run says so" grep -q "seeds.h5: seeds: \[3, 5\] → \[3, 5, 7\]; the earlier replicates' trials are kept (same ids and seeds), only the new ones run" seeds-grow.log
check "and runs only the new replicate" grep -q "3 trials planned, 2 already done, 1 run now" seeds-grow.log
"$advx" results seeds.h5 --csv >seeds3.csv
check "the old rows are unchanged and the new one has replicate 2, seed 7" "$py" - <<'PY'
import csv
old = {tuple(r.values()) for r in csv.DictReader(open("seeds.csv"))}
new = list(csv.DictReader(open("seeds3.csv")))
assert old <= {tuple(r.values()) for r in new}, "old rows changed"
assert sorted({(r["replicate"], r["seed"]) for r in new}) == [("0", "3"), ("1", "5"), ("2", "7")], new
PY
seeds_run '[5, 3, 7]' >seeds-reorder.log 2>&1
check "a reordered seeds: list is refused (exit 2)" test $? -eq 2
check "naming the change" grep -q "holds results of another sweep (seeds: \[3, 5, 7\] → \[5, 3, 7\])" seeds-reorder.log
# Cut: refused, or a list cut and extended again ([3, 5] then [3, 5, 9]) would take seed 7's row for 9's.
seeds_run '[3, 5]' >seeds-cut.log 2>&1
check "a seeds: list cut at the end is refused (exit 2)" test $? -eq 2
# A shard's replicates cannot grow: more replicates shift the plan indices that shards are taken by.
"$advx" sweep "$demo" --out shard0.h5 --shard 0/2 --set train.epochs=3 --set attackers.epochs=3 --set data.users=600 \
  --set data.items=300 --set 'grid.adversaries.gender.lambda=[0, 100]' --set 'grid.adversaries.age.lambda=[0, 100]' \
  --set 'grid.split.fold=[0, 1]' --set replicates=2 >shard-grow.log 2>&1
check "a shard's replicates cannot grow (exit 2)" test $? -eq 2
check "and the refusal says why and what to do" \
  grep -q "shard0.h5: replicates: 1 → 2: a shard's replicates cannot grow (shards take trials by plan index" shard-grow.log

finish
