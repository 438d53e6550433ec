namespace Strata.Optim.Schedules;

/// <summary>Multiplies each group's base rate by <c>gamma</c> every <c>stepSize</c> epochs (PyTorch's <c>StepLR</c>): lr = base · gamma^⌊epoch / stepSize⌋.</summary>
public sealed class StepLR : LRScheduler
{
    public StepLR(Optimizer optimizer, int stepSize, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (stepSize <= 0) throw new ArgumentOutOfRangeException(nameof(stepSize), $"StepLR: stepSize must be positive, got {stepSize}.");
        if (!(gamma > 0)) throw new ArgumentOutOfRangeException(nameof(gamma), $"StepLR: gamma must be positive, got {gamma}.");
        StepSize = stepSize;
        Gamma = gamma;
        InitialStep();
    }

    public int StepSize { get; }
    public double Gamma { get; }

    protected override double[] ComputeLearningRates(int epoch) =>
        BaseLearningRates.Select(b => b * Math.Pow(Gamma, epoch / StepSize)).ToArray();
}
