using System.Diagnostics;
using Strata.Backends;
using Strata.Backends.Cpu;

namespace Strata.ConvProfile;

/// <summary>
/// `--conv-panels [THREADS] [ROUNDS] [C HW O N PAD]`: a 3x3 convolution (default the seed CNN's conv2: 32 → 64
/// channels on 13x13, batch 64, no padding) with the convolution's panel paths off and on (<see cref="LoweredPanels.Enabled"/>),
/// alternating call by call in one process so both see the same minutes of this noisy machine; medians.
/// Docs/PERFORMANCE.md items 16 and 17 quote it.
/// </summary>
internal static class ConvPanels
{
    public static void Run(int threads, int rounds, int c = 32, int hw = 13, int o = 64, int n = 64, int pad = 0)
    {
        CpuThreadPool.Threads = threads;
        var g = new Generator(5);
        var x = Tensor.Randn(new[] { n, c, hw, hw }, g);
        var w = Tensor.Randn(new[] { o, c, 3, 3 }, g) * 0.05;
        var b = Tensor.Zeros(o);
        int ohw = hw + 2 * pad - 2;
        var gy = Tensor.Ones(n, o, ohw, ohw);
        var y = Tensor.Zeros(new[] { n, o, ohw, ohw });
        var gw = Tensor.Zeros(new[] { o, c, 3, 3 });
        var gx = Tensor.Zeros(new[] { n, c, hw, hw });
        foreach (var t in new[] { x, w, b }) t.RequiresGrad = true;
        var be = BackendRegistry.For(Device.Cpu);
        var p = new Conv2dParams(1, 1, pad, pad, 1, 1, 1);
        var parts = new (string Name, Action Run)[]
        {
            ("forward kernel", () => be.Conv2d(x.Desc, w.Desc, b.Desc, y.Desc, p)),
            ("weight-grad kernel", () => be.Conv2dBackwardWeight(x.Desc, gy.Desc, gw.Desc, p)),
            ("input-grad kernel", () => be.Conv2dBackwardInput(gy.Desc, w.Desc, gx.Desc, p)),
            ("fwd+bwd (autograd)", () =>
            {
                foreach (var t in new[] { x, w, b }) { t.Grad?.Dispose(); t.Grad = null; }
                using var s = Tensor.Scope();
                Functional.Conv2d(x, w, b, 1, pad).Backward(gy);
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
        Console.WriteLine($"conv 3x3 {c} -> {o} channels on {hw}x{hw}, padding {pad}, batch {n}, {threads} thread(s), medians of {rounds} alternating rounds");
        for (int i = 0; i < parts.Length; i++)
            Console.WriteLine($"{parts[i].Name,-20} matrix {Median(times[i, 0]),7:F3} ms   panels {Median(times[i, 1]),7:F3} ms");
    }

    private static double Median(List<double> v)
    {
        v.Sort();
        return v[v.Count / 2];
    }
}
