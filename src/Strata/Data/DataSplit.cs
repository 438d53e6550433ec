namespace Strata.Data;

/// <summary>
/// Random train/validation/test partitions of a dataset (scikit-learn <c>train_test_split</c>), as
/// <see cref="Subset"/>s in shuffled order. The same seed gives the same split.
/// </summary>
public static class DataSplit
{
    /// <summary>
    /// Splits into train and test parts; the test part has ceil(testFraction · N) samples (as scikit-learn).
    /// With <paramref name="stratify"/>, every class (int64 labels) is split in the same proportion, up to rounding.
    /// </summary>
    public static (Subset Train, Subset Test) TrainTestSplit(Dataset dataset, double testFraction, int seed, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckFraction("TrainTestSplit", "testFraction", testFraction);
        int n = dataset.Count;
        int nTest = (int)Math.Ceiling(testFraction * n - 1e-9);
        if (nTest <= 0 || nTest >= n)
            throw new ArgumentException($"TrainTestSplit: testFraction {testFraction} of {n} samples leaves {nTest} test and {n - nTest} train samples; both parts need at least one.");
        var rng = new SeedSequence(SeedSequence.Derive((ulong)(uint)seed, 0x5_1171));
        var parts = stratify
            ? Stratified(dataset.GetLabels(), new[] { n - nTest, nTest }, ref rng)
            : Plain(n, new[] { n - nTest, nTest }, ref rng);
        return (new Subset(dataset, parts[0]), new Subset(dataset, parts[1]));
    }

    /// <summary>
    /// Splits into train, validation and test parts of ceil(valFraction · N) and ceil(testFraction · N) samples for
    /// validation and test, the rest for training; stratified by class when asked.
    /// </summary>
    public static (Subset Train, Subset Validation, Subset Test) TrainValTestSplit(Dataset dataset, double valFraction, double testFraction, int seed, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        CheckFraction("TrainValTestSplit", "valFraction", valFraction);
        CheckFraction("TrainValTestSplit", "testFraction", testFraction);
        int n = dataset.Count;
        int nVal = (int)Math.Ceiling(valFraction * n - 1e-9), nTest = (int)Math.Ceiling(testFraction * n - 1e-9);
        int nTrain = n - nVal - nTest;
        if (nVal <= 0 || nTest <= 0 || nTrain <= 0)
            throw new ArgumentException($"TrainValTestSplit: fractions {valFraction} (validation) and {testFraction} (test) of {n} samples give {nTrain}/{nVal}/{nTest} train/validation/test samples; each part needs at least one.");
        var rng = new SeedSequence(SeedSequence.Derive((ulong)(uint)seed, 0x5_1172));
        var sizes = new[] { nTrain, nVal, nTest };
        var parts = stratify ? Stratified(dataset.GetLabels(), sizes, ref rng) : Plain(n, sizes, ref rng);
        return (new Subset(dataset, parts[0]), new Subset(dataset, parts[1]), new Subset(dataset, parts[2]));
    }

    private static void CheckFraction(string op, string name, double f)
    {
        if (!(f > 0 && f < 1)) throw new ArgumentOutOfRangeException(name, $"{op}: {name} must be in (0, 1), got {f}.");
    }

    private static int[][] Plain(int n, int[] sizes, ref SeedSequence rng)
    {
        var perm = rng.Permutation(n);
        var parts = new int[sizes.Length][];
        int at = 0;
        for (int p = 0; p < sizes.Length; p++)
        {
            parts[p] = perm.AsSpan(at, sizes[p]).ToArray();
            at += sizes[p];
        }
        return parts;
    }

    /// <summary>
    /// Gives each class its share of every part: floor(size · classCount / N), then the leftover places go to the
    /// (class, part) pairs with the largest remainders, so every part gets exactly its size.
    /// </summary>
    internal static int[][] Stratified(long[] labels, int[] sizes, ref SeedSequence rng)
    {
        int n = labels.Length;
        var byClass = StratifiedKFold.GroupByClass(labels);
        int k = byClass.Count, parts = sizes.Length;
        var quota = new int[k, parts];
        var remainders = new List<(double Rem, int Class, int Part)>();
        var classLeft = new int[k];
        var partLeft = (int[])sizes.Clone();
        for (int c = 0; c < k; c++)
        {
            classLeft[c] = byClass[c].Count;
            for (int p = 0; p < parts; p++)
            {
                double exact = (double)sizes[p] * byClass[c].Count / n;
                quota[c, p] = (int)Math.Floor(exact);
                classLeft[c] -= quota[c, p];
                partLeft[p] -= quota[c, p];
                remainders.Add((exact - quota[c, p], c, p));
            }
        }
        // Largest remainder first; ties broken by class then part so the result is deterministic.
        foreach (var (_, c, p) in remainders.OrderByDescending(r => r.Rem).ThenBy(r => r.Class).ThenBy(r => r.Part))
            if (classLeft[c] > 0 && partLeft[p] > 0) { quota[c, p]++; classLeft[c]--; partLeft[p]--; }
        // Any place still open (possible only through rounding ties) takes a sample from a class with some left.
        for (int p = 0; p < parts; p++)
            for (int c = 0; c < k && partLeft[p] > 0; c++)
                while (classLeft[c] > 0 && partLeft[p] > 0) { quota[c, p]++; classLeft[c]--; partLeft[p]--; }

        var result = new List<int>[parts];
        for (int p = 0; p < parts; p++) result[p] = new List<int>(sizes[p]);
        for (int c = 0; c < k; c++)
        {
            var members = byClass[c].ToArray();
            rng.Shuffle(members);
            int at = 0;
            for (int p = 0; p < parts; p++)
            {
                result[p].AddRange(members.AsSpan(at, quota[c, p]).ToArray());
                at += quota[c, p];
            }
        }
        var output = new int[parts][];
        for (int p = 0; p < parts; p++)
        {
            output[p] = result[p].ToArray();
            rng.Shuffle(output[p]); // classes interleaved, as a random split would be
        }
        return output;
    }
}
