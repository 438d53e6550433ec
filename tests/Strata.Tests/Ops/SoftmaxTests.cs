using Strata;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Ops;

public class SoftmaxTests
{
    [Fact]
    public void SoftmaxAndLogSoftmaxMatchPyTorch()
    {
        using var x = Tensor.FromArray(new double[] { 1, 2, 3 });
        // torch.softmax(torch.tensor([1.,2.,3.], dtype=torch.float64), 0)
        AssertClose(new[] { 0.09003057317038045, 0.2447284710547976, 0.6652409557748218 }, x.Softmax(0).ToDoubleArray(), 1e-12, 1e-14);
        // torch.log_softmax(torch.tensor([1.,2.,3.], dtype=torch.float64), 0)
        AssertClose(new[] { -2.4076059644443806, -1.4076059644443804, -0.4076059644443804 }, x.LogSoftmax(-1).ToDoubleArray(), 1e-12, 1e-14);
    }

    [Fact]
    public void SoftmaxIsStableForLargeLogitsInFloat32()
    {
        using var x = Tensor.FromArray(new float[] { 1000, 1001, 1002, -1000 }, 2, 2);
        var y = x.Softmax(1).ToDoubleArray();
        AssertClose(new[] { 0.2689414213699951, 0.7310585786300049, 1, 0 }, y, 1e-5, 1e-6);
        var ly = x.LogSoftmax(1).ToDoubleArray();
        AssertClose(new[] { -1.3132616875182228, -0.31326168751822286, 0, -2002 }, ly, 1e-5, 1e-4);
    }

    [Fact]
    public void SoftmaxOverMiddleDimMatchesExpLogSumExp()
    {
        using var x = Tensor.Randn(new[] { 3, 4, 5 }, new Generator(7), DType.Float64);
        foreach (int d in new[] { 0, 1, 2 })
        {
            using var lse = x.LogSumExp(d, keepDim: true);
            using var expected = x.Sub(lse);
            AssertClose(expected.ToDoubleArray(), x.LogSoftmax(d).ToDoubleArray(), 1e-12, 1e-12);
            using var e2 = expected.Exp();
            AssertClose(e2.ToDoubleArray(), x.Softmax(d).ToDoubleArray(), 1e-12, 1e-12);
        }
    }

    [Fact]
    public void GradCheckSoftmax()
    {
        var a = Leaf(1, 3, 4);
        AssertGrad(x => x[0].Softmax(1), a);
        AssertGrad(x => x[0].Softmax(0), a);
        AssertGrad(x => x[0].T.Softmax(-1), a);
        var b = Leaf(2, 2, 3, 4);
        AssertGrad(x => x[0].Slice(2, 0, 4, 2).Softmax(1), b);
    }

    [Fact]
    public void GradCheckLogSoftmax()
    {
        var a = Leaf(3, 3, 4);
        AssertGrad(x => x[0].LogSoftmax(1), a);
        AssertGrad(x => x[0].T.LogSoftmax(1), a);
        var b = Leaf(4, 2, 3, 4);
        AssertGrad(x => x[0].Permute(2, 0, 1).LogSoftmax(0), b);
    }

    [Fact]
    public void Float32SoftmaxMatchesFloat64OnALargeStridedInput()
    {
        // 300 x 400 is above the parallel threshold; softmax over dim 0 makes every row strided.
        using var scope = Tensor.Scope();
        var x64 = Tensor.Randn(new[] { 300, 400 }, new Generator(5), DType.Float64);
        var up = Tensor.Randn(new[] { 300, 400 }, new Generator(6), DType.Float64);
        var x32 = x64.To(DType.Float32);
        x64.RequiresGrad = true;
        x32.RequiresGrad = true;
        foreach (int d in new[] { 0, 1 })
        {
            var y64 = x64.Softmax(d);
            var y32 = x32.Softmax(d);
            AssertClose(y64.ToDoubleArray(), y32.ToDoubleArray(), 1e-4, 1e-7);
            y64.Mul(up).Sum().Backward();
            y32.Mul(up.To(DType.Float32)).Sum().Backward();
            AssertClose(x64.Grad!.ToDoubleArray(), x32.Grad!.ToDoubleArray(), 1e-3, 1e-5);
            x64.Grad = null;
            x32.Grad = null;
            using var s = x64.LogSoftmax(d).Exp().Sum(d);
            Assert.All(s.ToDoubleArray(), v => Assert.Equal(1.0, v, 12));
        }
    }

    [Fact]
    public void SoftmaxRejectsIntegerInput()
    {
        using var x = Tensor.FromArray(new long[] { 1, 2 });
        var e = Assert.ThrowsAny<ArgumentException>(() => x.Softmax(0));
        Assert.Contains("softmax", e.Message);
        Assert.Contains("[2]", e.Message);
    }
}
