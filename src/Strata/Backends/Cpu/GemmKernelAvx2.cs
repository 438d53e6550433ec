// Unrolled by hand (one named local per accumulator) so the JIT keeps every accumulator in a register.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Backends.Cpu;

/// <summary>AVX2+FMA micro-kernels (6 rows x two 256-bit vectors: 12 accumulators of the 16 ymm registers).</summary>
internal static unsafe class GemmKernelAvx2
{
    /// <summary>C[6x16] (+)= A panel (6 x kc) * B panel (kc x 16), float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgemm6x16(nint kc, float* a, float* b, float* c, nint rsc, bool add)
    {
        var c00 = Vector256<float>.Zero; var c01 = Vector256<float>.Zero;
        var c10 = Vector256<float>.Zero; var c11 = Vector256<float>.Zero;
        var c20 = Vector256<float>.Zero; var c21 = Vector256<float>.Zero;
        var c30 = Vector256<float>.Zero; var c31 = Vector256<float>.Zero;
        var c40 = Vector256<float>.Zero; var c41 = Vector256<float>.Zero;
        var c50 = Vector256<float>.Zero; var c51 = Vector256<float>.Zero;
        for (nint p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b + 0);
            var b1 = Vector256.Load(b + 8);
            var a0 = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(a2, b0, c20);
            c21 = Fma.MultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(a3, b0, c30);
            c31 = Fma.MultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(a4, b0, c40);
            c41 = Fma.MultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(a5, b0, c50);
            c51 = Fma.MultiplyAdd(a5, b1, c51);
            a += 6;
            b += 16;
        }
        Store2(c + 0 * rsc, add, c00, c01);
        Store2(c + 1 * rsc, add, c10, c11);
        Store2(c + 2 * rsc, add, c20, c21);
        Store2(c + 3 * rsc, add, c30, c31);
        Store2(c + 4 * rsc, add, c40, c41);
        Store2(c + 5 * rsc, add, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(float* c, bool add, Vector256<float> v0, Vector256<float> v1)
    {
        if (add)
        {
            v0 += Vector256.Load(c + 0);
            v1 += Vector256.Load(c + 8);
        }
        v0.Store(c + 0);
        v1.Store(c + 8);
    }

    /// <summary>C[6x8] (+)= A panel (6 x kc) * B panel (kc x 8), double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dgemm6x8(nint kc, double* a, double* b, double* c, nint rsc, bool add)
    {
        var c00 = Vector256<double>.Zero; var c01 = Vector256<double>.Zero;
        var c10 = Vector256<double>.Zero; var c11 = Vector256<double>.Zero;
        var c20 = Vector256<double>.Zero; var c21 = Vector256<double>.Zero;
        var c30 = Vector256<double>.Zero; var c31 = Vector256<double>.Zero;
        var c40 = Vector256<double>.Zero; var c41 = Vector256<double>.Zero;
        var c50 = Vector256<double>.Zero; var c51 = Vector256<double>.Zero;
        for (nint p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b + 0);
            var b1 = Vector256.Load(b + 4);
            var a0 = Vector256.Create(a[0]);
            c00 = Fma.MultiplyAdd(a0, b0, c00);
            c01 = Fma.MultiplyAdd(a0, b1, c01);
            var a1 = Vector256.Create(a[1]);
            c10 = Fma.MultiplyAdd(a1, b0, c10);
            c11 = Fma.MultiplyAdd(a1, b1, c11);
            var a2 = Vector256.Create(a[2]);
            c20 = Fma.MultiplyAdd(a2, b0, c20);
            c21 = Fma.MultiplyAdd(a2, b1, c21);
            var a3 = Vector256.Create(a[3]);
            c30 = Fma.MultiplyAdd(a3, b0, c30);
            c31 = Fma.MultiplyAdd(a3, b1, c31);
            var a4 = Vector256.Create(a[4]);
            c40 = Fma.MultiplyAdd(a4, b0, c40);
            c41 = Fma.MultiplyAdd(a4, b1, c41);
            var a5 = Vector256.Create(a[5]);
            c50 = Fma.MultiplyAdd(a5, b0, c50);
            c51 = Fma.MultiplyAdd(a5, b1, c51);
            a += 6;
            b += 8;
        }
        Store2(c + 0 * rsc, add, c00, c01);
        Store2(c + 1 * rsc, add, c10, c11);
        Store2(c + 2 * rsc, add, c20, c21);
        Store2(c + 3 * rsc, add, c30, c31);
        Store2(c + 4 * rsc, add, c40, c41);
        Store2(c + 5 * rsc, add, c50, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(double* c, bool add, Vector256<double> v0, Vector256<double> v1)
    {
        if (add)
        {
            v0 += Vector256.Load(c + 0);
            v1 += Vector256.Load(c + 4);
        }
        v0.Store(c + 0);
        v1.Store(c + 4);
    }
}
