namespace Strata.Backends;

// Kernels for neural-network ops: softmax and index gather/scatter.
public partial interface IBackend
{
    /// <summary>Softmax (or log-softmax when <paramref name="log"/>) of x along its last dimension into y; any strides.</summary>
    void Softmax(in TensorDesc x, in TensorDesc y, bool log);

    /// <summary>
    /// Gradient of <see cref="Softmax"/> along the last dimension from its output y and output gradient gy:
    /// softmax: gx = y * (gy - sum(gy * y)); log-softmax: gx = gy - exp(y) * sum(gy).
    /// </summary>
    void SoftmaxBackward(in TensorDesc y, in TensorDesc gy, in TensorDesc gx, bool log);

    /// <summary>
    /// y[i] = x[i with dimension <paramref name="dim"/> replaced by index[i]]; index (int64) and y have the same shape,
    /// which matches x except along <paramref name="dim"/>. Returns false, with the offending value, when an index is out of range.
    /// </summary>
    bool Gather(in TensorDesc x, int dim, in TensorDesc index, in TensorDesc y, out long badIndex);

    /// <summary>
    /// y[i with dimension <paramref name="dim"/> replaced by index[i]] += src[i], accumulating duplicates; index (int64)
    /// and src have the same shape. Returns false, with the offending value, when an index is out of range (y may be partly updated).
    /// </summary>
    bool ScatterAdd(in TensorDesc y, int dim, in TensorDesc index, in TensorDesc src, out long badIndex);
}
