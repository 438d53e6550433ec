using Strata;
using Xunit;

namespace Strata.Tests.Core;

/// <summary>
/// Elementwise ops and reductions at sizes that hit vector tails, single elements and the parallel path
/// (StridedLoop.ParallelThreshold is 65536), contiguous and strided, against plain C# loops.
/// </summary>
public class AwkwardSizeTests
{
    public static IEnumerable<object[]> Sizes() => new[] { 1, 3, 17, 65, 1025, 100_000 }.Select(n => new object[] { n });

    // Two inputs of n elements each: contiguous, or every other element of a [n, 2] buffer (stride 2).
    private static (Tensor a, Tensor b, float[] av, float[] bv) Inputs(int n, bool strided, ulong seed)
    {
        Tensor a, b;
        if (strided)
        {
            a = Tensor.Uniform(new[] { n, 2 }, -2, 2, new Generator(seed)).Select(1, 1);
            b = Tensor.Uniform(new[] { 2, n }, 0.5, 2, new Generator(seed + 1)).T.Select(1, 0);
            Assert.False(a.IsContiguous && n > 1);
        }
        else
        {
            a = Tensor.Uniform(new[] { n }, -2, 2, new Generator(seed));
            b = Tensor.Uniform(new[] { n }, 0.5, 2, new Generator(seed + 1));
        }
        return (a, b, a.ToArray<float>(), b.ToArray<float>());
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ElementwiseMatchesLoop(int n)
    {
        foreach (bool strided in new[] { false, true })
        {
            using var scope = Tensor.Scope();
            var (a, b, av, bv) = Inputs(n, strided, 100);
            var add = a.Add(b).ToArray<float>();
            var mul = a.Mul(b).ToArray<float>();
            var div = a.Div(b).ToArray<float>();
            var aff = a.Affine(3, -1).ToArray<float>();
            var max = a.Maximum(b).ToArray<float>();
            var exp = a.Exp().ToArray<float>();
            var relu = a.Relu().ToArray<float>();
            var sq = a.Square().ToArray<float>();
            var gt = a.Gt(b).ToArray<bool>();
            var bc = a.Unsqueeze(1).Add(Tensor.FromArray(new float[] { 0, 10 })).ToArray<float>(); // broadcast [n,1]+[2]
            var cp = Tensor.Zeros(n, 2);
            cp.T.Select(0, 1).CopyFrom(a);
            var cpv = cp.ToArray<float>();
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(av[i] + bv[i], add[i]);
                Assert.Equal(av[i] * bv[i], mul[i]);
                Assert.Equal(av[i] / bv[i], div[i], 6);
                Assert.Equal(3 * av[i] - 1, aff[i], 5);
                Assert.Equal(Math.Max(av[i], bv[i]), max[i]);
                Assert.Equal(Math.Exp(av[i]), exp[i], 5e-6 * Math.Exp(av[i]));
                Assert.Equal(Math.Max(av[i], 0), relu[i]);
                Assert.Equal(av[i] * av[i], sq[i]);
                Assert.Equal(av[i] > bv[i], gt[i]);
                Assert.Equal(av[i], bc[2 * i]);
                Assert.Equal(av[i] + 10, bc[2 * i + 1]);
                Assert.Equal(0, cpv[2 * i]);
                Assert.Equal(av[i], cpv[2 * i + 1]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void FullReductionsMatchLoop(int n)
    {
        foreach (bool strided in new[] { false, true })
        {
            using var scope = Tensor.Scope();
            var (a32, _, av, _) = Inputs(n, strided, 200);
            var a = a32.To(DType.Float64);
            double sum = 0, max = double.NegativeInfinity, min = double.PositiveInfinity;
            foreach (var v in av) { sum += v; max = Math.Max(max, v); min = Math.Min(min, v); }
            double mean = sum / n, ss = 0, se = 0;
            foreach (var v in av) { ss += (v - mean) * (v - mean); se += Math.Exp(v - max); }
            Assert.Equal(sum, a.Sum().Item(), 1e-12 * n);
            Assert.Equal(mean, a.Mean().Item(), 1e-12);
            Assert.Equal(max, a.Max().Item());
            Assert.Equal(min, a.Min().Item());
            Assert.Equal(max, a32.Max().Item());
            Assert.Equal(min, a32.Min().Item());
            Assert.Equal(max + Math.Log(se), a.LogSumExp(0).Item(), 1e-12 * Math.Max(1, n));
            if (n > 1) Assert.Equal(ss / (n - 1), a.Var().Item(), 1e-12);
            Assert.Equal((long)n, a32.Gt(-10).Sum().Item<long>()); // bool sums to int64
            // float32 sum: compare with the float64 loop at float32 accuracy for n terms.
            Assert.Equal(sum, a32.Sum().Item(), 1e-6 * Math.Sqrt(n) * (1 + Math.Abs(sum)));
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ReductionsAlongEachDimMatchLoop(int n)
    {
        const int rows = 3;
        using var scope = Tensor.Scope();
        var x = Tensor.Uniform(new[] { rows, n }, -1, 1, new Generator(300), DType.Float64);
        var xv = x.ToArray<double>();
        var xt = x.T.Contiguous().T; // same values, column-major layout
        foreach (var t in new[] { x, xt })
        {
            var rowSum = t.Sum(1).ToArray<double>();
            var rowMax = t.Max(1).ToArray<double>();
            var rowLse = t.LogSumExp(1).ToArray<double>();
            var colSum = t.Sum(0).ToArray<double>();
            var colMin = t.Min(new[] { 0 }, keepDim: true).ToArray<double>();
            var colMean = t.Mean(0).ToArray<double>();
            for (int r = 0; r < rows; r++)
            {
                double s = 0, m = double.NegativeInfinity;
                for (int c = 0; c < n; c++) { s += xv[r * n + c]; m = Math.Max(m, xv[r * n + c]); }
                double e = 0;
                for (int c = 0; c < n; c++) e += Math.Exp(xv[r * n + c] - m);
                Assert.Equal(s, rowSum[r], 1e-12 * n);
                Assert.Equal(m, rowMax[r]);
                Assert.Equal(m + Math.Log(e), rowLse[r], 1e-12 * n);
            }
            for (int c = 0; c < n; c++)
            {
                double s = 0, m = double.PositiveInfinity;
                for (int r = 0; r < rows; r++) { s += xv[r * n + c]; m = Math.Min(m, xv[r * n + c]); }
                Assert.Equal(s, colSum[c], 1e-14);
                Assert.Equal(s / rows, colMean[c], 1e-14);
                Assert.Equal(m, colMin[c]);
            }
        }
    }

    [Fact]
    public void ManyRowLogSumExpOnTheParallelPath()
    {
        // Many independent rows, enough work to be split across threads: each row has its own shift.
        const int rows = 64, cols = 2048;
        using var scope = Tensor.Scope();
        var x = Tensor.Uniform(new[] { rows, cols }, -1, 1, new Generator(400), DType.Float64);
        var offsets = Tensor.Arange(0, rows * 50, 50, DType.Float64).Unsqueeze(1); // rows far apart in scale
        var y = x.Add(offsets);
        var yv = y.ToArray<double>();
        var lse = y.LogSumExp(1).ToArray<double>();
        for (int r = 0; r < rows; r++)
        {
            double m = double.NegativeInfinity, e = 0;
            for (int c = 0; c < cols; c++) m = Math.Max(m, yv[r * cols + c]);
            for (int c = 0; c < cols; c++) e += Math.Exp(yv[r * cols + c] - m);
            Assert.Equal(m + Math.Log(e), lse[r], 1e-9);
        }
    }
}

/// <summary>The parallel paths (row chunks, and segments of one long row) against plain loops, with several thread counts.</summary>
[Collection("GlobalThreads")]
public class ParallelPathTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void LongRowsAndManyRowsMatchLoops(int threads)
    {
        int saved = Strata.Backends.Cpu.CpuThreadPool.Threads;
        Strata.Backends.Cpu.CpuThreadPool.Threads = threads;
        try
        {
            using var scope = Tensor.Scope();
            // One long row (segmented), a long strided row, and many short rows of a transposed layout.
            var x = Tensor.Uniform(new[] { 300_001 }, -1, 1, new Generator(500), DType.Float64);
            var xs = Tensor.Uniform(new[] { 2, 150_001 }, -1, 1, new Generator(501), DType.Float64).T.Select(1, 1);
            var m = Tensor.Uniform(new[] { 70_001, 3 }, -1, 1, new Generator(502), DType.Float64).T;
            foreach (var t in new[] { x, xs, m })
            {
                var v = t.ToArray<double>();
                var e = t.Exp().Add(t).ToArray<double>();
                for (int i = 0; i < v.Length; i++) Assert.Equal(Math.Exp(v[i]) + v[i], e[i], 1e-15 * 8); // vectorised exp may differ by an ulp
                double s = 0, mx = double.NegativeInfinity;
                foreach (var q in v) { s += q; mx = Math.Max(mx, q); }
                Assert.Equal(s, t.Sum().Item(), 1e-12 * v.Length);
                Assert.Equal(mx, t.Max().Item());
            }
            var rowSums = m.Sum(1).ToArray<double>();
            var mv = m.ToArray<double>();
            int cols = m.Size(1);
            for (int r = 0; r < 3; r++)
            {
                double s = 0;
                for (int c = 0; c < cols; c++) s += mv[r * cols + c];
                Assert.Equal(s, rowSums[r], 1e-12 * cols);
            }
            var colMax = m.Max(0).ToArray<double>();
            for (int c = 0; c < cols; c++)
                Assert.Equal(Math.Max(mv[c], Math.Max(mv[cols + c], mv[2 * cols + c])), colMax[c]);
        }
        finally { Strata.Backends.Cpu.CpuThreadPool.Threads = saved; }
    }
}
