#!/usr/bin/python3
"""PyTorch peer of Strata.Bench: the same workloads, models, data, seeds and thread count as the C# side.

Run with OMP_WAIT_POLICY=PASSIVE (Debian's PyTorch busy-waits otherwise and loses up to 3x on 2 vCPUs).

Modes:
  --serve                         line protocol on stdin/stdout so the bench can alternate reps across frameworks:
                                  "setup NAME THREADS" -> {"ok": true, "unit": U, "work": W} or {"ok": false, "error": E}
                                  "run"                -> {"seconds": S}   (one timed rep, timed here, not over the pipe)
                                  "teardown" -> {"ok": true};   "quit" ends.
  --workloads A,B --threads T     stand-alone: warm-up, median of reps, prints {"results": [{"workload", "unit", "value"}]}
  --memory-child --threads T      trains the seed CNN for one slice and prints "VmHWM_KB=<peak RSS>" (own process).
  --check-train --threads T       trains the MLP for one slice, prints {"slice_head": [...], "first_loss", "last40_loss"}
                                  so the bench's --check can see that the peer trains on the same samples alike.
Common: --data DIR (Fashion-MNIST idx files, plain or .gz).

Figures: throughput units are work / seconds; latency (us) is seconds * 1e6 / work, work = calls per rep.
"""
import argparse
import gzip
import json
import os
import statistics
import sys
import time

try:
    import numpy as np
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as e:  # the bench treats a failing start as "PyTorch not available"
    print(json.dumps({"ok": False, "error": f"import failed: {e}"}), flush=True)
    sys.exit(3)

BATCH = 64
SLICE = 10_240          # training samples per timed rep (160 batches of 64)
SEED = 0
MASK64 = (1 << 64) - 1


def splitmix64_permutation(n, seed):
    """Fisher-Yates with SplitMix64, bit-identical to Strata.Bench's TrainData.Permutation."""
    state = seed & MASK64
    perm = list(range(n))
    for i in range(n - 1, 0, -1):
        state = (state + 0x9E3779B97F4A7C15) & MASK64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        z ^= z >> 31
        j = z % (i + 1)
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def read_idx(directory, name):
    for fn in (name, name + ".gz"):
        path = os.path.join(directory, fn)
        if os.path.exists(path):
            opener = gzip.open if fn.endswith(".gz") else open
            with opener(path, "rb") as f:
                data = f.read()
            ndim = data[3]
            dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
            return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)
    raise FileNotFoundError(f"pytorch_bench: {name}[.gz] not found in {directory}")


_data = {}


def train_data(directory):
    """Training set as uint8 [N, 1, 28, 28] (as torchvision keeps it; batch() converts) and int64 labels, plus the shuffled slice's indices."""
    if "x" not in _data:
        x = read_idx(directory, "train-images-idx3-ubyte")
        y = read_idx(directory, "train-labels-idx1-ubyte")
        _data["x"] = torch.from_numpy(x.copy()).reshape(-1, 1, 28, 28)
        _data["y"] = torch.from_numpy(y.astype(np.int64))
        n = _data["x"].shape[0]
        perm = splitmix64_permutation(n, SEED)[:min(SLICE, n)]
        _data["idx"] = torch.tensor(perm, dtype=torch.int64)
    return _data["x"], _data["y"], _data["idx"]


def batch(x, b):
    """The images at indices b as float32/255, converted per batch (all three frameworks store the bytes)."""
    return x.index_select(0, b).to(torch.float32).div_(255.0)


def mlp():
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(1600, 128), nn.ReLU(), nn.Dropout(0.5), nn.Linear(128, 10))


class Workload:
    unit = "samples/s"
    work = 1.0

    def teardown(self):
        pass


class Sgemm(Workload):
    unit = "GFLOP/s"

    def __init__(self, n):
        g = torch.Generator().manual_seed(SEED)
        self.a = torch.randn(n, n, generator=g)
        self.b = torch.randn(n, n, generator=g)
        # Products per rep as SgemmWorkloads.cs (RepGflop): at least ~40 GFLOP per rep.
        self.calls = max(1, int(40 * 1e9 / (2.0 * n ** 3)))
        self.work = self.calls * 2.0 * n ** 3 / 1e9

    def run(self):
        for _ in range(self.calls):
            torch.mm(self.a, self.b)


