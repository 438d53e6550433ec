using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Strata.Bench;

/// <summary>
/// How fast the core runs right now, from a register-only dependent chain (shift, add, xor: latency-bound, so its rate
/// follows the clock and nothing else). The VM has no PMU and no APERF/MPERF, so this is the only clock reading there is.
/// </summary>
public static class ClockProbe
{
    private const long Iterations = 200_000;

    /// <summary>Chain iterations per microsecond over ~0.2 ms.</summary>
    public static double Rate()
    {
        long t0 = Stopwatch.GetTimestamp();
        ulong x = Chain(Iterations);
        double us = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        GC.KeepAlive(x);
        return Iterations / us;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong Chain(long n)
    {
        ulong x = 12345;
        for (long i = 0; i < n; i++) x = (x + (x >> 1)) ^ 1;
        return x;
    }
}
