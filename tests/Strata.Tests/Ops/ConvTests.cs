using Strata;
using Xunit;
using static Strata.Tests.TestUtil;

namespace Strata.Tests.Ops;

public class ConvTests
{
    // Deterministic values shared with the PyTorch snippets in the comments: v(n)[i] = ((i*7) % 11 - 5) / 4.
    internal static double[] V(int n) => Enumerable.Range(0, n).Select(i => ((i * 7) % 11 - 5) / 4.0).ToArray();

    internal static float[] RandomFloats(int seed, int n)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>Direct seven-loop convolution with grads, accumulating in double: an independent reference for the GEMM path.</summary>
    internal static (double[] y, int oh, int ow) NaiveConv2d(float[] x, int n, int c, int h, int w, float[] wt, int o, int kh, int kw, float[]? b,
        int sh, int sw, int ph, int pw, int dh, int dw, int groups, float[]? gy = null, double[]? gx = null, double[]? gwt = null)
    {
        int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        int cg = c / groups, og = o / groups;
        var y = new double[n * o * oh * ow];
        for (int ni = 0; ni < n; ni++)
            for (int oi = 0; oi < o; oi++)
                for (int yh = 0; yh < oh; yh++)
                    for (int yw = 0; yw < ow; yw++)
                    {
                        int yi = ((ni * o + oi) * oh + yh) * ow + yw;
                        double acc = b?[oi] ?? 0;
                        int g = oi / og;
                        for (int ci = 0; ci < cg; ci++)
                            for (int i = 0; i < kh; i++)
                                for (int k = 0; k < kw; k++)
                                {
                                    int ih = yh * sh - ph + i * dh, iw = yw * sw - pw + k * dw;
                                    if (ih < 0 || ih >= h || iw < 0 || iw >= w) continue;
                                    int xi = ((ni * c + g * cg + ci) * h + ih) * w + iw;
                                    int wi = ((oi * cg + ci) * kh + i) * kw + k;
                                    acc += (double)x[xi] * wt[wi];
                                    if (gy != null)
                                    {
                                        gx![xi] += (double)gy[yi] * wt[wi];
                                        gwt![wi] += (double)gy[yi] * x[xi];
                                    }
                                }
                        y[yi] = acc;
                    }
        return (y, oh, ow);
    }

