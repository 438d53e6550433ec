#!/usr/bin/python3
"""Writes tests/Strata.Tests/reference/nn_reference.json: PyTorch forward and backward values of the nn ops
(convolution, pooling, softmax, cross-entropy, batch/layer norm) on random float32 inputs, for NnReferenceTests.cs.

Run with /usr/bin/python3 (torch 1.13). The C# tests only read the JSON; they never run Python.

Each case stores:
  op, params           the op name and its arguments
  inputs[name]         {shape, data (flat, row-major), dtype, grad (differentiable?), perm (optional)}
                       With "perm", the stored tensor is the contiguous leaf L and the op receives the
                       non-contiguous view L.permute(perm); the stored gradient is then that of L.
  w                    a random upstream weight of the output's shape
  out                  the forward output
  grads[name]          d sum(out * w) / d input, for every input with grad = true (shape of the stored leaf)
  extra                other results (batch_norm: running statistics after the update)

The inputs are float32 values; the reference values are computed in float64 from them (the exact answer the
float32 computation approximates), then stored with 9 significant digits.
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(20261123)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Strata.Tests", "reference", "nn_reference.json")


def flat(t, digits=8):
    # 8 significant digits for results (relative rounding 5e-9, far below the 1e-5 tolerance); inputs use 9
    # (flat_exact) so that they round-trip to the same float32 values.
    return [float("%.*g" % (digits, v)) for v in t.detach().reshape(-1).tolist()]


def flat_exact(t):
    return flat(t, 9)


def rnd(*shape, lo=-1.0, hi=1.0):
    # float32 values, widened to float64 exactly.
    return (torch.rand(tuple(shape), dtype=torch.float32) * (hi - lo) + lo).double()


def inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p] = i
    return inv


cases = []


def add(name, op, params, inputs, fn, extra_fn=None):
    """inputs: name -> (tensor in the op's layout, grad?, perm or None). fn(dict of op inputs) -> out."""
    leaves, views, spec = {}, {}, {}
    for k, (t, grad, perm) in inputs.items():
        if perm is not None:
            leaf = t.permute(inverse(perm)).contiguous().clone()
        else:
            leaf = t.clone()
        if grad:
            leaf.requires_grad_(True)
        leaves[k] = leaf
        views[k] = leaf.permute(perm) if perm is not None else leaf
        if perm is not None:
            assert not views[k].is_contiguous()
        d = {"shape": list(leaf.shape), "dtype": "int64" if leaf.dtype == torch.int64 else "float32",
             "grad": bool(grad), "data": flat_exact(leaf) if leaf.dtype != torch.int64 else leaf.reshape(-1).tolist()}
        if perm is not None:
            d["perm"] = list(perm)
        spec[k] = d
    out = fn(views)
    w = rnd(*out.shape)
    (out * w).sum().backward()
    case = {"name": name, "op": op, "params": params, "inputs": spec,
            "w": {"shape": list(w.shape), "data": flat_exact(w)},
            "out": {"shape": list(out.shape), "data": flat(out)},
            "grads": {k: {"shape": list(l.shape), "data": flat(l.grad)} for k, l in leaves.items() if l.requires_grad}}
    if extra_fn is not None:
        case["extra"] = {k: {"shape": list(v.shape), "data": flat(v)} for k, v in extra_fn().items()}
    cases.append(case)


NHWC = [0, 3, 1, 2]  # stored [N, H, W, C]; the op sees [N, C, H, W]
WT = [0, 1, 3, 2]    # stored with the last two dims swapped

# ---- conv2d ----
for name, cin, cout, k, p, xperm, wperm in [
    ("conv2d_basic", 3, 4, 3, dict(stride=[1, 1], padding=[1, 1], dilation=[1, 1], groups=1, bias=True), None, None),
    ("conv2d_stride_pad_dil", 3, 4, 3, dict(stride=[2, 1], padding=[1, 2], dilation=[2, 1], groups=1, bias=True), None, None),
    ("conv2d_groups_nobias", 4, 6, 3, dict(stride=[1, 2], padding=[0, 1], dilation=[1, 1], groups=2, bias=False), None, None),
    ("conv2d_rect_kernel", 3, 2, (2, 3), dict(stride=[2, 2], padding=[1, 0], dilation=[1, 2], groups=1, bias=True), None, None),
    ("conv2d_noncontig", 4, 4, 3, dict(stride=[1, 1], padding=[1, 1], dilation=[1, 1], groups=2, bias=True), NHWC, WT),
    ("conv2d_noncontig_strided", 3, 4, 3, dict(stride=[2, 2], padding=[1, 1], dilation=[1, 1], groups=1, bias=True), NHWC, [1, 0, 2, 3]),
]:
    kh, kw = (k, k) if isinstance(k, int) else k
    inputs = {"x": (rnd(2, cin, 6, 6), True, xperm),
              "weight": (rnd(cout, cin // p["groups"], kh, kw, lo=-0.5, hi=0.5), True, wperm)}
    if p["bias"]:
        inputs["bias"] = (rnd(cout), True, None)
    add(name, "conv2d", p, inputs,
        lambda v, p=p: F.conv2d(v["x"], v["weight"], v.get("bias"), p["stride"], p["padding"], p["dilation"], p["groups"]))

# ---- conv_transpose2d ----
for name, cin, cout, k, p, xperm, wperm in [
    ("conv_transpose2d_basic", 3, 4, 3, dict(stride=[1, 1], padding=[1, 1], output_padding=[0, 0], dilation=[1, 1], groups=1, bias=True), None, None),
    ("conv_transpose2d_stride_outpad", 3, 2, 3, dict(stride=[2, 2], padding=[1, 0], output_padding=[1, 1], dilation=[1, 1], groups=1, bias=True), None, None),
    ("conv_transpose2d_groups_dil", 4, 6, 2, dict(stride=[2, 1], padding=[0, 1], output_padding=[0, 0], dilation=[2, 2], groups=2, bias=False), None, None),
    ("conv_transpose2d_noncontig", 4, 4, 3, dict(stride=[2, 2], padding=[1, 1], output_padding=[1, 0], dilation=[1, 1], groups=2, bias=True), NHWC, WT),
]:
    inputs = {"x": (rnd(2, cin, 4, 5), True, xperm),
              "weight": (rnd(cin, cout // p["groups"], k, k, lo=-0.5, hi=0.5), True, wperm)}
    if p["bias"]:
        inputs["bias"] = (rnd(cout), True, None)
    add(name, "conv_transpose2d", p, inputs,
        lambda v, p=p: F.conv_transpose2d(v["x"], v["weight"], v.get("bias"), p["stride"], p["padding"],
                                          p["output_padding"], p["groups"], p["dilation"]))

# ---- max_pool2d ----
for name, p, perm in [
    ("max_pool2d_basic", dict(kernel=[2, 2], stride=[2, 2], padding=[0, 0], dilation=[1, 1], ceil_mode=False), None),
    ("max_pool2d_pad", dict(kernel=[3, 3], stride=[2, 2], padding=[1, 1], dilation=[1, 1], ceil_mode=False), None),
    ("max_pool2d_dil_ceil", dict(kernel=[2, 3], stride=[2, 1], padding=[1, 1], dilation=[2, 1], ceil_mode=True), None),
    ("max_pool2d_noncontig", dict(kernel=[3, 2], stride=[2, 2], padding=[1, 0], dilation=[1, 1], ceil_mode=True), NHWC),
]:
    add(name, "max_pool2d", p, {"x": (rnd(2, 3, 7, 7), True, perm)},
        lambda v, p=p: F.max_pool2d(v["x"], p["kernel"], p["stride"], p["padding"], p["dilation"], p["ceil_mode"]))

# ---- avg_pool2d ----
for name, p, perm in [
    ("avg_pool2d_basic", dict(kernel=[2, 2], stride=[2, 2], padding=[0, 0], count_include_pad=True, ceil_mode=False), None),
    ("avg_pool2d_pad_include", dict(kernel=[3, 3], stride=[2, 2], padding=[1, 1], count_include_pad=True, ceil_mode=False), None),
    ("avg_pool2d_pad_exclude", dict(kernel=[3, 3], stride=[2, 1], padding=[1, 1], count_include_pad=False, ceil_mode=False), None),
    ("avg_pool2d_ceil", dict(kernel=[3, 2], stride=[2, 2], padding=[1, 0], count_include_pad=True, ceil_mode=True), None),
    ("avg_pool2d_ceil_exclude", dict(kernel=[3, 3], stride=[2, 2], padding=[1, 1], count_include_pad=False, ceil_mode=True), None),
    ("avg_pool2d_noncontig", dict(kernel=[3, 3], stride=[2, 2], padding=[1, 1], count_include_pad=False, ceil_mode=False), NHWC),
]:
    add(name, "avg_pool2d", p, {"x": (rnd(2, 3, 7, 7), True, perm)},
        lambda v, p=p: F.avg_pool2d(v["x"], p["kernel"], p["stride"], p["padding"], p["ceil_mode"], p["count_include_pad"]))

# ---- adaptive_avg_pool2d ----
for name, size, perm in [
    ("adaptive_avg_pool2d_3x4", [3, 4], None),
    ("adaptive_avg_pool2d_1x1", [1, 1], None),
    ("adaptive_avg_pool2d_5x5", [5, 5], None),
    ("adaptive_avg_pool2d_noncontig", [4, 3], NHWC),
]:
    add(name, "adaptive_avg_pool2d", {"output_size": size}, {"x": (rnd(2, 3, 7, 7), True, perm)},
        lambda v, size=size: F.adaptive_avg_pool2d(v["x"], size))

# ---- softmax / log_softmax ----
for op, f in [("softmax", F.softmax), ("log_softmax", F.log_softmax)]:
    for name, shape, dim, perm in [
        ("dim1", (2, 4, 3, 5), 1, None),
        ("last", (3, 7), -1, None),
        ("middle", (2, 5, 6), 1, None),
        ("noncontig_last", (4, 3, 6), -1, [0, 2, 1]),
        ("noncontig_first", (5, 2, 3), 0, [2, 0, 1]),
    ]:
        add(f"{op}_{name}", op, {"dim": dim}, {"x": (rnd(*shape, lo=-3, hi=3), True, perm)},
            lambda v, f=f, dim=dim: f(v["x"], dim=dim))

# ---- cross_entropy ----
def targets(*shape, c, ignore=None, n_ignore=0):
    t = torch.randint(0, c, shape, dtype=torch.int64)
    if ignore is not None:
        flat_t = t.view(-1)
        idx = torch.randperm(flat_t.numel())[:n_ignore]
        flat_t[idx] = ignore
    return t


for name, lshape, tgt, p, perm in [
    ("ce_indices_mean", (6, 5), targets(6, c=5), dict(reduction="mean", label_smoothing=0.0, ignore_index=-100), None),
    ("ce_indices_sum", (6, 5), targets(6, c=5), dict(reduction="sum", label_smoothing=0.0, ignore_index=-100), None),
    ("ce_indices_none", (6, 5), targets(6, c=5), dict(reduction="none", label_smoothing=0.0, ignore_index=-100), None),
    ("ce_smoothing", (6, 5), targets(6, c=5), dict(reduction="mean", label_smoothing=0.1, ignore_index=-100), None),
    ("ce_ignore_default", (7, 4), targets(7, c=4, ignore=-100, n_ignore=2), dict(reduction="mean", label_smoothing=0.0, ignore_index=-100), None),
    ("ce_ignore_custom_smoothing", (7, 4), targets(7, c=4, ignore=2, n_ignore=2), dict(reduction="mean", label_smoothing=0.2, ignore_index=2), None),
    ("ce_ignore_none", (7, 4), targets(7, c=4, ignore=-100, n_ignore=2), dict(reduction="none", label_smoothing=0.1, ignore_index=-100), None),
    ("ce_weight_smoothing_ignore", (7, 4), targets(7, c=4, ignore=-100, n_ignore=2), dict(reduction="mean", label_smoothing=0.15, ignore_index=-100, weight=True), None),
    ("ce_spatial", (2, 4, 3, 5), targets(2, 3, 5, c=4, ignore=-100, n_ignore=3), dict(reduction="mean", label_smoothing=0.1, ignore_index=-100), None),
    ("ce_noncontig", (6, 5), targets(6, c=5), dict(reduction="mean", label_smoothing=0.1, ignore_index=-100), [1, 0]),
    ("ce_spatial_noncontig", (2, 4, 3, 5), targets(2, 3, 5, c=4), dict(reduction="sum", label_smoothing=0.0, ignore_index=-100), NHWC),
    ("ce_probs_mean", (6, 5), "probs", dict(reduction="mean", label_smoothing=0.0), None),
    ("ce_probs_smoothing_sum", (6, 5), "probs", dict(reduction="sum", label_smoothing=0.2), None),
    ("ce_probs_weight_none", (6, 5), "probs", dict(reduction="none", label_smoothing=0.1, weight=True), None),
    ("ce_probs_spatial_noncontig", (2, 4, 3, 3), "probs", dict(reduction="mean", label_smoothing=0.0), NHWC),
]:
    inputs = {"input": (rnd(*lshape, lo=-3, hi=3), True, perm)}
    if isinstance(tgt, str):
        # Probability targets (rows sum to 1 along dim 1); differentiable, as in PyTorch.
        pr = torch.softmax(rnd(*lshape, lo=-2, hi=2), dim=1).float().double()
        inputs["target"] = (pr, True, perm)
        p = dict(p, ignore_index=-100)
    else:
        inputs["target"] = (tgt, False, None)
    if p.pop("weight", False):
        inputs["weight"] = (rnd(lshape[1], lo=0.2, hi=2.0), False, None)
    add(name, "cross_entropy", p, inputs,
        lambda v, p=p: F.cross_entropy(v["input"], v["target"], v.get("weight"), reduction=p["reduction"],
                                       ignore_index=p["ignore_index"], label_smoothing=p["label_smoothing"]))

# ---- batch_norm ----
for name, shape, p, affine, perm in [
    ("batch_norm_train", (2, 3, 5, 4), dict(training=True, momentum=0.1, eps=1e-5), True, None),
    ("batch_norm_train_momentum", (3, 4, 3, 3), dict(training=True, momentum=0.3, eps=1e-3), True, None),
    ("batch_norm_train_noaffine", (2, 3, 5, 4), dict(training=True, momentum=0.1, eps=1e-5), False, None),
    ("batch_norm_train_2d", (8, 5), dict(training=True, momentum=0.2, eps=1e-5), True, None),
    ("batch_norm_train_noncontig", (2, 4, 5, 4), dict(training=True, momentum=0.1, eps=1e-5), True, NHWC),
    ("batch_norm_eval", (2, 3, 5, 4), dict(training=False, momentum=0.1, eps=1e-5), True, None),
    ("batch_norm_eval_noncontig", (2, 4, 5, 4), dict(training=False, momentum=0.1, eps=1e-4), True, NHWC),
]:
    c = shape[1]
    rm = rnd(c, lo=-0.5, hi=0.5)
    rv = rnd(c, lo=0.5, hi=2.0)
    inputs = {"x": (rnd(*shape, lo=-2, hi=3), True, perm),
              "running_mean": (rm, False, None), "running_var": (rv, False, None)}
    if affine:
        inputs["weight"] = (rnd(c, lo=0.5, hi=1.5), True, None)
        inputs["bias"] = (rnd(c), True, None)
    state = {}

    def bn(v, p=p, state=state):
        state["rm"], state["rv"] = v["running_mean"].clone(), v["running_var"].clone()
        return F.batch_norm(v["x"], state["rm"], state["rv"], v.get("weight"), v.get("bias"),
                            p["training"], p["momentum"], p["eps"])

    add(name, "batch_norm", p, inputs, bn,
        lambda state=state: {"running_mean": state["rm"], "running_var": state["rv"]})

# ---- layer_norm ----
for name, shape, ns, affine, perm in [
    ("layer_norm_last", (4, 6), [6], True, None),
    ("layer_norm_last2", (2, 3, 4, 5), [4, 5], True, None),
    ("layer_norm_noaffine", (3, 4, 7), [7], False, None),
    ("layer_norm_noncontig", (3, 4, 6), [6], True, [0, 2, 1]),
    ("layer_norm_noncontig_last2", (2, 3, 4, 5), [4, 5], True, [0, 3, 1, 2]),
]:
    inputs = {"x": (rnd(*shape, lo=-2, hi=3), True, perm)}
    if affine:
        inputs["weight"] = (rnd(*ns, lo=0.5, hi=1.5), True, None)
        inputs["bias"] = (rnd(*ns), True, None)
    add(name, "layer_norm", {"normalized_shape": ns, "eps": 1e-5}, inputs,
        lambda v, ns=ns: F.layer_norm(v["x"], ns, v.get("weight"), v.get("bias"), 1e-5))

with open(OUT, "w") as f:
    json.dump({"generator": "tests/reference/make_nn_reference.py", "torch": torch.__version__, "cases": cases},
              f, separators=(",", ":"))
print(f"{len(cases)} cases, {os.path.getsize(OUT)} bytes -> {os.path.normpath(OUT)}")
