using Strata;
using Xunit;
using static Strata.Tests.TestUtil;
using static Strata.Tests.Ops.ConvTests;

namespace Strata.Tests.Ops;

public class PoolTests
{
    /// <summary>Direct max/avg pooling over explicitly padded windows, as a reference independent of the kernels.</summary>
    private static double[] NaivePool(float[] x, int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw, bool max, bool countIncludePad)
    {
        int oh = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, ow = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
        var y = new double[n * c * oh * ow];
        for (int p = 0; p < n * c; p++)
            for (int yh = 0; yh < oh; yh++)
                for (int yw = 0; yw < ow; yw++)
                {
                    double acc = max ? double.NegativeInfinity : 0;
                    int count = 0;
                    for (int i = 0; i < kh; i++)
                        for (int k = 0; k < kw; k++)
                        {
                            int ih = yh * sh - ph + i * dh, iw = yw * sw - pw + k * dw;
                            bool inside = ih >= 0 && ih < h && iw >= 0 && iw < w;
                            if (inside || countIncludePad) count++;
                            if (!inside) continue;
                            double v = x[(p * h + ih) * w + iw];
                            acc = max ? Math.Max(acc, v) : acc + v;
                        }
                    y[(p * oh + yh) * ow + yw] = max ? acc : acc / count;
                }
        return y;
    }

    private static double[] D(Tensor t) => t.ToArray<float>().Select(v => (double)v).ToArray();

    [Theory]
    [InlineData(2, 3, 17, 17, 3, 3, 2, 2, 1, 1, 1, 1)]
    [InlineData(2, 3, 17, 15, 2, 3, 3, 1, 1, 1, 2, 1)]
    [InlineData(1, 2, 9, 11, 3, 2, 1, 2, 0, 1, 2, 2)]
    [InlineData(4, 16, 32, 32, 2, 2, 2, 2, 0, 0, 1, 1)] // large enough to run in parallel
    public void PoolsMatchDirectLoopFloat32(int n, int c, int h, int w, int kh, int kw, int sh, int sw, int ph, int pw, int dh, int dw)
    {
        var xs = RandomFloats(31, n * c * h * w);
        using var scope = Tensor.Scope();
        var x = Tensor.FromArray(xs, n, c, h, w);
        AssertClose(NaivePool(xs, n, c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, true, false), D(Functional.MaxPool2d(x, (kh, kw), (sh, sw), (ph, pw), (dh, dw))), 1e-6, 1e-6);
        if (dh == 1 && dw == 1)
        {
            AssertClose(NaivePool(xs, n, c, h, w, kh, kw, sh, sw, ph, pw, 1, 1, false, true), D(Functional.AvgPool2d(x, (kh, kw), (sh, sw), (ph, pw))), 1e-5, 1e-6);
            AssertClose(NaivePool(xs, n, c, h, w, kh, kw, sh, sw, ph, pw, 1, 1, false, false), D(Functional.AvgPool2d(x, (kh, kw), (sh, sw), (ph, pw), countIncludePad: false)), 1e-5, 1e-6);
        }
    }

    /// <summary>Max pooling by the documented rules: windows clipped to the plane, the first maximum wins ties, the first NaN wins.</summary>
    private static (double[] y, long[] idx) ScalarMaxPool(double[] x, int planes, int h, int w, int oh, int ow)
    {
        var y = new double[planes * oh * ow];
        var idx = new long[y.Length];
        for (int p = 0; p < planes; p++)
            for (int yh = 0; yh < oh; yh++)
                for (int yw = 0; yw < ow; yw++)
                {
                    double best = double.NegativeInfinity;
                    long arg = -1;
                    for (int i = 0; i < 2 && !double.IsNaN(best); i++)
                        for (int k = 0; k < 2 && !double.IsNaN(best); k++)
                        {
                            int ih = 2 * yh + i, iw = 2 * yw + k;
                            if (ih >= h || iw >= w) continue;
                            double v = x[(p * h + ih) * w + iw];
                            if (arg < 0 || v > best || double.IsNaN(v)) { best = v; arg = (long)ih * w + iw; }
                        }
                    y[(p * oh + yh) * ow + yw] = best;
                    idx[(p * oh + yh) * ow + yw] = arg;
                }
        return (y, idx);
    }

    // Ties (small integers), signed zeros and NaNs are where a vectorised max could pick another element than the loop.
    private static double[] TrickyValues(int seed, int count)
    {
        var r = new Random(seed);
        double[] pool = { -1, 0, -0.0, 1, 2, double.NaN, double.NegativeInfinity };
        return Enumerable.Range(0, count).Select(_ => r.Next(10) < 7 ? pool[r.Next(pool.Length)] : r.NextDouble() * 4 - 2).ToArray();
    }

