using System.Text.Json;
using Strata;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Core;

/// <summary>
/// Forward and backward values against PyTorch 1.13 (tests/reference/make_reference.py writes the JSON).
/// Each case's loss is sum(out * w); inputs marked transposed were stored as x.T and are passed as a
/// transposed (non-contiguous) view of the stored array.
/// </summary>
public class ReferenceTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "reference", "core_reference.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
    });

    public static IEnumerable<object[]> Names() => new[]
    {
        "matmul_2d", "matmul_1d_1d", "matmul_1d_2d", "matmul_2d_1d", "matmul_batched_broadcast", "matmul_batched_2d",
        "matmul_transposed_b", "logsumexp_dim1", "logsumexp_dim0_keep", "logsumexp_transposed", "var_dim1", "var_all",
        "std_dim0_keep", "std_transposed", "gelu", "gelu_transposed", "sigmoid", "sigmoid_transposed", "tanh",
        "tanh_transposed", "softplus", "softplus_transposed", "elu", "elu_transposed",
    }.Select(n => new object[] { n });

    [Fact]
    public void EveryStoredCaseIsTested()
    {
        var listed = Names().Select(o => (string)o[0]).ToHashSet();
        Assert.Equal(listed.OrderBy(s => s), Cases.Value.Keys.OrderBy(s => s));
    }

    private static (int[] shape, float[] data) Read(JsonElement e) =>
        (e.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray(),
         e.GetProperty("data").EnumerateArray().Select(v => v.GetSingle()).ToArray());

    private static double[] AsDoubles(float[] v) => v.Select(f => (double)f).ToArray();

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesPyTorch(string name)
    {
        var c = Cases.Value[name];
        using var scope = Tensor.Scope();
        var transposed = c.GetProperty("transposed").EnumerateArray().Select(v => v.GetBoolean()).ToArray();
        var leaves = new List<Tensor>();
        var args = new List<Tensor>();
        int i = 0;
        foreach (var inp in c.GetProperty("inputs").EnumerateArray())
        {
            var (shape, data) = Read(inp);
            var leaf = Tensor.FromArray(data, shape);
            leaf.RequiresGrad = true;
            leaves.Add(leaf);
            var arg = transposed[i++] ? leaf.T : leaf;
            Assert.Equal(transposed[i - 1], !arg.IsContiguous);
            args.Add(arg);
        }
        var p = c.GetProperty("params");
        int[]? dims = p.TryGetProperty("dims", out var d) && d.ValueKind == JsonValueKind.Array
            ? d.EnumerateArray().Select(v => v.GetInt32()).ToArray() : null;
        bool keepDim = p.TryGetProperty("keepDim", out var k) && k.GetBoolean();
        var x = args[0];
        var y = c.GetProperty("op").GetString() switch
        {
            "matmul" => x.Matmul(args[1]),
            "logsumexp" => x.LogSumExp(dims!, keepDim),
            "var" => x.Var(dims, keepDim),
            "std" => x.Std(dims, keepDim),
            "gelu" => x.Gelu(),
            "sigmoid" => x.Sigmoid(),
            "tanh" => x.Tanh(),
            "softplus" => x.Softplus(),
            "elu" => x.Elu(),
            var op => throw new InvalidOperationException($"unknown op {op}"),
        };
        var (outShape, outData) = Read(c.GetProperty("out"));
        Assert.Equal(outShape, y.Shape.ToArray());
        AssertClose(AsDoubles(outData), y.ToDoubleArray(), rtol: 1e-5, atol: 1e-6);

        var (wShape, wData) = Read(c.GetProperty("w"));
        var w = Tensor.FromArray(wData, wShape);
        y.Mul(w).Sum().Backward();
        int j = 0;
        foreach (var g in c.GetProperty("grads").EnumerateArray())
        {
            var (gShape, gData) = Read(g);
            var leaf = leaves[j++];
            Assert.NotNull(leaf.Grad);
            Assert.Equal(gShape, leaf.Grad!.Shape.ToArray());
            AssertClose(AsDoubles(gData), leaf.Grad.ToDoubleArray(), rtol: 1e-5, atol: 1e-6);
        }
        foreach (var l in leaves) l.Grad?.Dispose();
    }
}
