using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Strata.Bench;

/// <summary>
/// The PyTorch column: bench/peers/pytorch_bench.py in <c>--serve</c> mode under <c>/usr/bin/python3</c> with
/// OMP_WAIT_POLICY=PASSIVE, driven rep by rep over stdin/stdout so its reps alternate with Strata's and libtorch's.
/// The script times each rep itself, so the pipe's latency is not counted.
/// </summary>
public sealed class PytorchPeer : IDisposable
{
    public const string Python = "/usr/bin/python3";
    private readonly Process _process;

    private PytorchPeer(Process process, string version)
    {
        _process = process;
        Version = version;
    }

    /// <summary>torch.__version__ as the peer reports it.</summary>
    public string Version { get; }

    /// <summary>The script, copied next to the bench's binaries by the project file.</summary>
    public static string ScriptPath => Path.Combine(AppContext.BaseDirectory, "peers", "pytorch_bench.py");

    /// <summary>A start info for the script with the peer method's environment (passive OpenMP waits).</summary>
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var psi = new ProcessStartInfo(Python) { UseShellExecute = false };
        psi.ArgumentList.Add(ScriptPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OMP_WAIT_POLICY"] = "PASSIVE";
        return psi;
    }

    /// <summary>Starts the peer, or returns null (with the reason) when python3, the script or torch is missing.</summary>
    public static PytorchPeer? TryStart(string dataDirectory, out string status)
    {
        if (!File.Exists(Python)) { status = $"PyTorch: not available ({Python} not found)"; return null; }
        if (!File.Exists(ScriptPath)) { status = $"PyTorch: not available ({ScriptPath} not found)"; return null; }
        var psi = StartInfo("--serve", "--data", dataDirectory);
        psi.RedirectStandardInput = true;
        psi.RedirectStandardOutput = true;
        string malloc = PipePeer.KeepFreedMemory(psi);
        if (PipePeer.Start(psi, out string error) is not var (p, hello))
        {
            status = $"PyTorch: not available ({error})";
            return null;
        }
        string version = hello["torch"]?.ToString() ?? "?";
        string blas = hello["blas"]?.ToString() ?? "?";
        status = $"PyTorch: {version} ({Python}, OMP_WAIT_POLICY=PASSIVE, {malloc}), BLAS {blas}"
                 + (blas.Contains("reference", StringComparison.Ordinal) ? ": GEMM-bound PyTorch figures are far below an optimised BLAS" : "");
        return new PytorchPeer(p, version);
    }

    /// <summary>Creates the workload on the peer with <paramref name="threads"/>; null when it has no such workload.</summary>
    public (string Unit, double Work)? Setup(string workload, int threads)
    {
        var r = PipePeer.Ask(_process, $"setup {workload} {threads}");
        if (r?["ok"]?.GetValue<bool>() == true) return (r["unit"]!.ToString(), r["work"]!.GetValue<double>());
        if (r?["available"] is null)
            Console.Error.WriteLine($"PyTorch peer: setup of '{workload}' failed: {r?["error"]?.ToString() ?? "no answer"}");
        return null;
    }

    /// <summary>One rep on the peer; its own wall time in seconds.</summary>
    public double Run() => PipePeer.RunRep(_process, "PyTorch peer");

    /// <summary>After a rep: until the peer's OpenBLAS threads stop spinning (at most 1 s).</summary>
    public void Settle() => PipePeer.SettleUntilIdle(_process, 0, 1000);

    public void Teardown() => PipePeer.Ask(_process, "teardown");

    public void Dispose() => PipePeer.Quit(_process);
}
