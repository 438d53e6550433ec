using Strata;
using Strata.Autograd;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Ops;

/// <summary>Functional.Linear (fused x·Wᵀ + b): hand values, float64 gradchecks over input ranks and layouts, errors.</summary>
public class LinearTests
{
    [Fact]
    public void MatchesHandComputedValues()
    {
        var x = Tensor.FromArray(new float[,] { { 1, 2 }, { -1, 0.5f } });
        var w = Tensor.FromArray(new float[,] { { 1, 0 }, { 2, -1 }, { 0.5f, 3 } });
        var b = Tensor.FromArray(new float[] { 0.25f, -1, 2 }, 3);
        // row 0: [1, 0, 6.5] + b; row 1: [-1, -2.5, 1] + b
        Assert.Equal(new double[] { 1.25, -1, 8.5, -0.75, -3.5, 3 }, Functional.Linear(x, w, b).ToDoubleArray());
        Assert.Equal(new double[] { 1, 0, 6.5, -1, -2.5, 1 }, Functional.Linear(x, w).ToDoubleArray());
        var v = Functional.Linear(Tensor.FromArray(new float[] { 1, 2 }, 2), w, b);
        Assert.Equal(new[] { 3 }, v.Shape.ToArray());
        Assert.Equal(new double[] { 1.25, -1, 8.5 }, v.ToDoubleArray());
    }

    [Fact]
    public void GradCheck2d() =>
        AssertGrad(v => Functional.Linear(v[0], v[1], v[2]), Leaf(1, 5, 4), Leaf(2, 3, 4), Leaf(3, 3));

    [Fact]
    public void GradCheckBatched3dAndVector()
    {
        AssertGrad(v => Functional.Linear(v[0], v[1], v[2]), Leaf(4, 2, 3, 4), Leaf(5, 6, 4), Leaf(6, 6));
        AssertGrad(v => Functional.Linear(v[0], v[1], v[2]), Leaf(7, 4), Leaf(8, 3, 4), Leaf(9, 3));
        AssertGrad(v => Functional.Linear(v[0], v[1]), Leaf(10, 5, 4), Leaf(11, 3, 4));
    }

    [Fact]
    public void GradCheckStridedOperands()
    {
        // Transposed input and weight, a non-contiguous 3-D input (copied internally), and a transposed gradient.
        AssertGrad(v => Functional.Linear(v[0].T, v[1].T, v[2]), Leaf(12, 4, 5), Leaf(13, 4, 3), Leaf(14, 3));
        AssertGrad(v => Functional.Linear(v[0].Transpose(0, 1), v[1], v[2]), Leaf(15, 3, 2, 4), Leaf(16, 5, 4), Leaf(17, 5));
        AssertGrad(v => Functional.Linear(v[0], v[1], v[2]).T.Square(), Leaf(18, 5, 4), Leaf(19, 3, 4), Leaf(20, 3));
    }

    [Fact]
    public void OnlyRequestedGradientsAreComputed()
    {
        var x = Leaf(21, 5, 4).Detach();
        var w = Leaf(22, 3, 4).Detach();
        w.RequiresGrad = true;
        Functional.Linear(x, w).Sum().Backward();
        Assert.Null(x.Grad);
        Assert.Equal(new[] { 3, 4 }, w.Grad!.Shape.ToArray());
        // d(sum)/dW[o, i] = sum over rows of x[:, i]
        var colSums = x.Sum(0).ToDoubleArray();
        var gw = w.Grad.ToDoubleArray();
        for (int o = 0; o < 3; o++)
            for (int i = 0; i < 4; i++) Assert.Equal(colSums[i], gw[o * 4 + i], 12);
    }

    [Fact]
    public void BadShapesAndDtypesNameTheOp()
    {
        var x = Tensor.Zeros(2, 4);
        Assert.Contains("linear", Assert.Throws<ArgumentException>(() => Functional.Linear(x, Tensor.Zeros(3, 5))).Message);
        Assert.Contains("[3]", Assert.Throws<ArgumentException>(() => Functional.Linear(x, Tensor.Zeros(3, 4), Tensor.Zeros(4))).Message);
        Assert.Contains("2-D", Assert.Throws<ArgumentException>(() => Functional.Linear(x, Tensor.Zeros(4))).Message);
        Assert.Contains("float64", Assert.Throws<ArgumentException>(() => Functional.Linear(x, Tensor.Zeros(new[] { 3, 4 }, DType.Float64))).Message);
    }
}
