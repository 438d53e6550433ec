using Strata;
using Strata.Autograd;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Ops;

public class NormalizationTests
{
    private static Tensor X() => Tensor.FromArray(new double[] { 1, 2, 4, 3, -1, 0 }, 2, 3);

    [Fact]
    public void LayerNormMatchesPyTorch()
    {
        using var x = X();
        // F.layer_norm(torch.tensor([[1.,2.,4.],[3.,-1.,0.]], dtype=torch.float64), [3])
        AssertClose(new[] { -1.069041531450298, -0.2672603828625746, 1.3363019143128718, 1.37281056995105, -0.9805789785364645, -0.3922315914145858 },
            Functional.LayerNorm(x, new[] { 3 }).ToDoubleArray(), 1e-10, 1e-12);
    }

    [Fact]
    public void BatchNormTrainingMatchesPyTorchAndUpdatesRunningStats()
    {
        using var x = X();
        using var rm = Tensor.Zeros(new[] { 3 }, DType.Float64);
        using var rv = Tensor.Ones(new[] { 3 }, DType.Float64);
        // F.batch_norm(x, rm, rv, training=True) with rm = zeros(3), rv = ones(3)
        AssertClose(new[] { -0.9999950000374997, 0.9999977777851852, 0.9999987500023437, 0.9999950000374997, -0.9999977777851852, -0.9999987500023437 },
            Functional.BatchNorm(x, rm, rv, training: true).ToDoubleArray(), 1e-10, 1e-12);
        AssertClose(new[] { 0.2, 0.05, 0.2 }, rm.ToDoubleArray(), 1e-12, 1e-12);
        AssertClose(new[] { 1.1, 1.35, 1.7 }, rv.ToDoubleArray(), 1e-12, 1e-12);
    }

    [Fact]
    public void BatchNormEvalUsesRunningStats()
    {
        using var x = X();
        using var rm = Tensor.FromArray(new double[] { 1, 0, -1 });
        using var rv = Tensor.FromArray(new double[] { 4, 1, 0.25 });
        var y = Functional.BatchNorm(x, rm, rv, training: false, eps: 0).ToDoubleArray();
        AssertClose(new double[] { 0, 2, 10, 1, -1, 2 }, y, 1e-12, 1e-12);
    }

    [Fact]
    public void GradCheckLayerNorm()
    {
        var x = Leaf(1, 2, 3, 4);
        var w = Leaf(2, 4);
        var b = Leaf(3, 4);
        var w34 = Leaf(5, 3, 4);
        AssertGrad(v => Functional.LayerNorm(v[0], new[] { 4 }, v[1], v[2]), x, w, b);
        AssertGrad(v => Functional.LayerNorm(v[0], new[] { 3, 4 }, v[1], null), x, w34);
        var xt = Leaf(4, 4, 3);
        AssertGrad(v => Functional.LayerNorm(v[0].T, new[] { 4 }), xt);
    }

    [Fact]
    public void GradCheckBatchNorm()
    {
        var x = Leaf(1, 4, 3, 2);
        var w = Leaf(2, 3);
        var b = Leaf(3, 3);
        using var rm = Tensor.Zeros(new[] { 3 }, DType.Float64);
        using var rv = Tensor.Ones(new[] { 3 }, DType.Float64);
        AssertGrad(v => Functional.BatchNorm(v[0], null, null, v[1], v[2], training: true), x, w, b);
        AssertGrad(v => Functional.BatchNorm(v[0], rm, rv, v[1], v[2], training: false), x, w, b);
        var x4 = Leaf(5, 2, 3, 2, 2);
        AssertGrad(v => Functional.BatchNorm(v[0].Permute(0, 1, 3, 2), null, null, v[1], v[2], training: true), x4, w, b);
        var x2 = Leaf(4, 3, 5);
        AssertGrad(v => Functional.BatchNorm(v[0].T, rm, rv, training: true), x2);
    }

