#!/usr/bin/python3
"""Figures of an advx result file (HDF5), for papers and reports.

    plot_results.py results/NAME.h5 --out DIR [--analysis DIR/analysis.json]

`advx analyze FILE --plot DIR` runs this with the analysis it computed (JSON), so the highlighted front, the
checkpoint and the grouping into configurations are exactly the ones of its tables. Without --analysis the
script uses the file's /analysis group (`advx analyze --write`) when present, else the defaults (checkpoint
`last`, replicates = split.fold / *.seed / replicate) and highlights no front.

Writes, as PNG and SVG:
  ndcg_vs_<attr>_<bacc|mae>   test NDCG@10 (the smallest k when train.ks has no 10) against each attacker's
                              score, mean ± std over replicates (error bars), the first Pareto front (all
                              objectives) highlighted
  heatmap_<metric>            λ of the first two adversaries × each other, mean per cell, per metric
  val_curves                  the validation selection metric (train.select, NDCG@10 by default) per epoch
                              (/curves/val_select) of the table's picks
and plot_data.json: the plotted numbers (for tests and for re-plotting elsewhere).

Needs python3-h5py and python3-matplotlib (Debian); uses the Agg backend, no display.
"""
import argparse
import json
import math
import os
import re
import sys

try:
    import h5py
    import numpy as np
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: E402
    from matplotlib.ticker import MaxNLocator  # noqa: E402
except ImportError as e:
    # `#!/usr/bin/env python3` may find another Python first (a pyenv or venv without these packages).
    sys.exit("plot_results.py: %s in %s; it needs h5py, numpy and matplotlib (Debian: apt-get install "
             "python3-h5py python3-matplotlib), or run it with a Python that has them, e.g. /usr/bin/python3"
             % (e, sys.executable))


def read_trials(f):
    out = {}
    for name, ds in f["trials"].items():
        if ds.ndim != 1:
            continue
        out[name] = ds.asstr()[()] if ds.dtype.kind == "O" else ds[()]
    return out


def text(v):
    """A grid value as the C++ side prints it (fmt's shortest form: 400.0 → '400')."""
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return ""
        return str(int(v)) if float(v).is_integer() and abs(v) < 1e16 else repr(float(v))
    if isinstance(v, (bytes, np.bytes_)):
        return v.decode()
    return str(v)


def is_replicate_key(k):
    return k in ("split.fold", "seed", "replicate") or k.rsplit(".", 1)[-1] == "seed"


def stat(values):
    v = np.asarray([x for x in values if np.isfinite(x)], dtype=float)
    if v.size == 0:
        return {"mean": float("nan"), "std": None, "n": 0}
    # No std of one value: null, as advx analyze's JSON has it (the plot draws no error bar).
    return {"mean": float(v.mean()), "std": float(v.std(ddof=1)) if v.size > 1 else None, "n": int(v.size)}


def mean_level(f, column):
    """Mean of a stored chance-level column (levels differ between folds lacking a class); 0.5 without it."""
    if column not in f["trials"]:
        return 0.5
    v = f["trials"][column][()]
    v = v[np.isfinite(v)]
    return float(v.mean()) if v.size else 0.5


def load_analysis(f, path):
    """(checkpoint, config_keys, used trial ids or None, front configs, table, chance per metric)."""
    if path:
        with open(path) as fh:
            a = json.load(fh)
        ids = set()
        for p in a["points"]:
            ids.update([p["trial_id"]] if "trial_id" in p else p["trials"])
        front = [p["config"] for p in a["front"]]
        chance = {o["metric"]: (mean_level(f, o["chance_column"]) if "chance_column" in o else o["chance"])
                  for o in a["objectives"] if o["sense"] == "chance"}
        return a["checkpoint"], a["config_keys"], ids, front, a["table"], chance
    if "analysis" in f:
        g = f["analysis"]
        keys = [text(k) for k in g.attrs["config_keys"]]
        pts = g["points"]
        ids = set()
        for s in pts["trial_ids"].asstr()[()]:
            ids.update(s.split(";"))
        front_idx = g["front"][()]
        front = [{k: pts[k].asstr()[()][i] for k in keys} for i in front_idx]
        chance = {}
        checkpoint = text(g.attrs["checkpoint"])
        for spec in text(g.attrs["objectives"]).split(","):
            m = re.match(r"(.+):chance(?:=(.+))?$", spec)
            if m and m.group(2):
                chance[m.group(1)] = float(m.group(2))
            elif m:  # each trial's own level (they differ): the line at their mean
                chance[m.group(1)] = mean_level(f, f"{checkpoint}.{m.group(1)[:-len('.bacc')]}.chance")
        return checkpoint, keys, ids, front, [], chance
    grid = [text(k) for k in f.attrs.get("grid_keys", [])]
    return "last", [k for k in grid if not is_replicate_key(k)], None, [], [], {}


