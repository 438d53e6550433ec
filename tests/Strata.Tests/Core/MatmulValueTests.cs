using Strata;
using Xunit;

namespace Strata.Tests.Core;

/// <summary>Matmul values at awkward sizes and layouts against a naive triple loop.</summary>
public class MatmulValueTests
{
    public static IEnumerable<object[]> Shapes() => new[]
    {
        new object[] { 1, 1, 1 }, new object[] { 1, 7, 3 }, new object[] { 5, 1, 9 }, new object[] { 3, 17, 1 },
        new object[] { 17, 33, 65 }, new object[] { 65, 31, 129 }, new object[] { 130, 70, 3 },
    };

    private static double[] Naive(double[] a, double[] b, int m, int k, int n)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += a[i * k + p] * b[p * n + j];
                c[i * n + j] = s;
            }
        return c;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void MatchesNaiveLoopForEveryLayout(int m, int k, int n)
    {
        using var scope = Tensor.Scope();
        foreach (var dt in new[] { DType.Float32, DType.Float64 })
        {
            var a = Tensor.Uniform(new[] { m, k }, -1, 1, new Generator(1), dt);
            var b = Tensor.Uniform(new[] { k, n }, -1, 1, new Generator(2), dt);
            var expected = Naive(a.ToDoubleArray(), b.ToDoubleArray(), m, k, n);
            double tol = dt == DType.Float32 ? 1e-5 * Math.Sqrt(k) : 1e-13 * k;
            var aT = a.T.Contiguous().T; // same values, column-major
            var bT = b.T.Contiguous().T;
            foreach (var (x, y) in new[] { (a, b), (aT, b), (a, bT), (aT, bT) })
            {
                var c = x.Matmul(y).ToDoubleArray();
                for (int i = 0; i < c.Length; i++) Assert.Equal(expected[i], c[i], tol);
            }
            // Strided operands: every other row of a taller buffer.
            var tall = Tensor.Uniform(new[] { 2 * m, k }, -1, 1, new Generator(3), dt);
            var rows = tall.Slice(0, 1, 2 * m, 2);
            var exp2 = Naive(rows.ToDoubleArray(), b.ToDoubleArray(), m, k, n);
            var c2 = rows.Matmul(b).ToDoubleArray();
            for (int i = 0; i < c2.Length; i++) Assert.Equal(exp2[i], c2[i], tol);
            // A batch of 3 with a broadcast right operand.
            var batch = Tensor.Uniform(new[] { 3, m, k }, -1, 1, new Generator(4), dt);
            var cb = batch.Matmul(b).ToDoubleArray();
            var bv = batch.ToDoubleArray();
            for (int q = 0; q < 3; q++)
            {
                var e = Naive(bv.AsSpan(q * m * k, m * k).ToArray(), b.ToDoubleArray(), m, k, n);
                for (int i = 0; i < e.Length; i++) Assert.Equal(e[i], cb[q * m * n + i], tol);
            }
        }
    }
}
