namespace Strata.Data;

/// <summary>
/// What the k-fold splitters share: the settings, their checks, and turning a fold number per sample into
/// (train, validation) subsets. Subclasses only decide which fold each sample goes to.
/// </summary>
public abstract class CrossValidator
{
    protected CrossValidator(int k, bool shuffle, int? seed)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), $"{GetType().Name}: k must be at least 2, got {k}.");
        if (!shuffle && seed != null) throw new ArgumentException($"{GetType().Name}: a seed has no effect without shuffle = true.");
        K = k;
        Shuffle = shuffle;
        Seed = seed ?? 0;
    }

    public int K { get; }
    public bool Shuffle { get; }
    public int Seed { get; }

    /// <summary>The k (train, validation) pairs, fold 0 first. Both are subsets of <paramref name="dataset"/> in ascending index order.</summary>
    public IEnumerable<(Subset Train, Subset Validation)> Split(Dataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        int n = dataset.Count;
        if (n < K) throw new ArgumentException($"{GetType().Name}: cannot make {K} folds from {n} samples.");
        return Folds(dataset, AssignFolds(dataset), K);
    }

    /// <summary>The fold (0 .. K−1) of every sample of <paramref name="dataset"/> (which has at least K samples).</summary>
    protected abstract int[] AssignFolds(Dataset dataset);

    private static IEnumerable<(Subset Train, Subset Validation)> Folds(Dataset dataset, int[] fold, int k)
    {
        for (int f = 0; f < k; f++)
        {
            var train = new List<int>(fold.Length);
            var val = new List<int>(fold.Length / k + 1);
            for (int i = 0; i < fold.Length; i++) (fold[i] == f ? val : train).Add(i);
            yield return (new Subset(dataset, train.ToArray()), new Subset(dataset, val.ToArray()));
        }
    }
}
