#!/usr/bin/python3
"""Writes tests/Strata.Tests/reference/optim_reference.json: PyTorch 1.13 values for Optim/OptimReferenceTests.cs.

Run with /usr/bin/python3. The C# tests only read the JSON; they never run Python.

  schedules   learning rates (and momentum, for OneCycleLR) of each parameter group right after the scheduler is
              built and after each of the following steps, for an optimizer with two groups of different lrs
  groups      parameters of a two-group optimizer after each of 3 steps on fixed gradients (loss = sum(p * c))
  clipping    torch.nn.utils.clip_grad_norm_ / clip_grad_value_ on fixed gradients: total norm and clipped grads
"""
import json
import math
import os

import torch
from torch.optim import lr_scheduler as S

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Strata.Tests", "reference", "optim_reference.json")
STEPS = 30


def two_groups(kind, **defaults):
    a = torch.zeros(2, requires_grad=True)
    b = torch.zeros(3, requires_grad=True)
    groups = [{"params": [a], "lr": 0.1}, {"params": [b], "lr": 0.02}]
    return getattr(torch.optim, kind)(groups, **defaults)


def momentum_of(opt, g):
    return g["betas"][0] if "betas" in g else g.get("momentum")


schedules = []


def schedule(name, kind, optimizer_kwargs, make, params, metrics=None):
    opt = two_groups(kind, **optimizer_kwargs)
    sched = make(opt)
    lrs, moms = [], []

    def record():
        lrs.append([g["lr"] for g in opt.param_groups])
        moms.append([momentum_of(opt, g) for g in opt.param_groups])

    record()
    for k in range(STEPS):
        opt.step()  # no gradients: parameters are untouched, but PyTorch expects optimizer.step() first
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[k])
        record()
    case = {"name": name, "optimizer": kind, "optimizer_params": optimizer_kwargs, "params": params, "lrs": lrs}
    if metrics is not None:
        case["metrics"] = metrics
    if kind != "Adagrad" and name.startswith("OneCycleLR"):
        case["momentum"] = moms
    schedules.append(case)


schedule("StepLR", "SGD", {"lr": 0.1}, lambda o: S.StepLR(o, step_size=3, gamma=0.5), {"stepSize": 3, "gamma": 0.5})
schedule("MultiStepLR", "SGD", {"lr": 0.1}, lambda o: S.MultiStepLR(o, milestones=[11, 2, 5, 5], gamma=0.3),
         {"milestones": [11, 2, 5, 5], "gamma": 0.3})
schedule("ExponentialLR", "SGD", {"lr": 0.1}, lambda o: S.ExponentialLR(o, gamma=0.9), {"gamma": 0.9})
schedule("CosineAnnealingLR", "SGD", {"lr": 0.1}, lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), {"tMax": 10, "etaMin": 0.001})
schedule("CosineAnnealingWarmRestarts", "SGD", {"lr": 0.1}, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=4, T_mult=2, eta_min=0.0005),
         {"t0": 4, "tMult": 2, "etaMin": 0.0005})
schedule("CosineAnnealingWarmRestarts_tmult1", "SGD", {"lr": 0.1}, lambda o: S.CosineAnnealingWarmRestarts(o, T_0=7),
         {"t0": 7, "tMult": 1, "etaMin": 0.0})
schedule("LinearLR", "SGD", {"lr": 0.1}, lambda o: S.LinearLR(o, start_factor=0.25, end_factor=1.0, total_iters=8),
         {"startFactor": 0.25, "endFactor": 1.0, "totalIters": 8})
schedule("OneCycleLR_sgd", "SGD", {"lr": 0.1, "momentum": 0.9},
         lambda o: S.OneCycleLR(o, max_lr=[0.5, 0.05], total_steps=STEPS), {"maxLr": [0.5, 0.05], "totalSteps": STEPS})
schedule("OneCycleLR_adam_linear_three_phase", "Adam", {"lr": 0.1},
         lambda o: S.OneCycleLR(o, max_lr=0.3, total_steps=STEPS, pct_start=0.25, anneal_strategy="linear", div_factor=10,
                                final_div_factor=100, three_phase=True, base_momentum=0.8, max_momentum=0.9),
         {"maxLr": [0.3, 0.3], "totalSteps": STEPS, "pctStart": 0.25, "anneal": "linear", "divFactor": 10, "finalDivFactor": 100,
          "threePhase": True, "baseMomentum": 0.8, "maxMomentum": 0.9})
schedule("OneCycleLR_adagrad_no_momentum", "Adagrad", {"lr": 0.1},
         lambda o: S.OneCycleLR(o, max_lr=0.2, total_steps=STEPS + 5, cycle_momentum=False),
         {"maxLr": [0.2, 0.2], "totalSteps": STEPS + 5, "cycleMomentum": False})

loss_curve = [1.0, 0.9, 0.85, 0.849, 0.86, 0.848, 0.847, 0.9, 0.7, 0.71, 0.72, 0.705, 0.7, 0.69, 0.699, 0.698, 0.697, 0.696,
              0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6]
