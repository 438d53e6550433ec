namespace Strata.Optim.Schedules;

/// <summary>Multiplies the rate by <c>gamma</c> every epoch (PyTorch's <c>ExponentialLR</c>): lr = base · gamma^epoch.</summary>
public sealed class ExponentialLR : LRScheduler
{
    public ExponentialLR(Optimizer optimizer, double gamma, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (!(gamma > 0)) throw new ArgumentOutOfRangeException(nameof(gamma), $"ExponentialLR: gamma must be positive, got {gamma}.");
        Gamma = gamma;
        InitialStep();
    }

    public double Gamma { get; }

    protected override double[] ComputeLearningRates(int epoch) =>
        BaseLearningRates.Select(b => b * Math.Pow(Gamma, epoch)).ToArray();
}
