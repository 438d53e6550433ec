using Strata;
using Strata.Autograd;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Core;

/// <summary>Autograd bookkeeping and edge shapes: accumulation, detach, dtype casts, scalars and empty tensors.</summary>
public class AutogradEdgeTests
{
    [Fact]
    public void GradientsAccumulateAcrossBackwardCallsAndZeroInPlace()
    {
        using var scope = Tensor.Scope();
        var w = Tensor.FromArray(new double[] { 1, -2, 3 });
        w.RequiresGrad = true;
        w.Mul(w).Sum().Backward();
        w.Mul(3.0).Sum().Backward();
        Assert.Equal(new double[] { 5, -1, 9 }, w.Grad!.ToArray<double>());
        using (GradMode.NoGrad()) w.Grad.Zero_();
        w.Exp().Sum().Backward();
        AssertClose(new[] { Math.Exp(1), Math.Exp(-2), Math.Exp(3) }, w.Grad.ToArray<double>(), 1e-15, 0);
        w.Grad.Dispose();
        w.Grad = null;
    }

    [Fact]
    public void BackwardFromLeafAndWithExplicitGradient()
    {
        using var scope = Tensor.Scope();
        var s = Tensor.Scalar(2, DType.Float64);
        s.RequiresGrad = true;
        s.Backward();
        Assert.Equal(1, s.Grad!.Item());
        var x = Tensor.FromArray(new double[] { 1, 2, 3, 4 }, 2, 2);
        x.RequiresGrad = true;
        var y = x.Mul(x);
        y.Backward(Tensor.FromArray(new double[] { 1, 0, 0, 2 }, 2, 2));
        Assert.Equal(new double[] { 2, 0, 0, 16 }, x.Grad!.ToArray<double>());
        Assert.Equal("mul", y.GradFnName);
        Assert.False(y.IsLeaf);
        Assert.True(x.IsLeaf);
        s.Grad.Dispose();
        x.Grad.Dispose();
    }

    [Fact]
    public void DetachAndNoGradStopGradients()
    {
        using var scope = Tensor.Scope();
        var x = Leaf(1, 3);
        var d = x.Detach();
        Assert.False(d.RequiresGrad);
        Assert.True(d.IsLeaf);
        d.Fill_(0.5); // shares memory with x
        Assert.All(x.ToArray<double>(), v => Assert.Equal(0.5, v));
        var y = x.Mul(d).Sum();
        y.Backward();
        Assert.All(x.Grad!.ToArray<double>(), v => Assert.Equal(0.5, v));
        using (GradMode.NoGrad())
        {
            Assert.False(GradMode.IsEnabled);
            using (GradMode.NoGrad()) Assert.False(x.Exp().RequiresGrad);
            Assert.False(GradMode.IsEnabled);
        }
        Assert.True(GradMode.IsEnabled);
        x.Dispose();
    }

