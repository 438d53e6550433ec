using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Strata.Backends.Cpu;

namespace Strata.ConvProfile;

/// <summary>
/// `--gemm-parts [ROUNDS] [KC] [MC]`: the single-thread N=2048 float product taken apart, each round next to an
/// FMA-loop rep. The parts replay the driver's one-thread order (depth blocks outermost, then M blocks, column panels,
/// row panels) with its blocking, timing the packing of A, the packing of B and the micro-kernel calls separately;
/// then the calls again with one of their streams taken away (C, B or A kept in L1) and with the next A block
/// prefetched while the calls run; and a clock probe (<see cref="ProbeRate"/>) after each M block of the calls against
/// one after slices of the FMA loop, since a core that runs slower under the product's load than under the loop's reads
/// as a lower fraction for reasons no code change reaches. Medians over the rounds; no assertions. B is packed up front, one region per depth
/// block, so the driver's packing of each depth block over the previous one (into cached lines) is not replayed.
/// </summary>
public static unsafe class GemmParts
{
    private const int N = 2048;

    private enum Calls { AsDriver, CInL1, OneBPanel, OneAPanel, NextAPrefetched }

    public static void Run(int rounds, int kcOverride, int mcOverride)
    {
        CpuThreadPool.Threads = 1;
        var kern = Gemm.SgemmKernel;
        int mr = kern.Mr, nr = kern.Nr, mc = mcOverride > 0 ? mcOverride : kern.Mc;
        // The driver's depth blocking: equal blocks of at most 1.25·Kc, rounded up to 8.
        int kBlocks = (int)Math.Ceiling(N / (kern.Kc * 1.25));
        int kcMax = kcOverride > 0 ? kcOverride : ((N + kBlocks - 1) / kBlocks + 7) / 8 * 8;
        kBlocks = (N + kcMax - 1) / kcMax;
        float* a = Alloc((long)N * N), b = Alloc((long)N * N), c = Alloc((long)N * N);
        float* pb = Alloc((long)N * N + 64), pa = Alloc((long)(mc + mr) * kcMax), tileC = Alloc(2 * 8 * 32);
        var rng = new Random(1);
        for (long i = 0; i < (long)N * N; i++) { a[i] = (float)rng.NextDouble(); b[i] = (float)rng.NextDouble(); }
        var fma = new List<double>(); var full = new List<double>(); var packB = new List<double>();
        var afterFma = new List<double>(); var callProbes = new List<double>();
        var calls = Enum.GetValues<Calls>().ToDictionary(v => v, _ => (Pack: new List<double>(), Run: new List<double>()));
        for (int round = -2; round < rounds; round++)
        {
            long t0 = Stopwatch.GetTimestamp();
            float sink = FmaLoop(10_000_000);
            double fmaRate = 10_000_000 * 12.0 * 32 / Seconds(Stopwatch.GetTimestamp() - t0);
            var fmaProbes = new List<double>();
            for (int slice = 0; slice < 4; slice++)
            {
                sink += FmaLoop(2_500_000);
                fmaProbes.Add(ProbeRate());
            }
            t0 = Stopwatch.GetTimestamp();
            Gemm.Sgemm(N, N, N, a, N, 1, b, N, 1, c, N, 1, false);
            double tFull = Seconds(Stopwatch.GetTimestamp() - t0);
            t0 = Stopwatch.GetTimestamp();
            for (int kb = 0; kb < kBlocks; kb++)
            {
                int pc = kb * kcMax, kc = Math.Min(kcMax, N - pc);
                for (int jp = 0; jp < N / nr; jp++)
                    GemmPacking.PackBPanel(nr, kc, nr, b + (long)pc * N + jp * nr, N, 1, pb + (long)pc * N + (long)jp * nr * kc);
            }
            double tPackB = Seconds(Stopwatch.GetTimestamp() - t0);
            foreach (var v in Enum.GetValues<Calls>())
            {
                long ticksPack = 0, ticksRun = 0;
                for (int kb = 0; kb < kBlocks; kb++)
                {
                    int pc = kb * kcMax, kc = Math.Min(kcMax, N - pc);
                    for (int ic = 0; ic < N; ic += mc)
                    {
                        long s0 = Stopwatch.GetTimestamp();
                        for (int ip = 0; ip < mc / mr; ip++)
                            GemmPacking.PackAPanel(mr, kc, mr, a + (long)(ic + ip * mr) * N + pc, N, 1, pa + (long)ip * mr * kc);
                        long s1 = Stopwatch.GetTimestamp();
                        // The A block the driver packs next: (same depth, next M block) or (next depth, first M block).
                        int nic = ic + mc < N ? ic + mc : 0, npc = ic + mc < N ? pc : pc + kcMax;
                        int nkc = npc < N ? Math.Min(kcMax, N - npc) : 0;
                        for (int jp = 0; jp < N / nr; jp++)
                        {
                            if (v == Calls.NextAPrefetched && nkc > 0)
                                for (int r = mc * jp / (N / nr); r < mc * (jp + 1) / (N / nr); r++)
                                    for (int o = 0; o < nkc * 4; o += 64) Sse.Prefetch0((byte*)(a + (long)(nic + r) * N + npc) + o);
                            float* bp = pb + (long)pc * N + (long)(v == Calls.OneBPanel ? 0 : jp) * nr * kc;
                            for (int ip = 0; ip < mc / mr; ip++)
                            {
                                float* ap = pa + (long)(v == Calls.OneAPanel ? 0 : ip) * mr * kc;
                                if (v == Calls.CInL1) kern.Fn(kc, ap, bp, tileC + (ip & 1) * 8 * 32, 32, kb > 0);
                                else kern.Fn(kc, ap, bp, c + (long)(ic + ip * mr) * N + jp * nr, N, kb > 0);
                            }
                        }
                        ticksPack += s1 - s0;
                        ticksRun += Stopwatch.GetTimestamp() - s1;
                        if (v == Calls.AsDriver && round >= 0) callProbes.Add(ProbeRate());
                    }
                }
                if (round < 0) continue;
                calls[v].Pack.Add(Seconds(ticksPack) * 1e3);
                calls[v].Run.Add(Seconds(ticksRun) * 1e3);
            }
            if (round < 0 || sink == 1234.5f) continue;
            afterFma.AddRange(fmaProbes);
            fma.Add(fmaRate / 1e9);
            full.Add(tFull * 1e3);
            packB.Add(tPackB * 1e3);
        }
        double flop = 2.0 * N * N * N, f = Median(fma), tf = Median(full);
        string Rate(double ms) => $"{ms,8:F2} ms  {flop / ms / 1e6,6:F1} GFLOP/s  {100 * flop / ms / 1e6 / f,5:F1} % of the FMA loop";
        Console.WriteLine($"kernel {kern.Name}, Kc {kcMax} x {kBlocks} depth blocks, Mc {mc}, one thread, median of {rounds} rounds");
        Console.WriteLine($"FMA loop                      {f,8:F1} GFLOP/s");
        Console.WriteLine($"whole product (Gemm.Sgemm)    {Rate(tf)}");
        Console.WriteLine($"micro-kernel calls            {Rate(Median(calls[Calls.AsDriver].Run))}");
        Console.WriteLine($"packing A, all blocks         {Median(calls[Calls.AsDriver].Pack),8:F2} ms  ({100 * Median(calls[Calls.AsDriver].Pack) / tf:F1} % of the product)");
        Console.WriteLine($"packing B, all panels         {Median(packB),8:F2} ms  ({100 * Median(packB) / tf:F1} % of the product)");
        Console.WriteLine($"calls, C in L1                {Rate(Median(calls[Calls.CInL1].Run))}");
        Console.WriteLine($"calls, one B panel            {Rate(Median(calls[Calls.OneBPanel].Run))}");
        Console.WriteLine($"calls, one A panel            {Rate(Median(calls[Calls.OneAPanel].Run))}");
        var pf = calls[Calls.NextAPrefetched];
        Console.WriteLine($"calls, next A prefetched      {Rate(Median(pf.Run))}; packing A then {Median(pf.Pack):F2} ms");
        Console.WriteLine($"clock probe after each M block's calls {100 * Median(callProbes) / Median(afterFma):F1} % of the probe after FMA-loop " +
            $"slices ({Median(callProbes):F0} against {Median(afterFma):F0} chain steps per µs)");
    }

