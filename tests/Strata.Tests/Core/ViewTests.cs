using Strata;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Core;

/// <summary>View ops: hand-checked values, shared memory, and gradients through each view.</summary>
public class ViewTests
{
    private static Tensor Iota(params int[] shape)
    {
        int n = 1;
        foreach (var d in shape) n *= d;
        var v = new float[n];
        for (int i = 0; i < n; i++) v[i] = i;
        return Tensor.FromArray(v, shape);
    }

    [Fact]
    public void ReshapeAndViewInferMinusOne()
    {
        using var scope = Tensor.Scope();
        var x = Iota(2, 3, 4);
        var r = x.Reshape(4, -1);
        Assert.Equal(new[] { 4, 6 }, r.Shape.ToArray());
        Assert.Equal(x.ToArray<float>(), r.ToArray<float>());
        var v = x.View(-1, 2);
        Assert.Equal(new[] { 12, 2 }, v.Shape.ToArray());
        Assert.Equal(new[] { 2, 1 }, v.Strides);
        Assert.Equal(new[] { 24 }, x.Reshape(-1).Shape.ToArray());
        Assert.Equal(Array.Empty<int>(), Tensor.Scalar(3).Reshape().Shape.ToArray());
        Assert.Throws<ArgumentException>(() => x.Reshape(-1, -1));
        Assert.Throws<ArgumentException>(() => x.Reshape(5, -1));
    }