    [Theory]
    [InlineData(2, 3, 26, 26, false)] // the seed CNN's first pool: 13 windows a row (overlapping last group of four)
    [InlineData(2, 4, 11, 11, false)] // odd size: the last row and column are dropped
    [InlineData(1, 2, 8, 16, false)] // rows of exactly 8 windows
    [InlineData(1, 2, 5, 6, false)] // rows of 3 windows: scalar path
    [InlineData(1, 1, 2, 2, false)]
    [InlineData(2, 3, 9, 17, true)] // strided input (a transposed view): scalar path
    public void MaxPool2x2FastPathKeepsTiesNaNsAndIndices(int n, int c, int h, int w, bool transposed)
    {
        var xs = TrickyValues(41 + h * w, n * c * h * w);
        foreach (var dtype in new[] { DType.Float32, DType.Float64 })
        {
            using var scope = Tensor.Scope();
            Tensor x = Tensor.FromArray(xs, n, c, h, w).To(dtype);
            if (transposed) x = Tensor.FromArray(xs, n, c, w, h).To(dtype).Transpose(2, 3);
            var xv = x.Contiguous().To(DType.Float64).ToArray<double>();
            int oh = h / 2, ow = w / 2;
            var (yRef, iRef) = ScalarMaxPool(xv, n * c, h, w, oh, ow);
            var y = Tensor.Empty("test", new[] { n, c, oh, ow }, dtype, x.Device);
            var idx = Tensor.Empty("test", new[] { n, c, oh, ow }, DType.Int64, x.Device);
            x.Backend.MaxPool2d(x.Desc, y.Desc, idx.Desc, new Strata.Backends.Pool2dParams(2, 2, 2, 2, 0, 0, 1, 1));
            Assert.Equal(iRef, idx.ToArray<long>());
            var yv = y.To(DType.Float64).ToArray<double>();
            for (int i = 0; i < yRef.Length; i++)
                Assert.True(yRef[i].Equals(yv[i]) && double.IsNegative(yRef[i]) == double.IsNegative(yv[i]), $"{dtype} window {i}: expected {yRef[i]}, got {yv[i]}");
        }
    }

    [Fact]
    public void MaxPool2x2CeilModeUsesClippedWindows()
    {
        var xs = TrickyValues(7, 2 * 3 * 7 * 9).Select(v => double.IsNaN(v) ? 0.5 : v).ToArray();
        using var scope = Tensor.Scope();
        var x = Tensor.FromArray(xs, 2, 3, 7, 9);
        var (yRef, _) = ScalarMaxPool(xs, 6, 7, 9, 4, 5);
        var y = Functional.MaxPool2d(x, 2, ceilMode: true);
        Assert.Equal(new[] { 2, 3, 4, 5 }, y.Shape.ToArray());
        Assert.Equal(yRef, y.ToArray<double>());
    }

    [Fact]
    public void PoolsMatchPyTorch()
    {
        using var scope = Tensor.Scope();
        var x = Tensor.FromArray(V(50), 1, 2, 5, 5);
        // F.max_pool2d(v(50).reshape(1,2,5,5), 3, stride=2, padding=1)
        AssertClose(new[] { 1.0, 1.25, 1.25, 1.0, 1.0, 1.25, 0.75, 1.0, 0.5, 1.25, 1.0, 1.0, 1.25, 1.25, 1.0, 0.5, 1.25, 0.25 },
            Functional.MaxPool2d(x, 3, 2, 1).ToDoubleArray(), 0, 0);
        // F.max_pool2d(v(50).reshape(1,2,5,5), 2, stride=1, padding=1, dilation=2)
        AssertClose(new[] { 1.0, 0.0, 1.0, 0.75, -1.0, 0.5, 0.5, 1.25, 1.25, 1.25, 1.0, 1.0, 1.0, 1.0, 0.0, -0.25, 0.75, 0.5, 1.25, 0.5, -0.75, 1.0, 0.0, 1.0, 0.0, 0.75, -0.25, 0.75, 0.5, -1.25, 1.25, 1.25, 1.25, 1.0, 1.0, 0.75, 0.75, 0.75, 0.75, -0.25, 1.25, 1.25, 1.25, 1.25, 0.25, -1.0, 0.75, -0.25, 0.75, -0.25 },
            Functional.MaxPool2d(x, 2, 1, 1, 2).ToDoubleArray(), 0, 0);
        // F.avg_pool2d(v(50).reshape(1,2,5,5), 3, stride=2, padding=1, count_include_pad=False, ceil_mode=True)
        var avg = Functional.AvgPool2d(x, 3, 2, 1, countIncludePad: false, ceilMode: true);
        Assert.Equal(new[] { 1, 2, 3, 3 }, avg.Shape.ToArray());
        AssertClose(new[] { -0.125, 0.20833333333333334, 0.3125, -0.2916666666666667, -0.1111111111111111, -0.08333333333333333, 0.0, -0.125, -0.25, 0.3125, -0.041666666666666664, 0.0625, -0.08333333333333333, -0.05555555555555555, -0.3333333333333333, -0.25, 0.08333333333333333, -0.5 },
            avg.ToDoubleArray(), 1e-12, 1e-12);
        // F.adaptive_avg_pool2d(v(35).reshape(1,1,7,5), (3,2))
        AssertClose(new[] { -0.2222222222222222, 0.2222222222222222, -0.1388888888888889, 0.0, -0.05555555555555555, -0.2222222222222222 },
            Functional.AdaptiveAvgPool2d(Tensor.FromArray(V(35), 1, 1, 7, 5), (3, 2)).ToDoubleArray(), 1e-12, 1e-12);
    }