class Train(Workload):
    def __init__(self, make, data_dir):
        torch.manual_seed(SEED)
        self.x, self.y, self.idx = train_data(data_dir)
        self.model = make().train()
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.work = float(self.idx.numel() // BATCH * BATCH)

    def run(self):
        for s in range(0, self.idx.numel() - BATCH + 1, BATCH):
            b = self.idx[s:s + BATCH]
            xb = batch(self.x, b)
            yb = self.y.index_select(0, b)
            self.opt.zero_grad()
            loss = F.cross_entropy(self.model(xb), yb)
            loss.backward()
            self.opt.step()


class Infer(Workload):
    def __init__(self, make, batch, calls):
        torch.manual_seed(SEED)
        self.model = make().eval()
        self.input = torch.rand(batch, 1, 28, 28)
        self.calls = calls
        if batch == 1:
            self.unit, self.work = "us", float(self.calls)
        else:
            self.work = float(self.calls * batch)

    def run(self):
        with torch.no_grad():
            for _ in range(self.calls):
                self.model(self.input)


class LstmStep(Workload):
    unit = "steps/s"

    def __init__(self):
        torch.manual_seed(SEED)
        self.lstm = nn.LSTM(64, 128)
        self.input = torch.randn(50, 32, 64)
        self.target = torch.randn(50, 32, 128)
        self.opt = torch.optim.Adam(self.lstm.parameters(), lr=1e-3)
        self.steps = 20  # as SequenceWorkloads.cs
        self.work = float(self.steps)

    def run(self):
        for _ in range(self.steps):
            self.opt.zero_grad()
            out, _ = self.lstm(self.input)
            F.mse_loss(out, self.target).backward()
            self.opt.step()


class AttentionStep(Workload):
    unit = "steps/s"

    def __init__(self):
        torch.manual_seed(SEED)
        # One Transformer encoder block, d_model 128, 4 heads (defaults: feed-forward 2048, dropout 0.1), train mode.
        self.layer = nn.TransformerEncoderLayer(128, 4)
        self.input = torch.randn(64, 32, 128)   # (seq, batch, embed)
        self.target = torch.randn(64, 32, 128)
        self.opt = torch.optim.Adam(self.layer.parameters(), lr=1e-3)
        self.steps = 5
        self.work = float(self.steps)

    def run(self):
        for _ in range(self.steps):
            self.opt.zero_grad()
            out = self.layer(self.input)
            F.mse_loss(out, self.target).backward()
            self.opt.step()


class ConvFwdBwd(Workload):
    def __init__(self):
        g = torch.Generator().manual_seed(SEED)
        self.x = torch.randn(64, 32, 13, 13, generator=g).requires_grad_()
        self.w = (torch.randn(64, 32, 3, 3, generator=g) * 0.05).requires_grad_()
        self.b = torch.zeros(64).requires_grad_()
        self.grad = torch.ones(64, 64, 11, 11)
        self.calls = 20  # as ConvWorkloads.cs
        self.work = 64.0 * self.calls

    def run(self):
        for _ in range(self.calls):
            for t in (self.x, self.w, self.b):
                t.grad = None
            F.conv2d(self.x, self.w, self.b).backward(self.grad)


def create(name, data_dir):
    if name.startswith("sgemm/N="):
        return Sgemm(int(name.split("/")[1][2:]))
    table = {
        "train/mlp/fashion-mnist": lambda: Train(mlp, data_dir),
        "train/cnn/fashion-mnist": lambda: Train(cnn, data_dir),
        # Call counts as InferWorkloads.cs: a rep of at least ~20 ms for every model.
        "infer/mlp/batch=1": lambda: Infer(mlp, 1, 300),
        "infer/mlp/batch=256": lambda: Infer(mlp, 256, 400),
        "infer/cnn/batch=1": lambda: Infer(cnn, 1, 300),
        "infer/cnn/batch=256": lambda: Infer(cnn, 256, 10),
        "lstm/step": LstmStep,
        "attention/step": AttentionStep,
        "conv2d/fwd-bwd/seed-cnn": ConvFwdBwd,
    }
    if name not in table:
        raise KeyError(f"no PyTorch peer for workload '{name}'")
    return table[name]()


def timed(w):
    t0 = time.perf_counter()
    w.run()
    return time.perf_counter() - t0


def figure(w, seconds):
    return seconds * 1e6 / w.work if w.unit == "us" else w.work / seconds


def blas_info():
    """BLAS behind torch.mm: Debian's build links the libblas.so.3 alternative, which may be netlib's reference BLAS."""
    info = next((part.split("=", 1)[1] for part in torch.__config__.show().replace(",", " ").split()
                 if part.startswith("BLAS_INFO=")), "?")
    link = "/etc/alternatives/libblas.so.3-x86_64-linux-gnu"
    if info == "generic" and os.path.exists(link):
        target = os.path.realpath(link)
        kind = "netlib reference BLAS" if "/blas/libblas.so" in target else "BLAS"
        return f"generic -> {target} ({kind})"
    return info


def serve(data_dir):
    w = None
    for line in sys.stdin:
        parts = line.split()
        if not parts:
            continue
        try:
            if parts[0] == "hello":
                reply = {"ok": True, "torch": torch.__version__, "blas": blas_info()}
            elif parts[0] == "setup":
                torch.set_num_threads(int(parts[2]))
                try:
                    w = create(parts[1], data_dir)
                    reply = {"ok": True, "unit": w.unit, "work": w.work}
                except KeyError:
                    w = None
                    reply = {"ok": False, "available": False}
            elif parts[0] == "run":
                reply = {"seconds": timed(w)}
            elif parts[0] == "teardown":
                w = None
                reply = {"ok": True}
            elif parts[0] == "quit":
                return
            else:
                reply = {"ok": False, "error": f"unknown command '{parts[0]}'"}
        except Exception as e:  # reported to the bench, which prints it and leaves the cell empty
            w = None
            reply = {"ok": False, "error": f"{type(e).__name__}: {e}"}
        print(json.dumps(reply), flush=True)


def standalone(names, threads, data_dir, warmups, reps):
    torch.set_num_threads(threads)
    results = []
    for name in names:
        try:
            w = create(name, data_dir)
        except KeyError:
            results.append({"workload": name, "unit": None, "value": None})
            continue
        for _ in range(warmups):
            w.run()
        secs = [timed(w) for _ in range(reps)]
        results.append({"workload": name, "unit": w.unit, "value": figure(w, statistics.median(secs))})
    print(json.dumps({"results": results}), flush=True)


def check_train(threads, data_dir):
    torch.set_num_threads(threads)
    t = Train(mlp, data_dir)
    losses = []
    for s in range(0, t.idx.numel() - BATCH + 1, BATCH):
        b = t.idx[s:s + BATCH]
        t.opt.zero_grad()
        loss = F.cross_entropy(t.model(batch(t.x, b)), t.y.index_select(0, b))
        loss.backward()
        t.opt.step()
        losses.append(loss.item())
    print(json.dumps({"slice_head": t.idx[:5].tolist(), "first_loss": losses[0],
                      "last40_loss": sum(losses[-40:]) / len(losses[-40:])}), flush=True)


def memory_child(threads, data_dir):
    torch.set_num_threads(threads)
    Train(cnn, data_dir).run()
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                print(f"VmHWM_KB={line.split()[1]}", flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--serve", action="store_true")
    p.add_argument("--memory-child", action="store_true")
    p.add_argument("--check-train", action="store_true")
    p.add_argument("--workloads", default="")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--warmups", type=int, default=1)
    p.add_argument("--reps", type=int, default=5)
    a = p.parse_args()
    if a.serve:
        serve(a.data)
    elif a.check_train:
        check_train(a.threads, a.data)
    elif a.memory_child:
        memory_child(a.threads, a.data)
    else:
        standalone([n for n in a.workloads.split(",") if n], a.threads, a.data, a.warmups, a.reps)


if __name__ == "__main__":
    main()
