namespace Strata.Losses;

/// <summary>Mean absolute error (Keras <c>MeanAbsoluteError</c>, PyTorch <c>L1Loss</c>): per sample, the mean of |yPred − yTrue| over the non-batch dimensions.</summary>
public sealed class MeanAbsoluteError : Loss
{
    public MeanAbsoluteError(Reduction reduction = Reduction.Mean) : base(reduction) { }

    public override string Name => "mean_absolute_error";

    public override Tensor Forward(Tensor yPred, Tensor yTrue, Tensor? sampleWeight = null)
    {
        LossInputs.CheckPrediction(nameof(MeanAbsoluteError), yPred, 1, "[N, ...]");
        var t = LossInputs.Target(nameof(MeanAbsoluteError), yPred, yTrue);
        return Reduce(LossInputs.MeanPerSample(yPred.Sub(t).Abs()), sampleWeight);
    }
}
