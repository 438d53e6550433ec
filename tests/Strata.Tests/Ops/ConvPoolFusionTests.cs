using System.Runtime.Intrinsics.X86;
using Strata;
using Strata.Autograd;
using Strata.NN;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Ops;

/// <summary>
/// The direct few-tap convolution and the fused conv + 2x2 max-pool kernels against the unfused ops (float64 conv as
/// the reference for the direct kernel; the float32 unfused ops, whose gradients are checked elsewhere, for the fusion).
/// </summary>
[Collection("GlobalThreads")]
public class ConvPoolFusionTests
{
    private static double[] D(Tensor t) => t.To(DType.Float64).ToDoubleArray();

    [Theory]
    [InlineData(1, 3, 3, 28, 28, 32)] // the seed CNN's conv1
    [InlineData(1, 4, 4, 21, 30, 6)]  // 16 taps, odd sizes, channels not a multiple of 4
    [InlineData(2, 2, 2, 18, 17, 5)]  // two input channels, output rows exactly 16 wide
    public void DirectSmallKConvMatchesFloat64Reference(int c, int kh, int kw, int h, int w, int o)
    {
        using var scope = Tensor.Scope();
        var g = new Generator(3);
        var x = Tensor.Randn(new[] { 3, c, h, w }, g);
        var wt = Tensor.Randn(new[] { o, c, kh, kw }, g);
        var b = Tensor.Randn(new[] { o }, g);
        var y = Functional.Conv2d(x, wt, b);
        var yRef = Functional.Conv2d(x.To(DType.Float64), wt.To(DType.Float64), b.To(DType.Float64));
        AssertClose(yRef.ToDoubleArray(), D(y), 1e-5, 1e-5);
    }

    [Theory]
    [InlineData(1, 3, 3, 28, 28, 32, false)] // the seed CNN's first block: direct kernel, weight gradient from the pooled one
    [InlineData(1, 3, 3, 28, 28, 32, true)]
    [InlineData(1, 4, 4, 20, 23, 6, false)]  // 16 taps (two passes in the weight gradient), odd conv width, channels not a multiple of 4
    [InlineData(2, 2, 2, 19, 40, 7, true)]   // two input channels, odd conv height (its last row is dropped by the pool), a wide row
    [InlineData(32, 3, 3, 13, 13, 64, true)] // the seed CNN's second block: im2col + GEMM tiles pooled in cache
    [InlineData(32, 3, 3, 13, 13, 64, false)]
    [InlineData(3, 3, 3, 12, 17, 5, true)]   // 27 taps, odd conv height and width (narrow planes: one load per row)
    [InlineData(4, 3, 3, 24, 40, 3, false)]  // 36 taps, pooled rows wider than 8 (the general row pooling)
    [InlineData(1, 3, 3, 14, 12, 4, false)]  // few taps but rows under 16 wide: the small-K product, pooled
    [InlineData(1, 3, 3, 130, 130, 2, true)] // direct kernel on an image lowered in column tiles: input gradient from the placed gradient
    [InlineData(1, 3, 3, 131, 129, 2, true)] // the same with odd conv sizes: full-width indices reach the unpooling
    [InlineData(8, 3, 3, 15, 12, 16, true)]  // 72 taps, odd conv height, even width: the GEMM job cropped by one row
    [InlineData(8, 3, 3, 12, 15, 16, false)] // odd conv width: cropped by one column, indices mapped back to the full width
    public void FusedConvMaxPoolMatchesTheUnfusedOps(int c, int kh, int kw, int h, int w, int o, bool inputGrad)
    {
        using var scope = Tensor.Scope();
        var g = new Generator(11);
        var xv = Tensor.Randn(new[] { 5, c, h, w }, g);
        using (GradMode.NoGrad())
        {
            xv.Narrow(2, 0, 3).Fill_(0.0);   // flat regions: ties inside windows
            xv.Narrow(3, 2, 2).Fill_(-1.5);
        }
        var wv = Tensor.Randn(new[] { o, c, kh, kw }, g);
        var bv = Tensor.Randn(new[] { o }, g);
        int ph = (h - kh + 1) / 2, pw = (w - kw + 1) / 2;
        var gy = Tensor.Randn(new[] { 5, o, ph, pw }, g);

        (Tensor y, Tensor gx, Tensor gw, Tensor gb)? Run(bool fused)
        {
            var x = xv.Detach(); x.RequiresGrad = inputGrad;
            var wt = wv.Detach(); wt.RequiresGrad = true;
            var b = bv.Detach(); b.RequiresGrad = true;
            var y = fused ? Functional.TryConv2dMaxPool2x2(x, wt, b) : Functional.MaxPool2d(Functional.Conv2d(x, wt, b), 2);
            if (y is null) return null;
            y.Backward(gy);
            return (y, inputGrad ? x.Grad! : Tensor.Zeros(new[] { 1 }), wt.Grad!, b.Grad!);
        }

        var reference = Run(fused: false)!.Value;
        var f = Run(fused: true);
        Assert.True(f is not null || !Avx512F.IsSupported, "the fused kernel should run this geometry on an AVX-512 machine");
        if (f is not { } got) return;
        Assert.Equal(new Shape(5, o, ph, pw), got.y.Shape);
        // Same FMA order for the conv values, same tie rules for the pool: the outputs are bit-identical.
        Assert.Equal(reference.y.ToArray<float>(), got.y.ToArray<float>());
        AssertClose(D(reference.gx), D(got.gx), 1e-5, 1e-5);
        AssertClose(D(reference.gw), D(got.gw), 1e-4, 1e-4);
        // The bias gradient sums the pooled cells (20K per channel in the largest case) rather than the conv plane with
        // its zeros (82K): float32 sums in another order.
        AssertClose(D(reference.gb), D(got.gb), 1e-4, 1e-4);
    }

