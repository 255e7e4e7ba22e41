#!/usr/bin/python3
r"""Independent PyTorch implementation of AdvXMultVAE (REFERENCE.md sections 2-6, 9, 11).

advx's C++ trainer is compared against this script: quality parity on the same exported split, and speed.
Use Debian's interpreter (torch 1.13 + numpy only): /usr/bin/python3.

Input: a split directory from
    advx data export-split --format movielens-100k --path /work/shared/data/ml-100k --fold 0 --out /tmp/ml100k-f0
(meta.json, train.tsv, {val,test}_{foldin,heldout}.tsv, users_{train,val,test}.tsv; items.tsv maps columns to
item ids).

Examples:
    # MultVAE with passive probes (lambda = 0), paper setup otherwise, 1 thread:
    /usr/bin/python3 bench/torch_reference.py /tmp/ml100k-f0 --threads 1 \
        --adv gender:categorical:0 --adv age:continuous:0 --class-weights gender:f=0.711,m=0.289
    # AdvXMultVAE, reference masking of fold-in logits (0.0) for parity, z-scored age target:
    /usr/bin/python3 bench/torch_reference.py /tmp/ml1m-f0 --adv gender:categorical:200 \
        --adv age:continuous:400 --class-weights gender:f=0.72,m=0.28 --mask reference_zero --age-target zscore
    # pure speed: 3 epochs, no validation, no attackers
    /usr/bin/python3 bench/torch_reference.py /tmp/syn1m-f0 --epochs 3 --no-val --no-attack \
        --adv gender:categorical:200 --adv age:continuous:200 --threads 1

Output: one JSON object on stdout (logs go to stderr). Flat keys, named as `advx train --json` names them
(but the curve val_ndcg@10, and no name/seed/message/chance keys):
  status ("ok" | "diverged"), diverged_epoch (only when diverged), epochs_run, seconds_per_epoch (train step loop only),
  seconds_per_epoch_with_val, seconds_per_epoch_min, blas, threads, n_items, n_train/n_val/n_test,
  and for c in {best, last} (best needs validation; last is skipped after a divergence):
  c.epoch, c.val.ndcg@10, c.test.{ndcg,recall,recall_min,coverage}@{10,20,50}, c.test.loss,
  c.attack.<attr>.bacc / .bacc_batch (categorical), c.attack.<attr>.mae / .mae_constant (continuous);
  "curves": per-epoch lists train_loss, train_vae_loss, val_loss, val_ndcg@10, lr (recommender, used in
  that epoch), epoch_seconds, adv_loss.<attr> (group loss = mean over heads, user-weighted over batches).
Continuous targets: --age-target transforms them (fitted on train users) for adversaries and attackers;
MAE is always reported in raw units. Users with a missing value are left out of that attribute's losses
and metrics. --no-val: no validation, no LR scheduling, no "best"; attackers (unless --no-attack) run on
"last" only.

Decisions where REFERENCE leaves a choice (section 9):
  Q1  fold-in logits -> -inf by default (advx's default), --mask reference_zero -> 0.0 as [R]. With -inf the
      val/test VAE loss (scheduler signal) uses the same masked softmax; 0*(-inf) terms are dropped.
  Q2  NDCG with IDCG over min(k,|T|); recall = hits/|T| (rmet); recall_min = hits/min(k,|T|).
  Q3  bacc = global sklearn-style BAcc on all labelled test users; bacc_batch = [R]'s mean of per-batch
      BAcc over consecutive 64-user batches in file order, weighted by labelled users per batch.
  Q4  --age-target raw (default) reproduces [R]'s under-fitting age heads/attackers (MAE >> mae_constant).
  Q7  both checkpoints (best by val NDCG@10 with >=, and last) are tested and attacked.
  The attacker val set and the training-time heads' val BAcc/MAE are only logged in [R]; skipped here.
  --hidden-act defaults to relu ([R]'s config); it only matters with --hidden.
"""
import argparse
import copy
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

KS = (10, 20, 50)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------- data
def read_tsv(path):
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    return header, rows


