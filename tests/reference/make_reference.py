"""Writes tests/Strata.Tests/reference/core_reference.json: small float32 cases computed by PyTorch.

Run with /usr/bin/python3 (torch installed). Each case stores its inputs, a weight w of the output's shape,
the output, and the gradients of sum(out * w) with respect to each input, all as flat lists with shapes.
"""
import json
import os

import torch

torch.manual_seed(20261123)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def case(name, op, inputs, fn, transposed=None, **params):
    xs = [torch.tensor(x, dtype=torch.float32, requires_grad=True) for x in inputs]
    # "transposed": inputs stored as x.T; the test passes the transpose of the stored array (a strided view).
    args = [x.t() if transposed and transposed[i] else x for i, x in enumerate(xs)]
    out = fn(*args)
    w = torch.rand(out.shape) + 0.5
    (out * w).sum().backward()
    return {
        "name": name, "op": op, "params": params,
        "transposed": [bool(transposed and transposed[i]) for i in range(len(xs))],
        "inputs": [{"shape": list(x.shape), "data": flat(x)} for x in xs],
        "w": {"shape": list(w.shape), "data": flat(w)},
        "out": {"shape": list(out.shape), "data": flat(out)},
        "grads": [{"shape": list(x.shape), "data": flat(x.grad)} for x in xs],
    }


def r(*shape):
    return torch.randn(*shape).tolist()


cases = [
    case("matmul_2d", "matmul", [r(4, 5), r(5, 3)], torch.matmul),
    case("matmul_1d_1d", "matmul", [r(6), r(6)], torch.matmul),
    case("matmul_1d_2d", "matmul", [r(4), r(4, 3)], torch.matmul),
    case("matmul_2d_1d", "matmul", [r(3, 4), r(4)], torch.matmul),
    case("matmul_batched_broadcast", "matmul", [r(2, 1, 3, 4), r(3, 4, 5)], torch.matmul),
    case("matmul_batched_2d", "matmul", [r(3, 4, 6), r(6, 2)], torch.matmul),
    # b stored as [3,5]; the test uses its transpose [5,3], a non-contiguous view.
    case("matmul_transposed_b", "matmul", [r(4, 5), r(3, 5)], torch.matmul, transposed=[False, True]),
    case("logsumexp_dim1", "logsumexp", [r(3, 7)], lambda x: torch.logsumexp(x, dim=1), dims=[1], keepDim=False),
    case("logsumexp_dim0_keep", "logsumexp", [r(5, 4)], lambda x: torch.logsumexp(x, dim=0, keepdim=True), dims=[0], keepDim=True),
    case("logsumexp_transposed", "logsumexp", [r(6, 3)], lambda x: torch.logsumexp(x, dim=1), transposed=[True], dims=[1], keepDim=False),
    case("var_dim1", "var", [r(4, 6)], lambda x: torch.var(x, dim=1), dims=[1], keepDim=False),
    case("var_all", "var", [r(3, 5)], lambda x: torch.var(x), dims=None, keepDim=False),
    case("std_dim0_keep", "std", [r(5, 3)], lambda x: torch.std(x, dim=0, keepdim=True), dims=[0], keepDim=True),
    case("std_transposed", "std", [r(4, 6)], lambda x: torch.std(x, dim=0), transposed=[True], dims=[0], keepDim=False),
]
for op, fn in [("gelu", torch.nn.functional.gelu), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh),
               ("softplus", torch.nn.functional.softplus), ("elu", torch.nn.functional.elu)]:
    x = (torch.randn(5, 7) * 3).tolist()
    cases.append(case(op, op, [x], fn))
    cases.append(case(op + "_transposed", op, [r(7, 5)], fn, transposed=[True]))

out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Strata.Tests", "reference", "core_reference.json")
with open(out_path, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=None, separators=(",", ":"))
print(out_path, os.path.getsize(out_path), "bytes,", len(cases), "cases")
