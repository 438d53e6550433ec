using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;

namespace Strata.Bench;

/// <summary>
/// Side-by-side benchmarks of Strata against libtorch (TorchSharp-cpu 0.107.0) and PyTorch (Debian's 1.13 under
/// /usr/bin/python3), all in one run on the same machine.
/// <para>Commands (from the repository root):</para>
/// <code>
/// dotnet run -c Release --project bench/Strata.Bench                        # every workload, 2 threads
/// dotnet run -c Release --project bench/Strata.Bench -- --quick             # representative subset, under 2 minutes
/// dotnet run -c Release --project bench/Strata.Bench -- --filter train/ --threads 1 --json results.json
/// dotnet run -c Release --project bench/Strata.Bench -- --check             # libtorch loads, matmuls agree
/// dotnet run -c Release --project bench/Strata.Bench -- --kernels 1024      # Strata GEMM micro-kernels, best-of
/// </code>
/// <para>Method: each workload is set up in all three frameworks, then reps alternate Strata, libtorch, PyTorch
/// after warm-up reps, and each figure comes from the median rep. libtorch runs in a child process of this bench
/// (--libtorch-child; --libtorch-in-process keeps it here) and PyTorch in bench/peers/pytorch_bench.py --serve; both
/// are driven rep by rep over a pipe and time their own reps. All frameworks get the same thread count: the one in the
/// sgemm name, else --threads (default 2) via CpuThreadPool.Threads and torch.set_num_threads, and no framework's
/// threads spin while another runs: Strata's pool never spins; libtorch keeps libgomp's default policy and the runner
/// idles 20 ms after each libtorch rep, until its spinning worker has gone to sleep; PyTorch runs with
/// OMP_WAIT_POLICY=PASSIVE, and the runner idles 100 ms after each PyTorch rep, until its OpenBLAS threads sleep. Training: MLP 784-128-10 and the seed CNN on a fixed
/// SplitMix64-shuffled slice of 10,240 Fashion-MNIST training samples (full set in /usr/share/datasets/fashion-mnist,
/// else the bundled sample), batch 64, Adam lr 1e-3, seed 0; per batch index-select, zero-grad, forward, cross-entropy,
/// backward, Adam step; one warm-up slice, median of 3. Inference: eval mode, no grad; µs per call at batch 1,
/// samples/s at batch 256. memory/train/cnn: peak RSS (VmHWM) of one child process per framework training the CNN for
/// one slice. Ratio = Strata against libtorch, above 1 when Strata is better.</para>
/// </summary>
public static class Program
{
    private const string Usage =
        "Usage: Strata.Bench [--filter SUBSTRING] [--quick] [--threads N] [--json FILE] [--libtorch-in-process] | --check | --kernels [N]";

    // The --quick subset: GEMM against the FMA ceiling, one training loop, one latency, the conv kernel.
    private static readonly string[] QuickSet =
    {
        "fma-peak/threads=1", "sgemm/N=1024/threads=1", "sgemm/N=1024/threads=2",
        "train/mlp/fashion-mnist", "infer/mlp/batch=1", "conv2d/fwd-bwd/seed-cnn",
    };

