using System.Diagnostics;
using System.Runtime.InteropServices;
using Strata.Backends.Cpu;

namespace Strata.Bench;

/// <summary>
/// `--kernels [N]`: single-thread GFLOP/s of every float micro-kernel this machine supports, rounds interleaved and
/// best-of taken, so kernel choices can be compared even while other processes load the machine.
/// </summary>
public static unsafe class KernelTune
{
    public static int Run(int n)
    {
        int saved = CpuThreadPool.Threads;
        CpuThreadPool.Threads = 1;
        var kernels = Gemm.SupportedSgemmKernels();
        float* a = (float*)NativeMemory.AlignedAlloc((nuint)n * (nuint)n * 4, 64);
        float* b = (float*)NativeMemory.AlignedAlloc((nuint)n * (nuint)n * 4, 64);
        float* c = (float*)NativeMemory.AlignedAlloc((nuint)n * (nuint)n * 4, 64);
        try
        {
            var rng = new Random(1);
            for (long i = 0; i < (long)n * n; i++) { a[i] = (float)rng.NextDouble(); b[i] = (float)rng.NextDouble(); }
            var best = new double[kernels.Length];
            for (int round = 0; round < 15; round++)
                for (int q = 0; q < kernels.Length; q++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    Gemm.Run(kernels[q], n, n, n, a, n, 1, b, n, 1, c, n, 1, false);
                    double s = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    best[q] = Math.Max(best[q], 2.0 * n * n * n / s / 1e9);
                }
            for (int q = 0; q < kernels.Length; q++) Console.WriteLine($"{kernels[q].Name,-16} N={n} threads=1 best {best[q],7:F1} GFLOP/s");
        }
        finally
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
            NativeMemory.AlignedFree(c);
            CpuThreadPool.Threads = saved;
        }
        return 0;
    }
}
