#!/bin/bash
# Speed of one training epoch, advx vs. PyTorch (bench/torch_reference.py), on a MovieLens-1M-sized
# synthetic data set, at 1 and 2 threads; achieved GFLOP/s of advx next to oneDNN's fp32 peak on the same
# GEMM shapes (bench_sgemm_peak); peak RSS per trial (/usr/bin/time -v).
#
#   bench/epoch.sh [BUILD_DIR=build] [EPOCHS=5] [THREADS="1 2"] [WORK=/tmp/advx-epoch]
#   e.g. EPOCHS=5 THREADS="1 2" bench/epoch.sh build
#
# Trial: sweeps/ml1m-gender-age.yaml (paper settings), λ_gender = λ_age = 200, fold 0; advx runs its full
# trial (validation each epoch, attackers at the end), torch runs --no-val --no-attack; both report
# seconds_per_epoch over the training steps only (shuffle, forward, backward, both Adam steps), which is
# what is compared. FLOPs per epoch (REFERENCE §10, sparse-aware, multiply-add = 2):
#   encoder forward + weight gradient   2 · 2 · nnz_train · 2L        (sparse input; no input gradient)
#   decoder fwd + bwd data + bwd weights 3 · 2 · n_train · L · I
#   adversary heads (10 gender + 10 age) 3 · 2 · n_train · 10 · (L·5 + 5·2 + L·5 + 5·1)
# Elementwise arithmetic is not in that count: Adam (≈ 15 FLOP per parameter per step, ≈ 11 % on top at
# ML-1M size) and the softmax/NLL (≈ 18 per logit, ≈ 3 %); the script prints it, and the ratio to the
# limit with it, separately.
set -euo pipefail
BUILD=$(realpath "${1:-build}")
EPOCHS=${EPOCHS:-5}
THREADS=${THREADS:-"1 2"}
WORK=${WORK:-/tmp/advx-epoch}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(dirname "$HERE")
ADVX=$BUILD/advx
PEAK=$BUILD/bench/bench_sgemm_peak
PY=/usr/bin/python3
mkdir -p "$WORK"
DATA=$WORK/syn-6040x3706
SPLIT=$WORK/syn-6040x3706-f0
[ -f "$DATA/ratings.dat" ] || "$ADVX" data synth --out "$DATA" --users 6040 --items 3706 --seed 1 >/dev/null
[ -f "$SPLIT/meta.json" ] || "$ADVX" data export-split --format movielens-1m --path "$DATA" --fold 0 --out "$SPLIT" >/dev/null

echo "# bench/epoch.sh: $(date '+%Y-%m-%d %H:%M %Z'), $(nproc) vCPU, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg); epochs per trial: $EPOCHS; threads: $THREADS"
SETS=(--set data.path="$DATA" --set split.fold=0 --set train.epochs="$EPOCHS"
      --set adversaries.gender.lambda=200 --set adversaries.age.lambda=200)
