"""Reference values for Strata's SimpleRNN, LSTM and GRU: outputs, final states and gradients from PyTorch 1.13.

Run with Debian's /usr/bin/python3 (python3-torch); writes tests/Strata.Tests/reference/rnn_reference.json.
Weights are PyTorch's own (state_dict names), so the test also checks that the parameter names and layouts match.
"""
import json, os
import torch

torch.manual_seed(1234)
cases = []
for kind in ["rnn", "lstm", "gru"]:
    for layers, bidir in [(1, False), (2, True)]:
        n, t, i, h = 2, 3, 4, 5
        cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
        m = cls(i, h, num_layers=layers, bidirectional=bidir, batch_first=True).double()
        d = 2 if bidir else 1
        x = torch.randn(n, t, i, dtype=torch.float64, requires_grad=True)
        h0 = torch.randn(layers * d, n, h, dtype=torch.float64, requires_grad=True)
        c0 = torch.randn(layers * d, n, h, dtype=torch.float64, requires_grad=True) if kind == "lstm" else None
        out, state = m(x, (h0, c0) if kind == "lstm" else h0)
        hn, cn = (state if kind == "lstm" else (state, None))
        g_out = torch.randn_like(out)
        g_hn = torch.randn_like(hn)
        loss = (out * g_out).sum() + (hn * g_hn).sum()
        g_cn = None
        if cn is not None:
            g_cn = torch.randn_like(cn)
            loss = loss + (cn * g_cn).sum()
        loss.backward()
        flat = lambda v: v.detach().reshape(-1).tolist()
        case = {
            "kind": kind, "layers": layers, "bidirectional": bidir, "n": n, "t": t, "input": i, "hidden": h,
            "x": flat(x), "h0": flat(h0), "c0": flat(c0) if c0 is not None else None,
            "weights": {k: flat(v) for k, v in m.state_dict().items()},
            "out": flat(out), "hn": flat(hn), "cn": flat(cn) if cn is not None else None,
            "g_out": flat(g_out), "g_hn": flat(g_hn), "g_cn": flat(g_cn) if g_cn is not None else None,
            "grad_x": flat(x.grad), "grad_h0": flat(h0.grad), "grad_c0": flat(c0.grad) if c0 is not None else None,
            "grad_weights": {k: flat(p.grad) for k, p in m.named_parameters()},
        }
        cases.append(case)

# Variable-length batches through packed sequences (outputs past each end are zero, states stop at the last real step).
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
for kind in ["rnn", "lstm", "gru"]:
    n, t, i, h, layers, bidir = 3, 4, 3, 4, 2, True
    cls = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM, "gru": torch.nn.GRU}[kind]
    m = cls(i, h, num_layers=layers, bidirectional=bidir, batch_first=True).double()
    lengths = torch.tensor([4, 2, 3])
    x = torch.randn(n, t, i, dtype=torch.float64, requires_grad=True)
    h0 = torch.randn(layers * 2, n, h, dtype=torch.float64, requires_grad=True)
    c0 = torch.randn(layers * 2, n, h, dtype=torch.float64, requires_grad=True) if kind == "lstm" else None
    packed = pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    out_p, state = m(packed, (h0, c0) if kind == "lstm" else h0)
    out, _ = pad_packed_sequence(out_p, batch_first=True, total_length=t)
    hn, cn = (state if kind == "lstm" else (state, None))
    g_out, g_hn = torch.randn_like(out), torch.randn_like(hn)
    loss = (out * g_out).sum() + (hn * g_hn).sum()
    g_cn = None
    if cn is not None:
        g_cn = torch.randn_like(cn)
        loss = loss + (cn * g_cn).sum()
    loss.backward()
    flat = lambda v: v.detach().reshape(-1).tolist()
    cases.append({
        "kind": kind, "layers": layers, "bidirectional": bidir, "n": n, "t": t, "input": i, "hidden": h, "lengths": lengths.tolist(),
        "x": flat(x), "h0": flat(h0), "c0": flat(c0) if c0 is not None else None,
        "weights": {k: flat(v) for k, v in m.state_dict().items()},
        "out": flat(out), "hn": flat(hn), "cn": flat(cn) if cn is not None else None,
        "g_out": flat(g_out), "g_hn": flat(g_hn), "g_cn": flat(g_cn) if g_cn is not None else None,
        "grad_x": flat(x.grad), "grad_h0": flat(h0.grad), "grad_c0": flat(c0.grad) if c0 is not None else None,
        "grad_weights": {k: flat(p.grad) for k, p in m.named_parameters()},
    })

out_path = os.path.join(os.path.dirname(__file__), "..", "Strata.Tests", "reference", "rnn_reference.json")
with open(out_path, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {out_path}")
