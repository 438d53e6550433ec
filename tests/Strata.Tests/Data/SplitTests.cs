using Strata;
using Strata.Data;
using Xunit;
using static Strata.Tests.Data.DataTestUtil;

namespace Strata.Tests.Data;

public class SplitTests
{
    private static long[] ClassLabels(params int[] countsPerClass) =>
        countsPerClass.SelectMany((n, c) => Enumerable.Repeat((long)c, n)).ToArray();

    /// <summary>A dataset whose sample i holds the value i, labelled by <paramref name="labels"/>.</summary>
    private static TensorDataset Labelled(long[] labels) => Range(labels.Length, 1, i => labels[i]);

    private static int[] Indices(Subset s) => s.Indices.ToArray();

    private static void AssertPartition(int n, params Subset[] parts)
    {
        var all = parts.SelectMany(Indices).OrderBy(i => i).ToArray();
        Assert.Equal(Enumerable.Range(0, n), all);
    }

    [Fact]
    public void TrainTestSplitSizesDisjointAndSeeded()
    {
        using var ds = Range(25, 1);
        var (train, test) = DataSplit.TrainTestSplit(ds, 0.2, seed: 3);
        Assert.Equal(20, train.Count);
        Assert.Equal(5, test.Count);
        AssertPartition(25, train, test);
        var (train2, test2) = DataSplit.TrainTestSplit(ds, 0.2, seed: 3);
        Assert.Equal(Indices(test), Indices(test2));
        Assert.Equal(Indices(train), Indices(train2));
        Assert.NotEqual(Indices(test), Indices(DataSplit.TrainTestSplit(ds, 0.2, seed: 4).Test));
        // scikit-learn rounds the test part up: 0.25 of 10 is 3 test samples.
        using var ten = Range(10, 1);
        Assert.Equal(3, DataSplit.TrainTestSplit(ten, 0.25, 0).Test.Count);
        // Subset samples are the underlying samples.
        var (x, y) = test.Get(0);
        Assert.Equal(Indices(test)[0], (int)y.Item<long>());
        Assert.Equal(Indices(test)[0], x.ToArray<float>()[0]);
    }

    [Fact]
    public void StratifiedSplitKeepsClassProportions()
    {
        var labels = ClassLabels(50, 30, 20);
        using var ds = Labelled(labels);
        var (train, test) = DataSplit.TrainTestSplit(ds, 0.2, seed: 1, stratify: true);
        AssertPartition(100, train, test);
        Assert.Equal(new[] { 10, 6, 4 }, Counts(test.GetLabels(), 3));
        Assert.Equal(new[] { 40, 24, 16 }, Counts(train.GetLabels(), 3));
        // Labels read through the subset are those of the samples it holds.
        Assert.Equal(Indices(test).Select(i => labels[i]), test.GetLabels());

        // Proportions that do not divide evenly: 15 samples (7/5/3), test ceil(0.3 * 15) = 5.
        using var odd = Labelled(ClassLabels(7, 5, 3));
        var (_, oddTest) = DataSplit.TrainTestSplit(odd, 0.3, seed: 9, stratify: true);
        var counts = Counts(oddTest.GetLabels(), 3);
        Assert.Equal(5, counts.Sum());
        var exact = new[] { 2.1, 1.5, 0.9 };
        for (int c = 0; c < 3; c++) Assert.InRange(counts[c], Math.Floor(exact[c]), Math.Ceiling(exact[c]));
    }

    [Fact]
    public void TrainValTestSplitPartitions()
    {
        using var ds = Labelled(ClassLabels(40, 40, 20));
        var (train, val, test) = DataSplit.TrainValTestSplit(ds, 0.1, 0.2, seed: 5, stratify: true);
        Assert.Equal((70, 10, 20), (train.Count, val.Count, test.Count));
        AssertPartition(100, train, val, test);
        Assert.Equal(new[] { 4, 4, 2 }, Counts(val.GetLabels(), 3));
        Assert.Equal(new[] { 8, 8, 4 }, Counts(test.GetLabels(), 3));
        var plain = DataSplit.TrainValTestSplit(ds, 0.1, 0.2, seed: 5);
        AssertPartition(100, plain.Train, plain.Validation, plain.Test);
    }

