#!/usr/bin/python3
"""Writes tests/Strata.Tests/reference/layers_reference.json: PyTorch 1.13 forward/backward values of the layer modules
(Conv1d, ConvTranspose2d, BatchNorm1d/2d with running statistics, LayerNorm, Embedding) for LayerReferenceTests.cs.

Run with /usr/bin/python3 (torch 1.13). The C# tests only read the JSON; they never run Python.

Each case stores:
  name, layer       the case and the Strata layer class it builds (its constructor arguments are in the C# test)
  state             the module's state_dict before the first step ({name: {shape, dtype, data}}), loaded into the
                    Strata layer with LoadStateDict
  steps[]           run in order on the same module: {mode ("train"/"eval"), x, w, out, grads, state}
                    x: the input; w: a random upstream weight of out's shape; out: the output; grads: d sum(out * w)
                    w.r.t. the input ("x", floating inputs only) and each parameter (grads are reset before each step);
                    state: the full state_dict after the step (running statistics, num_batches_tracked)

Inputs and initial weights are float32 values; the module runs in float64 on them (the exact answer a float32 computation
approximates); results are stored with 10 significant digits, inputs with 17 (exact).
"""
import json
import os

import torch
import torch.nn as nn

torch.manual_seed(20261124)
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "Strata.Tests", "reference", "layers_reference.json")


def rnd(*shape, lo=-1.0, hi=1.0):
    # float32 values, widened to float64 exactly.
    return (torch.rand(tuple(shape), dtype=torch.float32) * (hi - lo) + lo).double()


def spec(t, digits=10):
    t = t.detach()
    if t.dtype == torch.int64:
        return {"shape": list(t.shape), "dtype": "int64", "data": t.reshape(-1).tolist()}
    return {"shape": list(t.shape), "dtype": "float64", "data": [float("%.*g" % (digits, v)) for v in t.reshape(-1).tolist()]}


def exact(t):
    # Inputs and initial weights are float32 values; 17 digits give exactly the same double (9 would round-trip only
    # through float32, which would make the float64 comparison differ from PyTorch's by ~1e-9 per input).
    return spec(t, 17)


cases = []


def add(name, layer, module, steps):
    """steps: list of (mode, x). Random float32-valued initial weights replace PyTorch's own init."""
    module = module.double()
    with torch.no_grad():
        for pname, p in module.named_parameters():
            p.copy_(rnd(*p.shape, lo=-0.8, hi=0.8) + (1.0 if pname.endswith("weight") and "norm" in layer.lower() else 0.0))
    case = {"name": name, "layer": layer, "state": {k: exact(v) for k, v in module.state_dict().items()}, "steps": []}
    for mode, x in steps:
        module.train(mode == "train")
        module.zero_grad(set_to_none=True)
        if x.dtype.is_floating_point:
            x = x.clone().requires_grad_(True)
        out = module(x)
        w = rnd(*out.shape)
        (out * w).sum().backward()
        grads = {k: spec(p.grad) for k, p in module.named_parameters() if p.grad is not None}
        if x.dtype.is_floating_point:
            grads["x"] = spec(x.grad)
        case["steps"].append({"mode": mode, "x": exact(x), "w": exact(w), "out": spec(out), "grads": grads,
                              "state": {k: spec(v) for k, v in module.state_dict().items()}})
    cases.append(case)


# ---- Conv1D ----
add("conv1d_basic", "Conv1D", nn.Conv1d(3, 4, 3), [("train", rnd(2, 3, 7))])
add("conv1d_stride_pad_dil_groups", "Conv1D", nn.Conv1d(4, 6, 3, stride=2, padding=2, dilation=2, groups=2), [("train", rnd(2, 4, 9))])
add("conv1d_nobias", "Conv1D", nn.Conv1d(2, 3, 2, stride=1, padding=1, bias=False), [("train", rnd(3, 2, 5))])

# ---- Conv2DTranspose ----
add("conv2d_transpose_basic", "Conv2DTranspose", nn.ConvTranspose2d(3, 4, 3), [("train", rnd(2, 3, 4, 5))])
add("conv2d_transpose_stride_outpad", "Conv2DTranspose",
    nn.ConvTranspose2d(3, 2, (3, 2), stride=2, padding=1, output_padding=1), [("train", rnd(2, 3, 4, 3))])
add("conv2d_transpose_groups_dil_nobias", "Conv2DTranspose",
    nn.ConvTranspose2d(4, 6, 2, stride=(2, 1), padding=(0, 1), dilation=2, groups=2, bias=False), [("train", rnd(2, 4, 3, 4))])

# ---- BatchNorm: two training steps, then evaluation ----
add("batchnorm1d_2d_input", "BatchNorm1D", nn.BatchNorm1d(3),
    [("train", rnd(5, 3, lo=-1, hi=3)), ("train", rnd(4, 3, lo=-2, hi=1)), ("eval", rnd(3, 3))])
add("batchnorm1d_3d_input", "BatchNorm1D", nn.BatchNorm1d(4, eps=1e-3, momentum=0.3),
    [("train", rnd(2, 4, 5, lo=0, hi=2)), ("train", rnd(3, 4, 2)), ("eval", rnd(2, 4, 3))])
add("batchnorm1d_cumulative_noaffine", "BatchNorm1D", nn.BatchNorm1d(2, momentum=None, affine=False),
    [("train", rnd(4, 2, lo=1, hi=3)), ("train", rnd(6, 2, lo=-3, hi=0)), ("eval", rnd(3, 2))])
add("batchnorm2d", "BatchNorm2D", nn.BatchNorm2d(3),
    [("train", rnd(2, 3, 4, 3, lo=-1, hi=2)), ("train", rnd(3, 3, 2, 2)), ("eval", rnd(2, 3, 3, 3))])

# ---- LayerNorm ----
add("layernorm_last_dim", "LayerNorm", nn.LayerNorm(5), [("train", rnd(3, 5, lo=-2, hi=2))])
add("layernorm_two_dims", "LayerNorm", nn.LayerNorm([3, 4], eps=1e-3), [("train", rnd(2, 2, 3, 4))])
add("layernorm_no_affine", "LayerNorm", nn.LayerNorm(6, elementwise_affine=False), [("train", rnd(4, 6))])

# ---- Embedding ----
add("embedding_basic", "Embedding", nn.Embedding(7, 3), [("train", torch.tensor([[0, 3, 6], [3, 3, 1]]))])
add("embedding_padding", "Embedding", nn.Embedding(5, 4, padding_idx=2), [("train", torch.tensor([2, 0, 2, 4, 1]))])

with open(OUT, "w") as f:
    json.dump({"generator": "tests/reference/make_layers_reference.py", "torch": torch.__version__, "cases": cases}, f)
print("wrote", len(cases), "cases to", os.path.normpath(OUT))
