using System.Numerics;

namespace Strata.Backends.Cpu;

/// <summary>Portable 4x4 micro-kernel for machines without usable SIMD FMA; correctness over speed.</summary>
internal static unsafe class GemmKernelScalar
{
    public static void Kernel4x4<T>(nint kc, T* a, T* b, T* c, nint rsc, bool add) where T : unmanaged, INumber<T>
    {
        T* acc = stackalloc T[16];
        for (int i = 0; i < 16; i++) acc[i] = T.Zero;
        for (nint p = 0; p < kc; p++)
        {
            for (int i = 0; i < 4; i++)
            {
                T ai = a[i];
                for (int j = 0; j < 4; j++) acc[i * 4 + j] += ai * b[j];
            }
            a += 4;
            b += 4;
        }
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++)
            {
                T* dst = c + i * rsc + j;
                *dst = add ? acc[i * 4 + j] + *dst : acc[i * 4 + j];
            }
    }
}
