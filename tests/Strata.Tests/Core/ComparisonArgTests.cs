using Strata;
using Xunit;

namespace Strata.Tests.Core;

/// <summary>Non-differentiable elementwise ops and index reductions, checked by hand.</summary>
public class ComparisonArgTests
{
    [Fact]
    public void ComparisonsAndLogicalOps()
    {
        using var scope = Tensor.Scope();
        var a = Tensor.FromArray(new float[] { 1, 2, 3, 4 }, 2, 2);
        var b = Tensor.FromArray(new float[] { 2, 2 });
        Assert.Equal(new[] { false, true, false, false }, a.Eq(b).ToArray<bool>());
        Assert.Equal(new[] { true, false, true, true }, a.Ne(b).ToArray<bool>());
        Assert.Equal(new[] { true, false, false, false }, a.Lt(b).ToArray<bool>());
        Assert.Equal(new[] { true, true, false, false }, a.Le(2).ToArray<bool>());
        Assert.Equal(new[] { false, false, true, true }, a.Gt(2.5).ToArray<bool>());
        Assert.Equal(new[] { false, true, true, true }, a.Ge(b).ToArray<bool>());
        Assert.Equal(new[] { false, true, false, true }, a.T.Gt(b).ToArray<bool>()); // [[1,3],[2,4]] > [2,2]
        var p = Tensor.FromArray(new[] { true, true, false, false });
        var q = Tensor.FromArray(new[] { true, false, true, false });
        Assert.Equal(new[] { true, false, false, false }, p.LogicalAnd(q).ToArray<bool>());
        Assert.Equal(new[] { true, true, true, false }, p.LogicalOr(q).ToArray<bool>());
        Assert.Equal(new[] { false, false, true, true }, p.LogicalNot().ToArray<bool>());
        Assert.Equal(new[] { false, true, false }, Tensor.FromArray(new long[] { 3, 7, 9 }).Eq(7).ToArray<bool>());
        Assert.Equal(new[] { false, true, true }, Tensor.FromArray(new long[] { 3, 7, 9 }).Gt(6.5).ToArray<bool>());
        Assert.Equal(new[] { false, true, true, false },
            Tensor.FromArray(new[] { 1f, float.NaN, float.NegativeInfinity, -0f }).IsNonFinite().ToArray<bool>());
    }

    [Fact]
    public void WhereMaskedFillSignClamp()
    {
        using var scope = Tensor.Scope();
        var c = Tensor.FromArray(new[] { true, false, true });
        var w = Tensor.Where(c, Tensor.FromArray(new float[] { 1, 2, 3 }), Tensor.Scalar(-1));
        Assert.Equal(new float[] { 1, -1, 3 }, w.ToArray<float>());
        var w2 = Tensor.Where(c.Unsqueeze(1), Tensor.FromArray(new float[] { 1, 2 }), Tensor.FromArray(new double[] { 9 }));
        Assert.Equal(DType.Float64, w2.DType);
        Assert.Equal(new double[] { 1, 2, 9, 9, 1, 2 }, w2.ToArray<double>());
        Assert.Throws<ArgumentException>(() => Tensor.Where(Tensor.Ones(3), Tensor.Ones(3), Tensor.Ones(3)));
        var x = Tensor.FromArray(new float[] { -2, 0, 3 });
        Assert.Equal(new float[] { -2, 5, 3 }, x.MaskedFill(x.Eq(0), 5).ToArray<float>());
        Assert.Equal(new float[] { -1, 0, 1 }, x.Sign().ToArray<float>());
        Assert.Equal(new float[] { -1, 0, 2 }, x.Clamp(-1, 2).ToArray<float>());
        Assert.Equal(new float[] { 2, 0, 3 }, x.Abs().ToArray<float>());
        Assert.Throws<ArgumentException>(() => x.Clamp(2, 1));
        Assert.Equal(new long[] { -2, 0, 3 }, Tensor.FromArray(new long[] { -5, 0, 7 }).Clamp(-2, 3).ToArray<long>());
    }

    [Fact]
    public void ArgmaxArgminFirstOfTiesAndStrided()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.FromArray(new float[] { 3, 1, 3, 0, 5, 0 }, 2, 3);
        Assert.Equal(new long[] { 0, 1 }, x.Argmax(1).ToArray<long>());
        Assert.Equal(new long[] { 1, 0 }, x.Argmin(1).ToArray<long>());
        Assert.Equal(new long[] { 0, 1, 0 }, x.Argmax(0).ToArray<long>());
        Assert.Equal(new[] { 2, 1 }, x.Argmax(1, keepDim: true).Shape.ToArray());
        Assert.Equal(4L, x.Argmax().Item<long>());
        Assert.Equal(3L, x.Argmin().Item<long>());
        Assert.Equal(new long[] { 0, 1, 0 }, x.T.Argmax(1).ToArray<long>());
        Assert.Equal(3L, x.T.Argmax().Item<long>()); // flattened x.T = [3,0,1,5,3,0]
        Assert.Equal(new long[] { 1 }, Tensor.FromArray(new[] { 1f, float.NaN, 2f }, 1, 3).Argmax(1).ToArray<long>());
        Assert.Equal(new long[] { 2, 0 }, Tensor.FromArray(new long[] { 1, 2, 9, 4, 4, 4 }, 2, 3).Argmax(-1).ToArray<long>());
    }

    [Fact]
    public void MaxMinPropagateNaNAndIntReductions()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.FromArray(new float[] { 1, float.NaN, 3, 2 }, 2, 2);
        Assert.True(float.IsNaN(x.Max().Item<float>()));
        var m = x.Max(1).ToArray<float>();
        Assert.True(float.IsNaN(m[0]));
        Assert.Equal(3, m[1]);
        Assert.True(float.IsNaN(x.T.Min(0).ToArray<float>()[0]));
        var i = Tensor.FromArray(new[] { 5, -3, 7, 2 }, 2, 2);
        Assert.Equal(DType.Int64, i.Sum().DType);
        Assert.Equal(11L, i.Sum().Item<long>());
        Assert.Equal(new long[] { 2, 9 }, i.Sum(1).ToArray<long>());
        Assert.Equal(new[] { 7, 2 }, i.T.Max(1).ToArray<int>());
        Assert.Equal(new[] { 5, -3 }, i.Min(0).ToArray<int>());
        Assert.Equal(2L, Tensor.FromArray(new[] { true, false, true }).Sum().Item<long>());
        Assert.Throws<ArgumentException>(() => i.Mean());
    }
}
