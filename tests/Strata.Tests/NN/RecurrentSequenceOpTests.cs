using Strata.Backends;
using Strata.NN;
using Xunit;

namespace Strata.Tests.NN;

/// <summary>The fused whole-sequence recurrent op: finite-difference gradients and the general step mask.</summary>
public class RecurrentSequenceOpTests
{
    private static Tensor Mask(int n, int t, params int[] masked)
    {
        var m = Enumerable.Repeat(true, n * t).ToArray();
        foreach (var i in masked) m[i] = false;
        return Tensor.FromArray(m, n, t);
    }

    /// <summary>
    /// Every input of the op (projections, both biases, W_hh, h0, c0) against central differences, through all three
    /// packed outputs (sequence, final h, final c), for each cell in both directions, with and without a mask.
    /// </summary>
    [Theory]
    [InlineData(RecurrentCell.RnnTanh, false, false, true)]
    [InlineData(RecurrentCell.RnnTanh, true, true, true)]
    [InlineData(RecurrentCell.RnnRelu, false, true, true)]
    [InlineData(RecurrentCell.RnnRelu, true, false, false)]
    [InlineData(RecurrentCell.Lstm, false, false, true)]
    [InlineData(RecurrentCell.Lstm, true, true, true)]
    [InlineData(RecurrentCell.Lstm, false, true, false)]
    [InlineData(RecurrentCell.Gru, false, false, true)]
    [InlineData(RecurrentCell.Gru, true, true, true)]
    [InlineData(RecurrentCell.Gru, true, false, false)]
    public void GradCheck(RecurrentCell cell, bool reverse, bool masked, bool withBias)
    {
        using var scope = Tensor.Scope();
        int n = 3, t = 4, h = 3, gh = cell.Gates() * h;
        bool lstm = cell == RecurrentCell.Lstm;
        // Step 1 of sample 0 and steps 0 and 3 of sample 2 are padding; not a prefix, and the reverse pass starts on one.
        var mask = masked ? Mask(n, t, 1, 2 * t, 2 * t + 3) : null;
        var inputs = new List<Tensor>
        {
            TestUtil.Leaf(1, n, t, gh),
            TestUtil.Leaf(2, -0.6, 0.6, gh, h),
            TestUtil.Leaf(3, n, h),
        };
        if (lstm) inputs.Add(TestUtil.Leaf(4, n, h));
        if (withBias)
        {
            inputs.Add(TestUtil.Leaf(5, gh));
            inputs.Add(TestUtil.Leaf(6, gh));
        }
        TestUtil.AssertGrad(a =>
        {
            var c0 = lstm ? a[3] : null;
            int b = lstm ? 4 : 3;
            return Tensor.RecurrentSequenceOp(cell, a[0], withBias ? a[b] : null, a[1], withBias ? a[b + 1] : null, a[2], c0, mask, reverse);
        }, inputs.ToArray());
    }

    /// <summary>Without initial states (zeros) and with only the final hidden state used, as Keras's last-state output.</summary>
    [Theory]
    [InlineData(RecurrentCell.Lstm)]
    [InlineData(RecurrentCell.Gru)]
    [InlineData(RecurrentCell.RnnTanh)]
    public void GradCheckFinalStateOnly(RecurrentCell cell)
    {
        using var scope = Tensor.Scope();
        int gh = cell.Gates() * 2;
        var x = TestUtil.Leaf(7, 2, 5, gh);
        var w = TestUtil.Leaf(8, -0.7, 0.7, gh, 2);
        TestUtil.AssertGrad(a => Functional.RecurrentSequence(cell, a[0], null, a[1], null, reverse: true).Hidden, x, w);
    }

    private static RecurrentLayer Make(string kind, int input, int hidden, int layers, bool bidir) => kind switch
    {
        "rnn" => new SimpleRNN(hidden, input, layers, bidir, returnSequences: true, nonlinearity: "relu", generator: new Generator(11), dtype: DType.Float64),
        "lstm" => new LSTM(hidden, input, layers, bidir, returnSequences: true, generator: new Generator(12), dtype: DType.Float64),
        _ => new GRU(hidden, input, layers, bidir, returnSequences: true, generator: new Generator(13), dtype: DType.Float64),
    };