    [Fact]
    public void KFoldPartitionsIntoNearlyEqualFolds()
    {
        using var ds = Range(10, 1);
        var folds = new KFold(3).Split(ds).ToList();
        Assert.Equal(3, folds.Count);
        Assert.Equal(new[] { 4, 3, 3 }, folds.Select(f => f.Validation.Count));
        Assert.Equal(new[] { 0, 1, 2, 3 }, Indices(folds[0].Validation));
        Assert.Equal(new[] { 4, 5, 6 }, Indices(folds[1].Validation));
        AssertPartition(10, folds.Select(f => f.Validation).ToArray());
        foreach (var (train, val) in folds)
        {
            AssertPartition(10, train, val);
            Assert.Empty(Indices(train).Intersect(Indices(val)));
        }
        var shuffled = new KFold(3, shuffle: true, seed: 2).Split(ds).Select(f => Indices(f.Validation)).ToList();
        Assert.Equal(shuffled, new KFold(3, shuffle: true, seed: 2).Split(ds).Select(f => Indices(f.Validation)).ToList());
        Assert.NotEqual(Indices(folds[0].Validation), shuffled[0]);
        Assert.Equal(new[] { 4, 3, 3 }, shuffled.Select(f => f.Length));
        Assert.Throws<ArgumentException>(() => new KFold(11).Split(ds).ToList());
        Assert.Throws<ArgumentOutOfRangeException>(() => new KFold(1));
    }

    [Fact]
    public void StratifiedKFoldBalancesClassesInEveryFold()
    {
        var labels = ClassLabels(10, 7, 4);
        using var ds = Labelled(labels);
        foreach (bool shuffle in new[] { false, true })
        {
            var folds = new StratifiedKFold(3, shuffle, shuffle ? 4 : null).Split(ds).ToList();
            AssertPartition(21, folds.Select(f => f.Validation).ToArray());
            foreach (var (train, val) in folds)
            {
                AssertPartition(21, train, val);
                Assert.Equal(7, val.Count);
                var counts = Counts(val.GetLabels(), 3);
                Assert.InRange(counts[0], 3, 4);
                Assert.InRange(counts[1], 2, 3);
                Assert.InRange(counts[2], 1, 2);
            }
        }
    }

    [Fact]
    public void StratifyingNeedsClassLabels()
    {
        using var x = Tensor.Zeros(4, 2);
        using var y = Tensor.Zeros(4, 1);
        using var regression = new TensorDataset(x, y);
        var ex = Assert.Throws<InvalidOperationException>(() => DataSplit.TrainTestSplit(regression, 0.5, 0, stratify: true));
        Assert.Contains("int64 class labels", ex.Message);
        Assert.Contains("float32", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => DataSplit.TrainTestSplit(regression, 1.0, 0));
        var tiny = Assert.Throws<ArgumentException>(() => DataSplit.TrainTestSplit(regression, 0.9, 0).Train);
        Assert.Contains("4 samples", tiny.Message);
    }

    [Fact]
    public void SubsetValidatesIndicesAndGathers()
    {
        using var ds = Range(5, 2);
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new Subset(ds, new[] { 1, 5 }));
        Assert.Contains("index 5", ex.Message);
        var sub = new Subset(ds, new[] { 4, 0, 4 });
        using var bx = Tensor.Zeros(3, 2);
        using var by = Tensor.Zeros(new[] { 3 }, DType.Int64);
        sub.GetBatch(new[] { 2, 1, 0 }, bx, by);
        Assert.Equal(new[] { 4f, 4.5f, 0f, 0.5f, 4f, 4.5f }, bx.ToArray<float>());
        Assert.Equal(new long[] { 4, 0, 4 }, by.ToArray<long>());
        using var wrong = Tensor.Zeros(2, 2);
        var shape = Assert.Throws<ArgumentException>(() => sub.GetBatch(new[] { 0, 1, 2 }, wrong, by));
        Assert.Contains("[3, 2]", shape.Message);
        Assert.Throws<IndexOutOfRangeException>(() => sub.GetBatch(new[] { 0, 1, 3 }, bx, by));
    }

    private static int[] Counts(long[] labels, int classes)
    {
        var c = new int[classes];
        foreach (var l in labels) c[l]++;
        return c;
    }
}