def read_matrix(path, n_rows, n_items):
    _, rows = read_tsv(path)
    x = torch.zeros(n_rows, n_items)
    if rows:
        a = np.asarray(rows, dtype=np.int64)
        x[torch.from_numpy(a[:, 0]), torch.from_numpy(a[:, 1])] = 1.0
    return x


def read_users(path):
    """-> dict attr -> float numpy array (categorical codes as float, -1 missing; continuous NaN missing)."""
    header, rows = read_tsv(path)
    cols = {}
    for j, name in enumerate(header[2:], start=2):
        cols[name] = np.array([float(r[j]) for r in rows], dtype=np.float64)
    return cols


def load_split(d):
    meta = json.load(open(os.path.join(d, "meta.json")))
    n_items = meta["n_items"]
    s = {"meta": meta, "n_items": n_items}
    s["train"] = read_matrix(os.path.join(d, "train.tsv"), meta["n_train"], n_items)
    for part in ("val", "test"):
        n = meta["n_" + part]
        s[part + "_in"] = read_matrix(os.path.join(d, part + "_foldin.tsv"), n, n_items)
        s[part + "_out"] = read_matrix(os.path.join(d, part + "_heldout.tsv"), n, n_items)
    for part in ("train", "val", "test"):
        s["users_" + part] = read_users(os.path.join(d, "users_%s.tsv" % part))
    return s


class Attr:
    """A protected attribute: targets per split (missing -> valid=False), classes, weights, transform."""

    def __init__(self, name, typ, split, args):
        self.name, self.categorical = name, typ == "categorical"
        info = split["meta"]["attributes"][name]
        assert info["type"] == typ, "attribute %s is %s in meta.json" % (name, info["type"])
        self.labels = info["labels"]
        self.n_out = len(self.labels) if self.categorical else 1
        self.raw = {p: split["users_" + p][name] for p in ("train", "val", "test")}
        self.valid = {p: (v >= 0) if self.categorical else ~np.isnan(v) for p, v in self.raw.items()}
        self.weight = None
        if self.categorical and name in args.class_weights:
            w = [float("nan")] * len(self.labels)
            for lab, val in args.class_weights[name].items():
                w[self.labels.index(lab)] = val
            assert not any(math.isnan(v) for v in w), "class weights must name every label of " + name
            self.weight = torch.tensor(w)
        # continuous target transform, fitted on valid train users (REFERENCE Q4: default raw)
        self.shift, self.scale = 0.0, 1.0
        if not self.categorical:
            tr = self.raw["train"][self.valid["train"]]
            if args.age_target == "zscore":
                self.shift, self.scale = tr.mean(), tr.std()
            elif args.age_target == "minmax":
                self.shift, self.scale = tr.min(), tr.max() - tr.min()
        self.target = {}
        for p, v in self.raw.items():
            t = np.where(self.valid[p], v, 0.0)
            if self.categorical:
                self.target[p] = torch.from_numpy(t.astype(np.int64))
            else:
                self.target[p] = torch.from_numpy(((t - self.shift) / self.scale).astype(np.float32)).unsqueeze(1)
            self.valid[p] = torch.from_numpy(self.valid[p])

    def loss(self, out, idx, part):
        """Mean loss over the users of idx with a known value; None if there is none."""
        m = self.valid[part][idx]
        if not bool(m.any()):
            return None
        y = self.target[part][idx][m]
        if self.categorical:
            return F.cross_entropy(out[m], y, weight=self.weight)  # weighted mean, as PyTorch's CE
        return F.mse_loss(out[m], y)


# ---------------------------------------------------------------------------------------------- model
class GradReverse(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, lam):
        ctx.lam = lam
        return x.view_as(x)

    @staticmethod
    def backward(ctx, g):
        return -ctx.lam * g, None


def make_head(latent, hidden, n_out, act, dropout):
    layers, d = [nn.Dropout(dropout)], latent
    for h in hidden:
        layers += [nn.Linear(d, h), nn.ReLU() if act == "relu" else nn.Sigmoid()]
        d = h
    return nn.Sequential(*layers, nn.Linear(d, n_out))  # PyTorch default init (REFERENCE Q9)


