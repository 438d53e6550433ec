namespace Strata.Optim.Schedules;

/// <summary>
/// Scales the base rate by a factor that moves linearly from <c>startFactor</c> to <c>endFactor</c> over
/// <c>totalIters</c> epochs, then stays (PyTorch's <c>LinearLR</c>, a common warm-up):
/// lr = base · (startFactor + (endFactor − startFactor) · min(epoch, totalIters) / totalIters).
/// </summary>
public sealed class LinearLR : LRScheduler
{
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, int totalIters = 5, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (!(startFactor > 0 && startFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(startFactor), $"LinearLR: startFactor must be in (0, 1], got {startFactor}.");
        if (!(endFactor >= 0 && endFactor <= 1)) throw new ArgumentOutOfRangeException(nameof(endFactor), $"LinearLR: endFactor must be in [0, 1], got {endFactor}.");
        if (totalIters <= 0) throw new ArgumentOutOfRangeException(nameof(totalIters), $"LinearLR: totalIters must be positive, got {totalIters}.");
        StartFactor = startFactor;
        EndFactor = endFactor;
        TotalIters = totalIters;
        InitialStep();
    }

    public double StartFactor { get; }
    public double EndFactor { get; }
    public int TotalIters { get; }

    protected override double[] ComputeLearningRates(int epoch)
    {
        double f = StartFactor + (EndFactor - StartFactor) * Math.Min(epoch, TotalIters) / TotalIters;
        return BaseLearningRates.Select(b => b * f).ToArray();
    }
}
