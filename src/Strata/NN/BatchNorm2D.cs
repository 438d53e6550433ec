namespace Strata.NN;

/// <summary>
/// Batch normalisation of [N, C, H, W] per channel C (PyTorch <c>BatchNorm2d</c>, Keras <c>BatchNormalization</c> on the
/// channel axis), with PyTorch defaults eps = 1e-5, momentum = 0.1. See <see cref="BatchNormBase"/> for the semantics.
/// </summary>
public sealed class BatchNorm2D : BatchNormBase
{
    public BatchNorm2D(int? numFeatures = null, double eps = 1e-5, double? momentum = 0.1, bool affine = true, DType dtype = DType.Float32)
        : base(numFeatures, eps, momentum, affine, dtype) { }

    private protected override string Layouts => "[N, C, H, W]";

    private protected override bool AcceptsRank(int rank) => rank == 4;
}