schedule("ReduceLROnPlateau_min_rel", "SGD", {"lr": 0.1},
         lambda o: S.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2, threshold=0.01, cooldown=1, min_lr=[0.01, 0.004]),
         {"mode": "min", "factor": 0.5, "patience": 2, "threshold": 0.01, "thresholdMode": "rel", "cooldown": 1, "minLr": [0.01, 0.004]},
         metrics=loss_curve)
acc_curve = [0.5, 0.6, 0.6, 0.61, 0.62, 0.62, 0.62, 0.7, 0.69, 0.7, 0.705, 0.71, 0.71, 0.71, 0.71, 0.8, 0.8, 0.8, 0.8, 0.8,
             0.81, 0.81, 0.81, 0.81, 0.81, 0.9, 0.9, 0.9, 0.9, 0.9]
schedule("ReduceLROnPlateau_max_abs", "SGD", {"lr": 0.1},
         lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=1, threshold=0.005, threshold_mode="abs"),
         {"mode": "max", "factor": 0.3, "patience": 1, "threshold": 0.005, "thresholdMode": "abs", "cooldown": 0, "minLr": [0.0, 0.0]},
         metrics=acc_curve)

# Two parameter groups with their own hyper-parameters, 3 steps on fixed gradients.
P0 = {"a": [0.5, -1.2, 2.0], "b": [0.3, 0.7]}
C = [{"a": [0.1, -0.2, 0.3], "b": [0.4, -0.5]},
     {"a": [-0.5, 0.25, 0.1], "b": [-0.3, 0.2]},
     {"a": [0.7, 0.05, -0.6], "b": [0.2, 0.9]}]
group_cases = [
    ("SGD", {"lr": 0.05, "momentum": 0.5}, {"lr": 0.1, "momentum": 0.9, "nesterov": True}, {"weight_decay": 0.1, "dampening": 0.2}),
    ("Adam", {"lr": 0.001, "weight_decay": 0.01}, {"lr": 0.01, "betas": (0.8, 0.99)}, {"amsgrad": True, "eps": 1e-6}),
    ("AdamW", {"lr": 0.001}, {"lr": 0.02, "weight_decay": 0.1}, {}),
    ("RMSprop", {"lr": 0.01}, {"lr": 0.001, "momentum": 0.9, "centered": True}, {"alpha": 0.9, "weight_decay": 0.05}),
    # PyTorch 1.13 fills every accumulator with the constructor's initial_accumulator_value, whatever the group says
    # (Strata honours a group's own value), so it is only given as a default here.
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.2}, {"lr": 0.5, "lr_decay": 0.05}, {"lr_decay": 0.1, "weight_decay": 0.1}),
]
groups = []
for kind, defaults, g0, g1 in group_cases:
    a = torch.tensor(P0["a"], requires_grad=True)
    b = torch.tensor(P0["b"], requires_grad=True)
    opt = getattr(torch.optim, kind)([dict(g0, params=[a]), dict(g1, params=[b])], **defaults)
    rows = []
    for c in C:
        opt.zero_grad()
        ((a * torch.tensor(c["a"])).sum() + (b * torch.tensor(c["b"])).sum()).backward()
        opt.step()
        rows.append({"a": a.detach().tolist(), "b": b.detach().tolist()})

    def jsonable(d):
        d = dict(d)
        if "betas" in d:
            d["beta1"], d["beta2"] = d.pop("betas")
        return {k: (float(v) if not isinstance(v, bool) else v) for k, v in d.items()}

    groups.append({"name": kind, "defaults": jsonable(defaults), "group0": jsonable(g0), "group1": jsonable(g1), "steps": rows})

# Clipping: three gradients of different shapes.
G = [[[0.3, -1.2], [2.0, 0.4]], [0.5, -0.25, 1.5], [[-3.0], [0.1]]]
clip = []
for norm_type, max_norm in [(2.0, 1.0), (1.0, 2.5), (3.5, 0.5), (math.inf, 1.0), (2.0, 100.0)]:
    ps = [torch.zeros(torch.tensor(g).shape, requires_grad=True) for g in G]
    for p, g in zip(ps, G):
        p.grad = torch.tensor(g)
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type=norm_type)
    clip.append({"kind": "norm", "maxNorm": max_norm, "normType": "inf" if math.isinf(norm_type) else norm_type,
                 "totalNorm": float(total), "grads": [p.grad.reshape(-1).tolist() for p in ps]})
ps = [torch.zeros(torch.tensor(g).shape, requires_grad=True) for g in G]
for p, g in zip(ps, G):
    p.grad = torch.tensor(g)
torch.nn.utils.clip_grad_value_(ps, 0.45)
clip.append({"kind": "value", "clipValue": 0.45, "grads": [p.grad.reshape(-1).tolist() for p in ps]})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
tmp = OUT + ".tmp"
with open(tmp, "w") as f:
    json.dump({"generator": "tests/reference/make_optim_reference.py", "torch": torch.__version__, "p0": P0, "c": C, "g": G,
               "schedules": schedules, "groups": groups, "clipping": clip}, f, indent=1)
os.replace(tmp, OUT)
print(f"wrote {len(schedules)} schedules, {len(groups)} group cases, {len(clip)} clipping cases to {os.path.normpath(OUT)}")
