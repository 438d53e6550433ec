using Strata;
using Xunit;

namespace Strata.Tests.Ops;

/// <summary>The gather kernel's row-copy path (index constant along the last dim) and its per-element path, against loops.</summary>
public class GatherRowCopyTests
{
    [Theory]
    [InlineData(0, false)]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(0, true)]
    [InlineData(1, true)]
    public void IndexSelectOn3dMatchesLoops(int dim, bool transposed)
    {
        var baseT = Tensor.Arange(0, 2 * 3 * 5, 1, DType.Float32).Reshape(2, 3, 5);
        var x = transposed ? baseT.Transpose(0, 1) : baseT; // [3, 2, 5] view with non-contiguous leading dims
        int[] shape = x.Shape.ToArray();
        var idxArr = new long[] { shape[dim] - 1, 0, shape[dim] - 1, 1 % shape[dim] };
        var y = x.IndexSelect(dim, Tensor.FromArray(idxArr, idxArr.Length));
        var xs = x.Contiguous().ToDoubleArray();
        var expected = new List<double>();
        int[] ys = (int[])shape.Clone();
        ys[dim] = idxArr.Length;
        for (int a = 0; a < ys[0]; a++)
            for (int b = 0; b < ys[1]; b++)
                for (int c = 0; c < ys[2]; c++)
                {
                    int[] src = { a, b, c };
                    src[dim] = (int)idxArr[src[dim]];
                    expected.Add(xs[(src[0] * shape[1] + src[1]) * shape[2] + src[2]]);
                }
        Assert.Equal(ys, y.Shape.ToArray());
        Assert.Equal(expected.ToArray(), y.ToDoubleArray());
    }

    [Fact]
    public void RowCopyStillRejectsBadIndex()
    {
        var x = Tensor.Zeros(4, 3);
        var ex = Assert.Throws<IndexOutOfRangeException>(() => x.IndexSelect(0, Tensor.FromArray(new long[] { 1, 4 }, 2)));
        Assert.Contains("index_select", ex.Message);
        Assert.Contains("4", ex.Message);
    }
}