class AdvXMultVAE(nn.Module):
    def __init__(self, n_items, args, adv_specs):
        super().__init__()
        self.latent, self.beta, self.p_in = args.latent, args.beta, args.input_dropout
        act = nn.ReLU if args.hidden_act == "relu" else nn.Tanh
        enc_dims = [n_items] + args.hidden + [2 * args.latent]
        dec_dims = [args.latent] + args.hidden[::-1] + [n_items]

        def mlp(dims):
            layers = []
            for i in range(len(dims) - 1):
                layers.append(nn.Linear(dims[i], dims[i + 1]))
                if i < len(dims) - 2:
                    layers.append(act())  # only between layers (REFERENCE Q8)
            return nn.Sequential(*layers)

        self.encoder, self.decoder = mlp(enc_dims), mlp(dec_dims)
        for m in list(self.encoder) + list(self.decoder):
            if isinstance(m, nn.Linear):
                nn.init.xavier_normal_(m.weight, gain=5.0 / 3.0)
                nn.init.constant_(m.bias, 0.01)
        # heads are built after the init pass (consumes the RNG afterwards, as in [R])
        self.adv_lambda = [lam for _, lam in adv_specs]
        self.adv_input = args.adv_input
        self.adv = nn.ModuleList(
            nn.ModuleList(make_head(args.latent, [args.head_hidden], a.n_out,
                                    "relu" if a.categorical else "sigmoid", args.head_dropout)
                          for _ in range(args.heads))
            for a, _ in adv_specs)

    def encode(self, x):
        x = F.normalize(F.dropout(x, self.p_in, self.training), dim=1)  # dropout first, then L2
        h = self.encoder(x)
        return h[:, :self.latent], h[:, self.latent:]

    def forward(self, x, heads=True):
        mu, logvar = self.encode(x)
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar) if self.training else mu
        logits = self.decoder(z)
        outs = []
        if heads:
            # the reference's heads read the sampled z (REFERENCE Q5); --adv-input mu feeds them μ
            src = mu if self.adv_input == "mu" else z
            for lam, group in zip(self.adv_lambda, self.adv):
                zr = GradReverse.apply(src, lam)
                outs.append([h(zr) for h in group])
        return logits, mu, logvar, outs

    def vae_loss(self, logits, y, mu, logvar, mask=None):
        logp = F.log_softmax(logits, dim=1)
        if mask is not None:  # -inf logits of fold-in items: avoid 0 * -inf
            logp = logp.masked_fill(mask, 0.0)
        nll = -(logp * y).sum(1).mean()
        kl = 0.5 * (-logvar + logvar.exp() + mu.pow(2) - 1).sum(1).mean()
        return nll + self.beta * kl


# -------------------------------------------------------------------------------------------- metrics
def ranking_metrics(scores, heldout):
    """scores [U, I] (fold-in already masked), heldout binary [U, I] -> dict of means over users."""
    n_t = heldout.sum(1)
    out = {}
    top = torch.topk(scores, min(max(KS), scores.shape[1]), dim=1).indices  # k > I: all items
    hits_all = torch.gather(heldout, 1, top)
    disc = 1.0 / torch.log2(torch.arange(2, max(KS) + 2, dtype=torch.float64))
    for k in KS:
        hits = hits_all[:, :k].double()
        dcg = (hits * disc[:hits.shape[1]]).sum(1)
        cdisc = torch.cat([torch.zeros(1, dtype=torch.float64), disc[:k].cumsum(0)])
        idcg = cdisc[torch.clamp(n_t, max=k).long()]
        nh, nt = hits.sum(1), n_t.double()
        ok = nt > 0  # |T|=0 -> 0 (none exist after the split)
        out["ndcg@%d" % k] = torch.where(ok, dcg / idcg.clamp(min=1e-12), torch.zeros_like(dcg)).mean().item()
        out["recall@%d" % k] = torch.where(ok, nh / nt.clamp(min=1), torch.zeros_like(nh)).mean().item()
        out["recall_min@%d" % k] = torch.where(ok, nh / nt.clamp(min=1, max=k), torch.zeros_like(nh)).mean().item()
        out["coverage@%d" % k] = torch.unique(top[:, :k]).numel() / scores.shape[1]
    return out


