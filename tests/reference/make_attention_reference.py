"""Reference values for Strata's MultiHeadAttention and TransformerEncoderLayer from PyTorch 1.13 (float64, train
mode with dropout 0 so no fast path is taken). Writes tests/Strata.Tests/reference/attention_reference.json."""
import json, os
import torch

torch.manual_seed(99)
flat = lambda v: v.detach().reshape(-1).tolist()
cases = []
n, l, e, heads = 2, 4, 6, 2
for name, kpm, causal in [("mha_plain", False, False), ("mha_padding", True, False), ("mha_causal", True, True)]:
    m = torch.nn.MultiheadAttention(e, heads, batch_first=True).double()
    with torch.no_grad():
        m.in_proj_bias.uniform_(-0.5, 0.5)
        m.out_proj.bias.uniform_(-0.5, 0.5)
    x = torch.randn(n, l, e, dtype=torch.float64, requires_grad=True)
    pad = torch.tensor([[False, False, False, True], [False, False, True, True]]) if kpm else None
    mask = torch.triu(torch.ones(l, l, dtype=torch.bool), 1) if causal else None
    out, w = m(x, x, x, key_padding_mask=pad, attn_mask=mask, need_weights=True)
    g = torch.randn_like(out)
    (out * g).sum().backward()
    cases.append({"name": name, "kind": "mha", "n": n, "l": l, "e": e, "heads": heads, "padding": pad.tolist() if pad is not None else None,
                  "causal": causal, "weights": {k: flat(v) for k, v in m.state_dict().items()}, "x": flat(x), "out": flat(out),
                  "attn": flat(w), "g": flat(g), "grad_x": flat(x.grad),
                  "grad_weights": {k: flat(p.grad) for k, p in m.named_parameters()}})
for name, norm_first, act in [("encoder_post_relu", False, "relu"), ("encoder_pre_gelu", True, "gelu")]:
    m = torch.nn.TransformerEncoderLayer(e, heads, dim_feedforward=8, dropout=0.0, activation=act, batch_first=True, norm_first=norm_first).double()
    with torch.no_grad():
        for p in [m.norm1.weight, m.norm2.weight]: p.uniform_(0.5, 1.5)
        for p in [m.norm1.bias, m.norm2.bias, m.self_attn.in_proj_bias]: p.uniform_(-0.5, 0.5)
    m.train()
    x = torch.randn(n, l, e, dtype=torch.float64, requires_grad=True)
    pad = torch.tensor([[False, False, False, True], [False, False, False, False]])
    out = m(x, src_key_padding_mask=pad)
    g = torch.randn_like(out)
    (out * g).sum().backward()
    cases.append({"name": name, "kind": "encoder", "n": n, "l": l, "e": e, "heads": heads, "ff": 8, "normFirst": norm_first, "activation": act,
                  "padding": pad.tolist(), "causal": False, "weights": {k: flat(v) for k, v in m.state_dict().items()}, "x": flat(x),
                  "out": flat(out), "g": flat(g), "grad_x": flat(x.grad), "grad_weights": {k: flat(p.grad) for k, p in m.named_parameters()}})
for name, norm_first in [("decoder_post", False), ("decoder_pre", True)]:
    m = torch.nn.TransformerDecoderLayer(e, heads, dim_feedforward=8, dropout=0.0, batch_first=True, norm_first=norm_first).double()
    with torch.no_grad():
        for p in [m.norm1.weight, m.norm2.weight, m.norm3.weight]: p.uniform_(0.5, 1.5)
        for p in [m.norm1.bias, m.norm2.bias, m.norm3.bias, m.self_attn.in_proj_bias, m.multihead_attn.in_proj_bias]: p.uniform_(-0.5, 0.5)
    x = torch.randn(n, l, e, dtype=torch.float64, requires_grad=True)
    mem = torch.randn(n, 5, e, dtype=torch.float64, requires_grad=True)
    mem_pad = torch.tensor([[False, False, False, False, True], [False, False, False, True, True]])
    causal = torch.triu(torch.ones(l, l, dtype=torch.bool), 1)
    out = m(x, mem, tgt_mask=causal, memory_key_padding_mask=mem_pad)
    g = torch.randn_like(out)
    (out * g).sum().backward()
    cases.append({"name": name, "kind": "decoder", "n": n, "l": l, "e": e, "heads": heads, "ff": 8, "normFirst": norm_first,
                  "memory": flat(mem), "memoryPadding": mem_pad.tolist(), "padding": None, "causal": True,
                  "weights": {k: flat(v) for k, v in m.state_dict().items()}, "x": flat(x), "out": flat(out), "g": flat(g),
                  "grad_x": flat(x.grad), "grad_memory": flat(mem.grad), "grad_weights": {k: flat(p.grad) for k, p in m.named_parameters()}})
path = os.path.join(os.path.dirname(__file__), "..", "Strata.Tests", "reference", "attention_reference.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
print(f"wrote {len(cases)} cases to {path}")
