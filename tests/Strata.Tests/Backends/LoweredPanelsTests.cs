using System.Runtime.Intrinsics.X86;
using Strata.Backends.Cpu;
using Xunit;

namespace Strata.Tests.Backends;

/// <summary>
/// <see cref="LoweredPanels"/> writes GEMM panels straight from images; they must be exactly the panels the packer cuts
/// from the lowered (im2col) matrix, so that convolutions keep their bits.
/// </summary>
public unsafe class LoweredPanelsTests
{
    /// <summary>A float image batch with padded rows, channels and images (strides beyond the dense ones).</summary>
    private sealed class Images : IDisposable
    {
        public readonly float* X;
        public readonly long XsN, XsC, XsH;
        private readonly float[] _data;
        private System.Runtime.InteropServices.GCHandle _pin;

        public Images(int n, int c, int h, int w, int rowPad, int seed)
        {
            XsH = w + rowPad;
            XsC = h * XsH + 5;
            XsN = c * XsC + 7;
            _data = new float[n * XsN + 16];
            var rng = new Random(seed);
            for (int i = 0; i < _data.Length; i++) _data[i] = (float)(rng.NextDouble() * 2 - 1);
            _pin = System.Runtime.InteropServices.GCHandle.Alloc(_data, System.Runtime.InteropServices.GCHandleType.Pinned);
            X = (float*)_pin.AddrOfPinnedObject();
        }

        public void Dispose() => _pin.Free();
    }

    private static float* Aligned(long floats) => (float*)System.Runtime.InteropServices.NativeMemory.AlignedAlloc((nuint)(floats * 4), 64);

    [Theory]
    [InlineData(3, 32, 13, 13, 3, 3, 1, 1, 0)] // conv2 of the seed CNN: 11x11 planes, panels across image boundaries
    [InlineData(2, 3, 12, 12, 3, 3, 2, 2, 0)] // dilation 2: 8x8 planes
    [InlineData(2, 5, 9, 10, 3, 3, 1, 1, 3)] // rows padded in memory (row stride 13 for 10 columns)
    [InlineData(2, 2, 5, 24, 3, 3, 1, 1, 0)] // rows wider than 16 outputs
    [InlineData(3, 4, 1, 40, 1, 5, 1, 1, 0)] // one row (conv1d)
    [InlineData(4, 3, 6, 6, 3, 3, 1, 1, 0)] // planes of exactly 16 outputs
    public void PanelsAreThePackersPanelsOfTheLoweredMatrix(int n, int c, int h, int w, int kh, int kw, int dh, int dw, int rowPad)
    {
        int oh = h - dh * (kh - 1), ow = w - dw * (kw - 1), ohw = oh * ow, k = c * kh * kw, cols = n * ohw;
        using var img = new Images(n, c, h, w, rowPad, seed: 3);
        bool supported = LoweredPanels.Supported(oh, ow, 1, 1, 0, 0, img.XsH, 1);
        Assert.Equal(Avx512F.IsSupported, supported);
        if (!supported) return; // without AVX-512 convolutions lower into a matrix, as the Conv2d tests check

        float* col = Aligned((long)k * cols);
        for (int i = 0; i < n; i++)
            ConvKernels.Im2ColImage(img.X + i * img.XsN, img.XsC, img.XsH, 1, c, h, w, kh, kw, oh, ow, 1, 1, 0, 0, dh, dw, col + i * ohw, cols);
        var panels = new LoweredPanels();
        panels.Init(img.X, img.XsN, img.XsC, img.XsH, kh, kw, 1, dh, dw, oh, ow);
        int nr = Gemm.SgemmKernel.Nr;
        long size = (long)nr * Math.Max(k, cols);
        float* expected = Aligned(size), actual = Aligned(size);
        try
        {
            // Depth blocks as the driver cuts them: all of K, and a block starting inside a channel.
            foreach (var (pc, kc) in new[] { (0, k), (Math.Min(5, k - 1), k - Math.Min(5, k - 1)) })
                for (int j0 = 0; j0 < cols; j0 += nr)
                {
                    int width = Math.Min(nr, cols - j0);
                    GemmPacking.PackBPanel(width, kc, nr, col + (long)pc * cols + j0, cols, 1, expected);
                    new Span<float>(actual, (int)size).Fill(float.NaN);
                    LoweredPanels.PackForward(&panels, j0, width, pc, kc, nr, actual);
                    Assert.True(new Span<float>(expected, kc * nr).SequenceEqual(new Span<float>(actual, kc * nr)),
                        $"forward panel at column {j0}, depth {pc}+{kc}");
                }
            // Whole rows of taps (a large image's weight-gradient tiles): all columns, and a tile starting mid-row.
            foreach (var (j0, width) in new[] { (0, cols), (7, Math.Min(37, cols - 7)) })
            {
                long ld = (width + 15) & ~15;
                float* rows = Aligned(k * ld);
                try
                {
                    panels.Rows(j0, width, k, rows, ld);
                    for (int t = 0; t < k; t++)
                    {
                        Assert.True(new Span<float>(col + (long)t * cols + j0, width).SequenceEqual(new Span<float>(rows + t * ld, width)),
                            $"row of tap {t}, columns {j0}+{width}");
                        for (long j = width; j < ld; j++) Assert.Equal(0f, rows[t * ld + j]);
                    }
                }
                finally { System.Runtime.InteropServices.NativeMemory.AlignedFree(rows); }
            }
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.AlignedFree(col);
            System.Runtime.InteropServices.NativeMemory.AlignedFree(expected);
            System.Runtime.InteropServices.NativeMemory.AlignedFree(actual);
        }
    }

