using Strata;
using Strata.Data;
using Strata.Data.Transforms;
using Xunit;
using static Strata.Tests.Data.DataTestUtil;

namespace Strata.Tests.Data;

public class DataLoaderTests
{
    /// <summary>Wraps a dataset to slow it down, fail on a chosen batch, and remember the batch tensors it filled.</summary>
    private sealed class ProbeDataset : Dataset
    {
        private readonly Dataset _inner;
        public int DelayMs;
        public int FailOnCall = -1;
        public int Calls;
        public readonly List<Tensor> Filled = new();

        public ProbeDataset(Dataset inner) => _inner = inner;
        public override int Count => _inner.Count;
        public override Shape SampleShape => _inner.SampleShape;
        public override Shape LabelShape => _inner.LabelShape;
        public override DType SampleDType => _inner.SampleDType;
        public override DType LabelDType => _inner.LabelDType;

        protected override void GetBatchCore(ReadOnlySpan<int> indices, Tensor x, Tensor y)
        {
            int call = Interlocked.Increment(ref Calls) - 1;
            if (DelayMs > 0) Thread.Sleep(DelayMs);
            if (call == FailOnCall) throw new InvalidDataException($"probe: batch {call} is corrupt");
            lock (Filled) Filled.Add(x);
            _inner.GetBatch(indices, x, y);
        }
    }

    [Fact]
    public void BatchCountsLastBatchAndDropLast()
    {
        using var ds = Range(10, 2);
        var loader = new DataLoader(ds, 3, prefetch: false);
        Assert.Equal(4, loader.BatchCount);
        var sizes = new List<int>();
        var rows = new List<float>();
        foreach (var b in loader)
            using (b)
            {
                sizes.Add(b.Size);
                Assert.Equal(new Shape(b.Size, 2), b.X.Shape);
                Assert.Equal(new Shape(b.Size), b.Y.Shape);
                Assert.Equal(DType.Int64, b.Y.DType);
                rows.AddRange(b.X.ToArray<float>());
            }
        Assert.Equal(new[] { 3, 3, 3, 1 }, sizes);
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(i => new[] { i, i + 0.5f }), rows);

