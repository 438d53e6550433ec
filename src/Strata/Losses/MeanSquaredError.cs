namespace Strata.Losses;

/// <summary>Mean squared error (Keras <c>MeanSquaredError</c>, PyTorch <c>MSELoss</c>): per sample, the mean of (yPred − yTrue)² over the non-batch dimensions.</summary>
public sealed class MeanSquaredError : Loss
{
    public MeanSquaredError(Reduction reduction = Reduction.Mean) : base(reduction) { }

    public override string Name => "mean_squared_error";

    public override Tensor Forward(Tensor yPred, Tensor yTrue, Tensor? sampleWeight = null)
    {
        LossInputs.CheckPrediction(nameof(MeanSquaredError), yPred, 1, "[N, ...]");
        var t = LossInputs.Target(nameof(MeanSquaredError), yPred, yTrue);
        return Reduce(LossInputs.MeanPerSample(yPred.Sub(t).Square()), sampleWeight);
    }
}
