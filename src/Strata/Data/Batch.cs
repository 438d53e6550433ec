namespace Strata.Data;

/// <summary>
/// One batch from a <see cref="DataLoader"/>: samples <see cref="X"/> [Size, ...] and labels <see cref="Y"/> [Size, ...].
/// </summary>
/// <remarks>
/// Ownership: the loader creates a batch's tensors outside every <see cref="TensorScope"/> and hands them to the
/// consumer, which disposes the batch when done with it (<c>foreach (var b in loader) { using (b) { ... } }</c>).
/// Disposing returns the buffers to the pool, where the loader picks them up for a later batch. The tensors stay
/// valid until then, whatever scopes open and close in between. A batch that is never disposed is reclaimed by the
/// garbage collector, but the loader then cannot reuse its memory.
/// </remarks>
public sealed class Batch : IDisposable
{
    internal Batch(Tensor x, Tensor y, int index)
    {
        X = x;
        Y = y;
        Index = index;
    }

    /// <summary>Samples, shape [Size, ..sample shape].</summary>
    public Tensor X { get; }

    /// <summary>Labels, shape [Size] (class indices) or [Size, ...] (targets).</summary>
    public Tensor Y { get; }

    /// <summary>Number of samples; the last batch of an epoch may be smaller than the loader's batch size.</summary>
    public int Size => X.Size(0);

    /// <summary>Position of this batch in its epoch (0-based).</summary>
    public int Index { get; }

    /// <summary>Releases <see cref="X"/> and <see cref="Y"/>.</summary>
    public void Dispose()
    {
        X.Dispose();
        Y.Dispose();
    }

    /// <summary>Deconstructs into (x, y), as <c>for x, y in loader</c> in PyTorch. The batch still owns the tensors.</summary>
    public void Deconstruct(out Tensor x, out Tensor y)
    {
        x = X;
        y = Y;
    }
}
