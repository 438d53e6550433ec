using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Strata.Bench;

/// <summary>The header line: CPU model, logical cores, widest SIMD and the load, so a table can be read in context.</summary>
public static class MachineInfo
{
    public static string Describe()
    {
        string model = "unknown CPU";
        try
        {
            model = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
                        ?.Split(':', 2)[1].Trim() ?? model;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        string simd = Avx512F.IsSupported ? "AVX-512" : Avx2.IsSupported ? "AVX2" : "no AVX2";
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
        return $"{model}, {Environment.ProcessorCount} logical cores, {simd}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {load}";
    }
}
