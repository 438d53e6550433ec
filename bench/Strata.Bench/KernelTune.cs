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
    private static void* Alloc(nuint bytes) => NativeMemory.AlignedAlloc(bytes, 64);

    public static int Run(int n)
    {
        int saved = CpuThreadPool.Threads;
        CpuThreadPool.Threads = 1;
        var supported = Gemm.SupportedSgemmKernels();
        // The fastest kernel also runs under other cache blockings (Kc x Mc), so a blocking choice can be checked in
        // the same interleaved rounds.
        var k0 = supported[0];
        var variants = new List<GemmKernel<float>>(supported.Where(k => n <= 512 || k.Nr >= 16));
        foreach (var (kc, mc) in new[] { (128, 256), (192, 256), (256, 128), (256, 512), (320, 256), (128, 512) })
            if (kc != k0.Kc || mc != k0.Mc)
                variants.Add(new GemmKernel<float>($"{k0.Name} kc{kc} mc{mc}", k0.Fn, k0.Mr, k0.Nr, kc, mc, k0.Nc));
        foreach (int nc in new[] { 256, 512, 1024 })
            variants.Add(new GemmKernel<float>($"{k0.Name} nc{nc}", k0.Fn, k0.Mr, k0.Nr, k0.Kc, k0.Mc, nc));
        var kernels = variants.ToArray();
        float* a = (float*)Alloc((nuint)n * (nuint)n * 4);
        float* b = (float*)Alloc((nuint)n * (nuint)n * 4);
        float* c = (float*)Alloc((nuint)n * (nuint)n * 4);
        try
        {
            var rng = new Random(1);
            for (long i = 0; i < (long)n * n; i++) { a[i] = (float)rng.NextDouble(); b[i] = (float)rng.NextDouble(); }
            var best = new double[kernels.Length];
            var all = new double[kernels.Length, 15];
            for (int round = 0; round < 15; round++)
                for (int q = 0; q < kernels.Length; q++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    Gemm.Run(kernels[q], n, n, n, a, n, 1, b, n, 1, c, n, 1, false);
                    double s = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    best[q] = Math.Max(best[q], 2.0 * n * n * n / s / 1e9);
                    all[q, round] = 2.0 * n * n * n / s / 1e9;
                }
            for (int q = 0; q < kernels.Length; q++)
            {
                var row = Enumerable.Range(0, 15).Select(r => all[q, r]).OrderBy(x => x).ToArray();
                Console.WriteLine($"{kernels[q].Name,-24} N={n} threads=1 best {best[q],7:F1} median {row[7],7:F1} GFLOP/s");
            }
            // The micro-kernel alone on L1-resident panels: its ceiling, before packing and cache misses.
            float* pa = (float*)NativeMemory.AlignedAlloc(8 * 256 * 4 * 4, 64), pb = (float*)NativeMemory.AlignedAlloc(256 * 32 * 4, 64);
            float* pc = (float*)NativeMemory.AlignedAlloc(16 * 32 * 4, 64);
            new Span<float>(pa, 8 * 256 * 4).Fill(0.5f); new Span<float>(pb, 256 * 32).Fill(0.25f);
            var kf = kernels[0];
            foreach (int kc in new[] { 64, 128, 256 })
            {
                double bestK = 0;
                for (int round = 0; round < 15; round++)
                {
                    const int calls = 20000;
                    long t0 = Stopwatch.GetTimestamp();
                    for (int i = 0; i < calls; i++) kf.Fn(kc, pa + (i & 3) * 8 * 256, pb, pc, 32, true);
                    double s = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    bestK = Math.Max(bestK, 2.0 * kf.Mr * kf.Nr * kc * calls / s / 1e9);
                }
                Console.WriteLine($"{kf.Name} micro-kernel alone kc={kc}: best {bestK,7:F1} GFLOP/s");
            }
            NativeMemory.AlignedFree(pa); NativeMemory.AlignedFree(pb); NativeMemory.AlignedFree(pc);
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