def balanced_accuracy(y, p):
    """sklearn's balanced_accuracy_score: mean recall over the classes present in y."""
    return float(np.mean([np.mean(p[y == c] == c) for c in np.unique(y)]))


def batch_balanced_accuracy(y, p, bs=64):
    """REFERENCE Q3: per-batch BAcc (unshuffled batches), weighted by the labelled rows per batch."""
    vals, ws = [], []
    for s in range(0, len(y), bs):
        yb, pb = y[s:s + bs], p[s:s + bs]
        m = yb >= 0
        if m.any():
            vals.append(balanced_accuracy(yb[m], pb[m]))
            ws.append(m.sum())
    return float(np.average(vals, weights=ws))


@torch.no_grad()
def evaluate(model, foldin, heldout, mask_mode):
    model.eval()
    logits, mu, logvar, _ = model(foldin, heads=False)
    fi = foldin > 0
    logits = logits.masked_fill(fi, 0.0 if mask_mode == "reference_zero" else float("-inf"))
    loss = model.vae_loss(logits, heldout, mu, logvar, mask=fi if mask_mode != "reference_zero" else None)
    m = ranking_metrics(logits, heldout)
    m["loss"] = loss.item()
    return m


# ------------------------------------------------------------------------------------------- attacker
def attack(model, split, attrs, args):
    """REFERENCE §5: attackers on mu of train users (full rows); test on test users' fold-in rows."""
    seed_all(args.seed)
    model.eval()
    with torch.no_grad():
        mu_tr = model.encode(split["train"])[0]
        mu_te = model.encode(split["test_in"])[0]
    heads = nn.ModuleList(make_head(args.latent, [args.head_hidden], a.n_out,
                                    "relu" if a.categorical else "sigmoid", args.attack_dropout) for a in attrs)
    opt = torch.optim.Adam(heads.parameters(), lr=args.lr, weight_decay=args.wd)
    n = mu_tr.shape[0]
    heads.train()
    for _ in range(args.attack_epochs):
        perm = torch.randperm(n)
        for s in range(0, n, args.batch_size):
            idx = perm[s:s + args.batch_size]
            losses = [a.loss(h(mu_tr[idx]), idx, "train") for a, h in zip(attrs, heads)]
            losses = [l for l in losses if l is not None]
            if not losses:
                continue
            opt.zero_grad()
            sum(losses).backward()
            opt.step()
    heads.eval()
    res = {}
    with torch.no_grad():
        for a, h in zip(attrs, heads):
            out = h(mu_te)
            v = a.valid["test"].numpy()
            if a.categorical:
                y = np.where(v, a.raw["test"], -1).astype(np.int64)
                p = out.argmax(1).numpy()
                res[a.name + ".bacc"] = balanced_accuracy(y[v], p[v])
                res[a.name + ".bacc_batch"] = batch_balanced_accuracy(y, p, args.batch_size)
            else:  # MAE in raw units (the transform is inverted)
                pred = out[:, 0].double().numpy() * a.scale + a.shift
                yt = a.raw["test"]
                res[a.name + ".mae"] = float(np.mean(np.abs(pred[v] - yt[v])))
                med = float(np.median(a.raw["train"][a.valid["train"].numpy()]))
                res[a.name + ".mae_constant"] = float(np.mean(np.abs(med - yt[v])))
    return res


# ------------------------------------------------------------------------------------------------ main
def seed_all(seed):
    torch.manual_seed(seed)
    np.random.seed(seed)
    random.seed(seed)


