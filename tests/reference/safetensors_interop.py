"""safetensors interop between PyTorch 1.13 and Strata, without the `safetensors` package.

    /usr/bin/python3 tests/reference/safetensors_interop.py
        writes tests/Strata.Tests/fixtures/serialization/torch_written.safetensors and torch_written.json
        (the tensors' dtype, shape, raw bytes in hex and values), read by SafeTensorsInteropTests.
    /usr/bin/python3 tests/reference/safetensors_interop.py --check FILE
        reads FILE (written by Strata: tests/Strata.Tests/fixtures/serialization/strata_written.safetensors)
        and compares its layout, metadata and every tensor bit for bit with the tensors built below
        (the same values SafeTensorsInteropTests.StrataWrittenTensors builds). Output: safetensors_interop.log.
    /usr/bin/python3 tests/reference/safetensors_interop.py --check-model FILE
        loads FILE (ModelWeights.Save of Strata's Sequential(Dense(4), Tanh(), Dense(2)) on 3 inputs:
        tests/Strata.Tests/fixtures/serialization/strata_mlp.safetensors) into torch's
        nn.Sequential(Linear(3, 4), Tanh(), Linear(4, 2)) with strict load_state_dict, and writes the model's output on
        a fixed input to strata_mlp_torch_output.json, which ModelWeightsInteropTests compares with Strata's output.
"""
import json
import math
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Strata.Tests", "fixtures", "serialization")

CODES = {torch.float32: "F32", torch.float64: "F64", torch.float16: "F16", torch.bfloat16: "BF16",
         torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
         torch.bool: "BOOL"}
DTYPES = {v: k for k, v in CODES.items()}


def raw_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16; same-size reinterpretation keeps the bits
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def save(path, tensors, metadata=None):
    header, data = {}, b""
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, t in tensors.items():
        b = raw_bytes(t)
        header[name] = {"dtype": CODES[t.dtype], "shape": list(t.shape), "data_offsets": [len(data), len(data) + len(b)]}
        data += b
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + data)