    [Theory]
    [InlineData(2, 3, 17, 17, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, true)]
    [InlineData(2, 3, 17, 17, 5, 1, 1, 1, 1, 0, 0, 1, 1, 1, true)]
    [InlineData(2, 3, 17, 17, 5, 1, 1, 3, 2, 0, 0, 1, 1, 1, false)]
    [InlineData(2, 4, 17, 13, 6, 3, 2, 3, 2, 1, 0, 2, 1, 2, false)]
    [InlineData(3, 6, 9, 11, 4, 1, 1, 2, 2, 0, 0, 1, 1, 2, true)]
    [InlineData(1, 6, 10, 9, 6, 5, 3, 1, 3, 2, 1, 1, 2, 3, true)]
    [InlineData(2, 64, 20, 20, 4, 5, 5, 1, 1, 2, 2, 1, 1, 1, true)] // K = 1600: several column tiles per image
    [InlineData(2, 20, 30, 30, 6, 3, 3, 1, 1, 0, 0, 1, 1, 1, true)] // unpadded, too large to group: panels from the image
    [InlineData(2, 32, 40, 30, 4, 3, 3, 2, 1, 1, 1, 1, 1, 1, true)] // too large to group, row stride 2: tiles by runs
    [InlineData(1, 16, 1000, 3, 4, 3, 3, 1, 1, 0, 0, 1, 1, 1, true)] // one output column: runs of a single element
    [InlineData(5, 1, 28, 28, 8, 3, 3, 1, 1, 0, 0, 1, 1, 1, true)] // seed CNN conv1: small-K kernels
    [InlineData(20, 32, 13, 13, 16, 3, 3, 1, 1, 0, 0, 1, 1, 1, true)] // seed CNN conv2: 3 images per GEMM, last group partial
    [InlineData(1, 32, 13, 13, 64, 3, 3, 1, 1, 0, 0, 1, 1, 1, true)] // seed CNN conv2 on one image: GEMMs kept on the calling thread
    [InlineData(3, 4, 9, 10, 4, 2, 2, 2, 1, 1, 1, 1, 1, 2, true)] // small K with groups, stride and padding
    [InlineData(9, 6, 7, 8, 6, 3, 3, 1, 1, 2, 1, 2, 1, 3, false)] // grouped images with groups, dilation, padding
    [InlineData(6, 5, 11, 11, 7, 3, 3, 2, 2, 1, 1, 1, 1, 1, true)] // grouped images, stride 2 (no row copies)
    [InlineData(4, 3, 10, 12, 5, 3, 3, 1, 1, 1, 1, 1, 1, 1, true)] // narrow rows with "same" padding: one-register col2im
    [InlineData(2, 4, 9, 14, 6, 3, 5, 1, 1, 0, 2, 1, 1, 2, false)] // narrow rows, 5-wide kernel, column padding only, groups
    public void Conv2dFloat32MatchesDirectLoop(int n, int c, int h, int w, int o, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, int groups, bool withBias)
    {
        var xs = RandomFloats(1, n * c * h * w);
        var ws = RandomFloats(2, o * (c / groups) * kh * kw);
        var bs = withBias ? RandomFloats(3, o) : null;
        var gys = RandomFloats(4, n * o * h * w * 4);
        var gxRef = new double[xs.Length];
        var gwRef = new double[ws.Length];
        var (yRef, oh, ow) = NaiveConv2d(xs, n, c, h, w, ws, o, kh, kw, bs, sh, sw, ph, pw, dh, dw, groups, gys, gxRef, gwRef);

        using var scope = Tensor.Scope();
        var x = Tensor.FromArray(xs, n, c, h, w);
        var wt = Tensor.FromArray(ws, o, c / groups, kh, kw);
        var b = bs == null ? null : Tensor.FromArray(bs, o);
        x.RequiresGrad = true;
        wt.RequiresGrad = true;
        var y = Functional.Conv2d(x, wt, b, (sh, sw), (ph, pw), (dh, dw), groups);
        Assert.Equal(new[] { n, o, oh, ow }, y.Shape.ToArray());
        AssertClose(yRef, y.ToArray<float>().Select(v => (double)v).ToArray(), 1e-4, 1e-4);

        var gy = Tensor.FromArray(gys.Take(n * o * oh * ow).ToArray(), n, o, oh, ow);
        y.Backward(gy);
        AssertClose(gxRef, x.Grad!.ToArray<float>().Select(v => (double)v).ToArray(), 1e-4, 1e-4);
        AssertClose(gwRef, wt.Grad!.ToArray<float>().Select(v => (double)v).ToArray(), 1e-4, 1e-3);
    }

    [Fact]
    public void Conv2dReadsNonContiguousInput()
    {
        const int n = 2, c = 3, h = 7, w = 6, o = 4;
        var xs = RandomFloats(5, n * c * h * w);
        var ws = RandomFloats(6, o * c * 9);
        var (yRef, _, _) = NaiveConv2d(xs, n, c, h, w, ws, o, 3, 3, null, 2, 1, 1, 1, 1, 1, 1);
        using var scope = Tensor.Scope();
        // Lay x out as [N, H, W, C] in memory and permute back, so the kernel sees a channels-last stride pattern.
        var nhwc = Tensor.FromArray(xs, n, c, h, w).Permute(0, 2, 3, 1).Contiguous();
        var x = nhwc.Permute(0, 3, 1, 2);
        Assert.False(x.IsContiguous);
        var y = Functional.Conv2d(x, Tensor.FromArray(ws, o, c, 3, 3), null, (2, 1), 1);
        AssertClose(yRef, y.ToArray<float>().Select(v => (double)v).ToArray(), 1e-4, 1e-4);
    }

    [Fact]
    public void Conv2dResultsDoNotDependOnThreadCount()
    {
        var xs = RandomFloats(7, 4 * 8 * 12 * 12);
        var ws = RandomFloats(8, 8 * 4 * 9);
        float[] Run(int threads)
        {
            int old = Strata.Backends.Cpu.CpuThreadPool.Threads;
            Strata.Backends.Cpu.CpuThreadPool.Threads = threads;
            try
            {
                using var scope = Tensor.Scope();
                var x = Tensor.FromArray(xs, 4, 8, 12, 12);
                var w = Tensor.FromArray(ws, 8, 4, 3, 3);
                x.RequiresGrad = w.RequiresGrad = true;
                var y = Functional.Conv2d(x, w, null, 1, 1, 1, groups: 2);
                y.Sum().Backward();
                return y.ToArray<float>().Concat(x.Grad!.ToArray<float>()).Concat(w.Grad!.ToArray<float>()).ToArray();
            }
            finally { Strata.Backends.Cpu.CpuThreadPool.Threads = old; }
        }
        Assert.Equal(Run(1), Run(4));
    }

