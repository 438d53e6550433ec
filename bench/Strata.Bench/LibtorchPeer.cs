using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using TorchSharp;

namespace Strata.Bench;

/// <summary>
/// The libtorch column, run in a child process of this bench (<c>--libtorch-child</c>) and driven rep by rep over
/// stdin/stdout like the PyTorch peer; the child times each rep itself, so the pipe's latency is not counted.
/// In-process, libtorch's OpenMP worker kept spinning on a core after libtorch's reps, into the other frameworks' ones
/// (seen with gdb while the main thread waited on the PyTorch peer), as did the PyTorch peer's OpenBLAS threads; a
/// Strata worker woken on that core had to wait, and Strata's batch-256 MLP inference came out at its one-thread
/// speed in four runs of seven. Now libtorch keeps libgomp's default policy (it spins between the ops of its own
/// reps) and the runner waits after each libtorch rep until the child is idle (<see cref="Settle"/>); with OMP_WAIT_POLICY=PASSIVE instead
/// (STRATA_BENCH_LIBTORCH_OMP=PASSIVE) libtorch measured slower (batch-1 CNN 393 against 281 µs in one pair of runs).
/// </summary>
public sealed class LibtorchPeer : IDisposable
{
    private readonly Process _process;

    private LibtorchPeer(Process process) => _process = process;

    // libgomp's default policy spins its worker after a parallel region (31-37 ms measured after an sgemm rep); the
    // runner waits at least this long after each libtorch rep, then until the child is idle, so the spin is over before
    // the next framework's rep starts, while libtorch keeps its spinning between the ops of its own reps.
    private const int DefaultPolicySettleMs = 20;

    /// <summary>Minimum milliseconds the runner waits after each libtorch rep (0 when libtorch's threads wait passively).</summary>
    public int SettleMs { get; private init; }

    /// <summary>Starts the child, or returns null (with the reason) when it cannot run libtorch.</summary>
    public static LibtorchPeer? TryStart(string? dataDirectory, out string status)
    {
        string exe = Environment.ProcessPath ?? "";
        var psi = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardInput = true, RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") psi.ArgumentList.Add(typeof(LibtorchPeer).Assembly.Location);
        psi.ArgumentList.Add("--libtorch-child");
        // libtorch keeps libgomp's default wait policy unless STRATA_BENCH_LIBTORCH_OMP names one (e.g. PASSIVE).
        string? policy = Environment.GetEnvironmentVariable("STRATA_BENCH_LIBTORCH_OMP");
        if (policy == null) psi.Environment.Remove("OMP_WAIT_POLICY");
        else psi.Environment["OMP_WAIT_POLICY"] = policy;
        if (dataDirectory != null) { psi.ArgumentList.Add("--data"); psi.ArgumentList.Add(dataDirectory); }
        string malloc = PipePeer.KeepFreedMemory(psi);
        if (PipePeer.Start(psi, out string error) is not var (p, hello))
        {
            status = $"libtorch: not available ({error})";
            return null;
        }
        status = $"libtorch: TorchSharp-cpu 0.107.0 (libtorch {hello["torch"]}), in its own process, OMP_WAIT_POLICY={(psi.Environment.TryGetValue("OMP_WAIT_POLICY", out var v) ? v : "unset")}, {malloc}";
        return new LibtorchPeer(p) { SettleMs = policy == null ? DefaultPolicySettleMs : 0 };
    }

    public void Setup(string workload, int threads)
    {
        var r = PipePeer.Ask(_process, $"setup {workload} {threads.ToString(CultureInfo.InvariantCulture)}");
        if (r?["ok"]?.GetValue<bool>() != true)
            throw new InvalidOperationException($"libtorch child: setup of '{workload}' failed: {r?["error"]?.ToString() ?? "no answer"}");
    }

    /// <summary>One rep in the child; its own wall time in seconds.</summary>
    public double Run() => PipePeer.RunRep(_process, "libtorch child");

    /// <summary>After a rep: at least <see cref="SettleMs"/>, then until the child's threads stop spinning (at most 1 s).</summary>
    public void Settle() => PipePeer.SettleUntilIdle(_process, SettleMs, 1000);

    public void Teardown() => PipePeer.Ask(_process, "teardown");

    public void Dispose() => PipePeer.Quit(_process);

    /// <summary>
    /// The child's loop: "hello", "setup NAME THREADS", "run", "teardown", "quit"; one JSON line per command. Only
    /// libtorch runs here; the workload's Strata side is set up (workloads build both) but never run.
    /// </summary>
    public static int Serve(IReadOnlyList<IWorkload> workloads)
    {
        var stdout = Console.Out;
        IWorkload? current = null;
        string? line;
        while ((line = Console.In.ReadLine()) != null)
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var reply = new JsonObject();
            try
            {
                switch (parts.Length > 0 ? parts[0] : "")
                {
                    case "hello":
                        reply["ok"] = true;
                        reply["torch"] = torch.__version__;
                        break;
                    case "setup":
                        current?.Teardown();
                        current = workloads.FirstOrDefault(w => w.Name == parts[1])
                                  ?? throw new InvalidOperationException($"no workload '{parts[1]}'");
                        torch.set_num_threads(int.Parse(parts[2], CultureInfo.InvariantCulture));
                        current.Setup();
                        reply["ok"] = true;
                        break;
                    case "run":
                        if (current == null) throw new InvalidOperationException("run before setup");
                        long t0 = Stopwatch.GetTimestamp();
                        current.RunLibtorch();
                        reply["seconds"] = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                        break;
                    case "teardown":
                        current?.Teardown();
                        current = null;
                        reply["ok"] = true;
                        break;
                    case "quit":
                        current?.Teardown();
                        return 0;
                    default:
                        throw new InvalidOperationException($"unknown command '{line}'");
                }
            }
            catch (Exception e)
            {
                reply["ok"] = false;
                reply["error"] = e.Message;
            }
            stdout.WriteLine(reply.ToJsonString());
            stdout.Flush();
        }
        return 0;
    }
}
