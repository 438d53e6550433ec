using Strata.Autograd;
using Strata.NN;

namespace Strata.Optim;

/// <summary>
/// In-place gradient clipping (PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> and <c>clip_grad_value_</c>). Call it
/// between <c>Backward()</c> and <c>optimizer.Step()</c>. Parameters without a gradient are skipped.
/// </summary>
public static class ClipGrad
{
    /// <summary>
    /// Rescales the gradients in place so that their joint norm (the norm of the vector of all gradient elements)
    /// is at most <paramref name="maxNorm"/>, multiplying each by min(1, maxNorm / (total + 1e-6)) as PyTorch.
    /// </summary>
    /// <param name="parameters">The parameters whose gradients are clipped.</param>
    /// <param name="maxNorm">Largest allowed total norm (non-negative).</param>
    /// <param name="normType">The p of the p-norm: any positive number, or <see cref="double.PositiveInfinity"/> for the largest absolute value.</param>
    /// <param name="errorIfNonfinite">Throw instead of scaling when the total norm is NaN or infinite.</param>
    /// <returns>The total norm of the gradients before clipping (0 when no parameter has a gradient).</returns>
    public static double Norm(IEnumerable<Parameter> parameters, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm >= 0)) throw new ArgumentOutOfRangeException(nameof(maxNorm), $"ClipGrad.Norm: maxNorm must be non-negative, got {maxNorm}.");
        if (!(normType > 0)) throw new ArgumentOutOfRangeException(nameof(normType), $"ClipGrad.Norm: normType must be positive (or infinity), got {normType}.");
        var grads = parameters.Select(p => p.Grad).Where(g => g is not null).Select(g => g!).ToList();
        if (grads.Count == 0) return 0;
        using (GradMode.NoGrad())
        using (Tensor.Scope())
        {
            double total = 0;
            foreach (var g in grads)
            {
                var a = g.To(DType.Float64).Abs();
                if (double.IsPositiveInfinity(normType)) total = Math.Max(total, g.Numel == 0 ? 0 : a.Max().Item());
                else total += (normType == 2 ? a.Square() : a.Pow(normType)).Sum().Item();
            }
            if (!double.IsPositiveInfinity(normType)) total = normType == 2 ? Math.Sqrt(total) : Math.Pow(total, 1 / normType);
            if (errorIfNonfinite && !double.IsFinite(total))
                throw new InvalidOperationException($"ClipGrad.Norm: the total norm of order {normType} of the gradients is non-finite ({total}), so it cannot be clipped; pass errorIfNonfinite: false to scale by it anyway.");
            double coef = Math.Min(maxNorm / (total + 1e-6), 1.0);
            // PyTorch multiplies even by 1 (to avoid a host sync); skipping that keeps the gradients bit-identical.
            if (coef < 1 || double.IsNaN(coef))
                foreach (var g in grads) g.CopyFrom(g.Mul(coef));
            return total;
        }
    }

    /// <summary>Clamps every gradient element to [-clipValue, clipValue], in place.</summary>
    public static void Value(IEnumerable<Parameter> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(clipValue >= 0)) throw new ArgumentOutOfRangeException(nameof(clipValue), $"ClipGrad.Value: clipValue must be non-negative, got {clipValue}.");
        using (GradMode.NoGrad())
        using (Tensor.Scope())
        {
            foreach (var p in parameters)
                if (p.Grad is Tensor g) g.CopyFrom(g.Clamp(-clipValue, clipValue));
        }
    }
}