    [Theory]
    [InlineData(1, 28)] // direct few-tap kernel
    [InlineData(32, 13)] // im2col + GEMM tiles (narrow planes)
    [InlineData(4, 40)]  // im2col + GEMM tiles (wide rows)
    public void FusedConvMaxPoolPropagatesNaNLikeTheUnfusedOps(int c, int size)
    {
        using var scope = Tensor.Scope();
        var g = new Generator(21);
        var x = Tensor.Randn(new[] { 2, c, size, size }, g);
        var w = Tensor.Randn(new[] { 6, c, 3, 3 }, g);
        using (GradMode.NoGrad()) x.Narrow(2, 5, 1).Narrow(3, 7, 1).Narrow(0, 1, 1).Fill_(double.NaN);
        var fused = Functional.TryConv2dMaxPool2x2(x, w, null);
        Assert.True(fused is not null || !Avx512F.IsSupported);
        if (fused is null) return;
        var unfused = Functional.MaxPool2d(Functional.Conv2d(x, w), 2).ToArray<float>();
        var got = fused.ToArray<float>();
        Assert.Contains(got, float.IsNaN);
        Assert.Equal(unfused, got);
    }

    [Fact]
    public void FusedKernelDeclinesWhatItCannotRun()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.Randn(new[] { 2, 1, 28, 28 }, new Generator(1));
        var w = Tensor.Randn(new[] { 4, 1, 3, 3 }, new Generator(2));
        Assert.Null(Functional.TryConv2dMaxPool2x2(x.To(DType.Float64), w.To(DType.Float64), null)); // float64: unfused ops
        Assert.Null(Functional.TryConv2dMaxPool2x2(x.Narrow(2, 0, 3), w, null));                    // one conv row: nothing to pool
        // 18 taps over a 98x98 output: lowered in column tiles, not whole images, so there is no per-image tile to pool.
        Assert.Null(Functional.TryConv2dMaxPool2x2(Tensor.Randn(new[] { 1, 2, 100, 100 }, new Generator(3)), Tensor.Randn(new[] { 4, 2, 3, 3 }, new Generator(4)), null));
    }

    [Fact]
    public void FusedWeightGradientDoesNotDependOnThreadCount()
    {
        var xs = ConvTests.RandomFloats(5, 13 * 28 * 28);
        var ws = ConvTests.RandomFloats(6, 8 * 9);
        float[] Run(int threads)
        {
            int old = Strata.Backends.Cpu.CpuThreadPool.Threads;
            Strata.Backends.Cpu.CpuThreadPool.Threads = threads;
            try
            {
                using var scope = Tensor.Scope();
                var x = Tensor.FromArray(xs, 13, 1, 28, 28);
                var w = Tensor.FromArray(ws, 8, 1, 3, 3);
                w.RequiresGrad = true;
                var y = Functional.TryConv2dMaxPool2x2(x, w, null) ?? Functional.MaxPool2d(Functional.Conv2d(x, w), 2);
                y.Sum().Backward();
                return y.ToArray<float>().Concat(w.Grad!.ToArray<float>()).ToArray();
            }
            finally { Strata.Backends.Cpu.CpuThreadPool.Threads = old; }
        }
        Assert.Equal(Run(1), Run(3));
    }

    [Fact]
    public void SequentialFusesConvReluPoolAndMatchesLayerByLayer()
    {
        using var scope = Tensor.Scope();
        var g = new Generator(21);
        var conv = new Conv2D(6, 3, inChannels: 1, generator: g);
        var relu = new ReLU();
        var pool = new MaxPool2D(2);
        var model = new Sequential(conv, relu, pool, new Flatten());
        var x = Tensor.Randn(new[] { 4, 1, 20, 20 }, g);
        var gy = Tensor.Randn(new[] { 4, 6 * 9 * 9 }, g);

        var y = model.Invoke(x);
        y.Backward(gy);
        var gwFused = conv.Weight!.Data.Grad!.ToArray<float>().Select(v => (double)v).ToArray();
        var gbFused = conv.Bias!.Data.Grad!.ToArray<float>().Select(v => (double)v).ToArray();
        conv.Weight.Data.Grad = null; conv.Bias.Data.Grad = null;

        var yRef = pool.Invoke(relu.Invoke(conv.Invoke(x))).Reshape(4, -1);
        yRef.Backward(gy);
        Assert.Equal(yRef.ToArray<float>(), y.ToArray<float>());
        AssertClose(conv.Weight.Data.Grad!.ToArray<float>().Select(v => (double)v).ToArray(), gwFused, 1e-4, 1e-4);
        AssertClose(conv.Bias.Data.Grad!.ToArray<float>().Select(v => (double)v).ToArray(), gbFused, 1e-5, 1e-5);
        var summary = model.Summary(1, 20, 20);
        Assert.Contains("(None, 6, 18, 18)", summary);
        Assert.Contains("(None, 6, 9, 9)", summary);
    }

    [Fact]
    public void FusedInferenceWithoutAutogradMatchesLayerByLayerAndReleasesItsIndices()
    {
        var g = new Generator(31);
        var conv = new Conv2D(8, 3, inChannels: 1, generator: g);
        var model = new Sequential(conv, new ReLU(), new MaxPool2D(2));
        model.Eval();
        using var x = Tensor.Randn(new[] { 3, 1, 28, 28 }, g);
        long before = Strata.Backends.Cpu.CpuBufferPool.AllocatedBytes;
        float[] fused = Array.Empty<float>(), reference = Array.Empty<float>();
        for (int i = 0; i < 5; i++)
        {
            using var scope = Tensor.Scope();
            using var noGrad = GradMode.NoGrad();
            fused = model.Invoke(x).ToArray<float>();
            reference = model[2].Invoke(model[1].Invoke(conv.Invoke(x))).ToArray<float>();
            if (i == 0) before = Strata.Backends.Cpu.CpuBufferPool.AllocatedBytes;
        }
        Assert.Equal(reference, fused);
        // Warm calls reuse pooled buffers: nothing (the saved indices included) is left outside the scope.
        Assert.Equal(before, Strata.Backends.Cpu.CpuBufferPool.AllocatedBytes);
    }
}
