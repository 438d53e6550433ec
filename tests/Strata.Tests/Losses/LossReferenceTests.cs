using System.Text.Json;
using Strata;
using Strata.Losses;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Losses;

/// <summary>
/// Every loss, reduction, sample weight and class weight against float64 values computed with PyTorch 1.13 / numpy,
/// read from reference/losses_reference.json (written by tests/reference/make_losses_reference.py). Each case also
/// gives the gradient of the mean reduction with respect to yPred.
/// </summary>
public class LossReferenceTests
{
    private static readonly Lazy<Dictionary<string, JsonElement>> Cases = new(() =>
    {
        var path = Path.Combine(AppContext.BaseDirectory, "reference", "losses_reference.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.GetProperty("cases").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.Clone());
    });

    public static IEnumerable<object[]> CaseNames() => Cases.Value.Keys.Select(k => new object[] { k });

    [Fact]
    public void ReferenceCoversEveryLossAndOption()
    {
        var all = Cases.Value.Values.ToList();
        foreach (var loss in new[] { "MeanSquaredError", "MeanAbsoluteError", "Huber", "BinaryCrossEntropy", "CategoricalCrossEntropy",
                     "SparseCategoricalCrossEntropy", "KLDivergence" })
        {
            var mine = all.Where(c => c.GetProperty("loss").GetString() == loss).ToList();
            Assert.Contains(mine, c => c.TryGetProperty("sample_weight", out _));
            Assert.Contains(mine, c => c.GetProperty("y_pred").GetProperty("shape").GetArrayLength() > 2);
        }
        Assert.Contains(all, c => c.GetProperty("params").TryGetProperty("classWeight", out _) && c.GetProperty("loss").GetString() == "CategoricalCrossEntropy");
        Assert.Contains(all, c => c.GetProperty("params").TryGetProperty("classWeight", out _) && c.GetProperty("loss").GetString() == "SparseCategoricalCrossEntropy");
        Assert.Contains(all, c => c.GetProperty("params").TryGetProperty("ignoreIndex", out _));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesReference(string name)
    {
        var c = Cases.Value[name];
        using var scope = Tensor.Scope();
        var yPred = Load(c.GetProperty("y_pred"), "float64");
        var yTrue = Load(c.GetProperty("y_true"), c.GetProperty("y_true").GetProperty("dtype").GetString()!);
        var sw = c.TryGetProperty("sample_weight", out var s) ? Tensor.FromArray(Doubles(s)) : null;
        var p = c.GetProperty("params");

        var none = Make(c.GetProperty("loss").GetString()!, p, Reduction.None).Forward(yPred, yTrue, sw);
        Assert.Equal(new[] { yPred.Size(0) }, none.Shape.ToArray());
        AssertClose(Doubles(c.GetProperty("none")), none.ToDoubleArray(), 1e-10, 1e-12);
        var sum = Make(c.GetProperty("loss").GetString()!, p, Reduction.Sum).Forward(yPred, yTrue, sw);
        Assert.Equal(0, sum.Rank);
        AssertClose(new[] { c.GetProperty("sum").GetDouble() }, new[] { sum.Item() }, 1e-10, 1e-12);

        yPred.RequiresGrad = true;
        var mean = Make(c.GetProperty("loss").GetString()!, p, Reduction.Mean).Forward(yPred, yTrue, sw);
        AssertClose(new[] { c.GetProperty("mean").GetDouble() }, new[] { mean.Item() }, 1e-10, 1e-12);
        mean.Backward();
        AssertClose(Doubles(c.GetProperty("grad")), yPred.Grad!.ToDoubleArray(), 1e-8, 1e-11);
    }

    private static Loss Make(string loss, JsonElement p, Reduction r)
    {
        bool logits = p.TryGetProperty("fromLogits", out var fl) && fl.GetBoolean();
        double ls = p.TryGetProperty("labelSmoothing", out var l) ? l.GetDouble() : 0;
        double[]? cw = p.TryGetProperty("classWeight", out var w) ? Doubles(w) : null;
        int? ignore = p.TryGetProperty("ignoreIndex", out var ig) ? ig.GetInt32() : null;
        return loss switch
        {
            "MeanSquaredError" => new MeanSquaredError(r),
            "MeanAbsoluteError" => new MeanAbsoluteError(r),
            "Huber" => new Huber(p.TryGetProperty("delta", out var d) ? d.GetDouble() : 1.0, r),
            "BinaryCrossEntropy" => new BinaryCrossEntropy(logits, ls, r),
            // The array overload here, the tensor overload for the sparse loss: both forms are exercised.
            "CategoricalCrossEntropy" => cw is null ? new CategoricalCrossEntropy(logits, ls, reduction: r) : new CategoricalCrossEntropy(cw, logits, ls, r),
            "SparseCategoricalCrossEntropy" => new SparseCategoricalCrossEntropy(logits, ignore, cw is null ? null : Tensor.FromArray(cw), r),
            "KLDivergence" => new KLDivergence(r),
            _ => throw new ArgumentException($"unknown loss {loss}"),
        };
    }

    private static Tensor Load(JsonElement spec, string dtype)
    {
        var shape = spec.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var data = Doubles(spec.GetProperty("data"));
        return dtype switch
        {
            "int64" => Tensor.FromArray(data.Select(v => (long)v).ToArray(), shape),
            "int32" => Tensor.FromArray(data.Select(v => (int)v).ToArray(), shape),
            _ => Tensor.FromArray(data, shape),
        };
    }

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
}
