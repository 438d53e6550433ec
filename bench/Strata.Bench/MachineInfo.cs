using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace Strata.Bench;

/// <summary>The header line: CPU model, logical cores, widest SIMD, the load and the cost of a page fault, so a table can be read in context.</summary>
public static unsafe class MachineInfo
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
        return $"{model}, {Environment.ProcessorCount} logical cores, {simd}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {load}"
            + (PageFaultMicroseconds() is { } pf ? $", first touch of a fresh page {pf:F2} µs" : "");
    }

    /// <summary>
    /// Median µs per first touch of a freshly mapped 4 KB page. Frameworks that allocate each step's large tensors anew
    /// (libtorch, PyTorch: glibc maps them and the kernel faults them in) pay this per page; Strata's pool reuses its
    /// buffers. On this VM it ranged from well under 1 µs to 14-19 µs (2026-11-23 evening, host-side faults behind the
    /// balloon driver), and the peers' CNN training moved 3-4x with it, so every table records it.
    /// </summary>
    public static double? PageFaultMicroseconds()
    {
        if (!OperatingSystem.IsLinux()) return null;
        const int bytes = 8 << 20;
        var times = new List<double>();
        for (int rep = 0; rep < 5; rep++)
        {
            byte* p = (byte*)Mmap(null, bytes, 3, 0x22, -1, 0); // PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS
            if (p == null || p == (byte*)-1) return null;
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int off = 0; off < bytes; off += 4096) p[off] = 1;
            times.Add(System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds * 1000 / (bytes / 4096));
            _ = Munmap(p, bytes);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    [DllImport("libc", EntryPoint = "mmap")]
    private static extern void* Mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", EntryPoint = "munmap")]
    private static extern int Munmap(void* addr, nuint length);
}