def same_config(config, values, keys):
    """A JSON/HDF5 config (numbers or text) equals a row group's text values."""
    for k, v in zip(keys, values):
        c = config.get(k)
        if isinstance(c, (int, float)):
            try:
                if float(v) != float(c):
                    return False
            except ValueError:
                return False
        elif text(c) != v:
            return False
    return True


def save(fig, out, name, files):
    for ext in ("png", "svg"):
        path = os.path.join(out, f"{name}.{ext}")
        fig.savefig(path, dpi=120, bbox_inches="tight")
        files.append(path)
    plt.close(fig)


def place_labels(fig, ax, points, labels, all_points):
    """Labels next to their points without covering each other or other points: each label takes the
    first of a few offsets around its point (nearest first) whose box overlaps no label placed before and
    no marker, and stays inside the axes; when every offset collides, the one overlapping least, with a thin leader line beyond the
    nearest ring. Greedy, in the order given, on the final axis limits (so call it after plotting)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    to_px = ax.transData.transform
    markers = [to_px(q) for q in all_points]
    marker_r = 5.0  # px around a marker's centre
    frame = ax.get_window_extent(renderer)
    frame = (frame.x0, frame.y0, frame.x1, frame.y1)  # a label's part outside it runs into the title or edge

    def overlap(a, b):
        w = min(a[2], b[2]) - max(a[0], b[0])
        h = min(a[3], b[3]) - max(a[1], b[1])
        return w * h if w > 0 and h > 0 else 0.0

    # (dx, dy) in points, horizontal alignment, vertical alignment; near ones first.
    near = [(4, 4, "left", "bottom"), (4, -4, "left", "top"), (-4, 4, "right", "bottom"),
            (-4, -4, "right", "top"), (0, 7, "center", "bottom"), (0, -7, "center", "top")]
    far = [(dx * 4, dy * 4, ha, va) for dx, dy, ha, va in near[:4]] + [(0, 24, "center", "bottom"),
                                                                        (0, -24, "center", "top")]
    placed = []
    for (x, y), label in zip(points, labels):
        best = None
        for i, (dx, dy, ha, va) in enumerate(near + far):
            t = ax.annotate(label, (x, y), fontsize=7, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va)
            bb = t.get_window_extent(renderer)
            box = (bb.x0 - 1, bb.y0 - 1, bb.x1 + 1, bb.y1 + 1)
            cost = sum(overlap(box, q) for q in placed)
            cost += sum(overlap(box, (mx - marker_r, my - marker_r, mx + marker_r, my + marker_r)) for mx, my in markers)
            cost += (box[2] - box[0]) * (box[3] - box[1]) - overlap(box, frame)
            t.remove()
            if best is None or cost < best[0]:
                best = (cost, i, dx, dy, ha, va, box)
            if cost == 0:
                break
        _, i, dx, dy, ha, va, box = best
        arrow = dict(arrowstyle="-", lw=0.5, color="0.4", shrinkA=0, shrinkB=3) if i >= len(near) else None
        ax.annotate(label, (x, y), fontsize=7, xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                    arrowprops=arrow)
        placed.append(box)


def short(k):
    m = re.match(r"adversaries\.(.+)\.lambda$", k)
    return f"λ_{m.group(1)}" if m else k


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("file")
    ap.add_argument("--out", required=True)
    ap.add_argument("--analysis")
    args = ap.parse_args()

    def fail(message):  # bad input: one line, exit 2, as advx's own errors
        print(f"plot_results.py: {message}", file=sys.stderr)
        sys.exit(2)

    if not os.path.isfile(args.file):
        fail(f"{args.file}: result file not found")
    try:
        f = h5py.File(args.file, "r")
    except OSError as e:
        fail(f"{args.file}: cannot be read as HDF5 (damaged or not a result file: {e})")
    with f:
        if f.attrs.get("format") not in ("advx-results", b"advx-results"):
            fail(f"{args.file}: not an advx result file")
        if "trials" not in f or "trial_id" not in f["trials"]:
            fail(f"{args.file}: holds no trials yet")
        trials = read_trials(f)
        curves = f["curves"]["val_select"][()] if "curves" in f and "val_select" in f["curves"] else None
        if not args.analysis and "analysis" not in f:
            # Said, so that a plot without a highlighted front is not read as "no front".
            print(f"plot_results.py: note: {args.file} has no /analysis (advx analyze --write) and no --analysis was "
                  "given: checkpoint last, no front highlighted", file=sys.stderr)
        checkpoint, keys, used_ids, front, table, chance = load_analysis(f, args.analysis)
    os.makedirs(args.out, exist_ok=True)  # only once the file reads

    ids = list(trials["trial_id"])
    status = trials.get("status", np.array(["ok"] * len(ids)))
    rows = [i for i in range(len(ids)) if (ids[i] in used_ids if used_ids is not None else status[i] in ("ok", "diverged"))]
    if "trial_index" in trials:
        rows.sort(key=lambda r: trials["trial_index"][r])
    groups = {}
    for r in rows:
        groups.setdefault(tuple(text(trials[k][r]) if k in trials else "" for k in keys), []).append(r)

    prefix = checkpoint + "."
    # Utility axis: NDCG@10, or the sweep's smallest k when train.ks has no 10; none at all: no scatter.
    ndcg_cols = sorted((c for c in trials if re.fullmatch(re.escape(prefix) + r"test\.ndcg@\d+", c)),
                       key=lambda c: int(c.rsplit("@", 1)[1]))
    ndcg = prefix + "test.ndcg@10" if prefix + "test.ndcg@10" in trials else (ndcg_cols[0] if ndcg_cols else None)
    recall = ndcg.replace("test.ndcg@", "test.recall@") if ndcg else None
    attack = [c for c in trials if c.startswith(prefix + "attack.") and (c.endswith(".bacc") or c.endswith(".mae"))]
    attack.sort(key=lambda c: (not c.endswith(".bacc"), c))
    files, data = [], {"file": args.file, "checkpoint": checkpoint, "config_keys": keys, "scatter": [], "heatmaps": []}

    def config_of(values):
        out = {}
        for k, v in zip(keys, values):
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
        return out

    # 1. NDCG@10 against each attacker's score.
    for col in attack if ndcg else []:
        metric = col[len(prefix):]
        fig, ax = plt.subplots(figsize=(6.4, 4.8))
        pts = []
        for values, rs in groups.items():
            x = stat([trials[col][r] for r in rs])
            y = stat([trials[ndcg][r] for r in rs])
            on_front = any(same_config(c, values, keys) for c in front)
            pts.append({"config": config_of(values), "n": len(rs), "x": x, "y": y, "front": on_front})
        for on_front in (False, True):
            sel = [p for p in pts if p["front"] == on_front]
            if not sel:
                continue
            ax.errorbar([p["x"]["mean"] for p in sel], [p["y"]["mean"] for p in sel],
                        xerr=[p["x"]["std"] or 0.0 for p in sel], yerr=[p["y"]["std"] or 0.0 for p in sel], fmt="o",
                        color="tab:red" if on_front else "0.6", ms=7 if on_front else 5, capsize=2,
                        label="first front (all objectives)" if on_front else "other configurations", zorder=3 if on_front else 2)
        if metric.endswith(".bacc"):
            c = chance.get(metric)
            if c is None:  # no analysis: the attackers' stored levels (1/C), 0.5 in files without them
                levels = trials.get(prefix + metric[:-len(".bacc")] + ".chance")
                levels = levels[np.isfinite(levels)] if levels is not None else np.array([])
                c = float(levels.mean()) if levels.size else 0.5
            ax.axvline(c, ls="--", color="k", lw=0.8, label=f"chance ({c:.4g})")
        # Front points are labelled with their configuration, top to bottom.
        labelled = sorted((p for p in pts if p["front"]), key=lambda p: -p["y"]["mean"])
        place_labels(fig, ax, [(p["x"]["mean"], p["y"]["mean"]) for p in labelled],
                     [", ".join(f"{v:g}" if isinstance(v, float) else str(v) for v in p["config"].values())
                      for p in labelled],
                     [(p["x"]["mean"], p["y"]["mean"]) for p in pts])
        attr = metric.split(".")[1]
        kind = "balanced accuracy" if metric.endswith(".bacc") else "MAE"
        ax.set_xlabel(f"attacker {kind} ({attr}, {checkpoint} checkpoint)")
        ax.set_ylabel("test NDCG@" + ndcg.rsplit("@", 1)[1])
        ax.set_title(f"utility vs {attr} removal; config = ({', '.join(short(k) for k in keys)})", fontsize=9)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        name = f"ndcg_vs_{attr}_{metric.rsplit('.', 1)[1]}"
        save(fig, args.out, name, files)
        data["scatter"].append({"name": name, "x_metric": metric, "y_metric": ndcg[len(prefix):], "points": pts})

    # 2. λ × λ heat maps.
    lam = [k for k in keys if re.match(r"adversaries\..+\.lambda$", k)]
    if len(lam) >= 2:
        a_key, b_key = lam[0], lam[1]
        a_vals = sorted({float(trials[a_key][r]) for r in rows})
        b_vals = sorted({float(trials[b_key][r]) for r in rows})
        for col in [c for c in (ndcg, recall) if c and c in trials] + attack:
            metric = col[len(prefix):]
            grid = np.full((len(a_vals), len(b_vals)), np.nan)
            for i, av in enumerate(a_vals):
                for j, bv in enumerate(b_vals):
                    cell = [trials[col][r] for r in rows if float(trials[a_key][r]) == av and float(trials[b_key][r]) == bv]
                    grid[i, j] = stat(cell)["mean"]
            fig, ax = plt.subplots(figsize=(1.2 * len(b_vals) + 2.5, 1.0 * len(a_vals) + 1.5))
            im = ax.imshow(grid, cmap="viridis", origin="lower", aspect="auto")
            for i in range(len(a_vals)):
                for j in range(len(b_vals)):
                    if np.isfinite(grid[i, j]):
                        ax.text(j, i, f"{grid[i, j]:.3g}", ha="center", va="center", fontsize=8, color="w")
            ax.set_xticks(range(len(b_vals)), [f"{v:g}" for v in b_vals])
            ax.set_yticks(range(len(a_vals)), [f"{v:g}" for v in a_vals])
            ax.set_xlabel(short(b_key))
            ax.set_ylabel(short(a_key))
            ax.set_title(f"{metric} ({checkpoint}; mean over replicates and other axes)", fontsize=9)
            fig.colorbar(im, ax=ax)
            name = "heatmap_" + re.sub(r"[^A-Za-z0-9]+", "_", metric).strip("_")
            save(fig, args.out, name, files)
            data["heatmaps"].append({"name": name, "metric": metric, "rows": a_key, "row_values": a_vals,
                                     "columns": b_key, "column_values": b_vals,
                                     "values": [[None if not np.isfinite(v) else float(v) for v in r] for r in grid]})

    # 3. Validation curves of the picks (or of every configuration without an analysis).
    if curves is not None:
        fig, ax = plt.subplots(figsize=(6.4, 4.8))
        chosen = []
        if table:
            # One line per configuration: a point with several roles (MultVAE as baseline and as a pick) is
            # drawn once, its roles joined in the label.
            by_point = {}
            for t in table:
                tids = tuple([t["trial_id"]] if "trial_id" in t else t["trials"])
                entry = by_point.setdefault(tids, {"roles": [], "t": t})
                if t["role"] != "baseline":
                    entry["roles"].append(t["role"])
            for tids, entry in by_point.items():
                t = entry["t"]
                label = ", ".join(entry["roles"]) + (" " if entry["roles"] else "") + t["model"]
                label += " (" + ", ".join(f"{short(k)}={v:g}" if isinstance(v, float) else f"{short(k)}={v}"
                                          for k, v in t["config"].items()) + ")"
                chosen.append((label, [ids.index(x) for x in tids]))
        else:
            for values, rs in groups.items():
                chosen.append((", ".join(f"{short(k)}={v}" for k, v in zip(keys, values)), rs))
        cmap = plt.get_cmap("tab10")
        for n, (label, rs) in enumerate(chosen):
            for m, r in enumerate(rs):
                y = curves[r]
                y = y[np.isfinite(y)]
                ax.plot(np.arange(1, y.size + 1), y, color=cmap(n % 10), lw=1, alpha=0.8, label=label if m == 0 else None)
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        # The curve is the selection metric (train.select), named in the checkpoint columns: best.val.<metric>.
        select = next((m.group(1) for c in trials for m in [re.match(r"^(?:best|last)\.val\.(.+)$", c)] if m), "NDCG@10")
        ax.set_ylabel(f"validation {select}")
        ax.set_title("validation curves (one line per replicate)", fontsize=9)
        ax.legend(fontsize=6)
        ax.grid(alpha=0.3)
        save(fig, args.out, "val_curves", files)
        data["curves"] = [{"label": label, "rows": rs} for label, rs in chosen]

    if not data["scatter"]:
        # Why: no attacker columns at all means the sweep declares no attributes; columns without values
        # mean no trial reached the checkpoint (diverged or failed trials have none).
        any_attack = any(c.startswith(prefix + "attack.") for c in trials)
        why = ("the sweep declares no attributes to attack" if ndcg and not any_attack
               else "a trial that diverged or failed has none")
        print(f"plot_results.py: note: no NDCG-against-attacker plots: {args.file} has no {checkpoint}-checkpoint "
              f"{'attacker' if ndcg else 'NDCG'} metrics ({why})", file=sys.stderr)
    data["files"] = files
    with open(os.path.join(args.out, "plot_data.json"), "w") as fh:
        json.dump(data, fh, indent=1, allow_nan=True)
    print(f"plot_results.py: {len(files)} files in {args.out}")


if __name__ == "__main__":
    main()
