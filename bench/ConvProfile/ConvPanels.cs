using System.Diagnostics;
using Strata.Backends;
using Strata.Backends.Cpu;

namespace Strata.ConvProfile;

/// <summary>
/// `--conv-panels [THREADS] [ROUNDS]`: the seed CNN's conv2 (batch 64) with the convolution's panel paths off and on
/// (<see cref="LoweredPanels.Enabled"/>), alternating call by call in one process so both see the same minutes of
/// this noisy machine; medians. Docs/PERFORMANCE.md item 16 quotes it.
/// </summary>
internal static class ConvPanels
{
    public static void Run(int threads, int rounds)
    {
        CpuThreadPool.Threads = threads;
        var g = new Generator(5);
        var x = Tensor.Randn(new[] { 64, 32, 13, 13 }, g);
        var w = Tensor.Randn(new[] { 64, 32, 3, 3 }, g) * 0.05;
        var b = Tensor.Zeros(64);
        var gy = Tensor.Ones(64, 64, 11, 11);
        var y = Tensor.Zeros(new[] { 64, 64, 11, 11 });
        var gw = Tensor.Zeros(new[] { 64, 32, 3, 3 });
        foreach (var t in new[] { x, w, b }) t.RequiresGrad = true;
        var be = BackendRegistry.For(Device.Cpu);
        var p = new Conv2dParams(1, 1, 0, 0, 1, 1, 1);
        var parts = new (string Name, Action Run)[]
        {
            ("forward kernel", () => be.Conv2d(x.Desc, w.Desc, b.Desc, y.Desc, p)),
            ("weight-grad kernel", () => be.Conv2dBackwardWeight(x.Desc, gy.Desc, gw.Desc, p)),
            ("fwd+bwd (autograd)", () =>
            {
                foreach (var t in new[] { x, w, b }) { t.Grad?.Dispose(); t.Grad = null; }
                using var s = Tensor.Scope();
                Functional.Conv2d(x, w, b).Backward(gy);
            }),
        };
        var times = new List<double>[parts.Length, 2];
        for (int i = 0; i < parts.Length; i++) { times[i, 0] = new(); times[i, 1] = new(); }
        bool saved = LoweredPanels.Enabled;
        try
        {
            for (int round = -5; round < rounds; round++)
                for (int on = 0; on < 2; on++)
                {
                    LoweredPanels.Enabled = on == 1;
                    for (int i = 0; i < parts.Length; i++)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        parts[i].Run();
                        if (round >= 0) times[i, on].Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                    }
                }
        }
        finally { LoweredPanels.Enabled = saved; }
        Console.WriteLine($"conv2 of the seed CNN, batch 64, {threads} thread(s), medians of {rounds} alternating rounds");
        for (int i = 0; i < parts.Length; i++)
            Console.WriteLine($"{parts[i].Name,-20} matrix {Median(times[i, 0]),7:F3} ms   panels {Median(times[i, 1]),7:F3} ms");
    }

    private static double Median(List<double> v)
    {
        v.Sort();
        return v[v.Count / 2];
    }
}
