namespace Strata.Bench;

/// <summary>The memory family: just <see cref="MemoryWorkload"/> (memory/train/cnn).</summary>
public sealed class MemoryWorkloads : IWorkloadFamily
{
    private readonly string _dataDirectory;

    public MemoryWorkloads(string dataDirectory) => _dataDirectory = dataDirectory;

    public IEnumerable<IBenchmark> Create()
    {
        yield return new MemoryWorkload(_dataDirectory);
    }
}
