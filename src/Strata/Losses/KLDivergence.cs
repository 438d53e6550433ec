namespace Strata.Losses;

/// <summary>
/// Kullback-Leibler divergence (Keras <c>KLDivergence</c>): Σ t·log(t / p) over the last (class) dimension, with both
/// distributions clipped to [1e-7, 1] first as Keras does; per sample, the mean over any dimensions between the batch
/// and the classes. yPred and yTrue are probabilities [N, ..., C] (PyTorch's <c>KLDivLoss</c> takes log-probabilities instead).
/// </summary>
public sealed class KLDivergence : Loss
{
    public KLDivergence(Reduction reduction = Reduction.Mean) : base(reduction) { }

    public override string Name => "kl_divergence";

    public override Tensor Forward(Tensor yPred, Tensor yTrue, Tensor? sampleWeight = null)
    {
        LossInputs.CheckPrediction(nameof(KLDivergence), yPred, 2, "probabilities [N, C] (or [N, ..., C])");
        var t = LossInputs.Target(nameof(KLDivergence), yPred, yTrue).Clamp(LossInputs.Epsilon, 1);
        var p = yPred.Clamp(LossInputs.Epsilon, 1);
        var perRow = t.Mul(t.Log().Sub(p.Log())).Sum(-1);
        return Reduce(LossInputs.MeanPerSample(perRow), sampleWeight);
    }
}
