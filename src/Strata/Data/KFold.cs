namespace Strata.Data;

/// <summary>
/// K-fold cross-validation (scikit-learn <c>KFold</c>): the samples, shuffled when asked, are cut into k consecutive
/// folds whose sizes differ by at most one (the first N mod k folds are one larger); each fold serves once as the
/// validation set while the other k - 1 form the training set.
/// </summary>
public sealed class KFold
{
    public KFold(int k, bool shuffle = false, int? seed = null)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), $"KFold: k must be at least 2, got {k}.");
        if (!shuffle && seed != null) throw new ArgumentException("KFold: a seed has no effect without shuffle = true.");
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
        if (n < K) throw new ArgumentException($"KFold: cannot make {K} folds from {n} samples.");
        var order = Shuffle ? new SeedSequence(SeedSequence.Derive((ulong)(uint)Seed, 0xF01D)).Permutation(n) : Enumerable.Range(0, n).ToArray();
        var fold = new int[n];
        int at = 0;
        for (int f = 0; f < K; f++)
        {
            int size = n / K + (f < n % K ? 1 : 0);
            for (int i = 0; i < size; i++) fold[order[at++]] = f;
        }
        return StratifiedKFold.Folds(dataset, fold, K);
    }
}