    [Fact]
    public void FusedLayerNormMatchesComposedOpsOnALargeInput()
    {
        // 512 rows of 256 is above the parallel threshold, so the kernels run in chunks.
        using var scope = Tensor.Scope();
        var x = Tensor.Randn(new[] { 512, 256 }, new Generator(1), DType.Float64);
        var w = Tensor.Randn(new[] { 256 }, new Generator(2), DType.Float64);
        var b = Tensor.Randn(new[] { 256 }, new Generator(3), DType.Float64);
        var up = Tensor.Randn(new[] { 512, 256 }, new Generator(4), DType.Float64);
        foreach (var t in new[] { x, w, b }) t.RequiresGrad = true;
        Functional.LayerNorm(x, new[] { 256 }, w, b).Mul(up).Sum().Backward();
        var grads = new[] { x.Grad!.ToDoubleArray(), w.Grad!.ToDoubleArray(), b.Grad!.ToDoubleArray() };
        foreach (var t in new[] { x, w, b }) t.Grad = null;
        var mean = x.Mean(1, keepDim: true);
        var xc = x.Sub(mean);
        var composed = xc.Mul(xc.Square().Mean(1, keepDim: true).Add(1e-5).Rsqrt()).Mul(w).Add(b);
        AssertClose(composed.ToDoubleArray(), Functional.LayerNorm(x, new[] { 256 }, w, b).ToDoubleArray(), 1e-10, 1e-12);
        composed.Mul(up).Sum().Backward();
        AssertClose(x.Grad!.ToDoubleArray(), grads[0], 1e-9, 1e-10);
        AssertClose(w.Grad!.ToDoubleArray(), grads[1], 1e-9, 1e-10);
        AssertClose(b.Grad!.ToDoubleArray(), grads[2], 1e-9, 1e-10);
        foreach (var t in new[] { x, w, b }) t.Grad = null;
    }

    [Fact]
    public void NormalizationShapeErrorsNameOpAndShapes()
    {
        using var x = X();
        var e = Assert.ThrowsAny<ArgumentException>(() => Functional.LayerNorm(x, new[] { 2 }));
        Assert.Contains("layer_norm", e.Message);
        Assert.Contains("[2, 3]", e.Message);
        using var w = Tensor.Ones(new[] { 4 }, DType.Float64);
        e = Assert.ThrowsAny<ArgumentException>(() => Functional.BatchNorm(x, null, null, w, training: true));
        Assert.Contains("batch_norm", e.Message);
        Assert.Contains("[4]", e.Message);
        Assert.Contains("[2, 3]", e.Message);
    }

    [Fact]
    public void DropoutIsSeededInvertedAndIdentityWhenOff()
    {
        using var x = Tensor.Ones(new[] { 1000 }, DType.Float64);
        Assert.Same(x, Functional.Dropout(x, 0.3, training: false));
        Assert.Same(x, Functional.Dropout(x, 0.0));
        var a = Functional.Dropout(x, 0.25, true, new Generator(42)).ToDoubleArray();
        var b = Functional.Dropout(x, 0.25, true, new Generator(42)).ToDoubleArray();
        Assert.Equal(a, b);
        Assert.All(a, v => Assert.True(v == 0 || Math.Abs(v - 1 / 0.75) < 1e-12));
        int zeros = a.Count(v => v == 0);
        Assert.InRange(zeros, 180, 320);
        Assert.All(Functional.Dropout(x, 1.0).ToDoubleArray(), v => Assert.Equal(0, v));
        Assert.ThrowsAny<ArgumentException>(() => Functional.Dropout(x, 1.5));
    }

    [Fact]
    public void GradCheckDropout()
    {
        var x = Leaf(1, 3, 4);
        // A fresh generator per call keeps the mask fixed across the finite-difference evaluations.
        AssertGrad(v => Functional.Dropout(v[0].T, 0.4, true, new Generator(9)), x);
    }
}
