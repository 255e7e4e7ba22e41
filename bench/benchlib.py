"""Shared helpers of the bench scripts (parity_ml100k.py, removal.py, tests/real_data/parity_ml100k_test.py).

Runs one advx trial (`advx train SWEEP --set ... --json`) and the same trial in bench/torch_reference.py on the
split advx exports (`advx data export-split`), with torch's hyperparameters derived from the sweep file, so
the two sides cannot drift apart silently. Debian's /usr/bin/python3 (torch, numpy, yaml).
"""
import concurrent.futures as cf
import json
import math
import os
import subprocess
import sys
import time

import yaml

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
TORCH_REF = os.path.join(BENCH, "torch_reference.py")
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def load_sweep(path, sets):
    """The sweep file's base settings with --set overrides applied (dotted keys, YAML-typed values)."""
    with open(path) as f:
        s = yaml.safe_load(f)
    for kv in sets:
        key, val = kv.split("=", 1)
        node = s
        parts = key.split(".")
        for p in parts[:-1]:
            node = node.setdefault(p, {})
        node[parts[-1]] = yaml.safe_load(val)
    return s


def torch_args_from_sweep(s):
    """torch_reference.py options equal to the sweep file's settings. Raises on settings it cannot mirror."""
    m, t, atk = s["model"], s["train"], s["attackers"]
    advs = s.get("adversaries", {})
    a = ["--latent", m.get("latent", 100), "--input-dropout", m.get("input_dropout", 0.1), "--beta", m.get("beta", 0.8),
         "--epochs", t.get("epochs", 200), "--batch-size", t.get("batch_size", 64), "--lr", t.get("lr", 1e-3),
         "--wd", t.get("weight_decay", 1e-4), "--mask", t.get("mask", "neg_inf"),
         "--attack-epochs", atk.get("epochs", 50), "--attack-dropout", atk.get("dropout", 0.5),
         "--seed", s.get("seed", 42)]
    if m.get("hidden"):
        a += ["--hidden"] + list(m["hidden"])
    # settings torch_reference.py hard-codes: check the sweep file agrees
    for key, want in (("adv_lr", t.get("lr", 1e-3)), ("adv_weight_decay", t.get("weight_decay", 1e-4))):
        if key in t and float(t[key]) != float(want):
            raise ValueError("train.%s=%s differs from the recommender's; torch_reference.py shares them" % (key, t[key]))
    if t.get("select", "ndcg@10") != "ndcg@10":
        raise ValueError("torch_reference.py selects by ndcg@10 only")
    if atk.get("batch_size", 64) != t.get("batch_size", 64):
        raise ValueError("torch_reference.py uses train.batch_size for the attackers ([R] Q14)")
    if list(atk.get("hidden", [5])) != [5]:
        raise ValueError("torch_reference.py's attackers have one hidden layer of 5")
    heads = {(g.get("heads", 10), tuple(g.get("hidden", [5])), float(g.get("dropout", 0.3))) for g in advs.values()}
    if len(heads) > 1:
        raise ValueError("torch_reference.py uses one head shape for all groups: %s" % heads)
    inputs = {g.get("input", "z") for g in advs.values()}
    if len(inputs) > 1:
        raise ValueError("torch_reference.py feeds all groups the same input: %s" % inputs)
    if inputs:
        a += ["--adv-input", inputs.pop()]
    if heads:
        n, hidden, drop = heads.pop()
        if len(hidden) != 1:
            raise ValueError("torch_reference.py's heads have exactly one hidden layer")
        a += ["--heads", n, "--head-hidden", hidden[0], "--head-dropout", drop]
    attrs = s.get("attributes", {})
    targets = set()
    for name, spec in attrs.items():
        typ = spec.get("type", "categorical")
        if name in advs:
            grp = advs[name]
            want_act = "relu" if typ == "categorical" else "sigmoid"
            if grp.get("activation", want_act) != want_act:
                raise ValueError("torch_reference.py uses %s in %s heads" % (want_act, name))
            a += ["--adv", "%s:%s:%s" % (name, typ, grp.get("lambda", 0))]
        else:
            a += ["--attack", "%s:%s" % (name, typ)]
        if spec.get("class_weights"):
            a += ["--class-weights", "%s:%s" % (name, ",".join("%s=%s" % kv for kv in spec["class_weights"].items()))]
        if typ == "continuous":
            targets.add(spec.get("target", "raw"))
    if len(targets) > 1:
        raise ValueError("torch_reference.py uses one --age-target for all continuous attributes")
    if targets:
        a += ["--age-target", targets.pop()]
    return [str(x) for x in a]


def run_json(cmd, env=None):
    """Run a command that prints one JSON object on stdout; returns (dict, wall seconds)."""
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        # advx exits 1 on a diverged trial but still prints its JSON
        try:
            return json.loads(p.stdout), wall
        except ValueError:
            raise RuntimeError("command failed (%d): %s\n%s" % (p.returncode, " ".join(cmd), p.stderr[-2000:]))
    return json.loads(p.stdout), wall


def one_thread_env(threads=1):
    env = dict(os.environ)
    for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        env[k] = str(threads)
    return env


def export_split(advx, fmt, path, fold, out, seed=42):
    if os.path.exists(os.path.join(out, "meta.json")):
        return out
    subprocess.run([advx, "data", "export-split", "--format", fmt, "--path", path, "--fold", str(fold),
                    "--seed", str(seed), "--out", out], check=True, stdout=subprocess.DEVNULL)
    return out


def run_advx(advx, sweep, sets, threads=1):
    cmd = [advx, "train", sweep, "--json", "--threads", str(threads)] + [x for kv in sets for x in ("--set", kv)]
    j, wall = run_json(cmd, env=one_thread_env(threads))
    j["wall"] = wall
    return j


def run_torch(split_dir, args, threads=1, extra=()):
    cmd = [PYTHON, TORCH_REF, split_dir, "--threads", str(threads), "--log-every", "0"] + list(args) + list(extra)
    j, wall = run_json(cmd, env=one_thread_env(threads))
    j["wall"] = wall
    return j


def run_jobs(jobs, n_parallel):
    """jobs: dict key -> zero-arg callable. Runs them n_parallel at a time; returns key -> result."""
    out = {}
    with cf.ThreadPoolExecutor(max_workers=n_parallel) as ex:
        futs = {ex.submit(f): k for k, f in jobs.items()}
        for fu in cf.as_completed(futs):
            k = futs[fu]
            out[k] = fu.result()
            r = out[k]
            log("done %-40s status=%s %.0fs" % (k, r.get("status"), r.get("wall", float("nan"))))
    return out


def mean_std(xs):
    xs = [x for x in xs if x is not None and not (isinstance(x, float) and math.isnan(x))]
    if not xs:
        return float("nan"), float("nan")
    m = sum(xs) / len(xs)
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0
    return m, sd


def fmt_ms(xs, digits=4):
    m, sd = mean_std(xs)
    return "%.*f ± %.*f" % (digits, m, digits, sd)


def machine_note():
    load = open("/proc/loadavg").read().split()[:3]
    return "%s, load %s, %d vCPU" % (time.strftime("%Y-%m-%d %H:%M %Z"), " ".join(load), os.cpu_count())
