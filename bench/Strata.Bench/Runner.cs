using System.Diagnostics;

namespace Strata.Bench;

/// <summary>Result row: figures in the workload's unit (higher is better); ratio = strata / libtorch.</summary>
public sealed record BenchResult(string Workload, string Unit, double Strata, double? Libtorch)
{
    public double? Ratio => Libtorch is > 0 ? Strata / Libtorch : null;
}

/// <summary>Times workloads: Strata and libtorch reps alternate so both see the same machine load.</summary>
public static class Runner
{
    public const int WarmUp = 3;

    public static BenchResult Measure(IWorkload w)
    {
        w.Setup();
        try
        {
            for (int i = 0; i < WarmUp; i++)
            {
                w.RunStrata();
                if (w.HasLibtorch) w.RunLibtorch();
            }
            var ts = new double[w.Reps];
            var tl = new double[w.Reps];
            for (int i = 0; i < w.Reps; i++)
            {
                ts[i] = Time(w.RunStrata);
                if (w.HasLibtorch) tl[i] = Time(w.RunLibtorch);
            }
            return new BenchResult(w.Name, w.Unit, w.WorkPerRep / Median(ts), w.HasLibtorch ? w.WorkPerRep / Median(tl) : null);
        }
        finally
        {
            w.Teardown();
        }
    }

    private static double Time(Action run)
    {
        long t0 = Stopwatch.GetTimestamp();
        run();
        return Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    private static double Median(double[] xs)
    {
        var s = (double[])xs.Clone();
        Array.Sort(s);
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }
}
