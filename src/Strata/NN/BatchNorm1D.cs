namespace Strata.NN;

/// <summary>
/// Batch normalisation of [N, C] or [N, C, L] per channel C (PyTorch <c>BatchNorm1d</c>, Keras <c>BatchNormalization</c> on
/// the channel axis), with PyTorch defaults eps = 1e-5, momentum = 0.1. See <see cref="BatchNormBase"/> for the semantics.
/// </summary>
public sealed class BatchNorm1D : BatchNormBase
{
    public BatchNorm1D(int? numFeatures = null, double eps = 1e-5, double? momentum = 0.1, bool affine = true, DType dtype = DType.Float32)
        : base(numFeatures, eps, momentum, affine, dtype) { }

    private protected override string Layouts => "[N, C] or [N, C, L]";

    private protected override bool AcceptsRank(int rank) => rank is 2 or 3;
}