def blas_name():
    a = torch.randn(64, 64)
    (a @ a).sum().item()
    libs = sorted({l.split()[-1] for l in open("/proc/self/maps") if l.split()[-1].startswith("/")})
    for lib in libs:
        low = os.path.basename(lib).lower()
        if "mkl" in low:
            return "mkl"
        if "openblas" in low or "blis" in low or "libblas" in low:
            d = os.path.basename(os.path.dirname(lib))  # e.g. openblas-openmp, openblas-pthread, blas
            return d if d.startswith(("openblas", "blis", "atlas")) else os.path.basename(lib)
    return "unknown"


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("split", help="directory written by `advx data export-split`")
    p.add_argument("--adv", action="append", default=[], metavar="NAME:TYPE:LAMBDA",
                   help="adversary group, TYPE categorical|continuous (repeatable)")
    p.add_argument("--attack", action="append", default=[], metavar="NAME:TYPE",
                   help="extra attribute to attack (the --adv attributes are always attacked)")
    p.add_argument("--class-weights", action="append", default=[], metavar="NAME:label=w,label=w")
    p.add_argument("--age-target", choices=["raw", "zscore", "minmax"], default="raw",
                   help="transform of every continuous target (adversaries and attackers)")
    p.add_argument("--mask", choices=["neg_inf", "reference_zero"], default="neg_inf")
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--wd", type=float, default=1e-4)
    p.add_argument("--beta", type=float, default=0.8)
    p.add_argument("--latent", type=int, default=100)
    p.add_argument("--hidden", type=int, nargs="*", default=[])
    p.add_argument("--hidden-act", choices=["relu", "tanh"], default="relu")
    p.add_argument("--input-dropout", type=float, default=0.1)
    p.add_argument("--heads", type=int, default=10)
    p.add_argument("--head-hidden", type=int, default=5)
    p.add_argument("--head-dropout", type=float, default=0.3)
    p.add_argument("--adv-input", choices=["z", "mu"], default="z",
                   help="what the adversary heads read: the sampled z (reference) or μ")
    p.add_argument("--attack-epochs", type=int, default=50)
    p.add_argument("--attack-dropout", type=float, default=0.5)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--no-val", action="store_true", help="no validation, scheduler or checkpoint selection")
    p.add_argument("--no-attack", action="store_true")
    p.add_argument("--log-every", type=int, default=10)
    a = p.parse_args(argv)
    a.adv = [(s.split(":")[0], s.split(":")[1], float(s.split(":")[2])) for s in a.adv]
    a.attack = [tuple(s.split(":")[:2]) for s in a.attack]
    cw = {}
    for s in a.class_weights:
        name, rest = s.split(":", 1)
        cw[name] = {kv.split("=")[0]: float(kv.split("=")[1]) for kv in rest.split(",")}
    a.class_weights = cw
    return a


