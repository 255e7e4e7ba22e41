#!/usr/bin/python3
"""ctest real_parity_ml100k: advx's plain MultVAE (λ = 0) matches the independent PyTorch implementation.

    parity_ml100k_test.py ADVX TORCH_REFERENCE_PY DATA_DIR [--jobs N]

MovieLens-100K, sweeps/ml100k-gender-age.yaml (the paper's training settings), folds 0-4, one thread per
trial. Asserts (REFERENCE §8):
  - |mean_advx − mean_torch| of test NDCG@10 (best checkpoint) ≤ max(std_advx, std_torch) over the folds;
  - advx's mean post-hoc gender attacker BAcc (best checkpoint) > 0.55 (the unprotected model leaks gender).
The torch side runs with --no-attack (BAcc is checked on advx only) to stay within the time budget.
"""
import argparse
import os
import sys
import tempfile


def main():
    p = argparse.ArgumentParser()
    p.add_argument("advx")
    p.add_argument("torch_reference")
    p.add_argument("data")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--folds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    a = p.parse_args()
    bench = os.path.dirname(os.path.abspath(a.torch_reference))
    sys.path.insert(0, bench)
    import benchlib as bl
    import parity_ml100k as par
    bl.TORCH_REF = os.path.abspath(a.torch_reference)

    with tempfile.TemporaryDirectory(prefix="advx-parity-test-") as work:
        res = par.run(a.advx, a.data, a.folds, ["0"], a.jobs, work, torch_extra=["--no-attack"])
    print(par.table(res, a.folds, ["0"]))
    bad = [k for k, r in res.items() if r.get("status") != "ok"]
    if bad:
        print("FAIL: trials not ok: %s" % bad)
        return 1
    nd_a = [res[("advx", "0", f)]["best.test.ndcg@10"] for f in a.folds]
    nd_t = [res[("torch", "0", f)]["best.test.ndcg@10"] for f in a.folds]
    bacc = [res[("advx", "0", f)]["best.attack.gender.bacc"] for f in a.folds]
    (ma, sa), (mt, st) = bl.mean_std(nd_a), bl.mean_std(nd_t)
    mb, sb = bl.mean_std(bacc)
    ok = True
    gap, tol = abs(ma - mt), max(sa, st)
    print("\nNDCG@10 advx %.4f ± %.4f, torch %.4f ± %.4f: |gap| %.4f ≤ %.4f ? %s" % (
        ma, sa, mt, st, gap, tol, "yes" if gap <= tol else "NO"))
    ok &= gap <= tol
    print("advx gender BAcc %.4f ± %.4f > 0.55 ? %s" % (mb, sb, "yes" if mb > 0.55 else "NO"))
    ok &= mb > 0.55
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
