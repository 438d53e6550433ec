using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
            // Column-contiguous (transposed) A: each k step is one contiguous copy. For the 32- and 64-byte panels of
            // the 8-row kernels a vector move each; a memmove call per k step cost more than the copy (weight gradients).
            uint bytes = (uint)(mr * sizeof(T));
            if (bytes == 32)
            {
                for (int p = 0; p < kc; p++) Vector256.Store(Vector256.Load((byte*)(a + p * csa)), (byte*)(dst + p * mr));
                return;
            }
            if (bytes == 64)
            {
                for (int p = 0; p < kc; p++) Vector512.Store(Vector512.Load((byte*)(a + p * csa)), (byte*)(dst + p * mr));
                return;
            }
            for (int p = 0; p < kc; p++) Unsafe.CopyBlockUnaligned(dst + p * mr, a + p * csa, bytes);
            return;
        }
        if (typeof(T) == typeof(float) && rows == 8 && mr == 8 && csa == 1 && Avx.IsSupported)
        {
            // Row-major A under the 8-row float kernel (x·Wᵀ, a recurrence's h·W_hhᵀ): 8x8 register transposes
            // instead of one scalar store per element.
            int p8 = kc / 8 * 8;
            for (int p = 0; p < p8; p += 8) Transpose8x8((float*)(a + p), rsa, (float*)(dst + p * 8), 8);
            for (int p = p8; p < kc; p++)
                for (int i = 0; i < 8; i++) dst[p * 8 + i] = a[i * rsa + p];
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
            // A full panel row of the float 8x32 kernel is two 64-byte vectors; a memmove call per k row cost about a
            // third of the micro-kernel's time on conv2's deep, narrow products (K 288, M 64).
            if (cols == nr && bytes == 128)
            {
                for (int p = 0; p < kc; p++)
                {
                    byte* s = (byte*)(b + p * rsb), d = (byte*)(dst + p * nr);
                    Vector512.Store(Vector512.Load(s), d);
                    Vector512.Store(Vector512.Load(s + 64), d + 64);
                }
                return;
            }
            if (cols == nr && bytes == 64)
            {
                for (int p = 0; p < kc; p++) Vector512.Store(Vector512.Load((byte*)(b + p * rsb)), (byte*)(dst + p * nr));
                return;
            }
            for (int p = 0; p < kc; p++)
            {
                T* d = dst + p * nr;
                Unsafe.CopyBlockUnaligned(d, b + p * rsb, bytes);
                for (int j = cols; j < nr; j++) d[j] = default;
            }
            return;
        }
        // Row-contiguous-in-k (transposed) or general B: walk each column along k.
        int j0 = 0;
        if (typeof(T) == typeof(float) && rsb == 1 && Avx.IsSupported)
        {
            // A transposed weight (x·Wᵀ) lands here on every forward: 8x8 register transposes instead of one
            // strided scalar store per element (measured ~3x faster packing for a 784x128 Wᵀ).
            int p8 = kc / 8 * 8;
            for (; j0 + 8 <= cols; j0 += 8)
            {
                for (int p = 0; p < p8; p += 8)
                    Transpose8x8((float*)(b + j0 * csb + p), csb, (float*)(dst + p * nr + j0), nr);
                for (int j = j0; j < j0 + 8; j++)
                    for (int p = p8; p < kc; p++) dst[p * nr + j] = b[j * csb + p];
            }
        }
        for (int j = j0; j < cols; j++)
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

    /// <summary>dst[q * dstStride + r] = src[r * srcStride + q] for an 8x8 block of floats (AVX unpack/shuffle/permute).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint srcStride, float* dst, nint dstStride)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + srcStride);
        var r2 = Avx.LoadVector256(src + 2 * srcStride);
        var r3 = Avx.LoadVector256(src + 3 * srcStride);
        var r4 = Avx.LoadVector256(src + 4 * srcStride);
        var r5 = Avx.LoadVector256(src + 5 * srcStride);
        var r6 = Avx.LoadVector256(src + 6 * srcStride);
        var r7 = Avx.LoadVector256(src + 7 * srcStride);
        var t0 = Avx.UnpackLow(r0, r1);
        var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5);
        var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7);
        var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44);
        var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44);
        var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44);
        var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44);
        var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(u3, u7, 0x31));
    }
}