def main(argv=None):
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    seed_all(args.seed)
    split = load_split(args.split)
    n_items = split["n_items"]
    adv_attrs = [(Attr(n, t, split, args), lam) for n, t, lam in args.adv]
    attack_attrs = [a for a, _ in adv_attrs]
    for n, t in args.attack:
        if n not in [a.name for a in attack_attrs]:
            attack_attrs.append(Attr(n, t, split, args))

    model = AdvXMultVAE(n_items, args, adv_attrs)
    opt_rec = torch.optim.Adam(list(model.encoder.parameters()) + list(model.decoder.parameters()),
                               lr=args.lr, weight_decay=args.wd)
    opt_adv = torch.optim.Adam(model.adv.parameters(), lr=args.lr, weight_decay=args.wd) \
        if len(adv_attrs) else None
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt_rec, mode="min", factor=0.1, patience=5, min_lr=1e-6)

    X = split["train"]
    n = X.shape[0]
    res = {"status": "ok", "blas": blas_name(), "threads": args.threads, "n_items": n_items,
           "n_train": n, "n_val": split["val_in"].shape[0], "n_test": split["test_in"].shape[0]}
    curves = {"train_loss": [], "train_vae_loss": [], "val_loss": [], "val_ndcg@10": [], "lr": [],
              "epoch_seconds": []}  # train step loop only
    for a, _ in adv_attrs:
        curves["adv_loss." + a.name] = []
    best, best_ndcg, t_train, t_all, epochs_run = None, -1.0, 0.0, 0.0, 0
    for epoch in range(args.epochs):
        t0 = time.perf_counter()
        model.train()
        perm = torch.randperm(n)
        tot, tot_vae, tot_adv = 0.0, 0.0, [0.0] * len(adv_attrs)
        diverged = False
        for s in range(0, n, args.batch_size):
            idx = perm[s:s + args.batch_size]
            x = X[idx]
            logits, mu, logvar, outs = model(x)
            l_vae = model.vae_loss(logits, x, mu, logvar)
            loss = l_vae
            for g, ((a, _), heads_out) in enumerate(zip(adv_attrs, outs)):
                hl = [a.loss(o, idx, "train") for o in heads_out]
                if hl[0] is None:  # no user of the batch has this attribute
                    continue
                lg = torch.stack(hl).mean()
                loss = loss + lg
                tot_adv[g] += lg.item() * len(idx)
            lv = loss.item()
            if not math.isfinite(lv):
                diverged = True
                break
            tot += lv * len(idx)
            tot_vae += l_vae.item() * len(idx)
            opt_rec.zero_grad()
            if opt_adv:
                opt_adv.zero_grad()
            loss.backward()
            opt_rec.step()
            if opt_adv:
                opt_adv.step()
        t1 = time.perf_counter()
        if diverged:
            res["status"], res["diverged_epoch"] = "diverged", epoch
            log("diverged at epoch %d" % epoch)
            break
        epochs_run += 1
        t_train += t1 - t0
        curves["epoch_seconds"].append(t1 - t0)
        curves["train_loss"].append(tot / n)
        curves["train_vae_loss"].append(tot_vae / n)
        for g, (a, _) in enumerate(adv_attrs):
            curves["adv_loss." + a.name].append(tot_adv[g] / n)
        curves["lr"].append(opt_rec.param_groups[0]["lr"])
        if not args.no_val:
            vm = evaluate(model, split["val_in"], split["val_out"], args.mask)
            sched.step(vm["loss"])
            curves["val_loss"].append(vm["loss"])
            curves["val_ndcg@10"].append(vm["ndcg@10"])
            if vm["ndcg@10"] >= best_ndcg:  # ties overwrite (REFERENCE §4)
                best_ndcg = vm["ndcg@10"]
                best = (epoch, copy.deepcopy(model.state_dict()), vm)
        t_all += time.perf_counter() - t0
        if args.log_every and (epoch % args.log_every == 0 or epoch == args.epochs - 1):
            log("epoch %3d  loss %.4f  vae %.4f  %s  lr %.1e  %.3fs" % (
                epoch, curves["train_loss"][-1], curves["train_vae_loss"][-1],
                "" if args.no_val else "val_loss %.4f ndcg@10 %.4f" % (vm["loss"], vm["ndcg@10"]),
                curves["lr"][-1], t1 - t0))
    res["epochs_run"] = epochs_run
    res["seconds_per_epoch"] = t_train / max(epochs_run, 1)
    res["seconds_per_epoch_with_val"] = t_all / max(epochs_run, 1)
    res["seconds_per_epoch_min"] = min(curves["epoch_seconds"], default=float("nan"))  # robust to a busy box

    # checkpoints: best (by val NDCG@10; needs validation) and last (unless diverged)
    ckpts = [("best",) + best] if best is not None else []
    if res["status"] == "ok" and epochs_run:
        vm = {} if args.no_val else {"ndcg@10": curves["val_ndcg@10"][-1]}
        ckpts.append(("last", epochs_run - 1, copy.deepcopy(model.state_dict()), vm))
    if not (args.no_val and args.no_attack):
        for name, ep, state, vm in ckpts:
            model.load_state_dict(state)
            res[name + ".epoch"] = ep
            if vm:
                res[name + ".val.ndcg@10"] = vm["ndcg@10"]
            for k, v in evaluate(model, split["test_in"], split["test_out"], args.mask).items():
                res[name + ".test." + k] = v
            if not args.no_attack and attack_attrs:
                t0 = time.perf_counter()
                for k, v in attack(model, split, attack_attrs, args).items():
                    res[name + ".attack." + k] = v
                log("%s (epoch %d): test ndcg@10 %.4f, attack %.1fs" % (
                    name, ep, res[name + ".test.ndcg@10"], time.perf_counter() - t0))
    res["curves"] = curves
    json.dump(res, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