TARGS=$($PY -c "import sys; sys.path.insert(0, '$HERE'); import benchlib as bl
print(' '.join(bl.torch_args_from_sweep(bl.load_sweep('$REPO/sweeps/ml1m-gender-age.yaml', sys.argv[1:]))))" \
  data.path="$DATA" split.fold=0 train.epochs="$EPOCHS" adversaries.gender.lambda=200 adversaries.age.lambda=200)

for T in $THREADS; do
  export OMP_NUM_THREADS=$T OPENBLAS_NUM_THREADS=$T MKL_NUM_THREADS=$T
  l0=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -v -o "$WORK/advx-t$T.time" "$ADVX" train "$REPO/sweeps/ml1m-gender-age.yaml" "${SETS[@]}" \
    --threads "$T" --json > "$WORK/advx-t$T.json"
  l1=$(cut -d' ' -f1 /proc/loadavg)
  # shellcheck disable=SC2086
  /usr/bin/time -v -o "$WORK/torch-t$T.time" $PY "$HERE/torch_reference.py" "$SPLIT" $TARGS --no-val --no-attack \
    --threads "$T" --log-every 0 > "$WORK/torch-t$T.json"
  l2=$(cut -d' ' -f1 /proc/loadavg)
  "$PEAK" --items "$($PY -c "import json; print(json.load(open('$SPLIT/meta.json'))['n_items'])")" --threads "$T" \
    > "$WORK/peak-t$T.txt"
  echo "$l0 $l1 $l2" > "$WORK/load-t$T.txt"
done

$PY - "$WORK" "$SPLIT" "$THREADS" <<'EOF'
import json, os, re, sys
work, split, threads = sys.argv[1], sys.argv[2], sys.argv[3].split()
meta = json.load(open(os.path.join(split, "meta.json")))
I, n = meta["n_items"], meta["n_train"]
nnz = sum(1 for _ in open(os.path.join(split, "train.tsv"))) - 1
L, H = 100, 10
fl_enc = 2 * 2 * nnz * 2 * L
fl_dec = 3 * 2 * n * L * I
fl_heads = 3 * 2 * n * H * ((L * 5 + 5 * 2) + (L * 5 + 5 * 1))
fl = fl_enc + fl_dec + fl_heads
steps = -(-n // 64)
# Elementwise: Adam on every recommender and adversary parameter each step (coupled weight decay 2, m 3,
# v 4, the denominator 3, the update 3), and the log-softmax with its gradient on every logit (max 1,
# shift + polynomial exp ≈ 12, sum 1, log and gradient ≈ 4).
params = (I * 2 * L + 2 * L) + (L * I + I) + H * ((L * 5 + 5 + 5 * 2 + 2) + (L * 5 + 5 + 5 * 1 + 1))
fl_adam = 15 * params * steps
fl_softmax = 18 * n * I
fl_all = fl + fl_adam + fl_softmax
print("# data: %d train users, %d items, %d train interactions (%.1f per user); batches of 64: %d per epoch"
      % (n, I, nnz, nnz / n, -(-n // 64)))
print("# FLOP per epoch: encoder %.2f G + decoder %.2f G + heads %.2f G = %.2f GFLOP"
      % (fl_enc / 1e9, fl_dec / 1e9, fl_heads / 1e9, fl / 1e9))
print("# elementwise, not in that count: Adam %.2f G (%d parameters, %d steps), softmax/NLL %.2f G; all: %.2f GFLOP"
      % (fl_adam / 1e9, params, steps, fl_softmax / 1e9, fl_all / 1e9))

def rss(path):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(path).read())
    return int(m.group(1)) / 1024

def wall(path):
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", open(path).read())
    parts = [float(x) for x in m.group(1).split(":")]
    return sum(p * 60 ** i for i, p in enumerate(reversed(parts)))

print("| threads | advx s/epoch (mean / min) | torch s/epoch (mean / min) | torch/advx | advx GFLOP/s | oneDNN peak GFLOP/s (decoder shapes) | advx / peak | advx peak RSS | torch peak RSS | torch BLAS | load (start, mid, end) |")
print("|---|---|---|---|---|---|---|---|---|---|---|")
for t in threads:
    a = json.load(open(os.path.join(work, "advx-t%s.json" % t)))
    tr = json.load(open(os.path.join(work, "torch-t%s.json" % t)))
    peak = float(re.search(r"PEAK_GFLOPS (\S+)", open(os.path.join(work, "peak-t%s.txt" % t)).read()).group(1))
    a_mean = a["seconds_per_epoch"]
    a_min = min(a["curves"]["epoch_seconds"])
    t_mean, t_min = tr["seconds_per_epoch"], tr["seconds_per_epoch_min"]
    gf = fl / a_mean / 1e9
    load = open(os.path.join(work, "load-t%s.txt" % t)).read().split()
    print("| %s | %.3f / %.3f | %.3f / %.3f | %.1f× (min: %.1f×) | %.1f | %.1f | %.2f | %.0f MB | %.0f MB | %s | %s |" % (
        t, a_mean, a_min, t_mean, t_min, t_mean / a_mean, t_min / a_min, gf, peak, gf / peak,
        rss(os.path.join(work, "advx-t%s.time" % t)), rss(os.path.join(work, "torch-t%s.time" % t)),
        tr.get("blas"), ", ".join(load)))
print()
for t in threads:
    a = json.load(open(os.path.join(work, "advx-t%s.json" % t)))
    peak = float(re.search(r"PEAK_GFLOPS (\S+)", open(os.path.join(work, "peak-t%s.txt" % t)).read()).group(1))
    lim, lim_all = fl / peak / 1e9, fl_all / peak / 1e9
    print("threads %s: the arithmetic limit is %.4f s/epoch (GEMM FLOP at the peak), advx %.2f× it; counting the "
          "elementwise arithmetic too, %.4f s and %.2f×" % (t, lim, a["seconds_per_epoch"] / lim, lim_all,
                                                             a["seconds_per_epoch"] / lim_all))
print()
for t in threads:
    print("## bench_sgemm_peak --threads %s" % t)
    print(open(os.path.join(work, "peak-t%s.txt" % t)).read().rstrip())
EOF
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