    [Fact]
    public void AdaptiveAvgPoolMatchesDirectWindows()
    {
        const int h = 13, w = 10, oh = 4, ow = 7;
        var xs = RandomFloats(32, 2 * 3 * h * w);
        using var scope = Tensor.Scope();
        var y = D(Functional.AdaptiveAvgPool2d(Tensor.FromArray(xs, 2, 3, h, w), (oh, ow)));
        var expected = new double[2 * 3 * oh * ow];
        for (int p = 0; p < 6; p++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    int h0 = (int)Math.Floor(i * h / (double)oh), h1 = (int)Math.Ceiling((i + 1) * h / (double)oh);
                    int w0 = (int)Math.Floor(j * w / (double)ow), w1 = (int)Math.Ceiling((j + 1) * w / (double)ow);
                    double s = 0;
                    for (int a = h0; a < h1; a++)
                        for (int b = w0; b < w1; b++) s += xs[(p * h + a) * w + b];
                    expected[(p * oh + i) * ow + j] = s / ((h1 - h0) * (w1 - w0));
                }
        AssertClose(expected, y, 1e-5, 1e-6);
    }

    [Fact]
    public void GradMaxPool2d()
    {
        using var scope = Tensor.Scope();
        AssertGrad(t => Functional.MaxPool2d(t[0], 3, 2, 1), Leaf(41, 2, 2, 5, 5));
        AssertGrad(t => Functional.MaxPool2d(t[0], (2, 3), (1, 2), (1, 1), (2, 1)), Leaf(42, 1, 2, 6, 7));
        // Overlapping windows (stride < kernel) on a non-contiguous [N, H, W, C] leaf.
        AssertGrad(t => Functional.MaxPool2d(t[0].Permute(0, 3, 1, 2), 2, 1), Leaf(43, 1, 4, 5, 3));
    }

    [Fact]
    public void GradAvgPool2d()
    {
        using var scope = Tensor.Scope();
        AssertGrad(t => Functional.AvgPool2d(t[0], 3, 2, 1), Leaf(44, 2, 2, 5, 5));
        AssertGrad(t => Functional.AvgPool2d(t[0], (3, 2), (2, 1), (1, 1), countIncludePad: false, ceilMode: true), Leaf(45, 1, 2, 6, 5));
        AssertGrad(t => Functional.AvgPool2d(t[0].Permute(0, 3, 1, 2), 2), Leaf(46, 1, 4, 6, 2));
    }

    [Fact]
    public void GradAdaptiveAvgPool2d()
    {
        using var scope = Tensor.Scope();
        AssertGrad(t => Functional.AdaptiveAvgPool2d(t[0], (3, 2)), Leaf(47, 2, 2, 7, 5));
        AssertGrad(t => Functional.AdaptiveAvgPool2d(t[0].Transpose(2, 3), (4, 4)), Leaf(48, 1, 2, 3, 6));
    }

    [Fact]
    public void PoolsRejectBadInputWithClearMessages()
    {
        using var scope = Tensor.Scope();
        string Msg(Action a) => Assert.Throws<ArgumentException>(a).Message;
        Assert.Contains("max_pool2d: input must be 4-D", Msg(() => Functional.MaxPool2d(Tensor.Zeros(2, 5, 5), 2)));
        Assert.Contains("max_pool2d: padding", Msg(() => Functional.MaxPool2d(Tensor.Zeros(1, 1, 5, 5), 2, 1, 2)));
        var m = Msg(() => Functional.AvgPool2d(Tensor.Zeros(1, 1, 2, 2), 3));
        Assert.Contains("avg_pool2d: output size", m);
        Assert.Contains("[1, 1, 2, 2]", m);
        Assert.Contains("kernel size must be positive", Msg(() => Functional.AvgPool2d(Tensor.Zeros(1, 1, 2, 2), 0)));
        Assert.Contains("adaptive_avg_pool2d: output size must be positive", Msg(() => Functional.AdaptiveAvgPool2d(Tensor.Zeros(1, 1, 2, 2), (0, 1))));
        Assert.Contains("floating-point", Msg(() => Functional.AvgPool2d(Tensor.Zeros(new[] { 1, 1, 2, 2 }, DType.Int64), 1)));
    }
}
