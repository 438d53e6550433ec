namespace Strata.Backends;

// Fused loss kernels.
public partial interface IBackend
{
    /// <summary>
    /// Cross-entropy of logits rows x [R..., C] (any strides; the class dimension last) against int64 class indices
    /// <paramref name="target"/> [R...]: loss = (1 - s) w_t (lse - x_t) + s / C * sum_c w_c (lse - x_c), with w = 1 when
    /// <paramref name="weight"/> [C] has no buffer. Writes loss, the row log-sum-exp (for backward) and the row weight w_t
    /// (all [R...]); rows whose target is <paramref name="ignoreIndex"/> get 0 loss and 0 weight. Returns false, with the
    /// offending value, when a target is out of range.
    /// </summary>
    bool CrossEntropyForward(in TensorDesc x, in TensorDesc target, in TensorDesc weight, long ignoreIndex, double smoothing,
        in TensorDesc loss, in TensorDesc lse, in TensorDesc rowWeight, out long badTarget);

    /// <summary>Gradient of <see cref="CrossEntropyForward"/> with respect to x, given the saved lse and the loss gradient gLoss [R...].</summary>
    void CrossEntropyBackward(in TensorDesc x, in TensorDesc target, in TensorDesc weight, long ignoreIndex, double smoothing,
        in TensorDesc lse, in TensorDesc gLoss, in TensorDesc gx);
}
