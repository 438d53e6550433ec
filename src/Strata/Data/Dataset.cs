namespace Strata.Data;

/// <summary>
/// A finite collection of (sample, label) pairs, as PyTorch's map-style <c>Dataset</c>, read a batch at a time:
/// <see cref="GetBatch"/> copies the listed samples into tensors the caller preallocated, so a loader can reuse
/// its buffers and never builds a tensor per sample.
/// </summary>
/// <remarks>
/// Every sample has the same shape and dtype (<see cref="SampleShape"/>, <see cref="SampleDType"/>) and so does
/// every label (<see cref="LabelShape"/> is empty for class indices). <see cref="GetBatch"/> may be called from a
/// background thread (the loader's prefetch worker), so implementations must not depend on the caller's thread.
/// </remarks>
public abstract class Dataset : IDisposable
{
    /// <summary>Number of samples.</summary>
    public abstract int Count { get; }

    /// <summary>Shape of one sample, without the batch dimension (e.g. [1, 28, 28]).</summary>
    public abstract Shape SampleShape { get; }

    /// <summary>Shape of one label, without the batch dimension: [] for class indices, [k] for k regression targets.</summary>
    public abstract Shape LabelShape { get; }

    /// <summary>Element type of samples (float32 for images and tabular features).</summary>
    public abstract DType SampleDType { get; }

    /// <summary>Element type of labels: int64 for class indices, floating for regression targets.</summary>
    public abstract DType LabelDType { get; }

    /// <summary>
    /// Copies the samples at <paramref name="indices"/> into <paramref name="x"/> (shape [indices.Length, ..SampleShape])
    /// and their labels into <paramref name="y"/> (shape [indices.Length, ..LabelShape]), both contiguous CPU tensors
    /// of this dataset's dtypes. Row k of the batch is sample indices[k]; indices may repeat.
    /// </summary>
    public void GetBatch(ReadOnlySpan<int> indices, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        CheckBatchTensor("x", x, indices.Length, SampleShape, SampleDType);
        CheckBatchTensor("y", y, indices.Length, LabelShape, LabelDType);
        int n = Count;
        foreach (var i in indices)
            if ((uint)i >= (uint)n)
                throw new IndexOutOfRangeException($"{GetType().Name}: index {i} is out of range for a dataset of {n} samples.");
        GetBatchCore(indices, x, y);
    }

    /// <summary>Does the copy for <see cref="GetBatch"/>; arguments are already validated.</summary>
    protected abstract void GetBatchCore(ReadOnlySpan<int> indices, Tensor x, Tensor y);

    /// <summary>Sample <paramref name="index"/> and its label as new tensors (shapes <see cref="SampleShape"/> and <see cref="LabelShape"/>); the caller owns both.</summary>
    public (Tensor X, Tensor Y) Get(int index)
    {
        var x = Tensor.Empty("Dataset.Get", Prepend(1, SampleShape), SampleDType, Device.Cpu);
        var y = Tensor.Empty("Dataset.Get", Prepend(1, LabelShape), LabelDType, Device.Cpu);
        try
        {
            GetBatch(new[] { index }, x, y);
            var xs = x.Squeeze(0);
            var ys = y.Squeeze(0);
            x.Dispose();
            y.Dispose();
            return (xs, ys);
        }
        catch
        {
            x.Dispose();
            y.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The class index of every sample, in order (for stratified splits). Needs scalar int64 labels; the default
    /// reads them through <see cref="GetBatch"/> in chunks, and datasets holding labels in memory override it.
    /// </summary>
    public virtual long[] GetLabels()
    {
        RequireClassLabels("GetLabels");
        var labels = new long[Count];
        const int chunk = 256;
        var idx = new int[chunk];
        for (int start = 0; start < labels.Length; start += chunk)
        {
            int m = Math.Min(chunk, labels.Length - start);
            for (int k = 0; k < m; k++) idx[k] = start + k;
            using var x = HostTensor.Allocate("Dataset.GetLabels", Prepend(m, SampleShape), SampleDType);
            using var y = HostTensor.Allocate("Dataset.GetLabels", new[] { m }, DType.Int64);
            GetBatch(idx.AsSpan(0, m), x, y);
            HostTensor.Elements<long>(y, "Dataset.GetLabels").CopyTo(labels.AsSpan(start));
        }
        return labels;
    }

    /// <summary>Throws unless labels are scalar int64 class indices.</summary>
    protected internal void RequireClassLabels(string op)
    {
        if (LabelDType != DType.Int64 || LabelShape.Rank != 0)
            throw new InvalidOperationException($"{op}: needs int64 class labels of shape [], but {GetType().Name} has {LabelDType.Name()} labels of shape {LabelShape}.");
    }

    internal static int[] Prepend(int n, Shape shape)
    {
        var dims = new int[shape.Rank + 1];
        dims[0] = n;
        for (int i = 0; i < shape.Rank; i++) dims[i + 1] = shape[i];
        return dims;
    }

    private void CheckBatchTensor(string name, Tensor t, int n, Shape itemShape, DType dtype)
    {
        var want = Prepend(n, itemShape);
        if (!t.Shape.Equals(new Shape(want)) || t.DType != dtype)
            throw new ArgumentException($"{GetType().Name}.GetBatch: {name} must be {dtype.Name()} of shape [{string.Join(", ", want)}] for {n} indices, got {t.DType.Name()} of shape {t.Shape}.");
        if (t.Device != Device.Cpu || !t.IsContiguous)
            throw new ArgumentException($"{GetType().Name}.GetBatch: {name} must be a contiguous CPU tensor (shape {t.Shape}).");
    }

    /// <summary>Releases tensors the dataset owns. Datasets that only view another dataset release nothing.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing) { }
}
