namespace Strata.Bench;

/// <summary>
/// One measured comparison. The runner calls <see cref="Setup"/>, then alternates <see cref="RunStrata"/> and
/// <see cref="RunLibtorch"/> (warm-up, then timed reps) and converts median times with <see cref="WorkPerRep"/>.
/// </summary>
public interface IWorkload
{
    /// <summary>Name matched by --filter, e.g. "sgemm/N=1024/threads=2".</summary>
    string Name { get; }

    /// <summary>Unit of the reported figure; it is WorkPerRep / median seconds.</summary>
    string Unit { get; }

    /// <summary>Work per repetition in the unit's numerator (e.g. GFLOP).</summary>
    double WorkPerRep { get; }

    /// <summary>Timed repetitions (after <see cref="Runner.WarmUp"/> untimed ones).</summary>
    int Reps { get; }

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
    IEnumerable<IWorkload> Create();
}
