namespace Strata.Optim.Schedules;

/// <summary>
/// Multiplies each group's base rate by <c>gamma</c> once for every milestone reached (PyTorch's <c>MultiStepLR</c>):
/// lr = base · gamma^(number of milestones ≤ epoch). A milestone listed twice counts twice, as in PyTorch.
/// </summary>
public sealed class MultiStepLR : LRScheduler
{
    private readonly int[] _milestones;

    public MultiStepLR(Optimizer optimizer, IEnumerable<int> milestones, double gamma = 0.1, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        _milestones = milestones.OrderBy(m => m).ToArray();
        if (_milestones.Length > 0 && _milestones[0] < 0)
            throw new ArgumentOutOfRangeException(nameof(milestones), $"MultiStepLR: milestones must be non-negative epochs, got {_milestones[0]}.");
        if (!(gamma > 0)) throw new ArgumentOutOfRangeException(nameof(gamma), $"MultiStepLR: gamma must be positive, got {gamma}.");
        Gamma = gamma;
        InitialStep();
    }

    /// <summary>The milestones, sorted.</summary>
    public IReadOnlyList<int> Milestones => _milestones;
    public double Gamma { get; }

    protected override double[] ComputeLearningRates(int epoch)
    {
        int passed = _milestones.Count(m => m <= epoch);
        return BaseLearningRates.Select(b => b * Math.Pow(Gamma, passed)).ToArray();
    }
}
