using System.Text.Json;
using Strata.NN;
using Xunit;

namespace Strata.Tests.NN;

public class AttentionTests
{
    private static readonly Lazy<JsonElement[]> Cases = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "reference", "attention_reference.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    });

    public static IEnumerable<object[]> CaseIndices() => Enumerable.Range(0, 7).Select(i => new object[] { i });

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    /// <summary>Forward, attention weights and every gradient against PyTorch 1.13 with PyTorch's weights (float64).</summary>
    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesPyTorch(int index)
    {
        var c = Cases.Value[index];
        int n = c.GetProperty("n").GetInt32(), l = c.GetProperty("l").GetInt32(), e = c.GetProperty("e").GetInt32(), heads = c.GetProperty("heads").GetInt32();
        string kind = c.GetProperty("kind").GetString()!;
        bool encoder = kind == "encoder";
        using var scope = Tensor.Scope();
        if (kind == "decoder")
        {
            Decoder(c, n, l, e, heads);
            return;
        }
        Module m = encoder
            ? new TransformerEncoderLayer(e, heads, c.GetProperty("ff").GetInt32(), dropout: 0, activation: c.GetProperty("activation").GetString()!,
                normFirst: c.GetProperty("normFirst").GetBoolean(), dtype: DType.Float64)
            : new MultiHeadAttention(e, heads, isCausal: c.GetProperty("causal").GetBoolean(), dtype: DType.Float64);
        var live = m.StateDict();
        m.LoadStateDict(c.GetProperty("weights").EnumerateObject().ToDictionary(p => p.Name, p => Tensor.FromArray(Doubles(p.Value), live[p.Name].Shape.ToArray())));
        var x = Tensor.FromArray(Doubles(c.GetProperty("x")), n, l, e);
        x.RequiresGrad = true;
        Tensor? pad = null;
        if (c.GetProperty("padding").ValueKind == JsonValueKind.Array)
        {
            var flags = c.GetProperty("padding").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetBoolean())).ToArray();
            pad = Tensor.FromArray(flags, n, l);
        }
        var y = encoder ? ((TransformerEncoderLayer)m).Encode(x, pad) : ((MultiHeadAttention)m).Attend(x, x, x, pad);
        TestUtil.AssertClose(Doubles(c.GetProperty("out")), y.ToArray<double>(), 1e-9, 1e-12);
        if (!encoder) TestUtil.AssertClose(Doubles(c.GetProperty("attn")), ((MultiHeadAttention)m).LastAttentionWeights!.ToArray<double>(), 1e-9, 1e-12);
        (y * Tensor.FromArray(Doubles(c.GetProperty("g")), n, l, e)).Sum().Backward();
        TestUtil.AssertClose(Doubles(c.GetProperty("grad_x")), x.Grad!.ToArray<double>(), 1e-9, 1e-12);
        var named = m.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var g in c.GetProperty("grad_weights").EnumerateObject())
            TestUtil.AssertClose(Doubles(g.Value), named[g.Name].Grad!.ToArray<double>(), 1e-9, 1e-12);
    }

    private static void Decoder(JsonElement c, int n, int l, int e, int heads)
    {
        var m = new TransformerDecoderLayer(e, heads, c.GetProperty("ff").GetInt32(), dropout: 0, normFirst: c.GetProperty("normFirst").GetBoolean(), dtype: DType.Float64);
        var live = m.StateDict();
        m.LoadStateDict(c.GetProperty("weights").EnumerateObject().ToDictionary(p => p.Name, p => Tensor.FromArray(Doubles(p.Value), live[p.Name].Shape.ToArray())));
        var x = Tensor.FromArray(Doubles(c.GetProperty("x")), n, l, e);
        var mem = Tensor.FromArray(Doubles(c.GetProperty("memory")), n, 5, e);
        x.RequiresGrad = true;
        mem.RequiresGrad = true;
        var flags = c.GetProperty("memoryPadding").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetBoolean())).ToArray();
        var y = m.Decode(x, mem, memoryKeyPaddingMask: Tensor.FromArray(flags, n, 5));
        TestUtil.AssertClose(Doubles(c.GetProperty("out")), y.ToArray<double>(), 1e-9, 1e-12);
        (y * Tensor.FromArray(Doubles(c.GetProperty("g")), n, l, e)).Sum().Backward();
        TestUtil.AssertClose(Doubles(c.GetProperty("grad_x")), x.Grad!.ToArray<double>(), 1e-9, 1e-12);
        TestUtil.AssertClose(Doubles(c.GetProperty("grad_memory")), mem.Grad!.ToArray<double>(), 1e-9, 1e-12);
        var named = m.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var g in c.GetProperty("grad_weights").EnumerateObject())
            TestUtil.AssertClose(Doubles(g.Value), named[g.Name].Grad!.ToArray<double>(), 1e-9, 1e-12);
    }

    [Fact]
    public void GradChecksWithMasks()
    {
        using var scope = Tensor.Scope();
        var mha = new MultiHeadAttention(4, 2, isCausal: true, generator: new Generator(1), dtype: DType.Float64);
        var pad = Tensor.FromArray(new[] { false, false, true, false, false, false }, 2, 3);
        var x = TestUtil.Leaf(3, 2, 3, 4);
        var ps = mha.Parameters().Select(p => p.Data).ToArray();
        TestUtil.AssertGrad(inputs => mha.Attend(inputs[0], inputs[0], inputs[0], pad).Square().Sum(), new[] { x }.Concat(ps).ToArray());

        var enc = new TransformerEncoderLayer(4, 2, dimFeedforward: 6, dropout: 0, normFirst: true, generator: new Generator(2), dtype: DType.Float64);
        var y = TestUtil.Leaf(4, 2, 3, 4);
        TestUtil.AssertGrad(inputs => enc.Encode(inputs[0], pad).Square().Sum(), new[] { y }.Concat(enc.Parameters().Select(p => p.Data)).ToArray());

        var dec = new TransformerDecoderLayer(4, 2, dimFeedforward: 6, dropout: 0, generator: new Generator(3), dtype: DType.Float64);
        var target = TestUtil.Leaf(5, 2, 3, 4);
        var memory = TestUtil.Leaf(6, 2, 3, 4);
        // A deeper composite: a step of 1e-5 keeps the finite differences' rounding error (∝ 1/eps) below the tolerance.
        var r = Strata.Autograd.GradCheck.Check(inputs => dec.Decode(inputs[0], inputs[1], memoryKeyPaddingMask: pad).Square().Sum(),
            new[] { target, memory }.Concat(dec.Parameters().Select(p => p.Data)).ToArray(), eps: 1e-5);
        Assert.True(r.Passed, r.ToString());
    }

    [Fact]
    public void CausalMaskHidesTheFutureAndPaddingHidesPaddedKeys()
    {
        using var scope = Tensor.Scope();
        Assert.Equal(new[] { false, true, true, false, false, true, false, false, false }, MultiHeadAttention.CausalMask(3, 3).ToArray<bool>());
        var mha = new MultiHeadAttention(4, 1, isCausal: true, generator: new Generator(5));
        var x = Tensor.Randn(new[] { 1, 3, 4 }, new Generator(6));
        var y = mha.Invoke(x);
        // Changing the last step cannot change the outputs of earlier steps.
        var x2 = x.Clone();
        x2.Narrow(1, 2, 1).Fill_(7);
        var y2 = mha.Invoke(x2);
        Assert.Equal(y.Narrow(1, 0, 2).ToArray<float>(), y2.Narrow(1, 0, 2).ToArray<float>());
        var w = mha.LastAttentionWeights!.ToArray<float>();
        Assert.Equal(0f, w[1]);
        Assert.Equal(0f, w[2]);
        Assert.Equal(1f, w[0], 6);
    }

    [Fact]
    public void PositionalEncodingsAndTimeDistributed()
    {
        using var scope = Tensor.Scope();
        var pe = new SinusoidalPositionalEncoding(4, maxLength: 10);
        var z = pe.Invoke(Tensor.Zeros(1, 3, 4)).ToArray<float>();
        // position 2: sin(2), cos(2), sin(2/100), cos(2/100)
        Assert.Equal(new[] { (float)Math.Sin(2), (float)Math.Cos(2), (float)Math.Sin(0.02), (float)Math.Cos(0.02) }, z[8..12]);
        Assert.Contains("pe", pe.StateDict().Keys);
        Assert.Equal(0, pe.ParameterCount());
        Assert.Throws<ArgumentException>(() => pe.Invoke(Tensor.Zeros(1, 11, 4)));
        var learned = new LearnedPositionalEmbedding(4, 8, new Generator(1));
        Assert.Equal(32, learned.ParameterCount());

        var dense = new Dense(2, inputFeatures: 4, generator: new Generator(3));
        var td = new TimeDistributed(dense);
        var x = Tensor.Randn(new[] { 2, 5, 4 }, new Generator(4));
        var y = td.Invoke(x);
        Assert.Equal(new[] { 2, 5, 2 }, y.Shape.ToArray());
        Assert.Equal(dense.Invoke(x.Select(1, 3)).ToArray<float>(), y.Select(1, 3).Contiguous().ToArray<float>());
    }

    [Fact]
    public void ErrorsNameTheLayer()
    {
        using var scope = Tensor.Scope();
        Assert.Contains("multiple of numHeads", Assert.Throws<ArgumentException>(() => new MultiHeadAttention(6, 4)).Message);
        var mha = new MultiHeadAttention(4, 2);
        var e = Assert.Throws<ArgumentException>(() => mha.Attend(Tensor.Zeros(2, 3, 4), Tensor.Zeros(2, 3, 4), Tensor.Zeros(2, 3, 4), Tensor.Zeros(2, 3)));
        Assert.Contains("keyPaddingMask must be bool", e.Message);
        Assert.Contains("TransformerEncoderLayer", Assert.Throws<ArgumentException>(() => new TransformerEncoderLayer(4, 2).Invoke(Tensor.Zeros(2, 3, 5))).Message);
    }
}
