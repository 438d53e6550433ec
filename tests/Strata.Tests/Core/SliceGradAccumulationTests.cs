using Xunit;

namespace Strata.Tests.Core;

/// <summary>
/// Slices hand their gradient to the engine as a region, which is added into the input's accumulated gradient in
/// place; overlapping slices, full-size gradients and leaf/non-leaf inputs must all add up as before.
/// </summary>
public class SliceGradAccumulationTests
{
    private static double[] Expected(Func<int, int, double> f)
    {
        var e = new double[20];
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 5; c++) e[r * 5 + c] = f(r, c);
        return e;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void OverlappingSlicesAndFullGradientsAddUp(bool throughNonLeaf)
    {
        using var scope = Tensor.Scope();
        var x = TestUtil.Leaf(1, 4, 5);
        var z = throughNonLeaf ? x * 3.0 : x;
        var loss = z.Narrow(0, 0, 3).Sum() * 2 + z.Narrow(0, 1, 3).Sum() + z.Sum() + z.Select(1, 2).Sum() * 5 + z.Slice(1, 0, 5, 2).Sum();
        loss.Backward();
        var expected = Expected((r, c) =>
            (r < 3 ? 2 : 0) + (r >= 1 ? 1 : 0) + 1 + (c == 2 ? 5 : 0) + (c % 2 == 0 ? 1 : 0));
        if (throughNonLeaf) expected = expected.Select(v => v * 3).ToArray();
        TestUtil.AssertClose(expected, x.Grad!.ToArray<double>(), 0, 0);
    }

    [Fact]
    public void StepBySlicedSequenceMatchesGradCheck()
    {
        using var scope = Tensor.Scope();
        var x = TestUtil.Leaf(2, 2, 6, 3);
        var w = TestUtil.Leaf(3, 3, 3);
        TestUtil.AssertGrad(inputs =>
        {
            var proj = inputs[0].Matmul(inputs[1]);
            var h = Tensor.Zeros(new[] { 2, 3 }, DType.Float64);
            for (int t = 0; t < 6; t++) h = (proj.Select(1, t) + h * 0.5).Tanh();
            return h.Square().Sum();
        }, x, w);
    }
}
