using Strata.Backends.Cpu;
using Xunit;

namespace Strata.Tests.Backends;

/// <summary>Blocked GEMM kernels against <see cref="Gemm.Reference{T}"/> on awkward shapes, strides and thread counts.</summary>
public unsafe class GemmTests
{
    private static readonly int[] Sizes = { 1, 3, 17, 65, 129, 300 };

    public static IEnumerable<object[]> Shapes()
    {
        foreach (int m in Sizes)
            foreach (int n in Sizes)
                foreach (int k in new[] { 1, 17, 300 })
                    yield return new object[] { m, n, k };
        yield return new object[] { 3, 129, 65 };
        yield return new object[] { 129, 65, 129 };
    }

    /// <summary>Operand layout: which of A and B are transposed views, C column stride, accumulate.</summary>
    private readonly record struct Layout(bool TransA, bool TransB, int CscStride, bool Accumulate);

    private static readonly Layout[] Layouts =
    {
        new(false, false, 1, false), new(true, false, 1, true), new(false, true, 1, false),
        new(true, true, 2, true), new(false, false, 3, false),
    };

    private static double[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        var x = new double[count];
        for (int i = 0; i < count; i++) x[i] = rng.NextDouble() * 2 - 1;
        return x;
    }

    /// <summary>Runs one product with the given kernel and the reference, returns (fast, reference) C buffers.</summary>
    private static (T[] Fast, T[] Ref) RunBoth<T>(in GemmKernel<T> kernel, int m, int n, int k, Layout l, int seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        T[] a = Array.ConvertAll(Random(m * k, seed), T.CreateChecked);
        T[] b = Array.ConvertAll(Random(k * n, seed + 1), T.CreateChecked);
        int rsc = n * l.CscStride;
        T[] c0 = Array.ConvertAll(Random(m * rsc, seed + 2), T.CreateChecked);
        T[] fast = (T[])c0.Clone(), reference = (T[])c0.Clone();
        // A stored as [m,k] row-major, or as [k,m] row-major viewed transposed; same for B.
        int rsa = l.TransA ? 1 : k, csa = l.TransA ? m : 1;
        int rsb = l.TransB ? 1 : n, csb = l.TransB ? k : 1;
        fixed (T* pa = a, pb = b, pf = fast, pr = reference)
        {
            Gemm.Run(kernel, m, n, k, pa, rsa, csa, pb, rsb, csb, pf, rsc, l.CscStride, l.Accumulate);
            Gemm.Reference(m, n, k, pa, rsa, csa, pb, rsb, csb, pr, rsc, l.CscStride, l.Accumulate);
        }
        return (fast, reference);
    }

