#!/usr/bin/python3
r"""Quality parity advx vs. PyTorch (bench/torch_reference.py) on MovieLens-100K, REFERENCE §8.

For every fold and every λ_gender (λ_age = 0), exports advx's split, trains the sweep file's trial with advx
and the same trial with torch_reference.py (hyperparameters derived from the sweep file), and prints per fold
and mean ± std (over folds) of test NDCG@10, Recall@10 and the post-hoc gender attacker's BAcc, for the best
(val NDCG@10) and last checkpoints, and seconds per epoch (training steps only).

    /usr/bin/python3 bench/parity_ml100k.py --advx build/advx --data /work/shared/data/ml-100k \
        [--folds 0 1 2 3 4] [--lambdas 0 800] [--jobs 2] [--json out.json]

Each trial runs at 1 thread; --jobs trials run at once (2 = one per core on this machine).
"""
import argparse
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

SWEEP = os.path.join(bl.REPO, "sweeps", "ml100k-gender-age.yaml")
METRICS = [("test.ndcg@10", "NDCG@10"), ("test.recall@10", "Recall@10"), ("attack.gender.bacc", "gender BAcc")]


def run(advx, data, folds, lambdas, jobs, work, torch_extra=(), sweep=SWEEP, extra_sets=()):
    jobs_d = {}
    for f in folds:
        split = bl.export_split(advx, "movielens-100k", data, f, os.path.join(work, "ml100k-f%d" % f))
        for lam in lambdas:
            sets = ["data.path=" + data, "split.fold=%d" % f, "adversaries.gender.lambda=%s" % lam,
                    "adversaries.age.lambda=0"] + list(extra_sets)
            targs = bl.torch_args_from_sweep(bl.load_sweep(sweep, sets))
            jobs_d[("torch", lam, f)] = (lambda s=split, a=targs: bl.run_torch(s, a, 1, torch_extra))
            jobs_d[("advx", lam, f)] = (lambda s=sets: bl.run_advx(advx, sweep, s, 1))
    # longest first (torch) so the pool stays busy
    res = bl.run_jobs(dict(sorted(jobs_d.items(), key=lambda kv: kv[0][0] != "torch")), jobs)
    return res


def table(res, folds, lambdas):
    lines = []
    for lam in lambdas:
        lines.append("")
        lines.append("λ_gender = %s, λ_age = 0 (%d folds)" % (lam, len(folds)))
        hdr = "| metric | ckpt | impl | " + " | ".join("fold %d" % f for f in folds) + " | mean ± std |"
        lines += [hdr, "|" + "---|" * (hdr.count("|") - 1)]
        for key, label in METRICS:
            for ck in ("best", "last"):
                for impl in ("advx", "torch"):
                    vals = [res[(impl, lam, f)].get("%s.%s" % (ck, key)) for f in folds]
                    cells = ["—" if v is None else "%.4f" % v for v in vals]
                    lines.append("| %s | %s | %s | %s | %s |" % (label, ck, impl, " | ".join(cells), bl.fmt_ms(vals)))
        for impl in ("advx", "torch"):
            vals = [res[(impl, lam, f)]["seconds_per_epoch"] for f in folds]
            lines.append("| s/epoch (train steps) | — | %s | %s | %s |" % (
                impl, " | ".join("%.4f" % v for v in vals), bl.fmt_ms(vals)))
        for impl in ("advx", "torch"):
            vals = [res[(impl, lam, f)]["best.epoch"] for f in folds if "best.epoch" in res[(impl, lam, f)]]
            lines.append("| best epoch | — | %s | %s | |" % (impl, " | ".join(str(v) for v in vals)))
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--advx", default=os.path.join(bl.REPO, "build", "advx"))
    p.add_argument("--data", default="/work/shared/data/ml-100k")
    p.add_argument("--folds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    p.add_argument("--lambdas", nargs="+", default=["0", "800"])
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--work", default=None, help="directory for the exported splits (default: a temp dir)")
    p.add_argument("--json", default=None, help="write all raw results here")
    a = p.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="advx-parity-")
    os.makedirs(work, exist_ok=True)
    start = bl.machine_note()
    res = run(a.advx, a.data, a.folds, a.lambdas, a.jobs, work)
    blas = sorted({r.get("blas") for k, r in res.items() if k[0] == "torch"})
    print("# parity advx vs torch_reference.py on MovieLens-100K; 1 thread per trial, %d trials at once" % a.jobs)
    print("# start: %s; end: %s; torch BLAS: %s" % (start, bl.machine_note(), ", ".join(blas)))
    print(table(res, a.folds, a.lambdas))
    for lam in a.lambdas:
        ma, sa = bl.mean_std([res[("advx", lam, f)]["best.test.ndcg@10"] for f in a.folds])
        mt, st = bl.mean_std([res[("torch", lam, f)]["best.test.ndcg@10"] for f in a.folds])
        print("\nλ_g=%s: |mean NDCG@10 advx − torch| = %.4f vs fold spread max(std) = %.4f → %s" % (
            lam, abs(ma - mt), max(sa, st), "within" if abs(ma - mt) <= max(sa, st) else "OUTSIDE"))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"%s/%s/%d" % k: {kk: vv for kk, vv in v.items() if kk != "curves"} for k, v in res.items()},
                      f, indent=1)


if __name__ == "__main__":
    main()