    [Fact]
    public void GradThroughDTypeConversion()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.FromArray(new double[] { 1, 2 });
        x.RequiresGrad = true;
        var y = x.To(DType.Float32).Mul(Tensor.FromArray(new float[] { 3, 4 })).Sum();
        Assert.Equal(DType.Float32, y.DType);
        y.Backward();
        Assert.Equal(DType.Float64, x.Grad!.DType);
        Assert.Equal(new double[] { 3, 4 }, x.Grad.ToArray<double>());
        // Mixed-dtype arithmetic promotes (float32 + float64 -> float64) and routes gradients to both.
        AssertGrad(t => t[0].Add(Tensor.FromArray(new float[] { 1, 2, 3 })).Mul(Tensor.Scalar(2, DType.Int32)), Leaf(2, 3));
        x.Grad.Dispose();
    }

    [Fact]
    public void GradientsHaveTheDTypeOfTheirInput()
    {
        // float32 op float64 promotes to float64, but each input's gradient must come back in its own dtype
        // (an optimizer adds it in place to the parameter).
        using var scope = Tensor.Scope();
        var w = Tensor.FromArray(new float[] { 1, 2 });
        w.RequiresGrad = true;
        var d = Tensor.FromArray(new double[] { 3, 4 });
        d.RequiresGrad = true;
        var y = w.Mul(d).Add(Tensor.Where(Tensor.FromArray(new[] { true, false }), w, d)).Sum();
        Assert.Equal(DType.Float64, y.DType);
        y.Backward();
        Assert.Equal(DType.Float32, w.Grad!.DType);
        Assert.Equal(new float[] { 4, 4 }, w.Grad.ToArray<float>());
        Assert.Equal(DType.Float64, d.Grad!.DType);
        Assert.Equal(new double[] { 1, 3 }, d.Grad.ToArray<double>());
        using (GradMode.NoGrad()) w.AddInPlace(w.Grad, -0.5);
        Assert.Equal(new float[] { -1, 0 }, w.ToArray<float>());
        w.Grad.Dispose();
        d.Grad.Dispose();
    }

    [Fact]
    public void ScalarAndRankZeroOps()
    {
        using var scope = Tensor.Scope();
        var s = Tensor.Scalar(3, DType.Float64);
        Assert.Equal(3, s.Sum().Item());
        Assert.Equal(0, s.Sum().Rank);
        Assert.Equal(3, s.Max().Item());
        Assert.Equal(new[] { 1 }, s.Reshape(1).Shape.ToArray());
        Assert.Equal(new[] { 1 }, s.Flatten().Shape.ToArray());
        Assert.Equal(new[] { 2, 2 }, s.Expand(2, 2).Shape.ToArray());
        Assert.Equal(new double[] { 4, 5 }, s.Add(Tensor.FromArray(new double[] { 1, 2 })).ToArray<double>());
        var a = Leaf(3, 4);
        var b = Leaf(4, Array.Empty<int>());
        AssertGrad(t => t[0].Mul(t[1]).Add(t[1].Exp()), a, b);
        AssertGrad(t => t[0].Sum().Mul(t[1]), a, b);
    }

    [Fact]
    public void EmptyTensors()
    {
        using var scope = Tensor.Scope();
        var e = Tensor.Zeros(0, 3);
        Assert.Equal(0, e.Numel);
        Assert.True(e.IsContiguous);
        Assert.True(Tensor.Zeros(3, 0, 2).IsContiguous);
        Assert.Same(e, e.Contiguous());
        Assert.Equal(new[] { 3 }, e.Sum(0).Shape.ToArray());
        Assert.Equal(new float[] { 0, 0, 0 }, e.Sum(0).ToArray<float>());
        Assert.All(e.Mean(0).ToArray<float>(), v => Assert.True(float.IsNaN(v)));
        Assert.Equal(new[] { 0 }, e.Sum(1).Shape.ToArray());
        Assert.Equal(0, e.Add(Tensor.Ones(3)).Numel);
        Assert.Equal(new[] { 3, 0 }, e.T.Shape.ToArray());
        Assert.Equal(new[] { 0 }, e.Reshape(-1, 3).Select(1, 0).Shape.ToArray());
        Assert.Throws<ArgumentException>(() => e.Max());
        Assert.Equal(new[] { 2, 0 }, Tensor.Zeros(2, 3).Matmul(Tensor.Zeros(3, 0)).Shape.ToArray());
        Assert.Equal(new float[] { 0, 0, 0, 0 }, Tensor.Zeros(2, 0).Matmul(Tensor.Zeros(0, 2)).ToArray<float>());
    }

    [Fact]
    public void ExpandedTensorsCannotBeViewedButCanBeReshaped()
    {
        using var scope = Tensor.Scope();
        var e = Tensor.FromArray(new float[] { 1, 2, 3 }).Expand(2, 3);
        var ex = Assert.Throws<InvalidOperationException>(() => e.View(6));
        Assert.Contains("[2, 3]", ex.Message);
        Assert.Equal(new float[] { 1, 2, 3, 1, 2, 3 }, e.Reshape(6).ToArray<float>());
        Assert.Equal(new float[] { 1, 2, 3, 1, 2, 3 }, e.Unsqueeze(0).View(1, 2, 3).ToArray<float>());
    }
}
