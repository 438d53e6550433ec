using System.Runtime.CompilerServices;

namespace Strata.Backends.Cpu;

/// <summary>
/// Copies strided operand blocks into the contiguous panel layout the micro-kernels read, zero-padding partial
/// panels so the kernels never need edge cases. Strides are arbitrary, so transposed operands need no prior copy.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>Packs rows [0, rows) of an mr-row panel of A (kc columns) into dst[p * mr + i].</summary>
    public static void PackAPanel<T>(int rows, int kc, int mr, T* a, nint rsa, nint csa, T* dst) where T : unmanaged
    {
        if (rows == mr && rsa == 1)
        {
            // Column-contiguous (transposed) A: each k step is one contiguous copy.
            uint bytes = (uint)(mr * sizeof(T));
            for (int p = 0; p < kc; p++) Unsafe.CopyBlockUnaligned(dst + p * mr, a + p * csa, bytes);
            return;
        }
        // Row-major A: read each row contiguously, scatter with stride mr (writes stay within a few cache lines).
        for (int i = 0; i < rows; i++)
        {
            T* src = a + i * rsa;
            T* d = dst + i;
            if (csa == 1)
                for (int p = 0; p < kc; p++) d[p * mr] = src[p];
            else
                for (int p = 0; p < kc; p++) d[p * mr] = src[p * csa];
        }
        for (int i = rows; i < mr; i++)
            for (int p = 0; p < kc; p++) dst[p * mr + i] = default;
    }

    /// <summary>Packs columns [0, cols) of an nr-column panel of B (kc rows) into dst[p * nr + j].</summary>
    public static void PackBPanel<T>(int cols, int kc, int nr, T* b, nint rsb, nint csb, T* dst) where T : unmanaged
    {
        if (csb == 1)
        {
            uint bytes = (uint)(cols * sizeof(T));
            for (int p = 0; p < kc; p++)
            {
                T* d = dst + p * nr;
                Unsafe.CopyBlockUnaligned(d, b + p * rsb, bytes);
                for (int j = cols; j < nr; j++) d[j] = default;
            }
            return;
        }
        // Row-contiguous-in-k (transposed) or general B: walk each column along k.
        for (int j = 0; j < cols; j++)
        {
            T* src = b + j * csb;
            T* d = dst + j;
            if (rsb == 1)
                for (int p = 0; p < kc; p++) d[p * nr] = src[p];
            else
                for (int p = 0; p < kc; p++) d[p * nr] = src[p * rsb];
        }
        for (int j = cols; j < nr; j++)
            for (int p = 0; p < kc; p++) dst[p * nr + j] = default;
    }
}