    [Theory]
    [InlineData(11, 11, 1, 1, 1, 0, 13)] // padding rows
    [InlineData(11, 11, 1, 1, 0, 1, 13)] // padding columns
    [InlineData(6, 6, 1, 2, 0, 0, 13)] // column stride 2
    [InlineData(6, 5, 2, 1, 0, 0, 12)] // row stride 2: sixteen positions span more than 32 floats
    [InlineData(3, 5, 1, 1, 0, 0, 7)] // planes of fewer than 16 outputs
    [InlineData(11, 11, 1, 1, 0, 0, 40)] // rows 40 floats apart in memory
    public void GeometriesTheyDoNotCoverAreLeftToTheMatrix(int oh, int ow, int sh, int sw, int ph, int pw, int xsH)
    {
        Assert.False(LoweredPanels.Supported(oh, ow, sh, sw, ph, pw, xsH, 1));
        Assert.False(LoweredPanels.Supported(11, 11, 1, 1, 0, 0, 13, 2)); // non-unit column stride in memory
    }

    [Theory]
    [InlineData(7, 32, 13, 16, 1, 0, 1)] // seed CNN conv2 geometry: groups of 3 images, the last one partial
    [InlineData(3, 6, 12, 8, 2, 0, 1)] // dilation 2
    [InlineData(3, 32, 13, 64, 1, 0, 1)] // one group of 3 images: the product itself is split over threads, panels packed by each
    [InlineData(2, 32, 28, 16, 1, 0, 1)] // images too large to group: one product per image, tiles lowered as rows, col2im by runs
    [InlineData(1, 20, 40, 8, 2, 0, 1)] // a large image with dilation 2
    [InlineData(2, 32, 30, 8, 1, 1, 1)] // a large padded image: panels and tiles from a zero-padded copy, col2im by runs
    [InlineData(1, 12, 36, 8, 2, 2, 1)] // the same with dilation 2
    [InlineData(7, 32, 13, 16, 1, 1, 1)] // small padded images, grouped
    [InlineData(4, 3, 10, 5, 1, 2, 1)] // padding wider than the kernel's reach at the corners
    [InlineData(2, 32, 40, 4, 1, 1, 2)] // row stride 2 on a large image: no panels, tiles lowered and added back by runs
    public void Conv2dGivesTheSameBitsWithAndWithoutPanels(int n, int c, int hw, int o, int dilation, int padding, int strideH)
    {
        var xs = Strata.Tests.Ops.ConvTests.RandomFloats(21, n * c * hw * hw);
        var ws = Strata.Tests.Ops.ConvTests.RandomFloats(22, o * c * 9);
        var bs = Strata.Tests.Ops.ConvTests.RandomFloats(23, o);
        float[] Run(bool panels)
        {
            bool saved = LoweredPanels.Enabled;
            int threads = CpuThreadPool.Threads;
            LoweredPanels.Enabled = panels;
            CpuThreadPool.Threads = 2;
            try
            {
                using var scope = Tensor.Scope();
                var x = Tensor.FromArray(xs, n, c, hw, hw);
                var w = Tensor.FromArray(ws, o, c, 3, 3);
                var b = Tensor.FromArray(bs, o);
                x.RequiresGrad = w.RequiresGrad = b.RequiresGrad = true;
                var y = Functional.Conv2d(x, w, b, (strideH, 1), (padding, padding), (dilation, dilation));
                (y * y).Sum().Backward();
                return y.ToArray<float>().Concat(x.Grad!.ToArray<float>()).Concat(w.Grad!.ToArray<float>()).ToArray();
            }
            finally
            {
                LoweredPanels.Enabled = saved;
                CpuThreadPool.Threads = threads;
            }
        }
        Assert.Equal(Run(false), Run(true));
    }
}
