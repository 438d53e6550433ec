namespace Strata.Data;

/// <summary>
/// K-fold cross-validation that keeps class proportions (scikit-learn <c>StratifiedKFold</c>): samples are listed
/// class by class (each class shuffled when asked) and dealt to folds in turn, so each fold gets every class's
/// share up to one sample and fold sizes differ by at most one. Needs int64 class labels.
/// </summary>
public sealed class StratifiedKFold : CrossValidator
{
    public StratifiedKFold(int k, bool shuffle = false, int? seed = null) : base(k, shuffle, seed) { }

    protected override int[] AssignFolds(Dataset dataset)
    {
        int n = dataset.Count;
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
        return fold;
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
}
