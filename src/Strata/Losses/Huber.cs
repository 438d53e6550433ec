namespace Strata.Losses;

/// <summary>
/// Huber loss (Keras <c>Huber</c>, PyTorch <c>HuberLoss</c>): with e = yPred − yTrue, ½e² where |e| ≤ delta and
/// delta·(|e| − ½delta) elsewhere; per sample, the mean over the non-batch dimensions.
/// </summary>
public sealed class Huber : Loss
{
    public Huber(double delta = 1.0, Reduction reduction = Reduction.Mean) : base(reduction)
    {
        if (!(delta > 0) || double.IsInfinity(delta)) throw new ArgumentOutOfRangeException(nameof(delta), $"Huber: delta must be a positive finite number, got {delta}.");
        Delta = delta;
    }

    public double Delta { get; }

    public override string Name => "huber_loss";

    public override Tensor Forward(Tensor yPred, Tensor yTrue, Tensor? sampleWeight = null)
    {
        LossInputs.CheckPrediction(nameof(Huber), yPred, 1, "[N, ...]");
        var t = LossInputs.Target(nameof(Huber), yPred, yTrue);
        var err = yPred.Sub(t);
        var abs = err.Abs();
        var quadratic = err.Square().Mul(0.5);
        var linear = abs.Mul(Delta).Sub(0.5 * Delta * Delta);
        return Reduce(LossInputs.MeanPerSample(Tensor.Where(abs.Le(Delta), quadratic, linear)), sampleWeight);
    }
}
