using System.Diagnostics;
using TorchSharp;

namespace Strata.Bench;

/// <summary>
/// memory/train/cnn: peak working set (MB, lower is better) of a process that loads the Fashion-MNIST training set
/// and trains the seed CNN for one slice. Each framework runs in its own child process (this bench re-invoked with
/// <c>--memory-child strata|libtorch</c>, or pytorch_bench.py <c>--memory-child</c>), which prints its VmHWM from
/// /proc/self/status at the end, so one framework's allocations never count against another's.
/// </summary>
public sealed class MemoryWorkload : IBenchmark
{
    private const string Marker = "VmHWM_KB=";
    private readonly string _dataDirectory;

    public MemoryWorkload(string dataDirectory) => _dataDirectory = dataDirectory;

    public string Name => "memory/train/cnn";
    public string Unit => "MB";

    public BenchResult Measure(int threads, bool withPytorch)
    {
        string t = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        double? strata = RunChild(SelfStartInfo("strata", t), "strata");
        double? libtorch = RunChild(SelfStartInfo("libtorch", t), "libtorch");
        double? pytorch = withPytorch ? RunChild(PytorchPeer.StartInfo("--memory-child", "--threads", t, "--data", _dataDirectory), "pytorch") : null;
        return new BenchResult(Name, Unit, strata, libtorch, pytorch, LowerIsBetter: true);
    }

    private ProcessStartInfo SelfStartInfo(string framework, string threads)
    {
        string exe = Environment.ProcessPath ?? throw new InvalidOperationException("memory/train/cnn: cannot find this process's executable to re-invoke it.");
        var psi = new ProcessStartInfo(exe) { UseShellExecute = false };
        // Under `dotnet Strata.Bench.dll` the host is dotnet and the assembly must be passed again.
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") psi.ArgumentList.Add(typeof(MemoryWorkload).Assembly.Location);
        foreach (var a in new[] { "--memory-child", framework, "--threads", threads, "--data", _dataDirectory }) psi.ArgumentList.Add(a);
        return psi;
    }

    private static double? RunChild(ProcessStartInfo psi, string framework)
    {
        psi.RedirectStandardOutput = true;
        try
        {
            using var p = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null");
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            var line = output.Split('\n').FirstOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
            if (p.ExitCode == 0 && line != null && long.TryParse(line.AsSpan(Marker.Length).Trim(), out long kb)) return kb / 1024.0;
            Console.Error.WriteLine($"memory/train/cnn: {framework} child exited with {p.ExitCode} without a {Marker} line.");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Console.Error.WriteLine($"memory/train/cnn: cannot start the {framework} child: {e.Message}");
        }
        return null;
    }

    /// <summary>The child's body: train the seed CNN for one slice in one framework, then print the peak RSS.</summary>
    public static int Child(string framework, int threads, string dataDirectory)
    {
        // Only the libtorch child may touch torch: loading libtorch alone maps and touches tens of MB, which must
        // not count against Strata.
        if (framework == "strata") Strata.Backends.Cpu.CpuThreadPool.Threads = threads;
        else torch.set_num_threads(threads);
        var train = new TrainWorkloads.Train("cnn", dataDirectory, SeedModels.StrataCnn, SeedModels.TorchCnn);
        switch (framework)
        {
            case "strata": train.SetupStrata(); train.RunStrata(); break;
            case "libtorch": train.SetupLibtorch(); train.RunLibtorch(); break;
            default:
                Console.Error.WriteLine($"--memory-child: unknown framework '{framework}' (expected strata or libtorch).");
                return 2;
        }
        string? hwm = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        if (hwm == null)
        {
            Console.Error.WriteLine("--memory-child: /proc/self/status has no VmHWM line.");
            return 1;
        }
        Console.WriteLine(Marker + hwm.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
        return 0;
    }
}
