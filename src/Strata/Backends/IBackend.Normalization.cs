namespace Strata.Backends;

// Fused normalisation kernels.
public partial interface IBackend
{
    /// <summary>
    /// Layer normalisation of the contiguous rows of x [R, D]: y = (x - mean) * rstd * weight + bias, with weight and bias [D]
    /// optional (no buffer). Writes mean and rstd = 1 / sqrt(biased var + eps), both [R], for the backward pass.
    /// </summary>
    void LayerNormForward(in TensorDesc x, in TensorDesc weight, in TensorDesc bias, double eps, in TensorDesc y, in TensorDesc mean, in TensorDesc rstd);

    /// <summary>
    /// Input gradient of <see cref="LayerNormForward"/>: with h = gy * weight and xhat = (x - mean) * rstd per row,
    /// gx = rstd * (h - mean(h) - xhat * mean(h * xhat)). x, gy and gx are contiguous [R, D].
    /// </summary>
    void LayerNormBackward(in TensorDesc x, in TensorDesc weight, in TensorDesc mean, in TensorDesc rstd, in TensorDesc gy, in TensorDesc gx);
}
