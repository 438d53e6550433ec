namespace Strata.Bench;

/// <summary>
/// Result row in the workload's unit; null where a framework has no such workload. Ratio compares Strata with
/// libtorch so that above 1 means Strata is better: strata/libtorch for throughput, libtorch/strata for latency and memory.
/// </summary>
public sealed record BenchResult(string Workload, string Unit, double? Strata, double? Libtorch, double? Pytorch, bool LowerIsBetter)
{
    public double? Ratio => Strata is > 0 && Libtorch is > 0 ? (LowerIsBetter ? Libtorch / Strata : Strata / Libtorch) : null;
}