    private static void AssertClose<T>(T[] expected, T[] actual, int k, double eps, string what)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        double tol = eps * (k + 4) * 2;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = double.CreateChecked(expected[i]), a = double.CreateChecked(actual[i]);
            Assert.True(Math.Abs(e - a) <= tol * (1 + Math.Abs(e)), $"{what}: element {i}: expected {e:G9}, got {a:G9}");
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void SgemmMatchesReference(int m, int n, int k)
    {
        foreach (var kernel in Gemm.SupportedSgemmKernels())
            for (int li = 0; li < Layouts.Length; li++)
            {
                var (fast, reference) = RunBoth(kernel, m, n, k, Layouts[li], m * 31 + n * 7 + k + li);
                AssertClose(reference, fast, k, 1.2e-7, $"{kernel} {m}x{n}x{k} {Layouts[li]}");
            }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void DgemmMatchesReference(int m, int n, int k)
    {
        foreach (var kernel in Gemm.SupportedDgemmKernels())
            for (int li = 0; li < Layouts.Length; li++)
            {
                var (fast, reference) = RunBoth(kernel, m, n, k, Layouts[li], m * 31 + n * 7 + k + li);
                AssertClose(reference, fast, k, 2.3e-16, $"{kernel} {m}x{n}x{k} {Layouts[li]}");
            }
    }

    /// <summary>
    /// The bias epilogue (the linear layer's forward) must give the bits of the product followed by a separate add:
    /// edge tiles, strided C, several column blocks (K·N over the packed-B cap), the vector paths (m or n = 1), and
    /// one and two threads.
    /// </summary>
    [Theory]
    [InlineData(65, 129, 300, 1)]
    [InlineData(256, 10, 128, 1)]
    [InlineData(17, 65, 17, 3)]
    [InlineData(1, 300, 129, 1)]
    [InlineData(300, 1, 129, 1)]
    [InlineData(9, 2100, 2048, 1)]
    [InlineData(256, 128, 784, 1)]
    [InlineData(520, 640, 700, 1)]  // one thread: depth blocks outermost for the AVX-512 float kernel
    public void BiasEpilogueGivesTheBitsOfASeparateAdd(int m, int n, int k, int csc)
    {
        int saved = CpuThreadPool.Threads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                CpuThreadPool.Threads = threads;
                foreach (var kernel in Gemm.SupportedSgemmKernels()) CompareBias(kernel, m, n, k, csc, 40 + threads);
                foreach (var kernel in Gemm.SupportedDgemmKernels()) CompareBias(kernel, m, n, k, csc, 50 + threads);
            }
        }
        finally { CpuThreadPool.Threads = saved; }
    }

    private static void CompareBias<T>(in GemmKernel<T> kernel, int m, int n, int k, int csc, int seed)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        T[] a = Array.ConvertAll(Random(m * k, seed), T.CreateChecked);
        T[] b = Array.ConvertAll(Random(k * n, seed + 1), T.CreateChecked);
        T[] bias = Array.ConvertAll(Random(n, seed + 2), T.CreateChecked);
        int rsc = n * csc;
        T[] fused = Array.ConvertAll(Random(m * rsc, seed + 3), T.CreateChecked);
        T[] separate = (T[])fused.Clone();
        fixed (T* pa = a, pb = b, pbias = bias, pf = fused, ps = separate)
        {
            Gemm.Run(kernel, m, n, k, pa, k, 1, pb, n, 1, pf, rsc, csc, false, bias: pbias);
            Gemm.Run(kernel, m, n, k, pa, k, 1, pb, n, 1, ps, rsc, csc, false);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) ps[i * rsc + j * csc] += pbias[j];
        }
        Assert.True(fused.AsSpan().SequenceEqual(separate), $"{kernel} {m}x{n}x{k} csc {csc}, {CpuThreadPool.Threads} thread(s): the bias epilogue changed bits");
    }

    /// <summary>
    /// Products with few columns read A in place instead of packing it; row strides of a multiple of 4 KB still pack.
    /// Both must give the same bits: full tiles, edge rows and columns, strided C, accumulate, one and two threads.
    /// </summary>
    [Theory]
    [InlineData(65, 129, 300, 1, false)]
    [InlineData(256, 128, 784, 1, false)]
    [InlineData(300, 65, 129, 3, true)]
    [InlineData(8, 32, 1, 1, true)]
    [InlineData(17, 512, 17, 1, false)]
    [InlineData(64, 10, 1000, 2, true)]
    public void ReadingAInPlaceGivesTheBitsOfPackedA(int m, int n, int k, int csc, bool accumulate)
    {
        const int PackedStride = 1024; // 4 KB of floats: the driver packs A at this row stride
        int saved = CpuThreadPool.Threads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                CpuThreadPool.Threads = threads;
                foreach (var kernel in Gemm.SupportedSgemmKernels())
                {
                    float[] a = Array.ConvertAll(Random(m * k, 60 + threads), x => (float)x);
                    float[] b = Array.ConvertAll(Random(k * n, 61 + threads), x => (float)x);
                    float[] wide = new float[m * PackedStride];
                    for (int i = 0; i < m; i++) a.AsSpan(i * k, k).CopyTo(wide.AsSpan(i * PackedStride));
                    int rsc = n * csc;
                    float[] inPlace = Array.ConvertAll(Random(m * rsc, 62 + threads), x => (float)x);
                    float[] packed = (float[])inPlace.Clone(), reference = (float[])inPlace.Clone();
                    fixed (float* pa = a, pw = wide, pb = b, pi = inPlace, pp = packed, pr = reference)
                    {
                        Gemm.Run(kernel, m, n, k, pa, k, 1, pb, n, 1, pi, rsc, csc, accumulate);
                        Gemm.Run(kernel, m, n, k, pw, PackedStride, 1, pb, n, 1, pp, rsc, csc, accumulate);
                        Gemm.Reference(m, n, k, pa, k, 1, pb, n, 1, pr, rsc, csc, accumulate);
                    }
                    Assert.True(inPlace.AsSpan().SequenceEqual(packed), $"{kernel} {m}x{n}x{k} csc {csc}, {threads} thread(s): A in place changed bits");
                    AssertClose(reference, inPlace, k, 1.2e-7, $"{kernel} {m}x{n}x{k} in place");
                }
            }
        }
        finally { CpuThreadPool.Threads = saved; }
    }

    [Fact]
    public void BiasWithAccumulateOrAStridedBiasIsRefused()
    {
        var a = new float[4]; var c = new float[4]; var bias = new float[2];
        fixed (float* pa = a, pc = c, pbias = bias)
        {
            var pa2 = pa; var pc2 = pc; var pb2 = pbias;
            var ex = Assert.Throws<ArgumentException>(() => Gemm.Sgemm(2, 2, 2, pa2, 2, 1, pa2, 2, 1, pc2, 2, 1, true, bias: pb2));
            Assert.Contains("accumulate", ex.Message);
        }
        using var x = Tensor.Ones(new[] { 1, 2, 3 });
        using var w = Tensor.Ones(new[] { 1, 3, 4 });
        using var y = Tensor.Zeros(new[] { 1, 2, 4 });
        using var wide = Tensor.Ones(new[] { 4, 2 });
        var wd = wide.Desc;
        var strided = new Strata.Backends.TensorDesc(wd.Buffer, wd.DType, new[] { 4 }, new[] { 2 }, wd.Offset);
        var be = Strata.Backends.BackendRegistry.For(Device.Cpu);
        var err = Assert.Throws<ArgumentException>(() => be.MatmulBias(x.Desc, w.Desc, strided, y.Desc));
        Assert.Contains("matmul_bias", err.Message);
    }

    [Fact]
    public void LargeOddShapeMatchesReference()
    {
        foreach (var l in new[] { Layouts[0], Layouts[3] })
        {
            var (fs, rs) = RunBoth(Gemm.SgemmKernel, 1025, 65, 257, l, 5);
            AssertClose(rs, fs, 257, 1.2e-7, $"sgemm 1025x65x257 {l}");
            var (fd, rd) = RunBoth(Gemm.DgemmKernel, 1025, 65, 257, l, 6);
            AssertClose(rd, fd, 257, 2.3e-16, $"dgemm 1025x65x257 {l}");
        }
    }

    /// <summary>
    /// Edge panels with at most half a panel of valid columns go through the half-width kernels; they must give the
    /// bits of the full-width kernel on its padded tile. Covers packed A and A read in place (TransA false, N ≤ 512),
    /// an accumulating strided C, and edges of 1, 11 (conv2's 363 columns) and 16 columns, next to 17 (full kernel).
    /// </summary>
    [Theory]
    [InlineData(64, 363, 288)]
    [InlineData(40, 10, 128)]
    [InlineData(17, 65, 300)]
    [InlineData(9, 48, 33)]
    [InlineData(24, 49, 40)]
    public void HalfWidthEdgeKernelGivesTheFullKernelsBits(int m, int n, int k)
    {
        var kernels = Gemm.SupportedSgemmKernels().Where(kern => kern.FnHalf != null).ToArray();
        // Only the AVX-512 kernel has them (on a machine without AVX-512 there is nothing to compare).
        Assert.Equal(System.Runtime.Intrinsics.X86.Avx512F.IsSupported, kernels.Length == 1);
        foreach (var kern in kernels)
        {
            var full = new GemmKernel<float>(kern.Name + " without half", kern.Fn, kern.Mr, kern.Nr, kern.Kc, kern.Mc, kern.Nc, kern.FnRowsA);
            foreach (var l in Layouts)
            {
                var (withHalf, _) = RunBoth(kern, m, n, k, l, 11);
                var (fullOnly, _) = RunBoth(full, m, n, k, l, 11);
                Assert.Equal(fullOnly, withHalf);
            }
        }
    }

    [Fact]
    public void DepthOuterOrderOnOneThreadMatchesReference()
    {
        // 520x640x700 on one thread: three M blocks whose 256x640 float C blocks overflow half of L2, and three k
        // blocks, so the driver runs depth blocks outermost (GemmDriver.DepthOuterMinCBlock). ThreadCountDoesNotChangeBits
        // checks the same shape's bits against the two-thread order.
        int saved = CpuThreadPool.Threads;
        try
        {
            CpuThreadPool.Threads = 1;
            foreach (var l in new[] { Layouts[0], Layouts[3] })
            {
                var (fs, rs) = RunBoth(Gemm.SgemmKernel, 520, 640, 700, l, 7);
                AssertClose(rs, fs, 700, 1.2e-7, $"sgemm 520x640x700 {l}");
            }
        }
        finally
        {
            CpuThreadPool.Threads = saved;
        }
    }

    [Fact]
    public void PublicEntryPointsMatchReference()
    {
        var a = Array.ConvertAll(Random(65 * 129, 1), x => (float)x);
        var b = Array.ConvertAll(Random(129 * 17, 2), x => (float)x);
        var c = new float[65 * 17];
        var r = new float[65 * 17];
        fixed (float* pa = a, pb = b, pc = c, pr = r)
        {
            Gemm.Sgemm(65, 17, 129, pa, 129, 1, pb, 17, 1, pc, 17, 1, false);
            Gemm.Reference(65, 17, 129, pa, 129, 1, pb, 17, 1, pr, 17, 1, false);
        }
        AssertClose(r, c, 129, 1.2e-7, "Sgemm");
    }

    [Fact]
    public void ZeroDepthClearsOrKeepsC()
    {
        var c = new float[] { 1, 2, 3, 4 };
        fixed (float* pc = c)
        {
            Gemm.Sgemm(2, 2, 0, pc, 0, 0, pc, 0, 0, pc, 2, 1, true);
            Assert.Equal(new float[] { 1, 2, 3, 4 }, c);
            Gemm.Sgemm(2, 2, 0, pc, 0, 0, pc, 0, 0, pc, 2, 1, false);
        }
        Assert.Equal(new float[4], c);
    }

    [Fact]
    public void SerialRequestMatchesParallelBitsAndReference()
    {
        // The shape of conv2 on one image (the convolution asks for a serial product below its work threshold).
        const int m = 64, n = 121, k = 288;
        int saved = CpuThreadPool.Threads;
        var a = Array.ConvertAll(Random(m * k, 31), x => (float)x);
        var b = Array.ConvertAll(Random(k * n, 32), x => (float)x);
        var serial = new float[m * n];
        var parallel = new float[m * n];
        var reference = new float[m * n];
        try
        {
            CpuThreadPool.Threads = 2;
            fixed (float* pa = a, pb = b, ps = serial, pp = parallel, pr = reference)
            {
                Gemm.Sgemm(m, n, k, pa, k, 1, pb, n, 1, ps, n, 1, false, parallel: false);
                Gemm.Sgemm(m, n, k, pa, k, 1, pb, n, 1, pp, n, 1, false, parallel: true);
                Gemm.Reference(m, n, k, pa, k, 1, pb, n, 1, pr, n, 1, false);
            }
        }
        finally
        {
            CpuThreadPool.Threads = saved;
        }
        Assert.Equal(parallel, serial);
        AssertClose(reference, serial, k, 1.2e-7, "serial Sgemm");
    }

    [Theory]
    // Every shape is above GemmDriver.ParallelThreshold (1M multiply-adds), so 2 threads really split the work.
    [InlineData(300, 300, 300)]
    [InlineData(1, 4000, 300)]
    [InlineData(4000, 1, 300)]
    [InlineData(9, 1400, 129)]
    [InlineData(513, 129, 700)]
    [InlineData(64, 7744, 288)]
    [InlineData(520, 640, 700)]
    public void ThreadCountDoesNotChangeBits(int m, int n, int k)
    {
        int saved = CpuThreadPool.Threads;
        try
        {
            foreach (var l in new[] { Layouts[0], Layouts[3] })
            {
                CpuThreadPool.Threads = 1;
                var (s1, _) = RunBoth(Gemm.SgemmKernel, m, n, k, l, 11);
                var (d1, _) = RunBoth(Gemm.DgemmKernel, m, n, k, l, 12);
                CpuThreadPool.Threads = 2;
                var (s2, _) = RunBoth(Gemm.SgemmKernel, m, n, k, l, 11);
                var (d2, _) = RunBoth(Gemm.DgemmKernel, m, n, k, l, 12);
                Assert.Equal(s1, s2);
                Assert.Equal(d1, d2);
            }
        }
        finally
        {
            CpuThreadPool.Threads = saved;
        }
    }

    [Fact]
    public void SteadyStateCallsAllocateNoManagedMemory()
    {
        int saved = CpuThreadPool.Threads;
        var a = new float[200 * 300];
        var b = new float[300 * 150];
        var c = new float[200 * 150];
        var v = new double[300];
        var w = new double[300 * 40];
        var y = new double[40];
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                CpuThreadPool.Threads = threads;
                fixed (float* pa = a, pb = b, pc = c)
                fixed (double* pv = v, pw = w, py = y)
                {
                    // First calls size the scratch buffers; later ones must reuse them. Runtime bookkeeping (tiered
                    // JIT) can occasionally allocate on this thread, so one clean attempt out of three suffices.
                    long allocated = long.MaxValue;
                    for (int attempt = 0; attempt < 3 && allocated != 0; attempt++)
                    {
                        Gemm.Sgemm(200, 150, 300, pa, 300, 1, pb, 1, 300, pc, 150, 1, false);
                        Gemm.Dgemm(1, 40, 300, pv, 300, 1, pw, 40, 1, py, 40, 1, false);
                        long before = GC.GetAllocatedBytesForCurrentThread();
                        for (int i = 0; i < 3; i++)
                        {
                            Gemm.Sgemm(200, 150, 300, pa, 300, 1, pb, 1, 300, pc, 150, 1, true);
                            Gemm.Dgemm(1, 40, 300, pv, 300, 1, pw, 40, 1, py, 40, 1, true);
                        }
                        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                    }
                    Assert.Equal(0, allocated);
                }
            }
        }
        finally
        {
            CpuThreadPool.Threads = saved;
        }
    }
}
