namespace Strata.Data;

/// <summary>
/// The samples of another dataset at the given indices, in that order (PyTorch <c>Subset</c>). Holds no data of
/// its own: the underlying dataset must outlive it, and disposing a subset does not dispose the dataset.
/// </summary>
public sealed class Subset : Dataset
{
    private readonly int[] _indices;

    /// <param name="dataset">The dataset to view.</param>
    /// <param name="indices">Sample indices into <paramref name="dataset"/>; copied, each must be in range.</param>
    public Subset(Dataset dataset, int[] indices)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(indices);
        int n = dataset.Count;
        foreach (var i in indices)
            if ((uint)i >= (uint)n)
                throw new ArgumentOutOfRangeException(nameof(indices), $"Subset: index {i} is out of range for a {dataset.GetType().Name} of {n} samples.");
        Dataset = dataset;
        _indices = (int[])indices.Clone();
    }

    /// <summary>The dataset this subset views.</summary>
    public Dataset Dataset { get; }

    /// <summary>The indices into <see cref="Dataset"/>, in subset order.</summary>
    public IReadOnlyList<int> Indices => _indices;

    public override int Count => _indices.Length;
    public override Shape SampleShape => Dataset.SampleShape;
    public override Shape LabelShape => Dataset.LabelShape;
    public override DType SampleDType => Dataset.SampleDType;
    public override DType LabelDType => Dataset.LabelDType;

    protected override void GetBatchCore(ReadOnlySpan<int> indices, Tensor x, Tensor y)
    {
        // Small batches map indices on the stack; larger ones rent, so loading allocates nothing per batch.
        int[]? rented = indices.Length > 256 ? System.Buffers.ArrayPool<int>.Shared.Rent(indices.Length) : null;
        Span<int> mapped = rented ?? stackalloc int[indices.Length];
        mapped = mapped[..indices.Length];
        for (int k = 0; k < indices.Length; k++) mapped[k] = _indices[indices[k]];
        try { Dataset.GetBatch(mapped, x, y); }
        finally { if (rented != null) System.Buffers.ArrayPool<int>.Shared.Return(rented); }
    }

    public override long[] GetLabels()
    {
        RequireClassLabels("Subset.GetLabels");
        var all = Dataset.GetLabels();
        var labels = new long[_indices.Length];
        for (int k = 0; k < labels.Length; k++) labels[k] = all[_indices[k]];
        return labels;
    }
}
