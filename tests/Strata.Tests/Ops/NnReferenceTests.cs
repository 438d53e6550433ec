using System.Text.Json;
using Strata;
using Xunit;

namespace Strata.Tests.Ops;

/// <summary>
/// Forward and backward values of the nn ops against PyTorch, on random float32 inputs, read from
/// reference/nn_reference.json (written by tests/reference/make_nn_reference.py; Python is not needed to run these).
/// Each case gives the inputs, a random upstream weight w of the output's shape, the output, and the gradients of
/// sum(out * w) with respect to each differentiable input. Inputs with a "perm" are stored as the contiguous leaf L;
/// the op receives the non-contiguous view L.Permute(perm) and the gradient compared is that of L.
/// </summary>
public class NnReferenceTests
{
    // The reference values are exact (computed in float64 from the float32 inputs); Strata computes in float32.
    private const double Rtol = 1e-5;
    // Absolute floor: float32 rounding of a sum of n terms leaves an error of up to about n ulps of the terms'
    // magnitude, which is not small relative to a result that cancels to near zero (e.g. a weight gradient summing
    // N·OH·OW ≈ 40 products of O(1) values). The largest such deviation measured on this data is 5e-7 (grad weight of
    // conv_transpose2d_basic, a value of 0.06); 2e-6 leaves headroom for a different summation order (threading, SIMD)
    // while still catching real errors, and every value away from zero is held to the 1e-5 relative tolerance.
    private const double Atol = 2e-6;

    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "reference", "nn_reference.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
    });

    public static IEnumerable<object[]> CaseNames() => Cases.Value.Keys.Select(k => new object[] { k });

    [Fact]
    public void ReferenceCoversEveryOp()
    {
        var ops = Cases.Value.Values.Select(c => c.GetProperty("op").GetString()).ToHashSet();
        foreach (var op in new[] { "conv2d", "conv_transpose2d", "max_pool2d", "avg_pool2d", "adaptive_avg_pool2d", "softmax",
                     "log_softmax", "cross_entropy", "batch_norm", "layer_norm" })
            Assert.Contains(op, ops);
        // Every op has at least one case whose input is a non-contiguous view.
        foreach (var op in ops)
            Assert.Contains(Cases.Value.Values, c => c.GetProperty("op").GetString() == op &&
                c.GetProperty("inputs").EnumerateObject().Any(i => i.Value.TryGetProperty("perm", out _)));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorch(string name)
    {
        var c = Cases.Value[name];
        using var scope = TensorScope.Begin();
        var leaves = new Dictionary<string, Tensor>();
        var views = new Dictionary<string, Tensor>();
        foreach (var input in c.GetProperty("inputs").EnumerateObject())
        {
            var spec = input.Value;
            var shape = Ints(spec.GetProperty("shape"));
            Tensor leaf = spec.GetProperty("dtype").GetString() == "int64"
                ? Tensor.FromArray(spec.GetProperty("data").EnumerateArray().Select(e => e.GetInt64()).ToArray(), shape)
                : Tensor.FromArray(Floats(spec.GetProperty("data")), shape);
            if (spec.GetProperty("grad").GetBoolean()) leaf.RequiresGrad = true;
            leaves[input.Name] = leaf;
            if (spec.TryGetProperty("perm", out var perm))
            {
                var view = leaf.Permute(Ints(perm));
                Assert.False(view.IsContiguous);
                views[input.Name] = view;
            }
            else views[input.Name] = leaf;
        }

        var p = c.GetProperty("params");
        var op = c.GetProperty("op").GetString()!;
        var output = Run(op, p, views);

        var outSpec = c.GetProperty("out");
        Assert.Equal(Ints(outSpec.GetProperty("shape")), output.Shape.ToArray());
        Compare($"{name}: out", outSpec.GetProperty("data"), output);

        var wSpec = c.GetProperty("w");
        var w = Tensor.FromArray(Floats(wSpec.GetProperty("data")), Ints(wSpec.GetProperty("shape")));
        (output * w).Sum().Backward();

        foreach (var g in c.GetProperty("grads").EnumerateObject())
        {
            var grad = leaves[g.Name].Grad;
            Assert.True(grad != null, $"{name}: no gradient for {g.Name}");
            Assert.Equal(Ints(g.Value.GetProperty("shape")), grad!.Shape.ToArray());
            Compare($"{name}: grad {g.Name}", g.Value.GetProperty("data"), grad);
        }

        if (c.TryGetProperty("extra", out var extra))
            foreach (var e in extra.EnumerateObject())
                Compare($"{name}: {e.Name} after", e.Value.GetProperty("data"), leaves[e.Name]);
    }

    private static Tensor Run(string op, JsonElement p, Dictionary<string, Tensor> v)
    {
        Tensor? Opt(string k) => v.TryGetValue(k, out var t) ? t : null;
        IntPair Pair(string k) { var a = Ints(p.GetProperty(k)); return new IntPair(a[0], a[1]); }
        switch (op)
        {
            case "conv2d":
                return Functional.Conv2d(v["x"], v["weight"], Opt("bias"), Pair("stride"), Pair("padding"), Pair("dilation"),
                    p.GetProperty("groups").GetInt32());
            case "conv_transpose2d":
                return Functional.ConvTranspose2d(v["x"], v["weight"], Opt("bias"), Pair("stride"), Pair("padding"),
                    Pair("output_padding"), Pair("dilation"), p.GetProperty("groups").GetInt32());
            case "max_pool2d":
                return Functional.MaxPool2d(v["x"], Pair("kernel"), Pair("stride"), Pair("padding"), Pair("dilation"),
                    p.GetProperty("ceil_mode").GetBoolean());
            case "avg_pool2d":
                return Functional.AvgPool2d(v["x"], Pair("kernel"), Pair("stride"), Pair("padding"),
                    p.GetProperty("count_include_pad").GetBoolean(), p.GetProperty("ceil_mode").GetBoolean());
            case "adaptive_avg_pool2d":
                return Functional.AdaptiveAvgPool2d(v["x"], Pair("output_size"));
            case "softmax":
                return v["x"].Softmax(p.GetProperty("dim").GetInt32());
            case "log_softmax":
                return v["x"].LogSoftmax(p.GetProperty("dim").GetInt32());
            case "cross_entropy":
                var reduction = p.GetProperty("reduction").GetString() switch
                {
                    "mean" => Reduction.Mean,
                    "sum" => Reduction.Sum,
                    "none" => Reduction.None,
                    var r => throw new ArgumentException($"unknown reduction {r}"),
                };
                return Functional.CrossEntropy(v["input"], v["target"], Opt("weight"), reduction,
                    p.GetProperty("ignore_index").GetInt32(), p.GetProperty("label_smoothing").GetDouble());
            case "batch_norm":
                return Functional.BatchNorm(v["x"], v["running_mean"], v["running_var"], Opt("weight"), Opt("bias"),
                    p.GetProperty("training").GetBoolean(), p.GetProperty("momentum").GetDouble(), p.GetProperty("eps").GetDouble());
            case "layer_norm":
                return Functional.LayerNorm(v["x"], Ints(p.GetProperty("normalized_shape")), Opt("weight"), Opt("bias"),
                    p.GetProperty("eps").GetDouble());
            default:
                throw new ArgumentException($"unknown op {op}");
        }
    }

    private static void Compare(string what, JsonElement expected, Tensor actual)
    {
        Assert.Equal(DType.Float32, actual.DType);
        var e = expected.EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var a = actual.ToDoubleArray();
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
        {
            double tol = Atol + Rtol * Math.Abs(e[i]);
            Assert.True(Math.Abs(e[i] - a[i]) <= tol, $"{what}, element {i}: expected {e[i]:G9}, got {a[i]:G9} (diff {Math.Abs(e[i] - a[i]):G3})");
        }
    }

    private static int[] Ints(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();
    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(x => x.GetSingle()).ToArray();
}
