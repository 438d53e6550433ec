using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Bench;

/// <summary>
/// Side-by-side benchmarks of Strata and libtorch (TorchSharp).
/// Usage: Strata.Bench [--filter SUBSTRING] [--json FILE] | --check | --kernels [N]
/// </summary>
public static class Program
{
    private static readonly IWorkloadFamily[] Families = { new FmaPeakWorkloads(), new SgemmWorkloads() };

    public static int Main(string[] args)
    {
        string? filter = null, json = null;
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--filter" when i + 1 < args.Length: filter = args[++i]; break;
                case "--json" when i + 1 < args.Length: json = args[++i]; break;
                case "--check": return Check.Run();
                case "--kernels": return KernelTune.Run(i + 1 < args.Length ? int.Parse(args[i + 1]) : 1024);
                default:
                    Console.Error.WriteLine($"unknown argument '{args[i]}'. Usage: Strata.Bench [--filter SUBSTRING] [--json FILE] | --check | --kernels [N]");
                    return 2;
            }
        }

        var workloads = Families.SelectMany(f => f.Create())
            .Where(w => filter == null || w.Name.Contains(filter, StringComparison.Ordinal)).ToList();
        // The FMA ceiling is context for every GEMM figure, so it is measured whenever a GEMM is.
        if (filter != null && workloads.Count > 0 && workloads.All(w => !w.Name.StartsWith("fma-peak", StringComparison.Ordinal)))
            workloads.InsertRange(0, new FmaPeakWorkloads().Create());
        if (workloads.Count == 0)
        {
            Console.Error.WriteLine($"no workload matches '{filter}'.");
            return 1;
        }

        var results = new List<BenchResult>();
        Console.WriteLine($"{"workload",-28} {"unit",-8} {"strata",10} {"libtorch",10} {"ratio",7}");
        foreach (var w in workloads)
        {
            var r = Runner.Measure(w);
            results.Add(r);
            Console.WriteLine($"{r.Workload,-28} {r.Unit,-8} {Fmt(r.Strata),10} {Fmt(r.Libtorch),10} {Fmt(r.Ratio, "F3"),7}");
        }

        if (json != null)
        {
            var arr = new JsonArray();
            foreach (var r in results)
                arr.Add(new JsonObject
                {
                    ["workload"] = r.Workload,
                    ["unit"] = r.Unit,
                    ["strata"] = Math.Round(r.Strata, 3),
                    ["libtorch"] = r.Libtorch is { } l ? Math.Round(l, 3) : null,
                    ["ratio"] = r.Ratio is { } q ? Math.Round(q, 4) : null,
                });
            File.WriteAllText(json, new JsonObject { ["results"] = arr }.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }

    private static string Fmt(double? x, string format = "F1") => x is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
