using Strata;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Ops;

public class JoiningTests
{
    [Fact]
    public void ConcatStackSplitChunkMatchHandValues()
    {
        using var a = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2);
        using var b = Tensor.FromArray(new double[] { 5, 6 }, 1, 2);
        using var c = Tensor.Concat(new[] { a, b }, 0);
        Assert.Equal(new[] { 3, 2 }, c.Shape.ToArray());
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6 }, c.ToDoubleArray());
        using var bt = b.T;
        using var c1 = Tensor.Concat(new[] { a, bt }, 1);
        Assert.Equal(new double[] { 1, 2, 5, 3, 4, 6 }, c1.ToDoubleArray());
        using var s = Tensor.Stack(new[] { a, a }, 2);
        Assert.Equal(new[] { 2, 2, 2 }, s.Shape.ToArray());
        Assert.Equal(new double[] { 1, 1, 2, 2, 3, 3, 4, 4 }, s.ToDoubleArray());
        var parts = c.Split(2, 0);
        Assert.Equal(2, parts.Length);
        Assert.Equal(new double[] { 5, 6 }, parts[1].ToDoubleArray());
        var sized = c.Split(new[] { 1, 2 }, 0);
        Assert.Equal(new double[] { 3, 4, 5, 6 }, sized[1].ToDoubleArray());
        using var r = Tensor.Arange(0, 7, 1, DType.Float64);
        var ch = r.Chunk(3);
        Assert.Equal(new[] { 3, 3, 1 }, ch.Select(t => t.Size(0)).ToArray());
    }

    [Fact]
    public void PadMatchesPyTorch()
    {
        using var x = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2);
        // F.pad(x, (1, 0, 0, 1), value=9) = [[9,1,2],[9,3,4],[9,9,9]]
        Assert.Equal(new double[] { 9, 1, 2, 9, 3, 4, 9, 9, 9 }, Functional.Pad(x, new[] { 1, 0, 0, 1 }, 9).ToDoubleArray());
        // F.pad(x, (-1, 1)) = [[2,0],[4,0]]
        Assert.Equal(new double[] { 2, 0, 4, 0 }, Functional.Pad(x, new[] { -1, 1 }).ToDoubleArray());
    }

    [Fact]
    public void GradCheckJoiningAndSplitting()
    {
        var a = Leaf(1, 2, 3);
        var b = Leaf(2, 3, 3);
        AssertGrad(v => Tensor.Concat(new[] { v[0], v[1] }, 0), a, b);
        AssertGrad(v => Tensor.Concat(new[] { v[0].T, v[1] }, 1), a, b);
        var c = Leaf(3, 2, 3);
        AssertGrad(v => Tensor.Stack(new[] { v[0], v[1].T }, 1), a, Leaf(4, 3, 2));
        AssertGrad(v => v[0].Split(new[] { 1, 2 }, 0)[1].Mul(v[0].Split(2, 0)[0].Sum()), b);
        AssertGrad(v => v[0].T.Chunk(2, 0)[1], b);
        AssertGrad(v => Functional.Pad(v[0].T, new[] { 1, 2, -1, 1 }, 0.5), c);
        AssertGrad(v => Functional.Pad(v[0], new[] { 0, 0, 1, 0 }).Add(v[1].Slice(0, 0, 3)), a, b);
    }

    [Fact]
    public void JoiningErrorsNameOpAndShapes()
    {
        using var a = Tensor.Zeros(2, 2);
        using var b = Tensor.Zeros(2, 3);
        var e = Assert.ThrowsAny<ArgumentException>(() => Tensor.Concat(new[] { a, b }, 0));
        Assert.Contains("concat", e.Message);
        Assert.Contains("[2, 2]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        using var d = Tensor.Zeros(new[] { 2, 2 }, DType.Float64);
        e = Assert.ThrowsAny<ArgumentException>(() => Tensor.Concat(new[] { a, d }, 0));
        Assert.Contains("float64", e.Message);
        e = Assert.ThrowsAny<ArgumentException>(() => Tensor.Stack(new[] { a, b }));
        Assert.Contains("stack", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        e = Assert.ThrowsAny<ArgumentException>(() => b.Split(new[] { 1, 1 }, 1));
        Assert.Contains("split", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        e = Assert.ThrowsAny<ArgumentException>(() => Functional.Pad(a, new[] { 1 }));
        Assert.Contains("pad", e.Message);
        Assert.Contains("[2, 2]", e.Message);
    }
}
