using System.Collections;
using Strata.Data.Transforms;

namespace Strata.Data;

/// <summary>
/// Iterates a <see cref="Dataset"/> in batches (PyTorch <c>DataLoader</c>): optionally shuffled with a seeded
/// permutation per epoch, optionally transformed per sample, and by default prepared one batch ahead on a
/// background thread while the consumer trains on the current one.
/// </summary>
/// <remarks>
/// <para>Each enumeration is one epoch. It uses epoch <see cref="Epoch"/> and then advances it, so consecutive
/// <c>foreach</c> loops see different shuffles; <see cref="SetEpoch"/> positions the loader at any epoch
/// (as PyTorch's <c>DistributedSampler.set_epoch</c>), e.g. when resuming training. Epoch e's order and random
/// transforms depend only on the seed and e, so reruns are identical, with or without prefetch.</para>
/// <para>Ownership: every <see cref="Batch"/> is created outside any tensor scope and belongs to the consumer,
/// who disposes it. Batches prepared but never handed out (after a <c>break</c> or an exception) are disposed by
/// the enumerator, which also stops and joins its prefetch thread before returning from <c>Dispose</c>
/// (<c>foreach</c> always disposes it; an enumerator driven by hand must be disposed too, or its idle thread stays).</para>
/// </remarks>
public sealed class DataLoader : IEnumerable<Batch>
{
    private int _epoch;
    internal int _runningWorkers;

    /// <param name="dataset">The samples; the loader does not own or dispose it.</param>
    /// <param name="batchSize">Samples per batch; the last batch may be smaller unless <paramref name="dropLast"/>.</param>
    /// <param name="shuffle">Visit samples in a new random order each epoch.</param>
    /// <param name="seed">Seed for shuffling and random transforms; when null one is drawn from <see cref="Generator.Default"/> (reseed it with <see cref="Generator.ManualSeed"/>).</param>
    /// <param name="dropLast">Skip the final batch when it would be smaller than <paramref name="batchSize"/>.</param>
    /// <param name="prefetch">Prepare the next batch on a background thread while the current one is used.</param>
    /// <param name="transform">Applied to every sample (float32 samples only) before batching.</param>
    public DataLoader(Dataset dataset, int batchSize, bool shuffle = false, int? seed = null, bool dropLast = false,
                      bool prefetch = true, ITransform? transform = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), $"DataLoader: batchSize must be positive, got {batchSize}.");
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        DropLast = dropLast;
        Prefetch = prefetch;
        Transform = transform;
        Seed = seed is int s ? (ulong)(uint)s : (ulong)Generator.Default.NextInt(int.MaxValue);
        if (transform != null)
        {
            if (dataset.SampleDType != DType.Float32)
                throw new ArgumentException($"DataLoader: transforms need float32 samples, but the {dataset.GetType().Name} has {dataset.SampleDType.Name()} samples.");
            OutputSampleShape = transform.OutputShape(dataset.SampleShape);
        }
        else OutputSampleShape = dataset.SampleShape;
    }

    public Dataset Dataset { get; }
    public int BatchSize { get; }
    public bool Shuffle { get; }
    public bool DropLast { get; }
    public bool Prefetch { get; }
    public ITransform? Transform { get; }

    /// <summary>The seed behind every epoch's permutation and random transforms.</summary>
    public ulong Seed { get; }

    /// <summary>Shape of one sample in a batch (after the transform).</summary>
    public Shape OutputSampleShape { get; }

    /// <summary>Batches per epoch: ceil(N / batchSize), or floor when <see cref="DropLast"/>.</summary>
    public int BatchCount => DropLast ? Dataset.Count / BatchSize : (Dataset.Count + BatchSize - 1) / BatchSize;

    /// <summary>The epoch the next enumeration will use (0 at construction).</summary>
    public int Epoch => Volatile.Read(ref _epoch);

    /// <summary>Makes the next enumeration epoch <paramref name="epoch"/>: its shuffle and transforms are those of that epoch.</summary>
    public void SetEpoch(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), $"DataLoader: epoch must be non-negative, got {epoch}.");
        Volatile.Write(ref _epoch, epoch);
    }

    /// <summary>Prefetch threads of this loader still running (0 once every enumerator has been disposed).</summary>
    internal int RunningWorkers => Volatile.Read(ref _runningWorkers);

    /// <summary>The sample order of <paramref name="epoch"/>: a seeded permutation when shuffling, else 0..N-1.</summary>
    public int[] EpochOrder(int epoch)
    {
        if (epoch < 0) throw new ArgumentOutOfRangeException(nameof(epoch), $"DataLoader: epoch must be non-negative, got {epoch}.");
        int n = Dataset.Count;
        if (!Shuffle)
        {
            var order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
            return order;
        }
        return new SeedSequence(SeedSequence.Derive(Seed, (ulong)epoch, 1)).Permutation(n);
    }

    /// <summary>Starts an epoch (using <see cref="Epoch"/>, then advancing it).</summary>
    public IEnumerator<Batch> GetEnumerator()
    {
        int epoch = Interlocked.Increment(ref _epoch) - 1;
        return new BatchEnumerator(this, epoch);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() =>
        $"DataLoader({Dataset.GetType().Name} of {Dataset.Count}, batchSize={BatchSize}, shuffle={Shuffle}, dropLast={DropLast}, prefetch={Prefetch})";
}
