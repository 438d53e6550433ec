using Strata;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Core;

public class SmokeTests
{
    [Fact]
    public void AddBroadcastsAndMatchesHandValues()
    {
        using var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        using var b = Tensor.FromArray(new float[] { 10, 20, 30 }, 3);
        using var c = a + b;
        Assert.Equal(new[] { 2, 3 }, c.Shape.ToArray());
        Assert.Equal(new float[] { 11, 22, 33, 14, 25, 36 }, c.ToArray<float>());
    }

    [Fact]
    public void MatmulMatchesHandValues()
    {
        using var a = Tensor.FromArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3);
        using var b = Tensor.FromArray(new float[] { 1, 0, 0, 1, 1, 1 }, 3, 2);
        using var c = a.Matmul(b);
        Assert.Equal(new float[] { 4, 5, 10, 11 }, c.ToArray<float>());
    }

    [Fact]
    public void GradCheckBroadcastMulAndMatmul()
    {
        var a = Leaf(1, 3, 4);
        var b = Leaf(2, 4);
        var w = Leaf(3, 4, 2);
        AssertGrad(x => x[0].Mul(x[1]).Matmul(x[2]).Tanh(), a, b, w);
    }

    [Fact]
    public void ToStringLooksLikePyTorch()
    {
        using var a = Tensor.FromArray(new float[] { 1.5f, -2, 3, 4 }, 2, 2);
        Assert.Equal("tensor([[ 1.5000, -2.0000],\n        [ 3.0000,  4.0000]])", a.ToString());
    }
}

public class CompositeOpGraphTests
{
    // Composite ops release their intermediates only when no graph needs them.
    [Fact]
    public void GradientsFlowThroughCompositeOps()
    {
        var v = Leaf(5, 4);
        var m = Leaf(6, 4, 3);
        AssertGrad(x => x[0].Matmul(x[1]), v, m);
        AssertGrad(x => x[0].Matmul(x[0]).Reshape(1), v);
        AssertGrad(x => x[0].Var(0).Add(x[0].Std(1).Sum()), m);
        AssertGrad(x => x[1].Select(0, -1).Mul(x[0].Narrow(0, 1, 3)), v, m);
    }
}

public class StaleScopeTests
{
    [Fact]
    public void DisposingAStaleScopeDoesNotCloseANewerOne()
    {
        var first = Tensor.Scope();
        first.Dispose();
        using var second = Tensor.Scope();
        var t = Tensor.Ones(3);
        first.Dispose();
        Assert.False(t.IsDisposed);
        Assert.Same(second, TensorScope.Current);
    }
}
