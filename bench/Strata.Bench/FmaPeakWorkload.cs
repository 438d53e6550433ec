using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Strata.Bench;

/// <summary>
/// The single-core FMA ceiling: a loop of independent register-only FMAs (12 chains, enough to cover FMA latency
/// on both pipes), so GEMM figures can be read as a fraction of what the core can do at all.
/// </summary>
public sealed class FmaPeakWorkloads : IWorkloadFamily
{
    public IEnumerable<IBenchmark> Create()
    {
        if (Supported) yield return new FmaPeak();
    }

    private sealed class FmaPeak : IWorkload
    {
        private const long Iterations = 20_000_000;

        public string Name => "fma-peak/threads=1";
        public string Unit => "GFLOP/s";
        public double WorkPerRep => Flops(Iterations) / 1e9;
        public int Reps => 7;
        public bool HasLibtorch => false;
        public int? Threads => 1;
        public float Sink;

        public void Setup() { }
        public void Teardown() { }
        public void RunLibtorch() { }

        public void RunStrata() => Sink = Run(Iterations);
    }

    /// <summary>Whether this machine has the FMA loop (AVX-512 or AVX2 + FMA).</summary>
    public static bool Supported => Avx512F.IsSupported || Fma.IsSupported;

    /// <summary>FLOPs of one <see cref="Run"/> of <paramref name="iterations"/>.</summary>
    public static double Flops(long iterations) => iterations * 12.0 * (Avx512F.IsSupported ? 16 : 8) * 2;

    /// <summary>Runs the register-only FMA loop; the result only keeps the JIT from dropping it.</summary>
    public static float Run(long iterations) => Avx512F.IsSupported ? Loop512(iterations) : Loop256(iterations);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop512(long iterations)
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
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return s.ToScalar();
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Loop256(long iterations)
    {
        var x = Vector256.Create(0.999f);
        var y = Vector256.Create(1e-7f);
        Vector256<float> a0 = x, a1 = x, a2 = x, a3 = x, a4 = x, a5 = x, a6 = x, a7 = x, a8 = x, a9 = x, a10 = x, a11 = x;
        for (long i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, x, y); a1 = Fma.MultiplyAdd(a1, x, y);
            a2 = Fma.MultiplyAdd(a2, x, y); a3 = Fma.MultiplyAdd(a3, x, y);
            a4 = Fma.MultiplyAdd(a4, x, y); a5 = Fma.MultiplyAdd(a5, x, y);
            a6 = Fma.MultiplyAdd(a6, x, y); a7 = Fma.MultiplyAdd(a7, x, y);
            a8 = Fma.MultiplyAdd(a8, x, y); a9 = Fma.MultiplyAdd(a9, x, y);
            a10 = Fma.MultiplyAdd(a10, x, y); a11 = Fma.MultiplyAdd(a11, x, y);
        }
        var s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        return s.ToScalar();
    }
}
