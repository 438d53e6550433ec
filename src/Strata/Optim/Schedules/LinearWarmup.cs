namespace Strata.Optim.Schedules;

/// <summary>
/// Linear warm-up, optionally followed by another schedule: for the first <c>warmupSteps</c> steps the rate is
/// base · (epoch + 1) / warmupSteps (so the first step already trains, at base / warmupSteps, and step warmupSteps − 1
/// reaches the base rate); afterwards it is the base rate, or the rate of <c>after</c> at epoch − warmupSteps.
/// Build <c>after</c> on the same optimizer first and pass it here; step only the warm-up (per batch or per epoch,
/// in the unit <c>after</c> counts in). For PyTorch's factor form see <see cref="LinearLR"/>.
/// </summary>
public sealed class LinearWarmup : LRScheduler
{
    private const string AfterPrefix = "after.";

    public LinearWarmup(Optimizer optimizer, int warmupSteps, LRScheduler? after = null, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (warmupSteps < 0) throw new ArgumentOutOfRangeException(nameof(warmupSteps), $"LinearWarmup: warmupSteps must be non-negative, got {warmupSteps}.");
        if (after is not null && !ReferenceEquals(after.Optimizer, optimizer))
            throw new ArgumentException("LinearWarmup: the schedule to run after the warm-up must be built on the same optimizer.");
        if (after is LinearWarmup) throw new ArgumentException("LinearWarmup: the schedule after the warm-up cannot itself be a LinearWarmup.");
        WarmupSteps = warmupSteps;
        After = after;
        InitialStep();
    }

    public int WarmupSteps { get; }

    /// <summary>The schedule that takes over after the warm-up, or null to hold the base rate.</summary>
    public LRScheduler? After { get; }

    protected override double[] ComputeLearningRates(int epoch)
    {
        if (epoch < WarmupSteps) return BaseLearningRates.Select(b => b * (epoch + 1) / WarmupSteps).ToArray();
        if (After is null) return BaseLearningRates.ToArray();
        // The wrapped schedule sets its own extras (OneCycleLR's momentum) as it moves to its epoch.
        After.SetEpoch(epoch - WarmupSteps);
        return After.GetLastLr();
    }

    protected override void SaveState(Dictionary<string, double> state)
    {
        if (After is null) return;
        foreach (var (k, v) in After.StateDict()) state[AfterPrefix + k] = v;
    }

    protected override void LoadState(IReadOnlyDictionary<string, double> state)
    {
        if (After is null) return;
        var sub = state.Where(kv => kv.Key.StartsWith(AfterPrefix, StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[AfterPrefix.Length..], kv => kv.Value);
        if (sub.Count == 0) throw new ArgumentException("LinearWarmup.LoadStateDict: the state has no 'after.*' entries for the wrapped schedule.");
        After.LoadStateDict(sub);
    }
}
