#!/usr/bin/python3
"""Attribute removal on synthetic data: advx vs. PyTorch (bench/torch_reference.py).

Synthesises a data set with a strong planted attribute signal (`advx data synth --signal S`), then for
λ_gender ∈ LG (λ_age = 0) and λ_age ∈ LA (λ_gender = 0) trains sweeps/ml1m-gender-age.yaml's trial (paper
settings, age target z-scored so the age attacker can fit; MAE in raw age-code units) with advx and with
torch_reference.py on the same exported split, and prints the post-hoc attackers' gender BAcc and age MAE
(next to the constant-predictor MAE = median of train ages), plus test NDCG@10, per λ (mean ± std over folds).
Expectation: BAcc → 0.5 as λ_gender grows and MAE → mae_constant as λ_age grows, for both implementations.

    /usr/bin/python3 bench/removal.py --advx build/advx [--signal 2] [--users 2000] [--items 1000] \
        [--folds 0] [--lg 0 50 200 800] [--la 0 50 200 800] [--jobs 2] [--json out.json]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib as bl  # noqa: E402

SWEEP = os.path.join(bl.REPO, "sweeps", "ml1m-gender-age.yaml")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--advx", default=os.path.join(bl.REPO, "build", "advx"))
    p.add_argument("--users", type=int, default=2000)
    p.add_argument("--items", type=int, default=1000)
    p.add_argument("--signal", type=float, default=2.0)
    p.add_argument("--data-seed", type=int, default=1)
    p.add_argument("--folds", type=int, nargs="+", default=[0])
    p.add_argument("--lg", nargs="+", default=["0", "50", "200", "800"])
    p.add_argument("--la", nargs="+", default=["0", "50", "200", "800"])
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--work", default=None)
    p.add_argument("--json", default=None)
    p.add_argument("--input", choices=["z", "mu"], default="z",
                   help="adversaries.<a>.input of both groups: the sampled z (reference) or μ")
    p.add_argument("--impls", nargs="+", choices=["advx", "torch"], default=["advx", "torch"])
    a = p.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="advx-removal-")
    os.makedirs(work, exist_ok=True)
    data = os.path.join(work, "syn-u%d-i%d-s%g-seed%d" % (a.users, a.items, a.signal, a.data_seed))
    if not os.path.exists(os.path.join(data, "ratings.dat")):
        subprocess.run([a.advx, "data", "synth", "--out", data, "--users", str(a.users), "--items", str(a.items),
                        "--seed", str(a.data_seed), "--signal", str(a.signal)], check=True, stdout=subprocess.DEVNULL)
    points = [(g, "0") for g in a.lg] + [("0", x) for x in a.la if x != "0" or "0" not in a.lg]
    start = bl.machine_note()
    jobs = {}
    for f in a.folds:
        split = bl.export_split(a.advx, "movielens-1m", data, f, os.path.join(data + "-split", "f%d" % f))
        for g, x in points:
            sets = ["data.format=movielens-1m", "data.path=" + data, "split.fold=%d" % f,
                    "attributes.age.target=zscore", "train.epochs=%d" % a.epochs,
                    "adversaries.gender.lambda=" + g, "adversaries.age.lambda=" + x,
                    "adversaries.gender.input=" + a.input, "adversaries.age.input=" + a.input]
            targs = bl.torch_args_from_sweep(bl.load_sweep(SWEEP, sets))
            if "torch" in a.impls:
                jobs[("torch", g, x, f)] = (lambda s=split, t=targs: bl.run_torch(s, t, 1))
            if "advx" in a.impls:
                jobs[("advx", g, x, f)] = (lambda s=sets: bl.run_advx(a.advx, SWEEP, s, 1))
    res = bl.run_jobs(dict(sorted(jobs.items(), key=lambda kv: kv[0][0] != "torch")), a.jobs)

    print("# removal on synthetic data: advx data synth --users %d --items %d --signal %g --seed %d; folds %s; "
          "sweeps/ml1m-gender-age.yaml + attributes.age.target=zscore, adversaries read %s, %d epochs; 1 thread per "
          "trial, %d at once" % (a.users, a.items, a.signal, a.data_seed, a.folds, a.input, a.epochs, a.jobs))
    print("# start: %s; end: %s" % (start, bl.machine_note()))
    print("# mean ± std over folds; MAE in age-code units; const = MAE of the train-median predictor")
    hdr = ("| λ_g | λ_a | impl | status | NDCG@10 last | BAcc best | BAcc last | MAE best | MAE last | MAE const |"
           " adv loss g / a (last epoch) |")
    print(hdr)
    print("|" + "---|" * (hdr.count("|") - 1))
    for g, x in points:
        for impl in a.impls:
            rs = [res[(impl, g, x, f)] for f in a.folds]

            def col(key, d=4):
                return bl.fmt_ms([r.get(key) for r in rs], d)
            st = ",".join(sorted({r.get("status", "?") for r in rs}))
            advl = []
            for attr in ("gender", "age"):
                v = [r["curves"]["adv_loss." + attr][-1] for r in rs if r.get("curves", {}).get("adv_loss." + attr)]
                advl.append("%.3f" % (sum(v) / len(v)) if v else "—")
            print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                g, x, impl, st, col("last.test.ndcg@10"), col("best.attack.gender.bacc"),
                col("last.attack.gender.bacc"), col("best.attack.age.mae", 2), col("last.attack.age.mae", 2),
                col("last.attack.age.mae_constant", 2), " / ".join(advl)))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"%s/%s/%s/%d" % k: v for k, v in res.items()}, fh, indent=1)


if __name__ == "__main__":
    main()