    [Fact]
    public void ViewOfNonContiguousFailsClearlyWhileReshapeCopies()
    {
        using var scope = Tensor.Scope();
        var x = Iota(2, 3);
        var t = x.T; // [3,2], strides [1,3]
        Assert.False(t.IsContiguous);
        var ex = Assert.Throws<InvalidOperationException>(() => t.View(6));
        Assert.Contains("view", ex.Message);
        Assert.Contains("[3, 2]", ex.Message);
        Assert.Contains("Reshape()", ex.Message);
        var r = t.Reshape(6);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, r.ToArray<float>());
        // The reshape made a copy: writing to it leaves x alone.
        r.Fill_(-1);
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, x.ToArray<float>());
        // A non-contiguous layout that can still be viewed: splitting a transposed dim.
        var y = Iota(4, 6).T; // [6,4]
        var split = y.View(2, 3, 4);
        Assert.Equal(y.ToArray<float>(), split.ToArray<float>());
    }

    [Fact]
    public void TransposeAndPermuteValues()
    {
        using var scope = Tensor.Scope();
        var x = Iota(2, 3, 4);
        var p = x.Permute(2, 0, 1);
        Assert.Equal(new[] { 4, 2, 3 }, p.Shape.ToArray());
        var pv = p.ToArray<float>();
        for (int a = 0; a < 4; a++)
            for (int b = 0; b < 2; b++)
                for (int c = 0; c < 3; c++)
                    Assert.Equal(b * 12 + c * 4 + a, pv[a * 6 + b * 3 + c]);
        var t = x.Transpose(0, -1);
        Assert.Equal(new[] { 4, 3, 2 }, t.Shape.ToArray());
        Assert.Equal(new float[] { 0, 12, 4, 16, 8, 20 }, t.Select(0, 0).ToArray<float>());
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, Iota(2, 3).T.ToArray<float>());
        Assert.Throws<ArgumentException>(() => x.Permute(0, 0, 1));
    }

    [Fact]
    public void NarrowSliceSelectWithNegativeIndicesAndSteps()
    {
        using var scope = Tensor.Scope();
        var x = Iota(3, 5);
        Assert.Equal(new float[] { 1, 2, 6, 7, 11, 12 }, x.Narrow(1, 1, 2).ToArray<float>());
        Assert.Equal(new float[] { 3, 4, 8, 9, 13, 14 }, x.Narrow(-1, -2, 2).ToArray<float>());
        Assert.Equal(new float[] { 0, 2, 4, 10, 12, 14 }, x.Slice(1, 0, 5, 2).Slice(0, 0, 3, 2).ToArray<float>());
        Assert.Equal(new float[] { 1, 3, 6, 8, 11, 13 }, x.Slice(1, -4, -1, 2).ToArray<float>());
        Assert.Equal(new float[] { 10, 11, 12, 13, 14 }, x.Select(0, -1).ToArray<float>());
        Assert.Equal(new float[] { 2, 7, 12 }, x.Select(1, 2).ToArray<float>());
        Assert.Equal(new[] { 3 }, x.Select(1, -3).Shape.ToArray());
        Assert.Equal(0, x.Slice(1, 4, 2).Size(1)); // empty slice
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Select(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Narrow(1, 4, 2));
    }

    [Fact]
    public void ExpandSqueezeUnsqueezeFlattenContiguous()
    {
        using var scope = Tensor.Scope();
        var c = Iota(3, 1);
        var e = c.Expand(2, -1, 4);
        Assert.Equal(new[] { 2, 3, 4 }, e.Shape.ToArray());
        Assert.Equal(new[] { 0, 1, 0 }, e.Strides);
        var ev = e.ToArray<float>();
        for (int i = 0; i < 24; i++) Assert.Equal((i / 4) % 3, ev[i]);
        var b = Iota(4).BroadcastTo(2, 4);
        Assert.Equal(new float[] { 0, 1, 2, 3, 0, 1, 2, 3 }, b.ToArray<float>());
        Assert.Throws<ArgumentException>(() => Iota(3).BroadcastTo(2, 4));

        var u = Iota(2, 3).Unsqueeze(1).Unsqueeze(-1);
        Assert.Equal(new[] { 2, 1, 3, 1 }, u.Shape.ToArray());
        Assert.Equal(new[] { 2, 3 }, u.Squeeze().Shape.ToArray());
        Assert.Equal(new[] { 2, 3, 1 }, u.Squeeze(1).Shape.ToArray());
        Assert.Equal(new[] { 2, 1, 3, 1 }, u.Squeeze(0).Shape.ToArray()); // size 2: unchanged, as PyTorch
        Assert.Equal(new[] { 2, 12 }, Iota(2, 3, 4).Flatten(1).Shape.ToArray());
        Assert.Equal(new[] { 6, 4 }, Iota(2, 3, 4).Flatten(0, 1).Shape.ToArray());
        Assert.Equal(new[] { 24 }, Iota(2, 3, 4).Flatten().Shape.ToArray());

        var t = Iota(2, 3).T;
        var ct = t.Contiguous();
        Assert.True(ct.IsContiguous);
        Assert.Equal(new[] { 2, 1 }, ct.Strides);
        Assert.Equal(new float[] { 0, 3, 1, 4, 2, 5 }, ct.ToArray<float>());
        var x = Iota(2, 2);
        Assert.Same(x, x.Contiguous());
    }

    [Fact]
    public void ViewsShareMemoryWithTheirBase()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.Zeros(3, 4);
        x.Select(0, 1).CopyFrom(Tensor.FromArray(new float[] { 1, 2, 3, 4 }));
        x.Slice(1, 0, 4, 3).Fill_(9);                   // columns 0 and 3
        x.T.Select(0, 2).Narrow(0, -1, 1).Fill_(7);     // element [2, 2]
        x.View(12).Narrow(0, 8, 2).CopyFrom(Tensor.Scalar(5));
        x.Unsqueeze(0).Permute(2, 1, 0).Select(0, 1).Select(0, 0).Fill_(-3); // element [0, 1]
        Assert.Equal(new float[] { 9, -3, 0, 9, 9, 2, 3, 9, 5, 5, 7, 9 }, x.ToArray<float>());
    }

    // Gradients through every view op, float64, including views of views and non-contiguous inputs.
    [Fact]
    public void GradThroughReshapeAndView()
    {
        var a = Leaf(1, 2, 3, 4);
        AssertGrad(x => x[0].Reshape(4, -1).Mul(x[0].View(6, 4).Reshape(4, 6)), a);
        AssertGrad(x => x[0].Transpose(0, 2).Reshape(-1, 3).Square(), a); // reshape of non-contiguous copies
        AssertGrad(x => x[0].Flatten(1).Exp(), a);
    }

    [Fact]
    public void GradThroughPermuteTranspose()
    {
        var a = Leaf(2, 2, 3, 4);
        AssertGrad(x => x[0].Permute(1, 2, 0).Mul(Tensor.Arange(0, 2, 1, DType.Float64)), a);
        AssertGrad(x => x[0].Transpose(-1, -2).Matmul(x[0].Select(0, 1)), a);
    }

    [Fact]
    public void GradThroughSlicingAndSelect()
    {
        var a = Leaf(3, 5, 6);
        AssertGrad(x => x[0].Slice(1, -5, -1, 2).Square(), a);
        AssertGrad(x => x[0].Narrow(0, 1, 3).Mul(x[0].Narrow(0, -3, 3)), a); // overlapping slices accumulate
        AssertGrad(x => x[0].Select(1, -1).Exp().Add(x[0].Select(0, 2).Narrow(0, 0, 5)), a);
        AssertGrad(x => x[0].T.Slice(0, 1, 6, 3).Slice(1, 0, 5, 2).Tanh(), a);
    }

    [Fact]
    public void GradThroughExpandSqueezeUnsqueeze()
    {
        var a = Leaf(4, 3, 1);
        var b = Leaf(5, 4);
        AssertGrad(x => x[0].Expand(2, 3, 4).Mul(x[1]), a, b);
        AssertGrad(x => x[1].BroadcastTo(3, 4).Mul(x[0].Squeeze(1).Unsqueeze(-1)), a, b);
        AssertGrad(x => x[0].Unsqueeze(0).Squeeze().Exp(), a);
        AssertGrad(x => x[0].T.Contiguous().Square(), a);
    }
}
