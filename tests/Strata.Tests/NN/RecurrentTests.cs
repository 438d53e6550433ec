using System.Text.Json;
using Strata.NN;
using Xunit;

namespace Strata.Tests.NN;

public class RecurrentTests
{
    private static readonly Lazy<JsonElement[]> Cases = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "reference", "rnn_reference.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Select(c => c.Clone()).ToArray();
    });

    public static IEnumerable<object[]> CaseIndices() => Enumerable.Range(0, 9).Select(i => new object[] { i });

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static RecurrentLayer Make(string kind, int input, int hidden, int layers, bool bidir, bool returnSequences = true) => kind switch
    {
        "rnn" => new SimpleRNN(hidden, input, layers, bidir, returnSequences: returnSequences, dtype: DType.Float64),
        "lstm" => new LSTM(hidden, input, layers, bidir, returnSequences: returnSequences, dtype: DType.Float64),
        _ => new GRU(hidden, input, layers, bidir, returnSequences: returnSequences, dtype: DType.Float64),
    };

    /// <summary>
    /// Outputs, final states and every gradient against PyTorch 1.13 with PyTorch's own weights (float64); the last
    /// three cases are variable-length batches (PyTorch packed sequences).
    /// </summary>
    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void MatchesPyTorch(int index)
    {
        var c = Cases.Value[index];
        string kind = c.GetProperty("kind").GetString()!;
        int n = c.GetProperty("n").GetInt32(), t = c.GetProperty("t").GetInt32(), i = c.GetProperty("input").GetInt32(), h = c.GetProperty("hidden").GetInt32();
        int layers = c.GetProperty("layers").GetInt32();
        bool bidir = c.GetProperty("bidirectional").GetBoolean();
        int states = layers * (bidir ? 2 : 1);
        using var scope = Tensor.Scope();
        var layer = Make(kind, i, h, layers, bidir);
        var weights = c.GetProperty("weights").EnumerateObject().ToDictionary(p => p.Name, p =>
        {
            var live = layer.StateDict()[p.Name];
            return Tensor.FromArray(Doubles(p.Value), live.Shape.ToArray());
        });
        layer.LoadStateDict(weights);   // names and shapes are PyTorch's

        Tensor Leaf(string name, params int[] shape)
        {
            var x = Tensor.FromArray(Doubles(c.GetProperty(name)), shape);
            x.RequiresGrad = true;
            return x;
        }
        var xIn = Leaf("x", n, t, i);
        var h0 = Leaf("h0", states, n, h);
        var c0 = kind == "lstm" ? Leaf("c0", states, n, h) : null;
        Tensor? lengths = c.TryGetProperty("lengths", out var lens) ? Tensor.FromArray(lens.EnumerateArray().Select(v => v.GetInt64()).ToArray(), n) : null;
        var r = layer.Run(xIn, h0, c0, lengths);
        TestUtil.AssertClose(Doubles(c.GetProperty("out")), r.Output.ToArray<double>(), 1e-9, 1e-12);
        TestUtil.AssertClose(Doubles(c.GetProperty("hn")), r.Hidden.ToArray<double>(), 1e-9, 1e-12);
        var loss = (r.Output * Tensor.FromArray(Doubles(c.GetProperty("g_out")), r.Output.Shape.ToArray())).Sum()
                 + (r.Hidden * Tensor.FromArray(Doubles(c.GetProperty("g_hn")), r.Hidden.Shape.ToArray())).Sum();
        if (kind == "lstm")
        {
            TestUtil.AssertClose(Doubles(c.GetProperty("cn")), r.Cell!.ToArray<double>(), 1e-9, 1e-12);
            loss = loss + (r.Cell * Tensor.FromArray(Doubles(c.GetProperty("g_cn")), r.Cell.Shape.ToArray())).Sum();
        }
        loss.Backward();
        TestUtil.AssertClose(Doubles(c.GetProperty("grad_x")), xIn.Grad!.ToArray<double>(), 1e-9, 1e-12);
        TestUtil.AssertClose(Doubles(c.GetProperty("grad_h0")), h0.Grad!.ToArray<double>(), 1e-9, 1e-12);
        if (c0 is not null) TestUtil.AssertClose(Doubles(c.GetProperty("grad_c0")), c0.Grad!.ToArray<double>(), 1e-9, 1e-12);
        var named = layer.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var g in c.GetProperty("grad_weights").EnumerateObject())
            TestUtil.AssertClose(Doubles(g.Value), named[g.Name].Grad!.ToArray<double>(), 1e-9, 1e-12);
    }

    [Theory]
    [InlineData("rnn")]
    [InlineData("lstm")]
    [InlineData("gru")]
    public void GradCheckBidirectionalTwoLayers(string kind)
    {
        using var scope = Tensor.Scope();
        var layer = Make(kind, 3, 2, 2, bidir: true, returnSequences: false);
        var x = TestUtil.Leaf(5, 2, 3, 3);
        var ps = layer.Parameters().Select(p => p.Data).ToArray();
        TestUtil.AssertGrad(inputs => layer.Invoke(inputs[0]).Square().Sum(), new[] { x }.Concat(ps).ToArray());
        var lengths = Tensor.FromArray(new long[] { 3, 1 }, 2);
        TestUtil.AssertGrad(inputs =>
        {
            var r = layer.Run(inputs[0], lengths: lengths);
            return r.Output.Square().Sum() + r.Hidden.Sum();
        }, new[] { x }.Concat(ps).ToArray());
    }

    [Fact]
    public void KerasStyleOutputsAndTimeMajorInput()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.Randn(new[] { 4, 7, 3 }, new Generator(2));
        var seq = new LSTM(6, returnSequences: true, bidirectional: true, generator: new Generator(1));
        var last = new LSTM(6, bidirectional: true, generator: new Generator(1));
        var full = seq.Invoke(x);
        var final = last.Invoke(x);
        Assert.Equal(new[] { 4, 7, 12 }, full.Shape.ToArray());
        Assert.Equal(new[] { 4, 12 }, final.Shape.ToArray());
        // Forward half: the last step's output; backward half: the output at t = 0 (where the reverse pass ends).
        Assert.Equal(full.Select(1, 6).Narrow(1, 0, 6).ToArray<float>(), final.Narrow(1, 0, 6).ToArray<float>());
        Assert.Equal(full.Select(1, 0).Narrow(1, 6, 6).ToArray<float>(), final.Narrow(1, 6, 6).ToArray<float>());

        var timeMajor = new GRU(5, batchFirst: false, returnSequences: true, generator: new Generator(3));
        var batchMajor = new GRU(5, returnSequences: true, generator: new Generator(3));
        var a = timeMajor.Invoke(x.Transpose(0, 1).Contiguous());
        var b = batchMajor.Invoke(x);
        Assert.Equal(b.Transpose(0, 1).Contiguous().ToArray<float>(), a.ToArray<float>());
        Assert.Equal(new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse" },
            seq.NamedParameters().Select(p => p.Name));
        Assert.Equal(4 * 6 * (3 + 6 + 2) * 2, seq.ParameterCount());
    }

    [Fact]
    public void ErrorsNameTheLayerAndShapes()
    {
        using var scope = Tensor.Scope();
        var lstm = new LSTM(4, inputSize: 3);
        var e = Assert.Throws<ArgumentException>(() => lstm.Invoke(Tensor.Zeros(2, 5, 2)));
        Assert.Contains("LSTM", e.Message);
        Assert.Contains("3 input features", e.Message);
        e = Assert.Throws<ArgumentException>(() => lstm.Run(Tensor.Zeros(2, 5, 3), Tensor.Zeros(2, 2, 4)));
        Assert.Contains("h0 must have shape [1, 2, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GRU(4, inputSize: 3).Run(Tensor.Zeros(2, 5, 3), c0: Tensor.Zeros(1, 2, 4)));
        Assert.Contains("c0 is only for LSTM", e.Message);
        Assert.Throws<ArgumentException>(() => new SimpleRNN(4, nonlinearity: "sigmoid"));
        Assert.Throws<ArgumentException>(() => new GRU(4).Invoke(Tensor.Zeros(2, 3)));
    }
}
