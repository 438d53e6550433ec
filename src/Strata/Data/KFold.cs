namespace Strata.Data;

/// <summary>
/// K-fold cross-validation (scikit-learn <c>KFold</c>): the samples, shuffled when asked, are cut into k consecutive
/// folds whose sizes differ by at most one (the first N mod k folds are one larger); each fold serves once as the
/// validation set while the other k - 1 form the training set.
/// </summary>
public sealed class KFold : CrossValidator
{
    public KFold(int k, bool shuffle = false, int? seed = null) : base(k, shuffle, seed) { }

    protected override int[] AssignFolds(Dataset dataset)
    {
        int n = dataset.Count;
        var order = Shuffle ? new SeedSequence(SeedSequence.Derive((ulong)(uint)Seed, 0xF01D)).Permutation(n) : Enumerable.Range(0, n).ToArray();
        var fold = new int[n];
        int at = 0;
        for (int f = 0; f < K; f++)
        {
            int size = n / K + (f < n % K ? 1 : 0);
            for (int i = 0; i < size; i++) fold[order[at++]] = f;
        }
        return fold;
    }
}
