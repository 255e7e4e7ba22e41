#!/usr/bin/env python3
"""Independent check of `advx data inspect` on MovieLens-100K.

Recomputes the preprocessing of REFERENCE §1.1 in plain Python (ratings >= 4, iterative k-core with
user and item counts taken on the same matrix each pass) and compares the counts with advx's JSON.
Usage: crosscheck_counts.py ADVX_BINARY ML100K_DIR
"""
import json
import subprocess
import sys
from collections import Counter


def preprocess(ml_dir, min_rating=4, min_user=5, min_item=5):
    pairs = set()
    raw = 0
    with open(f"{ml_dir}/u.data") as f:
        for line in f:
            u, i, r, _ = line.split("\t")
            raw += 1
            if int(r) >= min_rating:
                pairs.add((int(u), int(i)))
    passes = 0
    while True:
        passes += 1
        uc = Counter(u for u, _ in pairs)
        ic = Counter(i for _, i in pairs)
        kept = {(u, i) for u, i in pairs if uc[u] >= min_user and ic[i] >= min_item}
        if kept == pairs:
            break
        pairs = kept
    users = {u for u, _ in pairs}
    gender = Counter()
    ages = []
    with open(f"{ml_dir}/u.user") as f:
        for line in f:
            uid, age, g, _, _ = line.rstrip("\n").split("|")
            if int(uid) in users:
                gender[g.lower()] += 1
                ages.append(int(age))
    return {
        "raw_ratings": raw,
        "users": len(users),
        "items": len({i for _, i in pairs}),
        "interactions": len(pairs),
        "passes": passes,
        "gender": dict(gender),
        "age_mean": sum(ages) / len(ages),
    }


def main():
    advx, ml_dir = sys.argv[1], sys.argv[2]
    out = subprocess.run([advx, "data", "inspect", "--format", "movielens-100k", "--path", ml_dir, "--json"],
                         check=True, capture_output=True, text=True).stdout
    got = json.loads(out)
    want = preprocess(ml_dir)
    checks = [
        ("raw ratings", got["raw"]["ratings"], want["raw_ratings"]),
        ("users", got["users"], want["users"]),
        ("items", got["items"], want["items"]),
        ("interactions", got["interactions"], want["interactions"]),
        ("k-core passes", got["kcore_passes"], want["passes"]),
        ("gender counts", got["attributes"]["gender"]["counts"], want["gender"]),
        ("age mean", round(got["attributes"]["age"]["mean"], 6), round(want["age_mean"], 6)),
    ]
    failed = 0
    for name, a, b in checks:
        ok = a == b
        failed += not ok
        print(f"{'ok ' if ok else 'BAD'} {name}: advx={a} python={b}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
