using System.Diagnostics;
using System.IO.Compression;
using System.Buffers.Binary;

namespace Strata.Tests.Cli;

/// <summary>Runs the real `strata` program (Strata.Cli.dll, copied next to the tests) in a child process.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(string workingDirectory, params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var psi = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Strata.Cli.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"strata {string.Join(' ', args)} did not finish in 3 minutes.");
        }
        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>
    /// Writes a small MNIST-format data folder: 10 classes of 28×28 images, class k a bright bar at row 2k+3 with
    /// seeded noise, so a model learns it in an epoch or two.
    /// </summary>
    public static void WriteToyIdx(string dir, int train, int test, bool gzip = true)
    {
        Directory.CreateDirectory(dir);
        var g = new Generator(17);
        foreach (var (prefix, n) in new[] { ("train", train), ("t10k", test) })
        {
            var images = new byte[n * 784];
            var labels = new byte[n];
            for (int i = 0; i < n; i++)
            {
                int k = i % 10;
                labels[i] = (byte)k;
                for (int p = 0; p < 784; p++) images[i * 784 + p] = (byte)(g.NextDouble() * 60);
                for (int c = 2; c < 26; c++) images[i * 784 + (2 * k + 3) * 28 + c] = 255;
            }
            string suffix = gzip ? ".gz" : "";
            WriteIdx(Path.Combine(dir, $"{prefix}-images-idx3-ubyte{suffix}"), images, gzip, n, 28, 28);
            WriteIdx(Path.Combine(dir, $"{prefix}-labels-idx1-ubyte{suffix}"), labels, gzip, n);
        }
    }

    public static void WriteIdx(string path, byte[] data, bool gzip, params int[] dims)
    {
        using var file = File.Create(path);
        using Stream s = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        var header = new byte[4 + 4 * dims.Length];
        header[2] = 0x08;
        header[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d), dims[d]);
        s.Write(header);
        s.Write(data);
    }
}
