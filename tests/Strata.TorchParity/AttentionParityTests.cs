using Strata.NN;
using TorchSharp;
using Xunit;
using static Strata.TorchParity.Bridge;

namespace Strata.TorchParity;

/// <summary>
/// MultiHeadAttention and TransformerEncoderLayer against libtorch's with the same weights. libtorch 0.107's modules
/// are sequence-first ([L, N, E]); Strata is batch-first ([N, L, E]), so inputs and outputs are transposed.
/// </summary>
public class AttentionParityTests
{
    private static torch.Tensor SeqFirst(Tensor t, bool requiresGrad = false)
    {
        var r = ToTorch(t).transpose(0, 1).contiguous();
        return requiresGrad ? r.requires_grad_() : r;
    }

    [Theory]
    [InlineData(false, false, "float32")]
    [InlineData(true, false, "float32")]
    [InlineData(false, true, "float32")]
    [InlineData(true, true, "float32")]
    [InlineData(true, true, "float64")]
    public void MultiHeadAttentionMatchesLibtorch(bool keyPadding, bool causal, string dtypeName)
    {
        var dtype = dtypeName == "float64" ? DType.Float64 : DType.Float32;
        using var scope = Tensor.Scope();
        using var torchScope = torch.NewDisposeScope();
        const int n = 4, l = 10, s = 10, e = 32, heads = 4;
        var g = new Generator(3);
        var q = Tensor.Randn(new[] { n, l, e }, g, dtype);
        var k = Tensor.Randn(new[] { n, s, e }, g, dtype);
        var v = Tensor.Randn(new[] { n, s, e }, g, dtype);
        var gOut = Tensor.Randn(new[] { n, l, e }, g, dtype);
        // Key padding: sequence i has its last i keys padded.
        var pad = keyPadding ? Tensor.FromArray(Enumerable.Range(0, n * s).Select(j => j % s >= s - j / s).ToArray(), n, s) : null;
        var attnMask = causal ? MultiHeadAttention.CausalMask(l, s) : null;

        var mha = new MultiHeadAttention(e, heads, generator: new Generator(9), dtype: dtype);
        // Non-zero biases so that they are compared too.
        using (Autograd.GradMode.NoGrad())
            foreach (var p in mha.Parameters().Where(p => p.Data.Shape.Rank == 1)) p.Data.CopyFrom(Tensor.Randn(p.Data.Shape.ToArray(), g, dtype));
        var tm = torch.nn.MultiheadAttention(e, heads);
        tm.to(dtype == DType.Float64 ? torch.float64 : torch.float32);
        CopyWeights(mha, tm);

        foreach (var t in new[] { q, k, v }) t.RequiresGrad = true;
        var y = mha.Attend(q, k, v, pad, attnMask);
        (y * gOut).Sum().Backward();

        var (tq, tk, tv) = (SeqFirst(q, true), SeqFirst(k, true), SeqFirst(v, true));
        var (ty, tw) = tm.call(tq, tk, tv, pad is null ? null : ToBool(pad), true, attnMask is null ? null : Additive(attnMask, dtype));
        (ty.transpose(0, 1) * ToTorch(gOut)).sum().backward();

        AssertClose("output", Values(ty.transpose(0, 1).contiguous()), Values(y));
        AssertClose("attention weights", Values(tw), Values(mha.LastAttentionWeights!));
        AssertClose("grad query", Values(tq.grad!.transpose(0, 1).contiguous()), Values(q.Grad!));
        AssertClose("grad key", Values(tk.grad!.transpose(0, 1).contiguous()), Values(k.Grad!));
        AssertClose("grad value", Values(tv.grad!.transpose(0, 1).contiguous()), Values(v.Grad!));
        var mine = mha.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, p) in tm.named_parameters())
            AssertClose($"grad {name}", Values(p.grad!), Values(mine[name].Grad!));
    }

    [Fact]
    public void TransformerEncoderLayerMatchesLibtorch()
    {
        using var scope = Tensor.Scope();
        using var torchScope = torch.NewDisposeScope();
        const int n = 4, l = 16, d = 32, heads = 4, ff = 64;
        var g = new Generator(4);
        var x = Tensor.Randn(new[] { n, l, d }, g);
        var gOut = Tensor.Randn(new[] { n, l, d }, g);
        var pad = Tensor.FromArray(Enumerable.Range(0, n * l).Select(j => j % l >= l - 2 * (j / l)).ToArray(), n, l);
        var layer = new TransformerEncoderLayer(d, heads, ff, dropout: 0.1, generator: new Generator(5));
        layer.Eval();
        var tm = torch.nn.TransformerEncoderLayer(d, heads, ff, 0.1);
        tm.eval();
        CopyWeights(layer, tm);

        x.RequiresGrad = true;
        var y = layer.Encode(x, keyPaddingMask: pad);
        (y * gOut).Sum().Backward();
        var tx = SeqFirst(x, true);
        var ty = tm.call(tx, null!, ToBool(pad));
        (ty.transpose(0, 1) * ToTorch(gOut)).sum().backward();

        AssertClose("output", Values(ty.transpose(0, 1).contiguous()), Values(y));
        AssertClose("grad x", Values(tx.grad!.transpose(0, 1).contiguous()), Values(x.Grad!));
        var mine = layer.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, p) in tm.named_parameters())
            AssertClose($"grad {name}", Values(p.grad!), Values(mine[name].Grad!));
    }

    // libtorch 0.107 through TorchSharp misreads a bool attn_mask (it gave wrong causal outputs, where PyTorch 1.13
    // with the same bool mask matches Strata); the additive float form (−∞ where blocked) means the same thing.
    private static torch.Tensor Additive(Tensor blocked, DType dtype) =>
        ToTorch(blocked.To(dtype).MaskedFill(blocked, double.NegativeInfinity));

    private static torch.Tensor ToBool(Tensor mask) =>
        torch.tensor(mask.ToArray<bool>(), mask.Shape.ToArray().Select(v => (long)v).ToArray());
}
