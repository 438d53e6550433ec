using Strata;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Ops;

public class IndexingTests
{
    private static Tensor Idx(long[] v, params int[] shape) => Tensor.FromArray(v, shape.Length == 0 ? new[] { v.Length } : shape);

    [Fact]
    public void GatherAndScatterAddMatchHandValues()
    {
        using var x = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        using var i1 = Idx(new long[] { 2, 0, 1, 1 }, 2, 2);
        // torch.gather(x, 1, [[2,0],[1,1]]) = [[3,1],[5,5]]
        Assert.Equal(new double[] { 3, 1, 5, 5 }, x.Gather(1, i1).ToDoubleArray());
        using var i0 = Idx(new long[] { 1, 0, 0 }, 1, 3);
        Assert.Equal(new double[] { 4, 2, 3 }, x.Gather(0, i0).ToDoubleArray());
        using var src = Tensor.FromArray(new double[] { 10, 20, 30, 40 }, 2, 2);
        // x.scatter_add(1, [[2,0],[1,1]], src) = [[21,2,13],[4,75,6]]
        Assert.Equal(new double[] { 21, 2, 13, 4, 75, 6 }, x.ScatterAdd(1, i1, src).ToDoubleArray());
        Assert.Equal(new double[] { 1, 2, 3, 4, 5, 6 }, x.ToDoubleArray());
    }

    [Fact]
    public void IndexSelectAndEmbeddingMatchHandValues()
    {
        using var x = Tensor.FromArray(new double[] { 1, 2, 3, 4, 5, 6 }, 3, 2);
        using var i = Idx(new long[] { 2, 0, 2 });
        Assert.Equal(new double[] { 5, 6, 1, 2, 5, 6 }, x.IndexSelect(0, i).ToDoubleArray());
        using var j = Idx(new long[] { 1 });
        Assert.Equal(new double[] { 2, 4, 6 }, x.IndexSelect(1, j).ToDoubleArray());
        using var ids = Idx(new long[] { 0, 2, 1, 0 }, 2, 2);
        using var e = Functional.Embedding(ids, x);
        Assert.Equal(new[] { 2, 2, 2 }, e.Shape.ToArray());
        Assert.Equal(new double[] { 1, 2, 5, 6, 3, 4, 1, 2 }, e.ToDoubleArray());
    }

    [Fact]
    public void GradCheckGatherScatterAddIndexSelect()
    {
        var x = Leaf(1, 3, 4);
        var s = Leaf(2, 2, 3);
        using var gi = Idx(new long[] { 3, 0, 3, 1, 1, 2 }, 2, 3);
        AssertGrad(v => v[0].Gather(1, gi), x);
        AssertGrad(v => v[0].T.Gather(0, gi.T.Contiguous()), x);
        using var si = Idx(new long[] { 0, 2, 0, 1, 1, 1 }, 2, 3);
        AssertGrad(v => v[0].ScatterAdd(0, si, v[1]), x, s);
        AssertGrad(v => v[0].T.ScatterAdd(0, si, v[1].Mul(v[1])), x, s);
        var big = Leaf(3, 3, 4);
        AssertGrad(v => v[0].ScatterAdd(1, si, v[1]), x, big);
        using var ii = Idx(new long[] { 2, 0, 2, 1 });
        AssertGrad(v => v[0].IndexSelect(1, ii), x);
        AssertGrad(v => v[0].T.IndexSelect(1, ii.Slice(0, 0, 3)), x);
    }

    [Fact]
    public void EmbeddingGradientScatterAddsRowsAndSkipsPadding()
    {
        var w = Leaf(1, 4, 3);
        using var ids = Idx(new long[] { 0, 2, 2, 3, 0, 2 }, 2, 3);
        AssertGrad(v => Functional.Embedding(ids, v[0]), w);
        var wt = Leaf(2, 3, 4);
        AssertGrad(v => Functional.Embedding(ids, v[0].T), wt);
        var y = Functional.Embedding(ids, w, paddingIdx: 2);
        y.Sum().Backward();
        Assert.Equal(new double[] { 2, 2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 1 }, w.Grad!.ToDoubleArray());
        w.Grad = null;
    }

    [Fact]
    public void IndexErrorsNameOpAndValue()
    {
        using var x = Tensor.Zeros(2, 3);
        using var bad = Idx(new long[] { 0, 3 }, 1, 2);
        var e = Assert.Throws<IndexOutOfRangeException>(() => x.Gather(1, bad));
        Assert.Contains("gather", e.Message);
        Assert.Contains("3", e.Message);
        using var neg = Idx(new long[] { -1 });
        e = Assert.Throws<IndexOutOfRangeException>(() => x.IndexSelect(0, neg));
        Assert.Contains("index_select", e.Message);
        Assert.Contains("-1", e.Message);
        using var w = Tensor.Zeros(5, 2);
        using var ids = Idx(new long[] { 1, 7 });
        e = Assert.Throws<IndexOutOfRangeException>(() => Functional.Embedding(ids, w));
        Assert.Contains("embedding", e.Message);
        Assert.Contains("7", e.Message);
        using var fi = Tensor.FromArray(new float[] { 0, 1 }, 1, 2);
        var a = Assert.ThrowsAny<ArgumentException>(() => x.Gather(1, fi));
        Assert.Contains("gather", a.Message);
        Assert.Contains("[1, 2]", a.Message);
        Assert.Contains("[2, 3]", a.Message);
        using var wide = Idx(new long[] { 0, 0, 0, 0, 0, 0, 0, 0 }, 2, 4);
        using var src = Tensor.Zeros(2, 4);
        a = Assert.ThrowsAny<ArgumentException>(() => x.ScatterAdd(0, wide, src));
        Assert.Contains("scatter_add", a.Message);
        Assert.Contains("[2, 3]", a.Message);
        Assert.Contains("[2, 4]", a.Message);
    }
}