    public static int Main(string[] args)
    {
        string? filter = null, json = null, memoryChild = null, dataArg = null;
        bool quick = false, libtorchChild = false, libtorchInProcess = false;
        int threads = 2;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--filter" when i + 1 < args.Length: filter = args[++i]; break;
                case "--json" when i + 1 < args.Length: json = args[++i]; break;
                case "--quick": quick = true; break;
                case "--threads" when i + 1 < args.Length && int.TryParse(args[i + 1], out threads) && threads > 0: i++; break;
                case "--memory-child" when i + 1 < args.Length: memoryChild = args[++i]; break;
                case "--libtorch-child": libtorchChild = true; break;
                case "--libtorch-in-process": libtorchInProcess = true; break;
                case "--data" when i + 1 < args.Length: dataArg = args[++i]; break;
                case "--check": return Check.Run();
                case "--kernels": return KernelTune.Run(i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 1024);
                default:
                    Console.Error.WriteLine($"Strata.Bench: bad argument '{args[i]}'{(i + 1 < args.Length ? $" (next: '{args[i + 1]}')" : "")}. {Usage}");
                    return 2;
            }
        }

        string? dataDir = dataArg;
        string dataNote = "";
        try { dataDir ??= TrainData.Directory(out dataNote); dataNote = dataArg != null ? $"Fashion-MNIST from {dataArg}" : dataNote; }
        catch (DirectoryNotFoundException e) { dataNote = e.Message + " Training and memory workloads are skipped."; }
        if (memoryChild != null)
        {
            if (dataDir == null) { Console.Error.WriteLine(dataNote); return 1; }
            return MemoryWorkload.Child(memoryChild, threads, dataDir);
        }

        var families = new List<IWorkloadFamily> { new FmaPeakWorkloads(), new SgemmWorkloads(), new RooflineWorkloads() };
        if (dataDir != null) families.Add(new TrainWorkloads(dataDir));
        families.Add(new InferWorkloads());
        families.Add(new SequenceWorkloads());
        if (dataDir != null) families.Add(new MemoryWorkloads(dataDir));
        families.Add(new ConvWorkloads());

        if (libtorchChild) return LibtorchPeer.Serve(families.SelectMany(f => f.Create()).OfType<IWorkload>().ToList());
        // With libtorch in a child, this process only builds libtorch models during setup: its OpenMP worker must not
        // spin afterwards either. libgomp reads the variable when it loads, before the first torch call here.
        if (!libtorchInProcess && Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is null && !OperatingSystem.IsWindows())
            SetEnv("OMP_WAIT_POLICY", "PASSIVE", 1);

        var selected = families.SelectMany(f => f.Create())
            .Where(w => !quick || QuickSet.Contains(w.Name))
            .Where(w => filter == null || w.Name.Contains(filter, StringComparison.Ordinal)).ToList();
        // The FMA ceiling is context for every GEMM figure, so it is measured whenever a GEMM is.
        if (selected.Any(w => w.Name.StartsWith("sgemm/", StringComparison.Ordinal)) && selected.All(w => !w.Name.StartsWith("fma-peak", StringComparison.Ordinal)))
            selected.InsertRange(0, new FmaPeakWorkloads().Create());
        if (selected.Count == 0)
        {
            Console.Error.WriteLine($"Strata.Bench: no workload matches '{filter}'{(quick ? " in the --quick set" : "")}.");
            return 1;
        }

        Console.WriteLine($"machine: {MachineInfo.Describe()}");
        Console.WriteLine($"threads: {threads} for every framework (sgemm and fma-peak: as named)");
        Console.WriteLine($"data: {dataNote}");
        string libtorchStatus = "";
        using var libtorch = libtorchInProcess ? null : LibtorchPeer.TryStart(dataDir, out libtorchStatus);
        if (libtorch == null && !libtorchInProcess) Console.Error.WriteLine(libtorchStatus + "; libtorch runs in this process.");
        Console.WriteLine(libtorch != null ? libtorchStatus : $"libtorch: TorchSharp-cpu 0.107.0 (libtorch {torch.__version__}), in this process");
        using var peer = PytorchPeer.TryStart(dataDir ?? TrainData.FullDirectory, out string peerStatus);
        Console.WriteLine(peerStatus);
        Console.WriteLine();

        var results = new List<BenchResult>();
        Console.WriteLine($"{"workload",-32} {"unit",-9} {"strata",11} {"libtorch",11} {"pytorch",11} {"ratio",7}");
        foreach (var w in selected)
        {
            var r = w switch
            {
                MemoryWorkload m => m.Measure(threads, peer != null),
                Roofline rl => rl.Measure(),
                IWorkload iw => Runner.Measure(iw, threads, peer, libtorch),
                _ => throw new InvalidOperationException($"Strata.Bench: {w.Name} is neither a timed nor a memory workload."),
            };
            results.Add(r);
            Console.WriteLine($"{r.Workload,-32} {r.Unit,-9} {Fmt(r.Strata),11} {Fmt(r.Libtorch),11} {Fmt(r.Pytorch),11} {Fmt(r.Ratio, "F3"),7}");
        }
        Console.WriteLine();
        Console.WriteLine("ratio: Strata against libtorch, above 1 = Strata better (throughput strata/libtorch; µs and MB libtorch/strata).");
        foreach (var rl in selected.OfType<Roofline>()) Console.WriteLine(rl.Detail);
        var missing = selected.OfType<IWorkload>().Where(w => !w.HasStrata).Select(w => w.Name).ToList();
        if (missing.Count > 0) Console.WriteLine($"not available in Strata yet (no LSTM/attention layers): {string.Join(", ", missing)}");

        if (json != null) WriteJson(json, results);
        return 0;
    }

    private static void WriteJson(string path, List<BenchResult> results)
    {
        var arr = new JsonArray();
        foreach (var r in results)
            arr.Add(new JsonObject
            {
                ["workload"] = r.Workload,
                ["unit"] = r.Unit,
                ["strata"] = Round(r.Strata, 3),
                ["libtorch"] = Round(r.Libtorch, 3),
                ["pytorch"] = Round(r.Pytorch, 3),
                ["ratio"] = Round(r.Ratio, 4),
            });
        string full = Path.GetFullPath(path);
        string tmp = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        File.WriteAllText(tmp, new JsonObject { ["results"] = arr }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(tmp, full, overwrite: true);
    }

    private static double? Round(double? x, int digits) => x is { } v ? Math.Round(v, digits) : null;

    private static string Fmt(double? x, string format = "F1") => x is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);
}