    /// <summary>
    /// A batch with a non-prefix mask against a step-by-step reference: each sequence alone with its masked steps
    /// removed, run through the cell equations one step at a time. Real steps give the same outputs, masked steps
    /// output zero, the final states are the last real step's, and the gradients of the input, the initial states
    /// and every weight agree.
    /// </summary>
    [Theory]
    [InlineData("lstm", 2, true)]
    [InlineData("gru", 1, true)]
    [InlineData("rnn", 2, false)]
    public void MaskMatchesSequencesWithMaskedStepsRemoved(string kind, int layers, bool bidir)
    {
        using var scope = Tensor.Scope();
        int n = 3, t = 6, i = 4, h = 3, dirs = bidir ? 2 : 1;
        bool lstm = kind == "lstm";
        var layer = Make(kind, i, h, layers, bidir);
        var x = TestUtil.Leaf(21, n, t, i);
        var h0 = TestUtil.Leaf(22, layers * dirs, n, h);
        var c0 = lstm ? TestUtil.Leaf(23, layers * dirs, n, h) : null;
        // Sample 0: a hole in the middle; sample 1: padding at both ends; sample 2: every step real.
        var masked = new[] { 2, 3, t + 0, t + 4, t + 5 };
        var mask = Mask(n, t, masked);
        var gOut = Tensor.Uniform(new[] { n, t, dirs * h }, -1, 1, new Generator(24), DType.Float64);
        var gHn = Tensor.Uniform(new[] { layers * dirs, n, h }, -1, 1, new Generator(25), DType.Float64);

        var r = layer.Run(x, h0, c0, mask: mask);
        var loss = (r.Output * gOut).Sum() + (r.Hidden * gHn).Sum() + (lstm ? r.Cell!.Sum() : Tensor.Zeros(Array.Empty<int>(), DType.Float64));
        loss.Backward();
        var outputs = r.Output.ToArray<double>();
        var hidden = r.Hidden.ToArray<double>();
        var cell = lstm ? r.Cell!.ToArray<double>() : null;
        var gradX = x.Grad!.ToArray<double>();
        var gradH0 = h0.Grad!.ToArray<double>();
        var gradC0 = c0?.Grad!.ToArray<double>();
        var named = layer.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        var gradW = named.ToDictionary(p => p.Key, p => p.Value.Data.Grad!.ToArray<double>());

        // The reference: per sample, only its real steps, step by step on the tape.
        var weights = named.ToDictionary(p => p.Key, p => p.Value.Data.Detach());
        foreach (var w in weights.Values) w.RequiresGrad = true;
        var xr = x.Detach();
        xr.RequiresGrad = true;
        var h0r = h0.Detach();
        h0r.RequiresGrad = true;
        var c0r = c0?.Detach();
        if (c0r is not null) c0r.RequiresGrad = true;
        var isMasked = new HashSet<int>(masked);
        Tensor refLoss = Tensor.Zeros(Array.Empty<int>(), DType.Float64);
        var expectedOut = new double[outputs.Length];
        var expectedH = new double[hidden.Length];
        var expectedC = lstm ? new double[hidden.Length] : null;
        for (int b = 0; b < n; b++)
        {
            var real = Enumerable.Range(0, t).Where(s => !isMasked.Contains(b * t + s)).ToArray();
            var layerInput = real.Select(s => xr.Select(0, b).Select(0, s)).ToArray();   // [I] per real step
            for (int l = 0; l < layers; l++)
            {
                var dirOut = new Tensor[dirs][];
                for (int d = 0; d < dirs; d++)
                {
                    int k = l * dirs + d;
                    string sfx = $"_l{l}{(d == 1 ? "_reverse" : "")}";
                    var hs = h0r.Select(0, k).Select(0, b);
                    var cs = c0r?.Select(0, k).Select(0, b);
                    dirOut[d] = new Tensor[real.Length];
                    for (int s = 0; s < real.Length; s++)
                    {
                        int p = d == 0 ? s : real.Length - 1 - s;
                        (hs, cs) = ReferenceStep(kind, layerInput[p], hs, cs, weights["weight_ih" + sfx], weights["weight_hh" + sfx], weights["bias_ih" + sfx], weights["bias_hh" + sfx]);
                        dirOut[d][p] = hs;
                    }
                    refLoss = refLoss + (hs * gHn.Select(0, k).Select(0, b)).Sum();
                    hs.ToArray<double>().CopyTo(expectedH, (k * n + b) * h);
                    if (lstm)
                    {
                        refLoss = refLoss + cs!.Sum();
                        cs.ToArray<double>().CopyTo(expectedC!, (k * n + b) * h);
                    }
                }
                layerInput = Enumerable.Range(0, real.Length).Select(p => dirs == 1 ? dirOut[0][p] : Tensor.Concat(new[] { dirOut[0][p], dirOut[1][p] }, 0)).ToArray();
            }
            for (int p = 0; p < real.Length; p++)
            {
                refLoss = refLoss + (layerInput[p] * gOut.Select(0, b).Select(0, real[p])).Sum();
                layerInput[p].ToArray<double>().CopyTo(expectedOut, (b * t + real[p]) * dirs * h);
            }
        }
        refLoss.Backward();

        TestUtil.AssertClose(expectedOut, outputs, 1e-10, 1e-12);   // masked steps stay 0 in expectedOut
        TestUtil.AssertClose(expectedH, hidden, 1e-10, 1e-12);
        if (lstm) TestUtil.AssertClose(expectedC!, cell!, 1e-10, 1e-12);
        TestUtil.AssertClose(xr.Grad!.ToArray<double>(), gradX, 1e-9, 1e-12);
        TestUtil.AssertClose(h0r.Grad!.ToArray<double>(), gradH0, 1e-9, 1e-12);
        if (lstm) TestUtil.AssertClose(c0r!.Grad!.ToArray<double>(), gradC0!, 1e-9, 1e-12);
        foreach (var (name, w) in weights)
            TestUtil.AssertClose(w.Grad!.ToArray<double>(), gradW[name], 1e-9, 1e-12);
        foreach (var w in weights.Values) { w.Grad?.Dispose(); w.Grad = null; }
        foreach (var p in named.Values) { p.Data.Grad?.Dispose(); p.Data.Grad = null; }
    }

