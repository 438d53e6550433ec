namespace Strata.Data;

/// <summary>
/// A dataset over two tensors that share their first dimension (PyTorch <c>TensorDataset</c>): samples
/// <c>x[i]</c> ([N, ...], typically float32) and labels <c>y[i]</c> ([N] int64 class indices or [N, ...] float targets).
/// </summary>
/// <remarks>
/// The dataset keeps its own reference to the data (a view, or a contiguous CPU copy when <c>x</c> or
/// <c>y</c> is strided or on another device), outside every tensor scope: the tensors passed in may be
/// disposed or their scope may end. Dispose the dataset to release its reference.
/// </remarks>
public sealed class TensorDataset : Dataset
{
    private readonly Tensor _x;
    private readonly Tensor _y;
    private readonly Shape _sampleShape;
    private readonly Shape _labelShape;
    private bool _disposed;

    /// <param name="x">Samples, shape [N, ...].</param>
    /// <param name="y">Labels, shape [N] (int64 class indices) or [N, ...] (floating targets).</param>
    public TensorDataset(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Rank < 1 || y.Rank < 1)
            throw new ArgumentException($"TensorDataset: x and y need a first (sample) dimension, got shapes {x.Shape} and {y.Shape}.");
        if (x.Size(0) != y.Size(0))
            throw new ArgumentException($"TensorDataset: x has {x.Size(0)} samples (shape {x.Shape}) but y has {y.Size(0)} (shape {y.Shape}).");
        if (y.DType is not (DType.Int64 or DType.Float32 or DType.Float64))
            throw new ArgumentException($"TensorDataset: y must be int64 class indices or float32/float64 targets, got {y.DType.Name()} of shape {y.Shape}.");
        _x = Own(x);
        _y = Own(y);
        _sampleShape = new Shape(x.Shape.ToArray()[1..]);
        _labelShape = new Shape(y.Shape.ToArray()[1..]);
    }

    private TensorDataset(Tensor x, Tensor y, bool owned)
    {
        _x = x;
        _y = y;
        _sampleShape = new Shape(x.Shape.ToArray()[1..]);
        _labelShape = new Shape(y.Shape.ToArray()[1..]);
    }

    /// <summary>Takes ownership of freshly made contiguous CPU tensors that belong to no scope (readers use this to avoid a copy).</summary>
    internal static TensorDataset Adopt(Tensor x, Tensor y) => new(x, y, owned: true);

    private static Tensor Own(Tensor t)
    {
        using (TensorScope.Suspend())
        {
            var d = t.Detach();
            if (d.Device == Device.Cpu && d.IsContiguous) return d;
            var cpu = d.Device == Device.Cpu ? d : d.To(Device.Cpu);
            var c = cpu.IsContiguous ? cpu : cpu.Clone();
            if (!ReferenceEquals(cpu, c)) cpu.Dispose();
            if (!ReferenceEquals(d, c) && !ReferenceEquals(d, cpu)) d.Dispose();
            return c;
        }
    }

    public override int Count => _x.Size(0);
    public override Shape SampleShape => _sampleShape;
    public override Shape LabelShape => _labelShape;
    public override DType SampleDType => _x.DType;
    public override DType LabelDType => _y.DType;

    /// <summary>The samples [N, ...] (a view the dataset owns; do not dispose it).</summary>
    public Tensor X => Alive()._x;

    /// <summary>The labels [N, ...] (a view the dataset owns; do not dispose it).</summary>
    public Tensor Y => Alive()._y;

    protected override void GetBatchCore(ReadOnlySpan<int> indices, Tensor x, Tensor y)
    {
        Alive();
        CopyRows(_x, indices, x);
        CopyRows(_y, indices, y);
    }

    private static void CopyRows(Tensor src, ReadOnlySpan<int> indices, Tensor dst)
    {
        var from = HostTensor.Bytes(src, "TensorDataset");
        var to = HostTensor.Bytes(dst, "TensorDataset");
        int row = src.Size(0) == 0 ? 0 : from.Length / src.Size(0);
        for (int k = 0; k < indices.Length; k++)
            from.Slice(indices[k] * row, row).CopyTo(to.Slice(k * row, row));
    }

    public override long[] GetLabels()
    {
        RequireClassLabels("TensorDataset.GetLabels");
        return HostTensor.Elements<long>(Alive()._y, "TensorDataset").ToArray();
    }

    private TensorDataset Alive() => _disposed
        ? throw new ObjectDisposedException(nameof(TensorDataset), $"This TensorDataset ({Count} samples of shape {SampleShape}) was disposed.")
        : this;

    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        _x.Dispose();
        _y.Dispose();
    }
}
