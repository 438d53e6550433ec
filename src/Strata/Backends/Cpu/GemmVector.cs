using System.Numerics;

namespace Strata.Backends.Cpu;

/// <summary>
/// The m == 1 case (vector · matrix, e.g. batch-1 inference): packing would cost as much as the product itself, so
/// this streams B once. Parallel chunks split the output columns only, so results do not depend on thread count.
/// </summary>
internal sealed unsafe class GemmVector<T> : ParallelBody where T : unmanaged, IFloatingPointIeee754<T>
{
    private const int ColumnChunk = 256;

    [ThreadStatic] private static GemmVector<T>? _forThread;

    private int _n, _k, _chunks;
    private T* _a, _b, _c;
    private nint _csa, _rsb, _csb, _csc;
    private bool _accumulate;

    /// <summary>c[j] (+)= sum_p a[p]·B[p, j] for j in [0, n).</summary>
    public static void Run(int n, int k, T* a, nint csa, T* b, nint rsb, nint csb, T* c, nint csc, bool accumulate)
    {
        var v = _forThread ??= new GemmVector<T>();
        v._n = n; v._k = k; v._a = a; v._csa = csa; v._b = b; v._rsb = rsb; v._csb = csb; v._c = c; v._csc = csc;
        v._accumulate = accumulate;
        v._chunks = (n + ColumnChunk - 1) / ColumnChunk;
        if ((long)n * k < GemmDriver<T>.ParallelThreshold || v._chunks == 1)
            for (int i = 0; i < v._chunks; i++) v.Invoke(i);
        else
            CpuThreadPool.For(v._chunks, v);
    }

    public override void Invoke(int chunk)
    {
        int j0 = chunk * ColumnChunk, cols = Math.Min(ColumnChunk, _n - j0);
        if (_csb == 1) RowStream(j0, cols);
        else Dots(j0, cols);
    }

    /// <summary>B rows contiguous: accumulate a[p]·B[p, j0..] into a stack vector, one row at a time.</summary>
    private void RowStream(int j0, int cols)
    {
        T* acc = stackalloc T[ColumnChunk];
        for (int j = 0; j < cols; j++) acc[j] = T.Zero;
        int w = Vector<T>.Count;
        for (int p = 0; p < _k; p++)
        {
            T ap = _a[p * _csa];
            var av = new Vector<T>(ap);
            T* row = _b + p * _rsb + j0;
            int j = 0;
            for (; j <= cols - w; j += w)
            {
                var r = Vector.Load(row + j);
                Vector.Store(Vector.Load(acc + j) + av * r, acc + j);
            }
            for (; j < cols; j++) acc[j] += ap * row[j];
        }
        Write(acc, j0, cols);
    }

    /// <summary>B columns strided: one dot product per output, vectorised when both a and the column are contiguous.</summary>
    private void Dots(int j0, int cols)
    {
        T* acc = stackalloc T[ColumnChunk];
        int w = Vector<T>.Count;
        int jj = 0;
        if (_csa == 1 && _rsb == 1 && _k >= w)
        {
            // Four columns at a time: each load of a feeds four independent accumulators, so the loop is bound by
            // loads rather than by one accumulator's add latency (batch-1 x·Wᵀ).
            for (; jj + 4 <= cols; jj += 4)
            {
                T* c0 = _b + (j0 + jj) * _csb;
                T* c1 = c0 + _csb, c2 = c1 + _csb, c3 = c2 + _csb;
                Vector<T> s0 = Vector<T>.Zero, s1 = s0, s2 = s0, s3 = s0;
                int p = 0;
                for (; p <= _k - w; p += w)
                {
                    var av = Vector.Load(_a + p);
                    s0 += av * Vector.Load(c0 + p);
                    s1 += av * Vector.Load(c1 + p);
                    s2 += av * Vector.Load(c2 + p);
                    s3 += av * Vector.Load(c3 + p);
                }
                T r0 = Vector.Sum(s0), r1 = Vector.Sum(s1), r2 = Vector.Sum(s2), r3 = Vector.Sum(s3);
                for (; p < _k; p++)
                {
                    T ap = _a[p];
                    r0 += ap * c0[p]; r1 += ap * c1[p]; r2 += ap * c2[p]; r3 += ap * c3[p];
                }
                acc[jj] = r0; acc[jj + 1] = r1; acc[jj + 2] = r2; acc[jj + 3] = r3;
            }
        }
        for (; jj < cols; jj++)
        {
            T* col = _b + (j0 + jj) * _csb;
            T sum = T.Zero;
            int p = 0;
            if (_csa == 1 && _rsb == 1 && _k >= w)
            {
                var vs = Vector<T>.Zero;
                for (; p <= _k - w; p += w) vs += Vector.Load(_a + p) * Vector.Load(col + p);
                sum = Vector.Sum(vs);
            }
            for (; p < _k; p++) sum += _a[p * _csa] * col[p * _rsb];
            acc[jj] = sum;
        }
        Write(acc, j0, cols);
    }

    private void Write(T* acc, int j0, int cols)
    {
        T* c = _c + j0 * _csc;
        for (int j = 0; j < cols; j++)
        {
            T* dst = c + j * _csc;
            *dst = _accumulate ? acc[j] + *dst : acc[j];
        }
    }
}