    [Theory]
    [InlineData(1, 28, 8)] // small-K kernels, one image per task
    [InlineData(32, 13, 16)] // several images per GEMM
    public void Conv2dFastPathsDoNotDependOnThreadCount(int c, int hw, int o)
    {
        const int n = 11;
        var xs = RandomFloats(17, n * c * hw * hw);
        var ws = RandomFloats(18, o * c * 9);
        var bs = RandomFloats(19, o);
        float[] Run(int threads)
        {
            int old = Strata.Backends.Cpu.CpuThreadPool.Threads;
            Strata.Backends.Cpu.CpuThreadPool.Threads = threads;
            try
            {
                using var scope = Tensor.Scope();
                var x = Tensor.FromArray(xs, n, c, hw, hw);
                var w = Tensor.FromArray(ws, o, c, 3, 3);
                var b = Tensor.FromArray(bs, o);
                x.RequiresGrad = w.RequiresGrad = true;
                var y = Functional.Conv2d(x, w, b);
                (y * y).Sum().Backward();
                return y.ToArray<float>().Concat(x.Grad!.ToArray<float>()).Concat(w.Grad!.ToArray<float>()).ToArray();
            }
            finally { Strata.Backends.Cpu.CpuThreadPool.Threads = old; }
        }
        var one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(3));
    }

    [Fact]
    public void GradConv2dSmallKAndImageGroups()
    {
        using var scope = Tensor.Scope();
        // K = 9: the small-K forward and weight-gradient kernels.
        AssertGrad(t => Functional.Conv2d(t[0], t[1], t[2]), Leaf(21, 3, 1, 6, 7), Leaf(22, 4, 1, 3, 3), Leaf(23, 4));
        // K = 18: all four images folded into one GEMM, with padding.
        AssertGrad(t => Functional.Conv2d(t[0], t[1], t[2], padding: 1), Leaf(24, 4, 2, 5, 4), Leaf(25, 3, 2, 3, 3), Leaf(26, 3));
    }

    [Fact]
    public void GradConv2dStride2Padding1()
    {
        using var scope = Tensor.Scope();
        AssertGrad(t => Functional.Conv2d(t[0], t[1], t[2], stride: 2, padding: 1), Leaf(1, 2, 3, 5, 5), Leaf(2, 4, 3, 3, 3), Leaf(3, 4));
    }

    [Fact]
    public void GradConv2dDilation2AsymmetricStride()
    {
        using var scope = Tensor.Scope();
        AssertGrad(t => Functional.Conv2d(t[0], t[1], t[2], stride: (1, 2), padding: (1, 2), dilation: 2), Leaf(4, 1, 2, 6, 5), Leaf(5, 3, 2, 2, 3), Leaf(6, 3));
    }

    [Fact]
    public void GradConv2dGroups2NoBias()
    {
        using var scope = Tensor.Scope();
        AssertGrad(t => Functional.Conv2d(t[0], t[1], null, padding: 1, groups: 2), Leaf(7, 2, 4, 4, 4), Leaf(8, 6, 2, 3, 3));
    }

    [Fact]
    public void GradConv2dNonContiguousInputAnd1x1()
    {
        using var scope = Tensor.Scope();
        // x is stored as [N, H, W, C]; the permuted view is what the convolution sees.
        AssertGrad(t => Functional.Conv2d(t[0].Permute(0, 3, 1, 2), t[1], t[2], stride: 1, padding: 1, dilation: 2), Leaf(9, 2, 4, 5, 3), Leaf(10, 2, 3, 2, 2), Leaf(11, 2));
        AssertGrad(t => Functional.Conv2d(t[0].Permute(0, 3, 1, 2), t[1], t[2]), Leaf(12, 2, 3, 4, 3), Leaf(13, 4, 3, 1, 1), Leaf(14, 4));
    }

    [Fact]
    public void Conv1dMatchesPyTorch()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.FromArray(V(12), 1, 2, 6);
        var w = Tensor.FromArray(V(12), 3, 2, 2);
        // F.conv1d(v(12).reshape(1,2,6), v(12).reshape(3,2,2), None, stride=2, padding=1, dilation=2)
        var expected = new[] { 0.25, 0.9375, -3.875, -0.375, -0.8125, 1.625, 0.375, -0.5, -0.4375 };
        var y = Functional.Conv1d(x, w, null, stride: 2, padding: 1, dilation: 2);
        Assert.Equal(new[] { 1, 3, 3 }, y.Shape.ToArray());
        AssertClose(expected, y.ToDoubleArray(), 1e-12, 1e-12);
    }

    [Fact]
    public void GradConv1d()
    {
        using var scope = Tensor.Scope();
        AssertGrad(t => Functional.Conv1d(t[0], t[1], t[2], stride: 2, padding: 1, dilation: 2), Leaf(15, 2, 3, 9), Leaf(16, 4, 3, 3), Leaf(17, 4));
        AssertGrad(t => Functional.Conv1d(t[0].Transpose(1, 2), t[1], null, padding: 1, groups: 2), Leaf(18, 2, 6, 4), Leaf(19, 2, 2, 3));
    }

    [Fact]
    public void ConvTranspose2dMatchesPyTorch()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.FromArray(V(36), 1, 4, 3, 3);
        var w = Tensor.FromArray(V(72).Reverse().ToArray(), 4, 2, 3, 3);
        var b = Tensor.FromArray(new[] { 0.5, -1, 0.25, 2 }, 4);
        // F.conv_transpose2d(v(36).reshape(1,4,3,3), v(72).flip(0).reshape(4,2,3,3), tensor([.5,-1,.25,2.]),
        //                    stride=2, padding=1, output_padding=1, groups=2)
        var expected = new[] { -0.6875, 1.75, 0.9375, -1.1875, 1.1875, 0.8125, -1.0, 2.6875, 1.5625, 0.25, -0.6875, -0.5625, 0.75, -1.5625, 1.0, 1.6875, -0.8125, 1.75, 1.1875, -0.5, 1.6875, 3.25, -1.9375, 0.625, 0.8125, -1.4375, 1.0625, 1.8125, -0.75, 2.0, 1.125, -1.3125, 0.875, 1.625, -0.75, 2.0, -2.5625, 0.75, -0.375, -0.375, -1.625, -2.0, 1.875, 0.75, -1.3125, -2.875, -1.75, -0.9375, 0.5625, -0.5625, -0.6875, -3.0625, -1.9375, 0.625, -1.5, 0.1875, -1.25, -4.8125, -1.0, 2.25, 0.25, -0.5, -1.0, -3.0, -2.25, 0.5, -2.1875, -0.375, -1.1875, -3.1875, 0.5, 0.5, 0.625, 1.375, -1.0, 1.5625, 0.8125, -0.5, 1.0625, -0.125, -2.1875, 3.0, 1.4375, -1.0, 0.5625, 1.25, -1.0625, 1.4375, 0.75, -0.375, 0.9375, -1.0625, -0.9375, 0.0, 1.3125, -0.75, 0.5, 0.4375, 0.9375, -1.4375, 0.6875, -0.25, 0.0625, -0.9375, 1.375, 0.3125, 0.625, -0.3125, 1.8125, -0.1875, 3.5, 3.875, 1.0625, 1.8125, 1.3125, -0.25, 1.9375, 3.0625, 1.875, 1.5, 2.0625, -0.375, 3.75, 3.6875, 1.3125, 1.5625, 1.125, 0.75, 5.1875, 2.0, 1.6875, 1.6875, 2.3125, 0.8125, 0.5625, 2.8125, 1.5625, 1.3125, 1.875, 4.25, 1.0, 1.8125, 1.5, 2.625 };
        var y = Functional.ConvTranspose2d(x, w, b, stride: 2, padding: 1, outputPadding: 1, groups: 2);
        Assert.Equal(new[] { 1, 4, 6, 6 }, y.Shape.ToArray());
        AssertClose(expected, y.ToDoubleArray(), 1e-12, 1e-12);
    }

    [Fact]
    public void ConvTranspose2dIsTheInputGradientOfConv2d()
    {
        // <conv2d(x, w), u> = <x, conv_transpose2d(u, w)> for the same stride/padding/dilation/groups.
        using var scope = Tensor.Scope();
        var x = Leaf(20, 2, 4, 7, 6);
        var w = Leaf(21, 6, 2, 3, 2);
        var y = Functional.Conv2d(x, w, null, stride: (2, 1), padding: 1, dilation: (1, 2), groups: 2);
        var u = Leaf(22, y.Shape.ToArray());
        var xt = Functional.ConvTranspose2d(u, w, null, stride: (2, 1), padding: 1, outputPadding: (x.Size(2) - ((y.Size(2) - 1) * 2 - 2 + 2 + 1), 0), dilation: (1, 2), groups: 2);
        Assert.Equal(x.Shape.ToArray(), xt.Shape.ToArray());
        Assert.Equal(y.Mul(u).Sum().Item(), x.Mul(xt).Sum().Item(), 10);
    }

    [Fact]
    public void GradConvTranspose2d()
    {
        using var scope = Tensor.Scope();
        AssertGrad(t => Functional.ConvTranspose2d(t[0], t[1], t[2], stride: 2, padding: 1, outputPadding: 1, groups: 2), Leaf(23, 2, 4, 3, 3), Leaf(24, 4, 3, 3, 3), Leaf(25, 6));
        AssertGrad(t => Functional.ConvTranspose2d(t[0].Permute(0, 3, 1, 2), t[1], null, stride: (1, 2), dilation: 2), Leaf(26, 1, 3, 4, 2), Leaf(27, 2, 3, 2, 2));
    }

    [Fact]
    public void ConvRejectsBadInputWithClearMessages()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.Zeros(2, 4, 5, 5);
        string Msg(Action a) => Assert.Throws<ArgumentException>(a).Message;

        Assert.Contains("conv2d: input must be 4-D", Msg(() => Functional.Conv2d(Tensor.Zeros(4, 5, 5), Tensor.Zeros(3, 4, 3, 3))));
        var m = Msg(() => Functional.Conv2d(x, Tensor.Zeros(3, 3, 3, 3)));
        Assert.Contains("conv2d:", m);
        Assert.Contains("[2, 4, 5, 5]", m);
        Assert.Contains("[3, 3, 3, 3]", m);
        Assert.Contains("not divisible by groups=3", Msg(() => Functional.Conv2d(x, Tensor.Zeros(3, 1, 3, 3), groups: 3)));
        Assert.Contains("output size", Msg(() => Functional.Conv2d(x, Tensor.Zeros(3, 4, 7, 3))));
        Assert.Contains("dtype", Msg(() => Functional.Conv2d(x, Tensor.Zeros(new[] { 3, 4, 3, 3 }, DType.Float64))));
        Assert.Contains("bias must have shape [3]", Msg(() => Functional.Conv2d(x, Tensor.Zeros(3, 4, 3, 3), Tensor.Zeros(4))));
        Assert.Contains("stride must be positive", Msg(() => Functional.Conv2d(x, Tensor.Zeros(3, 4, 3, 3), stride: 0)));
        Assert.Contains("conv1d: input must be 3-D", Msg(() => Functional.Conv1d(x, Tensor.Zeros(3, 4, 3))));
        Assert.Contains("conv1d:", Msg(() => Functional.Conv1d(Tensor.Zeros(2, 4, 5), Tensor.Zeros(3, 2, 3))));
        Assert.Contains("conv1d: output size", Msg(() => Functional.Conv1d(Tensor.Zeros(2, 4, 2), Tensor.Zeros(3, 4, 3))));
        Assert.Contains("conv_transpose2d:", Msg(() => Functional.ConvTranspose2d(x, Tensor.Zeros(3, 2, 3, 3))));
        Assert.Contains("output padding", Msg(() => Functional.ConvTranspose2d(x, Tensor.Zeros(4, 2, 3, 3), stride: 2, outputPadding: 2)));
        Assert.Contains("needs a floating-point input", Msg(() => Functional.Conv2d(Tensor.Zeros(new[] { 1, 1, 3, 3 }, DType.Int32), Tensor.Zeros(new[] { 1, 1, 1, 1 }, DType.Int32))));
    }
}
