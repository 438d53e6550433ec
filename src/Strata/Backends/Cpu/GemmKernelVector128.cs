// Unrolled by hand (one named local per accumulator) so the JIT keeps every accumulator in a register.
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Strata.Backends.Cpu;

/// <summary>Portable 128-bit micro-kernels (ARM64 NEON or any x64 with FMA); Vector128.FusedMultiplyAdd is a single instruction there.</summary>
internal static unsafe class GemmKernelVector128
{
    /// <summary>C[4x8] (+)= A panel (4 x kc) * B panel (kc x 8), float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sgemm4x8(nint kc, float* a, float* b, float* c, nint rsc, bool add)
    {
        var c00 = Vector128<float>.Zero; var c01 = Vector128<float>.Zero;
        var c10 = Vector128<float>.Zero; var c11 = Vector128<float>.Zero;
        var c20 = Vector128<float>.Zero; var c21 = Vector128<float>.Zero;
        var c30 = Vector128<float>.Zero; var c31 = Vector128<float>.Zero;
        for (nint p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b + 0);
            var b1 = Vector128.Load(b + 4);
            var a0 = Vector128.Create(a[0]);
            c00 = Vector128.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector128.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector128.Create(a[1]);
            c10 = Vector128.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector128.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector128.Create(a[2]);
            c20 = Vector128.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector128.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector128.Create(a[3]);
            c30 = Vector128.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector128.FusedMultiplyAdd(a3, b1, c31);
            a += 4;
            b += 8;
        }
        Store2(c + 0 * rsc, add, c00, c01);
        Store2(c + 1 * rsc, add, c10, c11);
        Store2(c + 2 * rsc, add, c20, c21);
        Store2(c + 3 * rsc, add, c30, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(float* c, bool add, Vector128<float> v0, Vector128<float> v1)
    {
        if (add)
        {
            v0 += Vector128.Load(c + 0);
            v1 += Vector128.Load(c + 4);
        }
        v0.Store(c + 0);
        v1.Store(c + 4);
    }

    /// <summary>C[4x4] (+)= A panel (4 x kc) * B panel (kc x 4), double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Dgemm4x4(nint kc, double* a, double* b, double* c, nint rsc, bool add)
    {
        var c00 = Vector128<double>.Zero; var c01 = Vector128<double>.Zero;
        var c10 = Vector128<double>.Zero; var c11 = Vector128<double>.Zero;
        var c20 = Vector128<double>.Zero; var c21 = Vector128<double>.Zero;
        var c30 = Vector128<double>.Zero; var c31 = Vector128<double>.Zero;
        for (nint p = 0; p < kc; p++)
        {
            var b0 = Vector128.Load(b + 0);
            var b1 = Vector128.Load(b + 2);
            var a0 = Vector128.Create(a[0]);
            c00 = Vector128.FusedMultiplyAdd(a0, b0, c00);
            c01 = Vector128.FusedMultiplyAdd(a0, b1, c01);
            var a1 = Vector128.Create(a[1]);
            c10 = Vector128.FusedMultiplyAdd(a1, b0, c10);
            c11 = Vector128.FusedMultiplyAdd(a1, b1, c11);
            var a2 = Vector128.Create(a[2]);
            c20 = Vector128.FusedMultiplyAdd(a2, b0, c20);
            c21 = Vector128.FusedMultiplyAdd(a2, b1, c21);
            var a3 = Vector128.Create(a[3]);
            c30 = Vector128.FusedMultiplyAdd(a3, b0, c30);
            c31 = Vector128.FusedMultiplyAdd(a3, b1, c31);
            a += 4;
            b += 4;
        }
        Store2(c + 0 * rsc, add, c00, c01);
        Store2(c + 1 * rsc, add, c10, c11);
        Store2(c + 2 * rsc, add, c20, c21);
        Store2(c + 3 * rsc, add, c30, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(double* c, bool add, Vector128<double> v0, Vector128<double> v1)
    {
        if (add)
        {
            v0 += Vector128.Load(c + 0);
            v1 += Vector128.Load(c + 2);
        }
        v0.Store(c + 0);
        v1.Store(c + 2);
    }
}