    /// <summary>One step of one sample ([features] vectors), written out from PyTorch's equations with ordinary ops.</summary>
    private static (Tensor H, Tensor? C) ReferenceStep(string kind, Tensor x, Tensor h, Tensor? c, Tensor wih, Tensor whh, Tensor bih, Tensor bhh)
    {
        var xp = Functional.Linear(x, wih, bih);
        var hp = Functional.Linear(h, whh, bhh);
        switch (kind)
        {
            case "lstm":
            {
                var g = (xp + hp).Chunk(4, 0);
                var cNext = g[1].Sigmoid() * c! + g[0].Sigmoid() * g[2].Tanh();
                return (g[3].Sigmoid() * cNext.Tanh(), cNext);
            }
            case "gru":
            {
                var a = xp.Chunk(3, 0);
                var b = hp.Chunk(3, 0);
                var r = (a[0] + b[0]).Sigmoid();
                var z = (a[1] + b[1]).Sigmoid();
                var nn = (a[2] + r * b[2]).Tanh();
                return ((1.0 - z) * nn + z * h, null);
            }
            default:
                return ((xp + hp).Relu(), null);
        }
    }

    /// <summary>lengths is the prefix case of mask: both give the same results; a time-major layer takes the mask [T, N].</summary>
    [Fact]
    public void LengthsAreAPrefixMask()
    {
        using var scope = Tensor.Scope();
        var layer = new GRU(3, inputSize: 2, bidirectional: true, returnSequences: true, generator: new Generator(31), dtype: DType.Float64);
        var x = Tensor.Uniform(new[] { 2, 4, 2 }, -1, 1, new Generator(32), DType.Float64);
        var lengths = Tensor.FromArray(new long[] { 4, 2 }, 2);
        var a = layer.Run(x, lengths: lengths);
        var b = layer.Run(x, mask: Mask(2, 4, 6, 7));
        Assert.Equal(a.Output.ToArray<double>(), b.Output.ToArray<double>());
        Assert.Equal(a.Hidden.ToArray<double>(), b.Hidden.ToArray<double>());

        var timeMajor = new GRU(3, inputSize: 2, bidirectional: true, returnSequences: true, batchFirst: false, dtype: DType.Float64);
        timeMajor.LoadStateDict(layer.StateDict());
        var c = timeMajor.Run(x.Transpose(0, 1), mask: Mask(2, 4, 6, 7).Transpose(0, 1));
        Assert.Equal(b.Output.ToArray<double>(), c.Output.Transpose(0, 1).Contiguous().ToArray<double>());
        Assert.Equal(b.Hidden.ToArray<double>(), c.Hidden.ToArray<double>());
    }