def load(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", None)
    tensors = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        if e == b:
            t = torch.empty(info["shape"], dtype=dtype)
        else:
            t = torch.frombuffer(bytearray(data[b:e]), dtype=dtype).reshape(info["shape"])
        tensors[name] = t
    return tensors, metadata, header, n, len(data)


def json_values(t):
    flat = t.float() if t.dtype in (torch.float16, torch.bfloat16) else t
    out = []
    for v in flat.reshape(-1).tolist():
        if isinstance(v, float) and not math.isfinite(v):
            out.append("nan" if math.isnan(v) else ("inf" if v > 0 else "-inf"))
        else:
            out.append(v)
    return out


def torch_tensors():
    return {
        "f32_matrix": torch.tensor([[0.1, -2.5, 3.14159], [1e-8, -0.0, float("inf")]], dtype=torch.float32),
        "f64_vector": torch.tensor([1 / 3, -1e300, 2.5e-310, math.pi], dtype=torch.float64),
        "i64": torch.tensor([2 ** 62 + 1, -1, -2 ** 63], dtype=torch.int64),
        "i32_3d": torch.tensor([[[1, -2]], [[2 ** 31 - 1, -2 ** 31]]], dtype=torch.int32),
        "bool": torch.tensor([True, False, True, True, False]),
        "scalar_0d": torch.tensor(42.5, dtype=torch.float32),
        "empty": torch.zeros(0, 3, dtype=torch.float32),
        "f16": torch.tensor([0.5, -1.5, 65504.0, 1e-7], dtype=torch.float16),
        "bf16": torch.tensor([1.0, -3.140625, 1e30], dtype=torch.bfloat16),
        "i8": torch.tensor([-128, 0, 127], dtype=torch.int8),
        "u8": torch.tensor([0, 200, 255], dtype=torch.uint8),
        "i16": torch.tensor([-32768, 32767], dtype=torch.int16),
        "f32_transposed_src": torch.arange(12, dtype=torch.float32).reshape(3, 4).t(),
    }


def strata_expected():
    """Mirror of SafeTensorsInteropTests.StrataWrittenTensors (same order, same values)."""
    return {
        "weight": torch.tensor([[0.1, -2.5, 3.14159], [1e-8, -0.0, float("inf")]], dtype=torch.float32),
        "transposed": torch.tensor([-1, -0.5, 0, 0.5, 1, 1.5], dtype=torch.float64).reshape(2, 3).t(),
        "ids": torch.tensor([2 ** 53 + 1, -1, -2 ** 63], dtype=torch.int64),
        "counts": torch.tensor([[1, 2], [3, 2 ** 31 - 1]], dtype=torch.int32),
        "mask": torch.tensor([True, False, False, True, True]),
        "scalar": torch.tensor(7.25, dtype=torch.float32),
        "empty": torch.zeros(2, 0, dtype=torch.float64),
    }


STRATA_METADATA = {"format": "pt", "epoch": "3", "note": "h\u00e9llo \"world\""}


def write_fixtures():
    tensors = torch_tensors()
    path = os.path.join(FIXTURES, "torch_written.safetensors")
    save(path, tensors, {"format": "pt", "source": "torch " + torch.__version__})
    expected = {name: {"dtype": CODES[t.dtype], "shape": list(t.shape), "hex": raw_bytes(t).hex(), "values": json_values(t)}
                for name, t in tensors.items()}
    with open(os.path.join(FIXTURES, "torch_written.json"), "w") as f:
        json.dump({"order": list(tensors), "tensors": expected}, f, indent=1)
        f.write("\n")
    # Our own reader must give back exactly what we wrote.
    back, _, _, _, _ = load(path)
    for name, t in tensors.items():
        assert back[name].dtype == t.dtype and back[name].shape == t.shape and raw_bytes(back[name]) == raw_bytes(t), name
    print(f"wrote {os.path.relpath(path)} ({len(tensors)} tensors) and torch_written.json")


def check(path):
    ok = True

    def report(cond, what):
        nonlocal ok
        ok &= bool(cond)
        print(f"{'ok  ' if cond else 'FAIL'} {what}")

    print(f"torch {torch.__version__}, checking {os.path.basename(path)} written by Strata")
    tensors, metadata, header, n, data_len = load(path)
    report(n % 8 == 0, f"header length {n} is a multiple of 8")
    expected = strata_expected()
    report(list(header) == list(expected), f"tensor order in header: {list(header)}")
    pos = 0
    for name in header:
        b, e = header[name]["data_offsets"]
        report(b == pos, f"{name}: data_offsets [{b}, {e}] follow the previous tensor")
        pos = e
    report(pos == data_len, f"tensors cover the {data_len}-byte data buffer")
    report(metadata == STRATA_METADATA, f"metadata {metadata}")
    for name, want in expected.items():
        got = tensors[name]
        same = got.dtype == want.dtype and got.shape == want.shape and raw_bytes(got) == raw_bytes(want)
        report(same, f"{name}: {CODES[got.dtype]} {list(got.shape)} bit-identical to torch's {json_values(want)}")
    print("ALL OK" if ok else "MISMATCH")
    return ok


def check_model(path):
    tensors, metadata, _, _, _ = load(path)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    result = model.load_state_dict(tensors, strict=True)
    print(f"torch {torch.__version__}: {os.path.basename(path)} -> nn.Sequential(Linear(3, 4), Tanh(), Linear(4, 2)), "
          f"strict load_state_dict: {result}, names {list(tensors)}")
    x = torch.tensor([[0.5, -1.0, 2.0], [0.0, 0.25, -0.75]], dtype=torch.float32)
    with torch.no_grad():
        y = model(x)
    print(f"output on {x.tolist()}: {y.tolist()}")
    with open(os.path.join(FIXTURES, "strata_mlp_torch_output.json"), "w") as f:
        json.dump({"x": x.tolist(), "y": y.tolist()}, f, indent=1)
        f.write("\n")
    return True


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        sys.exit(0 if check(sys.argv[2]) else 1)
    elif len(sys.argv) == 3 and sys.argv[1] == "--check-model":
        sys.exit(0 if check_model(sys.argv[2]) else 1)
    elif len(sys.argv) == 1:
        write_fixtures()
    else:
        sys.exit(__doc__)
