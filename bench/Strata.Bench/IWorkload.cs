namespace Strata.Bench;

/// <summary>One row of the table: a named measurement in a unit.</summary>
public interface IBenchmark
{
    /// <summary>Name matched by --filter, e.g. "sgemm/N=1024/threads=2".</summary>
    string Name { get; }

    /// <summary>Unit of the reported figure.</summary>
    string Unit { get; }
}

/// <summary>
/// One timed comparison. The runner calls <see cref="Setup"/>, then alternates <see cref="RunStrata"/>,
/// <see cref="RunLibtorch"/> and the PyTorch peer's rep (warm-up, then timed reps) and converts median times with
/// <see cref="WorkPerRep"/>: throughput = work / seconds, or for latency units seconds · 10⁶ / work (µs per call).
/// </summary>
public interface IWorkload : IBenchmark
{
    /// <summary>Work per repetition in the unit's numerator (e.g. GFLOP, samples), or calls per rep for latency.</summary>
    double WorkPerRep { get; }

    /// <summary>Timed repetitions (after <see cref="WarmUps"/> untimed ones).</summary>
    int Reps { get; }

    /// <summary>Untimed repetitions before the timed ones.</summary>
    int WarmUps => Runner.WarmUp;

    /// <summary>Threads for every framework; null: the run's --threads.</summary>
    int? Threads => null;

    /// <summary>True when the unit is a latency (µs per call): the figure is time per call, lower is better.</summary>
    bool IsLatency => false;

    /// <summary>False where Strata lacks the feature; the Strata column is then empty, the peers still run.</summary>
    bool HasStrata => true;

    /// <summary>False for workloads that only measure Strata or the machine (the libtorch column is then empty).</summary>
    bool HasLibtorch { get; }

    void Setup();
    void RunStrata();
    void RunLibtorch();
    void Teardown();
}

/// <summary>A source of workloads; one class (and file) per family, listed in <see cref="Program"/>.</summary>
public interface IWorkloadFamily
{
    IEnumerable<IBenchmark> Create();
}
