#!/usr/bin/python3
"""Writes tests/Strata.Tests/reference/losses_reference.json: the values of the Strata.Losses classes (Keras
semantics) computed with PyTorch 1.13 / numpy in float64, for Losses/LossReferenceTests.cs.

Run with /usr/bin/python3. The C# tests only read the JSON; they never run Python.

Semantics reproduced (see the loss classes' docs):
  per-sample loss   the per-element loss averaged over the non-batch dims (categorical losses: over the dims between
                    the batch and the classes), so Reduction.None gives shape [N]
  sample_weight     multiplies the per-sample losses; mean = sum(w * l) / N (Keras' sum over batch size)
  class_weight      PyTorch weight=: per-row loss scaled by w[y] (or sum_c w_c t_c), mean divides by the total class
                    weight of the targets (sum of w[y] over kept labels) instead of N
  probabilities     clipped to [1e-7, 1 - 1e-7] (Keras' epsilon); categorical rows are rescaled to sum to 1 first

Each case stores the loss class, its constructor arguments, y_pred, y_true, optional sample_weight, the three
reductions ("none", "sum", "mean") and "grad", d(mean)/d(y_pred).
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.manual_seed(20261124)
torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Strata.Tests", "reference", "losses_reference.json")
EPS = 1e-7


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def probs(*shape):
    return torch.softmax(torch.randn(*shape) * 1.5, dim=-1)


def per_sample(elementwise):
    n = elementwise.shape[0]
    return elementwise.reshape(n, -1).mean(1) if elementwise.dim() > 1 else elementwise


def rows_to_samples(rows, n):
    return rows.reshape(n, -1).mean(1)


cases = []


def add(name, loss, params, y_pred, y_true, sample_weight, fn, true_dtype="float64"):
    """fn(y_pred) -> (per_sample [N], denominator or None)."""
    p = y_pred.clone().requires_grad_(True)
    per, denom = fn(p)
    weighted = per * sample_weight if sample_weight is not None else per
    n = per.shape[0]
    mean = weighted.sum() / (denom if denom is not None else n)
    (grad,) = torch.autograd.grad(mean, p)
    case = {
        "name": name,
        "loss": loss,
        "params": params,
        "y_pred": {"shape": list(y_pred.shape), "data": flat(y_pred)},
        "y_true": {"shape": list(y_true.shape), "data": flat(y_true), "dtype": true_dtype},
        "none": flat(weighted),
        "sum": float(weighted.sum()),
        "mean": float(mean),
        "grad": flat(grad),
    }
    if sample_weight is not None:
        case["sample_weight"] = flat(sample_weight)
    cases.append(case)
    return case


def regression(loss, elem, params, shape, sw=None, name=None):
    p = torch.randn(*shape)
    t = torch.randn(*shape)
    add(name or f"{loss}_{'x'.join(map(str, shape))}{'_sw' if sw is not None else ''}", loss, params, p, t, sw,
        lambda q: (per_sample(elem(q, t)), None))


# Regression losses.
sw4 = torch.tensor([0.5, 2.0, 0.0, 1.25])
for shape, sw in [((4, 3), None), ((4, 3), sw4), ((4,), None), ((4, 2, 3), sw4)]:
    regression("MeanSquaredError", lambda q, t: F.mse_loss(q, t, reduction="none"), {}, shape, sw)
    regression("MeanAbsoluteError", lambda q, t: F.l1_loss(q, t, reduction="none"), {}, shape, sw)
    regression("Huber", lambda q, t: F.huber_loss(q, t, reduction="none", delta=1.0), {}, shape, sw)
regression("Huber", lambda q, t: F.huber_loss(q, t, reduction="none", delta=0.4), {"delta": 0.4}, (5, 3), None, "Huber_delta0.4")
regression("Huber", lambda q, t: F.huber_loss(q, t, reduction="none", delta=2.5), {"delta": 2.5}, (4, 3), sw4, "Huber_delta2.5_sw")


# Binary cross-entropy.
def bce_probs(q, t, ls):
    t = t * (1 - ls) + 0.5 * ls
    return per_sample(F.binary_cross_entropy(q.clamp(EPS, 1 - EPS), t, reduction="none")), None


def bce_logits(q, t, ls):
    t = t * (1 - ls) + 0.5 * ls
    return per_sample(F.binary_cross_entropy_with_logits(q, t, reduction="none")), None


for shape, sw, ls in [((4, 3), None, 0.0), ((4, 3), sw4, 0.0), ((4,), None, 0.2), ((4, 2, 2), sw4, 0.1)]:
    t = (torch.rand(*shape) > 0.5).double()
    logits = torch.randn(*shape) * 2
    pr = torch.sigmoid(logits)
    suffix = f"{'x'.join(map(str, shape))}{'_sw' if sw is not None else ''}{'_ls' if ls else ''}"
    add(f"BinaryCrossEntropy_{suffix}", "BinaryCrossEntropy", {"labelSmoothing": ls}, pr, t, sw, lambda q: bce_probs(q, t, ls))
    add(f"BinaryCrossEntropy_logits_{suffix}", "BinaryCrossEntropy", {"fromLogits": True, "labelSmoothing": ls}, logits, t, sw,
        lambda q: bce_logits(q, t, ls))
# Saturated probabilities: 0 and 1 are clipped, so the loss is large but finite.
t = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 0.5]])
pr = torch.tensor([[0.0, 1.0, 1.0], [0.0, 0.3, 0.999999999]])
add("BinaryCrossEntropy_saturated", "BinaryCrossEntropy", {}, pr, t, None, lambda q: bce_probs(q, t, 0.0))


# Categorical cross-entropy (one-hot or soft targets, classes last).
def cce(q, t, from_logits, ls, cw):
    n, c = q.shape[0], q.shape[-1]
    rq, rt = q.reshape(-1, c), t.reshape(-1, c)
    w = torch.tensor(cw) if cw is not None else None
    if from_logits:
        rows = F.cross_entropy(rq, rt, weight=w, reduction="none", label_smoothing=ls)
    else:
        pq = (rq / rq.sum(-1, keepdim=True)).clamp(EPS, 1 - EPS)
        ts = rt * (1 - ls) + ls / c
        term = ts * pq.log()
        if w is not None:
            term = term * w
        rows = -term.sum(-1)
    denom = None
    if w is not None:
        denom = float((rt * w).sum()) / (rq.shape[0] // n)
    return rows_to_samples(rows, n), denom


cw3 = [0.2, 1.0, 3.0]
for shape, soft, sw, ls, cw in [
        ((5, 3), False, None, 0.0, None),
        ((5, 3), False, torch.tensor([1.0, 0.5, 2.0, 0.0, 1.5]), 0.0, None),
        ((5, 3), True, None, 0.1, None),
        ((5, 3), False, None, 0.0, cw3),
        ((5, 3), False, torch.tensor([1.0, 0.5, 2.0, 0.0, 1.5]), 0.2, cw3),
        ((2, 3, 3), False, torch.tensor([2.0, 0.5]), 0.0, cw3),
        ((3, 2, 3), True, None, 0.0, None)]:
    c = shape[-1]
    if soft:
        t = probs(*shape)
    else:
        t = F.one_hot(torch.randint(0, c, shape[:-1]), c).double()
    logits = torch.randn(*shape) * 1.5
    pr = torch.softmax(logits, -1) * 0.7  # rows that do not sum to 1 exercise the rescaling
    suffix = (f"{'x'.join(map(str, shape))}{'_soft' if soft else ''}{'_sw' if sw is not None else ''}"
              f"{'_ls' if ls else ''}{'_cw' if cw else ''}")
    params = {"labelSmoothing": ls}
    if cw:
        params["classWeight"] = cw
    add(f"CategoricalCrossEntropy_{suffix}", "CategoricalCrossEntropy", params, pr, t, sw,
        lambda q: cce(q, t, False, ls, cw))
    case = add(f"CategoricalCrossEntropy_logits_{suffix}", "CategoricalCrossEntropy", dict(params, fromLogits=True), logits, t, sw,
               lambda q: cce(q, t, True, ls, cw))
    if not soft and sw is None and len(shape) == 2:
        # One-hot targets reproduce PyTorch's weighted, smoothed cross-entropy on class indices exactly.
        ref = F.cross_entropy(logits, t.argmax(-1), weight=torch.tensor(cw) if cw else None, label_smoothing=ls)
        assert abs(float(ref) - case["mean"]) < 1e-12, (case["name"], float(ref), case["mean"])


# Sparse categorical cross-entropy (integer labels).
def scce(q, y, from_logits, ignore, cw):
    n, c = q.shape[0], q.shape[-1]
    rq, ry = q.reshape(-1, c), y.reshape(-1)
    w = torch.tensor(cw) if cw is not None else None
    ig = ignore if ignore is not None else -100
    if from_logits:
        rows = F.cross_entropy(rq, ry, weight=w, ignore_index=ig, reduction="none")
    else:
        lp = (rq / rq.sum(-1, keepdim=True)).clamp(EPS, 1 - EPS).log()
        rows = F.nll_loss(lp, ry, weight=w, ignore_index=ig, reduction="none")
    denom = None
    if cw is not None or ignore is not None:
        keep = (ry != ig).double()
        wy = w[ry.clamp(0, c - 1)] if w is not None else torch.ones_like(keep)
        denom = float((keep * wy).sum()) / (rq.shape[0] // n)
    return rows_to_samples(rows, n), denom


for shape, sw, ignore, cw, dtype in [
        ((6, 3), None, None, None, "int64"),
        ((6, 3), torch.tensor([1.0, 0.5, 2.0, 0.0, 1.5, 1.0]), None, None, "int64"),
        ((6, 3), None, None, cw3, "int32"),
        ((6, 3), None, 1, None, "int64"),
        ((6, 3), torch.tensor([1.0, 0.5, 2.0, 0.0, 1.5, 1.0]), 0, cw3, "int64"),
        ((2, 4, 3), torch.tensor([0.5, 1.5]), 2, cw3, "int64"),
        ((3, 2, 3), None, None, None, "int64")]:
    c = shape[-1]
    y = torch.randint(0, c, shape[:-1])
    if ignore is not None:
        y.view(-1)[1] = ignore  # make sure at least one label is ignored
    logits = torch.randn(*shape) * 1.5
    pr = torch.softmax(logits, -1) * 1.3
    suffix = (f"{'x'.join(map(str, shape))}{'_sw' if sw is not None else ''}{f'_ignore{ignore}' if ignore is not None else ''}"
              f"{'_cw' if cw else ''}_{dtype}")
    params = {}
    if ignore is not None:
        params["ignoreIndex"] = ignore
    if cw:
        params["classWeight"] = cw
    add(f"SparseCategoricalCrossEntropy_{suffix}", "SparseCategoricalCrossEntropy", params, pr, y.double(), sw,
        lambda q: scce(q, y, False, ignore, cw), true_dtype=dtype)
    case = add(f"SparseCategoricalCrossEntropy_logits_{suffix}", "SparseCategoricalCrossEntropy", dict(params, fromLogits=True),
               logits, y.double(), sw, lambda q: scce(q, y, True, ignore, cw), true_dtype=dtype)
    if sw is None and len(shape) == 2:
        ref = F.cross_entropy(logits, y, weight=torch.tensor(cw) if cw else None, ignore_index=ignore if ignore is not None else -100)
        assert abs(float(ref) - case["mean"]) < 1e-12, (case["name"], float(ref), case["mean"])


# KL divergence (probabilities, summed over the classes).
def kld(q, t):
    rows = F.kl_div(q.clamp(EPS, 1).log(), t.clamp(EPS, 1), reduction="none").sum(-1)
    return per_sample(rows), None


for shape, sw in [((4, 3), None), ((4, 3), sw4), ((4, 2, 5), sw4)]:
    t = probs(*shape)
    pr = probs(*shape)
    add(f"KLDivergence_{'x'.join(map(str, shape))}{'_sw' if sw is not None else ''}", "KLDivergence", {}, pr, t, sw, lambda q: kld(q, t))
t = torch.tensor([[0.0, 0.3, 0.7], [0.5, 0.5, 0.0]])
pr = torch.tensor([[0.2, 0.0, 0.8], [0.1, 0.6, 0.3]])
add("KLDivergence_zeros", "KLDivergence", {}, pr, t, None, lambda q: kld(q, t))

os.makedirs(os.path.dirname(OUT), exist_ok=True)
tmp = OUT + ".tmp"
with open(tmp, "w") as f:
    json.dump({"generator": "tests/reference/make_losses_reference.py", "torch": torch.__version__, "numpy": np.__version__,
               "cases": cases}, f, indent=1)
os.replace(tmp, OUT)
print(f"wrote {len(cases)} cases to {os.path.normpath(OUT)}")
