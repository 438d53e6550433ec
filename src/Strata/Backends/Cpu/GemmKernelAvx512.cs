// Unrolled by hand (one named local per accumulator) so the JIT keeps every accumulator in a register.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Backends.Cpu;

/// <summary>AVX-512 micro-kernels: a broadcast element of the packed A panel times two 512-bit rows of the packed B panel per k step.</summary>
internal static unsafe class GemmKernelAvx512
{
    /// <summary>
    /// How many k steps before its end a float kernel prefetches its C tile. Fetched at the start, C's 16 lines sat
    /// unused through the whole depth block while the A and B streams passed through L1, and were gone again when the
    /// final load came; 96 steps (~0.8k cycles) ahead covers a miss to memory. Single-thread N=2048 as a fraction of the
    /// FMA loop (the two in adjacent pairs, 12-30 interleaved rounds per variant, medians): +0.9 to +2.1 points in six
    /// comparisons of seven, -0.6 in one (docs/PERFORMANCE.md, item 10).
    /// </summary>
    private const int CPrefetchLead = 96;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PrefetchC(float* c, nint rsc)
    {
        for (int r = 0; r < 8; r++) { Sse.Prefetch0(c + r * rsc); Sse.Prefetch0(c + r * rsc + 16); }
    }

    /// <summary>
    /// C[8x32] (+)= A panel (8 x kc) * B panel (kc x 32), float. Two k steps per loop iteration: +2 % on
    /// single-thread N=2048 against one k step per iteration (`--kernels 2048`, best of 15, two runs: 192.1 → 195.6
    /// and 196.6 → 200.0 GFLOP/s).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgemm8x32(nint kc, float* a, float* b, float* c, nint rsc, bool add)
    {
        // C is prefetched CPrefetchLead k steps before the end, not at the start: lines fetched at the start were
        // evicted again by the A and B streams before the final load (see CPrefetchLead).
        nint prefetchAt = Math.Max(0, kc - CPrefetchLead) & ~1;
        var c00 = Vector512<float>.Zero; var c01 = Vector512<float>.Zero;
        var c10 = Vector512<float>.Zero; var c11 = Vector512<float>.Zero;
        var c20 = Vector512<float>.Zero; var c21 = Vector512<float>.Zero;
        var c30 = Vector512<float>.Zero; var c31 = Vector512<float>.Zero;
        var c40 = Vector512<float>.Zero; var c41 = Vector512<float>.Zero;
        var c50 = Vector512<float>.Zero; var c51 = Vector512<float>.Zero;
        var c60 = Vector512<float>.Zero; var c61 = Vector512<float>.Zero;
        var c70 = Vector512<float>.Zero; var c71 = Vector512<float>.Zero;
        nint p = 0;
        for (int half = 0; half < 2; half++)
        {
            if (half == 1) PrefetchC(c, rsc);
            nint end = half == 0 ? prefetchAt : kc;
            for (; p + 2 <= end; p += 2)
            {
                var b0 = Vector512.Load(b + 0);
                var b1 = Vector512.Load(b + 16);
                c00 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c00); c01 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), b1, c01);
                c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c10); c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), b1, c11);
                c20 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c20); c21 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), b1, c21);
                c30 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c30); c31 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), b1, c31);
                c40 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c40); c41 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), b1, c41);
                c50 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c50); c51 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), b1, c51);
                c60 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c60); c61 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), b1, c61);
                c70 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c70); c71 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), b1, c71);
                var d0 = Vector512.Load(b + 32);
                var d1 = Vector512.Load(b + 48);
                c00 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[8]), d0, c00); c01 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[8]), d1, c01);
                c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[9]), d0, c10); c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[9]), d1, c11);
                c20 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[10]), d0, c20); c21 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[10]), d1, c21);
                c30 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[11]), d0, c30); c31 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[11]), d1, c31);
                c40 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[12]), d0, c40); c41 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[12]), d1, c41);
                c50 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[13]), d0, c50); c51 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[13]), d1, c51);
                c60 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[14]), d0, c60); c61 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[14]), d1, c61);
                c70 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[15]), d0, c70); c71 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[15]), d1, c71);
                a += 16;
                b += 64;
            }
        }
        if (p < kc)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            c00 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c00); c01 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), b1, c01);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c10); c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), b1, c11);
            c20 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c20); c21 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), b1, c21);
            c30 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c30); c31 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), b1, c31);
            c40 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c40); c41 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), b1, c41);
            c50 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c50); c51 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), b1, c51);
            c60 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c60); c61 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), b1, c61);
            c70 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c70); c71 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), b1, c71);
        }
        Store2(c + 0 * rsc, add, c00, c01);
        Store2(c + 1 * rsc, add, c10, c11);
        Store2(c + 2 * rsc, add, c20, c21);
        Store2(c + 3 * rsc, add, c30, c31);
        Store2(c + 4 * rsc, add, c40, c41);
        Store2(c + 5 * rsc, add, c50, c51);
        Store2(c + 6 * rsc, add, c60, c61);
        Store2(c + 7 * rsc, add, c70, c71);
    }

    /// <summary>
    /// <see cref="Sgemm8x32"/> reading A straight from 8 rows of a row-major matrix (row stride <paramref name="rsa"/>,
    /// unit column stride) instead of a packed panel: the same FMAs in the same order, so the same bits. For products
    /// with few columns (a batch through a linear layer), where packing A is not repaid by reuse: it was ~13 % of the
    /// batch-256 MLP layer's time (skipping it took 161-164 → 140-141 µs on 2 threads). Kept as its own copy rather
    /// than one kernel over (row, column) strides: the packed kernel's fixed offsets (a[0..15]) are what lets it
    /// address A with immediates, and it is the hot path of every large product.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgemm8x32RowsA(nint kc, float* a, nint rsa, float* b, float* c, nint rsc, bool add)
    {
        // C is prefetched CPrefetchLead k steps before the end, not at the start: lines fetched at the start were
        // evicted again by the A and B streams before the final load (see CPrefetchLead).
        nint prefetchAt = Math.Max(0, kc - CPrefetchLead) & ~1;
        float* a0 = a, a1 = a + rsa, a2 = a + 2 * rsa, a3 = a + 3 * rsa, a4 = a + 4 * rsa, a5 = a + 5 * rsa, a6 = a + 6 * rsa, a7 = a + 7 * rsa;
        var c00 = Vector512<float>.Zero; var c01 = Vector512<float>.Zero;
        var c10 = Vector512<float>.Zero; var c11 = Vector512<float>.Zero;
        var c20 = Vector512<float>.Zero; var c21 = Vector512<float>.Zero;
        var c30 = Vector512<float>.Zero; var c31 = Vector512<float>.Zero;
        var c40 = Vector512<float>.Zero; var c41 = Vector512<float>.Zero;
        var c50 = Vector512<float>.Zero; var c51 = Vector512<float>.Zero;
        var c60 = Vector512<float>.Zero; var c61 = Vector512<float>.Zero;
        var c70 = Vector512<float>.Zero; var c71 = Vector512<float>.Zero;
        nint p = 0;
        for (int half = 0; half < 2; half++)
        {
            if (half == 1) PrefetchC(c, rsc);
            nint end = half == 0 ? prefetchAt : kc;
            for (; p + 2 <= end; p += 2)
            {
                var b0 = Vector512.Load(b + 0);
                var b1 = Vector512.Load(b + 16);
                c00 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[p + 0]), b0, c00); c01 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[p + 0]), b1, c01);
                c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[p + 0]), b0, c10); c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[p + 0]), b1, c11);
                c20 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[p + 0]), b0, c20); c21 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[p + 0]), b1, c21);
                c30 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[p + 0]), b0, c30); c31 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[p + 0]), b1, c31);
                c40 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[p + 0]), b0, c40); c41 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[p + 0]), b1, c41);
                c50 = Avx512F.FusedMultiplyAdd(Vector512.Create(a5[p + 0]), b0, c50); c51 = Avx512F.FusedMultiplyAdd(Vector512.Create(a5[p + 0]), b1, c51);
                c60 = Avx512F.FusedMultiplyAdd(Vector512.Create(a6[p + 0]), b0, c60); c61 = Avx512F.FusedMultiplyAdd(Vector512.Create(a6[p + 0]), b1, c61);
                c70 = Avx512F.FusedMultiplyAdd(Vector512.Create(a7[p + 0]), b0, c70); c71 = Avx512F.FusedMultiplyAdd(Vector512.Create(a7[p + 0]), b1, c71);
                var d0 = Vector512.Load(b + 32);
                var d1 = Vector512.Load(b + 48);
                c00 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[p + 1]), d0, c00); c01 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[p + 1]), d1, c01);
                c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[p + 1]), d0, c10); c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[p + 1]), d1, c11);
                c20 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[p + 1]), d0, c20); c21 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[p + 1]), d1, c21);
                c30 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[p + 1]), d0, c30); c31 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[p + 1]), d1, c31);
                c40 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[p + 1]), d0, c40); c41 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[p + 1]), d1, c41);
                c50 = Avx512F.FusedMultiplyAdd(Vector512.Create(a5[p + 1]), d0, c50); c51 = Avx512F.FusedMultiplyAdd(Vector512.Create(a5[p + 1]), d1, c51);
                c60 = Avx512F.FusedMultiplyAdd(Vector512.Create(a6[p + 1]), d0, c60); c61 = Avx512F.FusedMultiplyAdd(Vector512.Create(a6[p + 1]), d1, c61);
                c70 = Avx512F.FusedMultiplyAdd(Vector512.Create(a7[p + 1]), d0, c70); c71 = Avx512F.FusedMultiplyAdd(Vector512.Create(a7[p + 1]), d1, c71);
                b += 64;
            }
        }
        if (p < kc)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 16);
            c00 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[p + 0]), b0, c00); c01 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[p + 0]), b1, c01);
            c10 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[p + 0]), b0, c10); c11 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[p + 0]), b1, c11);
            c20 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[p + 0]), b0, c20); c21 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[p + 0]), b1, c21);
            c30 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[p + 0]), b0, c30); c31 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[p + 0]), b1, c31);
            c40 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[p + 0]), b0, c40); c41 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[p + 0]), b1, c41);
            c50 = Avx512F.FusedMultiplyAdd(Vector512.Create(a5[p + 0]), b0, c50); c51 = Avx512F.FusedMultiplyAdd(Vector512.Create(a5[p + 0]), b1, c51);
            c60 = Avx512F.FusedMultiplyAdd(Vector512.Create(a6[p + 0]), b0, c60); c61 = Avx512F.FusedMultiplyAdd(Vector512.Create(a6[p + 0]), b1, c61);
            c70 = Avx512F.FusedMultiplyAdd(Vector512.Create(a7[p + 0]), b0, c70); c71 = Avx512F.FusedMultiplyAdd(Vector512.Create(a7[p + 0]), b1, c71);
        }
        Store2(c + 0 * rsc, add, c00, c01);
        Store2(c + 1 * rsc, add, c10, c11);
        Store2(c + 2 * rsc, add, c20, c21);
        Store2(c + 3 * rsc, add, c30, c31);
        Store2(c + 4 * rsc, add, c40, c41);
        Store2(c + 5 * rsc, add, c50, c51);
        Store2(c + 6 * rsc, add, c60, c61);
        Store2(c + 7 * rsc, add, c70, c71);
    }

    /// <summary>
    /// The first 16 columns of <see cref="Sgemm8x32"/>: C[8x16] (+)= A panel (8 x kc) * the left half of a packed
    /// 32-column B panel. For an edge panel with at most 16 valid columns (conv2's 363 = 11·32 + 11, a 10-class output
    /// layer), where the full kernel would spend half its FMAs on padding. Each element gets the same FMAs in the same
    /// order as in the full kernel, so the same bits. Writes C with row stride rsc, 16 columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgemm8x16Of32(nint kc, float* a, float* b, float* c, nint rsc, bool add)
    {
        var c0 = Vector512<float>.Zero; var c1 = Vector512<float>.Zero; var c2 = Vector512<float>.Zero; var c3 = Vector512<float>.Zero;
        var c4 = Vector512<float>.Zero; var c5 = Vector512<float>.Zero; var c6 = Vector512<float>.Zero; var c7 = Vector512<float>.Zero;
        for (nint p = 0; p < kc; p++, a += 8, b += 32)
        {
            var b0 = Vector512.Load(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[0]), b0, c0); c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[1]), b0, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[2]), b0, c2); c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[3]), b0, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[4]), b0, c4); c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[5]), b0, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[6]), b0, c6); c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a[7]), b0, c7);
        }
        Store8x16(c, rsc, add, c0, c1, c2, c3, c4, c5, c6, c7);
    }

    /// <summary><see cref="Sgemm8x16Of32"/> reading A from 8 rows in place, as <see cref="Sgemm8x32RowsA"/> does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgemm8x16Of32RowsA(nint kc, float* a, nint rsa, float* b, float* c, nint rsc, bool add)
    {
        float* a0 = a, a1 = a + rsa, a2 = a + 2 * rsa, a3 = a + 3 * rsa, a4 = a + 4 * rsa, a5 = a + 5 * rsa, a6 = a + 6 * rsa, a7 = a + 7 * rsa;
        var c0 = Vector512<float>.Zero; var c1 = Vector512<float>.Zero; var c2 = Vector512<float>.Zero; var c3 = Vector512<float>.Zero;
        var c4 = Vector512<float>.Zero; var c5 = Vector512<float>.Zero; var c6 = Vector512<float>.Zero; var c7 = Vector512<float>.Zero;
        for (nint p = 0; p < kc; p++, b += 32)
        {
            var b0 = Vector512.Load(b);
            c0 = Avx512F.FusedMultiplyAdd(Vector512.Create(a0[p]), b0, c0); c1 = Avx512F.FusedMultiplyAdd(Vector512.Create(a1[p]), b0, c1);
            c2 = Avx512F.FusedMultiplyAdd(Vector512.Create(a2[p]), b0, c2); c3 = Avx512F.FusedMultiplyAdd(Vector512.Create(a3[p]), b0, c3);
            c4 = Avx512F.FusedMultiplyAdd(Vector512.Create(a4[p]), b0, c4); c5 = Avx512F.FusedMultiplyAdd(Vector512.Create(a5[p]), b0, c5);
            c6 = Avx512F.FusedMultiplyAdd(Vector512.Create(a6[p]), b0, c6); c7 = Avx512F.FusedMultiplyAdd(Vector512.Create(a7[p]), b0, c7);
        }
        Store8x16(c, rsc, add, c0, c1, c2, c3, c4, c5, c6, c7);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8x16(float* c, nint rsc, bool add, Vector512<float> c0, Vector512<float> c1, Vector512<float> c2,
        Vector512<float> c3, Vector512<float> c4, Vector512<float> c5, Vector512<float> c6, Vector512<float> c7)
    {
        if (add)
        {
            c0 += Vector512.Load(c); c1 += Vector512.Load(c + rsc); c2 += Vector512.Load(c + 2 * rsc); c3 += Vector512.Load(c + 3 * rsc);
            c4 += Vector512.Load(c + 4 * rsc); c5 += Vector512.Load(c + 5 * rsc); c6 += Vector512.Load(c + 6 * rsc); c7 += Vector512.Load(c + 7 * rsc);
        }
        c0.Store(c); c1.Store(c + rsc); c2.Store(c + 2 * rsc); c3.Store(c + 3 * rsc);
        c4.Store(c + 4 * rsc); c5.Store(c + 5 * rsc); c6.Store(c + 6 * rsc); c7.Store(c + 7 * rsc);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(float* c, bool add, Vector512<float> v0, Vector512<float> v1)
    {
        if (add)
        {
            v0 += Vector512.Load(c + 0);
            v1 += Vector512.Load(c + 16);
        }
        v0.Store(c + 0);
        v1.Store(c + 16);
    }

    /// <summary>C[8x16] (+)= A panel (8 x kc) * B panel (kc x 16), double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dgemm8x16(nint kc, double* a, double* b, double* c, nint rsc, bool add)
    {
        var c00 = Vector512<double>.Zero; var c01 = Vector512<double>.Zero;
        var c10 = Vector512<double>.Zero; var c11 = Vector512<double>.Zero;
        var c20 = Vector512<double>.Zero; var c21 = Vector512<double>.Zero;
        var c30 = Vector512<double>.Zero; var c31 = Vector512<double>.Zero;
        var c40 = Vector512<double>.Zero; var c41 = Vector512<double>.Zero;
        var c50 = Vector512<double>.Zero; var c51 = Vector512<double>.Zero;
        var c60 = Vector512<double>.Zero; var c61 = Vector512<double>.Zero;
        var c70 = Vector512<double>.Zero; var c71 = Vector512<double>.Zero;
        for (nint p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b + 0);
            var b1 = Vector512.Load(b + 8);
            var a0 = Vector512.Create(a[0]);
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00);
            c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector512.Create(a[1]);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10);
            c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector512.Create(a[2]);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20);
            c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector512.Create(a[3]);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30);
            c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
            var a4 = Vector512.Create(a[4]);
            c40 = Avx512F.FusedMultiplyAdd(a4, b0, c40);
            c41 = Avx512F.FusedMultiplyAdd(a4, b1, c41);
            var a5 = Vector512.Create(a[5]);
            c50 = Avx512F.FusedMultiplyAdd(a5, b0, c50);
            c51 = Avx512F.FusedMultiplyAdd(a5, b1, c51);
            var a6 = Vector512.Create(a[6]);
            c60 = Avx512F.FusedMultiplyAdd(a6, b0, c60);
            c61 = Avx512F.FusedMultiplyAdd(a6, b1, c61);
            var a7 = Vector512.Create(a[7]);
            c70 = Avx512F.FusedMultiplyAdd(a7, b0, c70);
            c71 = Avx512F.FusedMultiplyAdd(a7, b1, c71);
            a += 8;
            b += 16;
        }
        Store2(c + 0 * rsc, add, c00, c01);
        Store2(c + 1 * rsc, add, c10, c11);
        Store2(c + 2 * rsc, add, c20, c21);
        Store2(c + 3 * rsc, add, c30, c31);
        Store2(c + 4 * rsc, add, c40, c41);
        Store2(c + 5 * rsc, add, c50, c51);
        Store2(c + 6 * rsc, add, c60, c61);
        Store2(c + 7 * rsc, add, c70, c71);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(double* c, bool add, Vector512<double> v0, Vector512<double> v1)
    {
        if (add)
        {
            v0 += Vector512.Load(c + 0);
            v1 += Vector512.Load(c + 8);
        }
        v0.Store(c + 0);
        v1.Store(c + 8);
    }
}
