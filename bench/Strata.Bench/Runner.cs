using System.Diagnostics;
using Strata.Backends.Cpu;
using TorchSharp;

namespace Strata.Bench;

/// <summary>
/// Times workloads: Strata, libtorch and PyTorch reps alternate (after warm-up) so all see the same machine load;
/// each figure comes from the median rep time. Every framework gets the same thread count.
/// </summary>
public static class Runner
{
    public const int WarmUp = 3;

    public static BenchResult Measure(IWorkload w, int runThreads, PytorchPeer? peer, LibtorchPeer? libtorch = null)
    {
        int threads = w.Threads ?? runThreads;
        CpuThreadPool.Threads = threads;
        torch.set_num_threads(threads);
        w.Setup();
        if (libtorch != null && w.HasLibtorch) libtorch.Setup(w.Name, threads);
        Func<double> runLibtorch = libtorch == null ? () => Time(w.RunLibtorch) : () =>
        {
            double t = libtorch.Run();
            libtorch.Settle();
            return t;
        };
        var onPeer = peer?.Setup(w.Name, threads);
        try
        {
            for (int i = 0; i < w.WarmUps; i++)
            {
                if (w.HasStrata) w.RunStrata();
                if (w.HasLibtorch) runLibtorch();
                if (onPeer != null && !TryPeerRun(peer!, w.Name, out _)) onPeer = null;
                if (onPeer != null) peer!.Settle();
            }
            var ts = new double[w.Reps];
            var tl = new double[w.Reps];
            var tp = new double[w.Reps];
            for (int i = 0; i < w.Reps; i++)
            {
                if (w.HasStrata) ts[i] = Time(w.RunStrata);
                if (w.HasLibtorch) tl[i] = runLibtorch();
                if (onPeer != null && !TryPeerRun(peer!, w.Name, out tp[i])) onPeer = null;
                if (onPeer != null) peer!.Settle();
            }
            return new BenchResult(w.Name, w.Unit,
                w.HasStrata ? Figure(w.IsLatency, w.WorkPerRep, Median(ts)) : null,
                w.HasLibtorch ? Figure(w.IsLatency, w.WorkPerRep, Median(tl)) : null,
                onPeer is var (_, work) ? Figure(w.IsLatency, work, Median(tp)) : null,
                w.IsLatency);
        }
        finally
        {
            w.Teardown();
            if (libtorch != null && w.HasLibtorch) libtorch.Teardown();
            if (peer != null && onPeer != null) peer.Teardown();
        }
    }

    // A failing peer rep empties the PyTorch cell of this workload instead of ending the whole run.
    private static bool TryPeerRun(PytorchPeer peer, string workload, out double seconds)
    {
        try
        {
            seconds = peer.Run();
            return true;
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"PyTorch peer: {workload}: {e.Message}");
            seconds = 0;
            return false;
        }
    }

    // After each PyTorch rep the runner waits until the peer is idle (PytorchPeer.Settle): Debian's OpenBLAS threads spin
    // 2^28 cycles after a call before they sleep, and that spin must be over before Strata's rep. (OPENBLAS_THREAD_TIMEOUT
    // =4 or 20 instead cost PyTorch's small GEMMs a wake-up per call: N=256 on one thread 93 GFLOP/s against 151-194.)

    private static double Figure(bool latency, double work, double seconds) => latency ? seconds * 1e6 / work : work / seconds;

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
