namespace Strata.Data;

/// <summary>
/// K-fold cross-validation that keeps class proportions (scikit-learn <c>StratifiedKFold</c>): samples are listed
/// class by class (each class shuffled when asked) and dealt to folds in turn, so each fold gets every class's
/// share up to one sample and fold sizes differ by at most one. Needs int64 class labels.
/// </summary>
public sealed class StratifiedKFold
{
    public StratifiedKFold(int k, bool shuffle = false, int? seed = null)
    {
        if (k < 2) throw new ArgumentOutOfRangeException(nameof(k), $"StratifiedKFold: k must be at least 2, got {k}.");
        if (!shuffle && seed != null) throw new ArgumentException("StratifiedKFold: a seed has no effect without shuffle = true.");
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
        if (n < K) throw new ArgumentException($"StratifiedKFold: cannot make {K} folds from {n} samples.");
        var labels = dataset.GetLabels();
        var rng = new SeedSequence(SeedSequence.Derive((ulong)(uint)Seed, 0x57F0));
        var fold = new int[n];
        int position = 0;
        foreach (var members in GroupByClass(labels))
        {
            var m = members.ToArray();
            if (Shuffle) rng.Shuffle(m);
            foreach (var i in m) fold[i] = position++ % K;
        }
        return Folds(dataset, fold, K);
    }

    /// <summary>Sample indices of each class, classes in ascending label order, indices ascending.</summary>
    internal static List<List<int>> GroupByClass(long[] labels)
    {
        var map = new SortedDictionary<long, List<int>>();
        for (int i = 0; i < labels.Length; i++)
        {
            if (!map.TryGetValue(labels[i], out var list)) map[labels[i]] = list = new List<int>();
            list.Add(i);
        }
        return map.Values.ToList();
    }

    internal static IEnumerable<(Subset Train, Subset Validation)> Folds(Dataset dataset, int[] fold, int k)
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