    [Fact]
    public void BadOperandsAreReported()
    {
        using var scope = Tensor.Scope();
        var lstm = new LSTM(4, inputSize: 3);
        var x = Tensor.Zeros(2, 5, 3);
        var e = Assert.Throws<ArgumentException>(() => lstm.Run(x, mask: Tensor.Zeros(2, 5)));
        Assert.Contains("LSTM: the mask must be bool [N=2, T=5]", e.Message);
        e = Assert.Throws<ArgumentException>(() => lstm.Run(x, mask: Mask(5, 2)));
        Assert.Contains("got Bool [5, 2]", e.Message);
        e = Assert.Throws<ArgumentException>(() => lstm.Run(x, lengths: Tensor.FromArray(new long[] { 5, 5 }, 2), mask: Mask(2, 5)));
        Assert.Contains("LSTM: pass lengths or mask, not both", e.Message);
        var w = Tensor.Zeros(16, 4);
        e = Assert.Throws<ArgumentException>(() => Tensor.RecurrentSequenceOp(RecurrentCell.Gru, Tensor.Zeros(2, 5, 16), null, w, null, null, null, null, false));
        Assert.Contains("gru: recurrent weight must be [3·H, H], got shape [16, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.RecurrentSequenceOp(RecurrentCell.Lstm, Tensor.Zeros(2, 5, 12), null, w, null, null, null, null, false));
        Assert.Contains("lstm: input projections must be [N, T, 16]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.RecurrentSequenceOp(RecurrentCell.Lstm, Tensor.Zeros(2, 5, 16), Tensor.Zeros(12), w, null, null, null, null, false));
        Assert.Contains("lstm: input bias must have shape [16], got [12]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.RecurrentSequenceOp(RecurrentCell.Lstm, Tensor.Zeros(2, 5, 16), null, w.To(DType.Float64), null, null, null, null, false));
        Assert.Contains("lstm: recurrent weight dtype float64", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.RecurrentSequenceOp(RecurrentCell.Lstm, Tensor.Zeros(2, 5, 16), null, w, null, Tensor.Zeros(3, 4), null, null, false));
        Assert.Contains("lstm: h0 must have shape [2, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => Tensor.RecurrentSequenceOp(RecurrentCell.RnnTanh, Tensor.Zeros(2, 5, 4), null, w.Narrow(0, 0, 4), null, null, Tensor.Zeros(2, 4), null, false));
        Assert.Contains("c0 is only for LSTM", e.Message);
    }

    /// <summary>The saved activations go back to the pool when backward releases the node, not only at scope end.</summary>
    [Fact]
    public void SavedBuffersAreReleasedWithTheNode()
    {
        using var scope = Tensor.Scope();
        var x = TestUtil.Leaf(41, 2, 3, 8);
        var w = TestUtil.Leaf(42, 8, 2);
        var packed = Tensor.RecurrentSequenceOp(RecurrentCell.Lstm, x, null, w, null, null, null, null, false);
        var saved = packed.GradFn!.Saved!;
        Assert.All(saved, t => Assert.False(t.IsDisposed));
        packed.Sum().Backward();
        Assert.All(saved, t => Assert.True(t.IsDisposed));

        // A backward after the forward's scope ended reports the released buffers instead of reading reused memory.
        Tensor kept;
        using (var inner = Tensor.Scope())
            kept = inner.Keep(Tensor.RecurrentSequenceOp(RecurrentCell.Gru, x.Narrow(2, 0, 6), null, w.Narrow(0, 0, 6), null, null, null, null, false));
        Assert.Throws<ObjectDisposedException>(() => kept.Backward(Tensor.OnesLike(kept)));
        kept.Dispose();
    }
}