    /// <summary>
    /// How fast the core runs right now: a register-only dependent chain (shift, add, xor), so its rate follows the
    /// clock alone. The VM has no PMU and no APERF/MPERF, so this is the only clock reading there is. ~0.2 ms. A copy
    /// of Strata.Bench's ClockProbe, like the FMA loop below: this project references only the library.
    /// </summary>
    private static double ProbeRate()
    {
        const long n = 200_000;
        long t0 = Stopwatch.GetTimestamp();
        ulong x = Chain(n);
        double us = Seconds(Stopwatch.GetTimestamp() - t0) * 1e6;
        GC.KeepAlive(x);
        return n / us;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static ulong Chain(long n)
    {
        ulong x = 12345;
        for (long i = 0; i < n; i++) x = (x + (x >> 1)) ^ 1;
        return x;
    }

    private static float* Alloc(long floats) => (float*)NativeMemory.AlignedAlloc((nuint)(floats * 4), 64);

    private static double Seconds(long ticks) => ticks / (double)Stopwatch.Frequency;

    private static double Median(List<double> v)
    {
        var s = v.OrderBy(x => x).ToList();
        return s[s.Count / 2];
    }

    /// <summary>
    /// The bench's FMA loop (`FmaPeakWorkloads.Loop512`: 12 independent Vector512 chains on registers). A copy, because
    /// this project references only the library: referencing Strata.Bench would bring in TorchSharp and libtorch.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static float FmaLoop(long iterations)
    {
        var x = Vector512.Create(0.999f);
        var y = Vector512.Create(1e-7f);
        Vector512<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, x, y); a1 = Avx512F.FusedMultiplyAdd(a1, x, y);
            a2 = Avx512F.FusedMultiplyAdd(a2, x, y); a3 = Avx512F.FusedMultiplyAdd(a3, x, y);
            a4 = Avx512F.FusedMultiplyAdd(a4, x, y); a5 = Avx512F.FusedMultiplyAdd(a5, x, y);
            a6 = Avx512F.FusedMultiplyAdd(a6, x, y); a7 = Avx512F.FusedMultiplyAdd(a7, x, y);
            a8 = Avx512F.FusedMultiplyAdd(a8, x, y); a9 = Avx512F.FusedMultiplyAdd(a9, x, y);
            a10 = Avx512F.FusedMultiplyAdd(a10, x, y); a11 = Avx512F.FusedMultiplyAdd(a11, x, y);
        }
        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
    }
}
