using Strata;
using Xunit;

namespace Strata.Tests.Ops;

public class ReluBackwardTests
{
    // Lengths around the vector width exercise both the vector body and the scalar tail of the contiguous kernel.
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(37)]
    public void ReluGradientPassesOnlyWherePositive(int n)
    {
        double[] pool = { -2, -0.0, 0, 0.5, 3, double.NaN, double.PositiveInfinity, double.NegativeInfinity };
        var xs = Enumerable.Range(0, n).Select(i => pool[(i * 5) % pool.Length]).ToArray();
        var gs = Enumerable.Range(0, n).Select(i => i % 3 == 0 ? double.NaN : i + 1.5).ToArray();
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            using var scope = Tensor.Scope();
            var x = Tensor.FromArray(xs, n).To(dtype);
            x.RequiresGrad = true;
            x.Relu().Backward(Tensor.FromArray(gs, n).To(dtype));
            var expected = xs.Select((v, i) => v > 0 ? (dtype == DType.Float32 ? (double)(float)gs[i] : gs[i]) : 0.0).ToArray();
            Assert.Equal(expected, x.Grad!.To(DType.Float64).ToArray<double>());
        }
    }
}
