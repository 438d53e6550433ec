using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Strata.Bench;

/// <summary>The line protocol both peer processes speak: one command line out, one JSON line back.</summary>
internal static class PipePeer
{
    /// <summary>The peer's answer, or null when it has gone (its pipe is closed) or answered something that is not JSON.</summary>
    public static JsonNode? Ask(Process p, string command)
    {
        try
        {
            p.StandardInput.WriteLine(command);
            string? line = p.StandardOutput.ReadLine();
            return line == null ? null : JsonNode.Parse(line);
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Lets a timed peer keep the memory it frees (glibc: no trimming, no per-allocation mmap, 512 MB top pad), so its
    /// per-step tensors are not faulted in afresh on every step; returns the setting for the status line.
    /// STRATA_BENCH_PEER_MALLOC=default leaves glibc's defaults.
    /// </summary>
    /// <remarks>
    /// Strata reuses pooled buffers, so only the peers pay page faults in steady state. On this VM a first touch of a
    /// fresh page measured 12-19 µs on 2026-11-23 evening (MachineInfo), against well under 1 µs on ordinary hardware,
    /// and with glibc's defaults the peers' CNN training fell to 1,300-1,900 (libtorch) and 1,100-1,400 (PyTorch)
    /// samples/s from about 5,000 and 3,700 earlier that day; with these settings 3,740 and 2,790 in the same hour.
    /// Only the timed peers get them: memory/train/cnn measures each framework's peak as users run it.
    /// </remarks>
    public static string KeepFreedMemory(ProcessStartInfo psi)
    {
        if (Environment.GetEnvironmentVariable("STRATA_BENCH_PEER_MALLOC") == "default") return "glibc malloc defaults";
        psi.Environment["MALLOC_TRIM_THRESHOLD_"] = "4000000000";
        psi.Environment["MALLOC_MMAP_THRESHOLD_"] = "4000000000";
        psi.Environment["MALLOC_TOP_PAD_"] = "536870912";
        return "glibc malloc keeps freed memory";
    }

    /// <summary>
    /// Starts a peer and exchanges "hello": the process and its answer, or null with the reason in
    /// <paramref name="error"/> (the process, if it started, is killed).
    /// </summary>
    public static (Process Process, JsonNode Hello)? Start(ProcessStartInfo psi, out string error)
    {
        Process? p = null;
        try
        {
            p = Process.Start(psi) ?? throw new InvalidOperationException("Process.Start returned null");
            p.StandardInput.AutoFlush = true;
            var hello = Ask(p, "hello");
            if (hello?["ok"]?.GetValue<bool>() != true)
                throw new InvalidOperationException(hello?["error"]?.ToString() ?? "no answer to 'hello'");
            error = "";
            return (p, hello);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            error = e.Message;
            if (p != null) { try { p.Kill(); } catch (InvalidOperationException) { } p.Dispose(); }
            return null;
        }
    }

    /// <summary>One rep on the peer: the wall time in seconds it measured itself.</summary>
    public static double RunRep(Process p, string who)
    {
        var r = Ask(p, "run");
        return r?["seconds"]?.GetValue<double>()
               ?? throw new InvalidOperationException($"{who}: run failed: {r?["error"]?.ToString() ?? "no answer"}");
    }

    /// <summary>
    /// Waits until the peer process stops using the CPU (its OpenMP/OpenBLAS threads keep spinning after a rep: Debian's
    /// OpenBLAS for 2^28 cycles, libgomp by default for a while), at least <paramref name="minMs"/> and at most
    /// <paramref name="maxMs"/>. Idle means its threads together ran under 0.5 ms in the last 10 ms, read from
    /// /proc/PID/task/*/schedstat (nanoseconds on the CPU). The fixed pauses used before (100 ms after a PyTorch rep,
    /// 20 ms after a libtorch one) were too short: measured on sgemm N=1024, the PyTorch peer went idle 144-148 ms and
    /// the libtorch child 31-37 ms after its rep, so their spin ran into the next framework's rep. Returns the
    /// milliseconds waited.
    /// </summary>
    public static double SettleUntilIdle(Process p, int minMs, int maxMs)
    {
        var sw = Stopwatch.StartNew();
        if (minMs > 0) Thread.Sleep(minMs);
        if (!OperatingSystem.IsLinux()) return sw.Elapsed.TotalMilliseconds;
        long last = CpuNanoseconds(p.Id);
        while (sw.ElapsedMilliseconds < maxMs)
        {
            Thread.Sleep(10);
            long now = CpuNanoseconds(p.Id);
            if (now < 0 || now - last < 500_000) break;
            last = now;
        }
        return sw.Elapsed.TotalMilliseconds;
    }

    // Sum over the process's threads of the time they ran (first schedstat field, ns); -1 when it cannot be read.
    private static long CpuNanoseconds(int pid)
    {
        try
        {
            long total = 0;
            foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            {
                try
                {
                    string text = File.ReadAllText(Path.Combine(task, "schedstat"));
                    total += long.Parse(text.AsSpan(0, text.IndexOf(' ')), System.Globalization.CultureInfo.InvariantCulture);
                }
                catch (IOException) { } // a thread that just exited
            }
            return total;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return -1; }
    }

    /// <summary>Asks the peer to quit, waits up to 5 s, then kills it.</summary>
    public static void Quit(Process p)
    {
        try
        {
            p.StandardInput.WriteLine("quit");
            if (!p.WaitForExit(5000)) p.Kill();
        }
        catch (IOException) { }
        p.Dispose();
    }
}