        var dropping = new DataLoader(ds, 3, dropLast: true);
        Assert.Equal(3, dropping.BatchCount);
        Assert.Equal(new[] { 3, 3, 3 }, Labels(dropping).Select(l => l.Length));
        Assert.Equal(2, new DataLoader(ds, 5, dropLast: true).BatchCount);
        Assert.Equal(0, new DataLoader(ds, 11, dropLast: true).BatchCount);
        Assert.Empty(Labels(new DataLoader(ds, 11, dropLast: true)));
    }

    [Fact]
    public void SeededShuffleIsAReproduciblePermutationThatChangesPerEpoch()
    {
        using var ds = Range(50, 1);
        var a = new DataLoader(ds, 8, shuffle: true, seed: 7);
        var b = new DataLoader(ds, 8, shuffle: true, seed: 7, prefetch: false);
        var a0 = Labels(a).SelectMany(l => l).ToArray();
        var a1 = Labels(a).SelectMany(l => l).ToArray();
        Assert.Equal(2, a.Epoch);
        Assert.Equal(a0, Labels(b).SelectMany(l => l).ToArray());
        Assert.Equal(a1, Labels(b).SelectMany(l => l).ToArray());
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), a0.OrderBy(v => v));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), a1.OrderBy(v => v));
        Assert.NotEqual(a0, a1);
        Assert.NotEqual(Enumerable.Range(0, 50).Select(i => (long)i), a0);
        Assert.NotEqual(a0, Labels(new DataLoader(ds, 8, shuffle: true, seed: 8)).SelectMany(l => l).ToArray());

        // A fresh loader positioned at epoch 1 reproduces epoch 1 of the first run (resuming).
        var c = new DataLoader(ds, 8, shuffle: true, seed: 7);
        c.SetEpoch(1);
        Assert.Equal(a1, Labels(c).SelectMany(l => l).ToArray());
        Assert.Equal(2, c.Epoch);
        Assert.Equal(a1.Select(v => (int)v), c.EpochOrder(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => c.SetEpoch(-1));
    }

    [Fact]
    public void NoShuffleKeepsOrderEveryEpoch()
    {
        using var ds = Range(7, 1);
        var loader = new DataLoader(ds, 4, shuffle: false, seed: 3);
        var expected = Enumerable.Range(0, 7).Select(i => (long)i).ToArray();
        Assert.Equal(expected, Labels(loader).SelectMany(l => l));
        Assert.Equal(expected, Labels(loader).SelectMany(l => l));
    }

    [Fact]
    public void PrefetchGivesTheSameBatchesAsNoPrefetch()
    {
        using var ds = Range(37, 16);
        // Samples as [1, 4, 4] images so the image transforms apply.
        using var x = ds.X.Reshape(37, 1, 4, 4);
        using var img = new TensorDataset(x, ds.Y);
        var transform = new Compose(new RandomCrop(4, 1), new RandomHorizontalFlip(), new GaussianNoise(0.1));
        for (int epoch = 0; epoch < 2; epoch++)
        {
            var with = new DataLoader(img, 5, shuffle: true, seed: 11, transform: transform);
            var without = new DataLoader(img, 5, shuffle: true, seed: 11, prefetch: false, transform: transform);
            with.SetEpoch(epoch);
            without.SetEpoch(epoch);
            var xs = new List<float[]>();
            foreach (var b in with) using (b) xs.Add(b.X.ToArray<float>());
            int i = 0;
            foreach (var b in without)
                using (b)
                {
                    Assert.Equal(new Shape(b.Size, 1, 4, 4), b.X.Shape);
                    Assert.Equal(xs[i++], b.X.ToArray<float>());
                }
            Assert.Equal(8, i);
        }
    }

    [Fact]
    public void EarlyBreakWaitsForAndDisposesThePrefetchedBatch()
    {
        using var inner = Range(40, 3);
        using var ds = new ProbeDataset(inner) { DelayMs = 40 };
        var loader = new DataLoader(ds, 4);
        foreach (var b in loader)
        {
            Thread.Sleep(150); // "training" long enough for the next batch to be prepared
            b.Dispose();
            break;
        }
        Assert.Equal(0, loader.RunningWorkers);
        Assert.Equal(2, ds.Calls); // batch 0, and batch 1 prefetched while batch 0 was in use
        Assert.All(ds.Filled, t => Assert.True(t.IsDisposed));

        // Abandoning an enumerator by hand (no foreach) behaves the same.
        using var e = loader.GetEnumerator();
        Assert.True(e.MoveNext());
        e.Current.Dispose();
        e.Dispose();
        Assert.Equal(0, loader.RunningWorkers);
        Assert.False(e.MoveNext());
    }

    [Fact]
    public void BackgroundExceptionReachesTheConsumer()
    {
        using var inner = Range(20, 2);
        foreach (bool prefetch in new[] { true, false })
        {
            using var ds = new ProbeDataset(inner) { FailOnCall = 2 };
            var loader = new DataLoader(ds, 4, prefetch: prefetch);
            int seen = 0;
            var ex = Assert.Throws<InvalidDataException>(() =>
            {
                foreach (var b in loader) using (b) seen++;
            });
            Assert.Equal("probe: batch 2 is corrupt", ex.Message);
            Assert.Equal(2, seen);
            Assert.Equal(0, loader.RunningWorkers);
        }
    }

    [Fact]
    public void BatchesLiveOutsideScopes()
    {
        using var ds = Range(6, 2);
        var loader = new DataLoader(ds, 3);
        using var e = loader.GetEnumerator();
        Batch batch;
        using (var scope = Tensor.Scope())
        {
            Assert.True(e.MoveNext());
            batch = e.Current;
            Assert.Equal(0, scope.Count);
        }
        Assert.False(batch.X.IsDisposed);
        Assert.Equal(new[] { 0f, 0.5f, 1f, 1.5f, 2f, 2.5f }, batch.X.ToArray<float>());
        var (x, y) = batch;
        Assert.Same(batch.X, x);
        Assert.Equal(new long[] { 0, 1, 2 }, y.ToArray<long>());
        batch.Dispose();
        Assert.True(x.IsDisposed);
    }

    [Fact]
    public void BadArgumentsAreReported()
    {
        using var ds = Range(5, 2);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(ds, 0));
        using var ints = new TensorDataset(Tensor.FromArray(new long[] { 1, 2, 3 }, 3, 1), Tensor.FromArray(new long[] { 0, 1, 0 }));
        var ex = Assert.Throws<ArgumentException>(() => new DataLoader(ints, 2, transform: new GaussianNoise(1)));
        Assert.Contains("float32", ex.Message);
        var crop = Assert.Throws<ArgumentException>(() => new DataLoader(ds, 2, transform: new RandomCrop(3)));
        Assert.Contains("RandomCrop", crop.Message);
    }

    [Fact]
    public void TransformChangesSampleShape()
    {
        using var x = Tensor.Arange(0, 2 * 16, 1).Reshape(2, 1, 4, 4);
        using var ds = new TensorDataset(x, Tensor.FromArray(new long[] { 0, 1 }));
        var loader = new DataLoader(ds, 2, seed: 1, transform: new RandomCrop(2));
        Assert.Equal(new Shape(1, 2, 2), loader.OutputSampleShape);
        foreach (var b in loader)
            using (b)
            {
                Assert.Equal(new Shape(2, 1, 2, 2), b.X.Shape);
                // A 2x2 window of an image whose rows count up by 4: top-left v, then v+1, v+4, v+5.
                var v = b.X.ToArray<float>();
                for (int s = 0; s < 2; s++)
                    Assert.Equal(new[] { v[4 * s], v[4 * s] + 1, v[4 * s] + 4, v[4 * s] + 5 }, v.Skip(4 * s).Take(4));
            }
    }
}
