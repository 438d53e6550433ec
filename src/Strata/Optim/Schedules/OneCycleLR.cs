namespace Strata.Optim.Schedules;

/// <summary>
/// The 1cycle policy (PyTorch's <c>OneCycleLR</c>), stepped once per batch: the rate rises from maxLr / divFactor to
/// maxLr over the first <c>pctStart</c> of <c>totalSteps</c>, then anneals to maxLr / (divFactor · finalDivFactor)
/// (with <c>threePhase</c>: back down to maxLr / divFactor symmetrically, then to the minimum). With
/// <c>cycleMomentum</c> the momentum ("momentum" of SGD and RMSprop, "beta1" of Adam and AdamW) moves inversely
/// between maxMomentum and baseMomentum. For E epochs of B batches use totalSteps = E · B. The values it needs are
/// stored in the groups ("initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum"), as PyTorch does.
/// </summary>
public sealed class OneCycleLR : LRScheduler
{
    private readonly (double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum)[] _phases;
    private readonly string? _momentumKey;

    /// <summary>The same peak rate <paramref name="maxLr"/> for every group.</summary>
    public OneCycleLR(Optimizer optimizer, double maxLr, int totalSteps, double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos,
        bool cycleMomentum = true, double baseMomentum = 0.85, double maxMomentum = 0.95, double divFactor = 25, double finalDivFactor = 1e4,
        bool threePhase = false, int lastEpoch = -1)
        : this(optimizer, Enumerable.Repeat(maxLr, optimizer?.ParamGroups.Count ?? 0).ToArray(), totalSteps, pctStart, annealStrategy, cycleMomentum,
            baseMomentum, maxMomentum, divFactor, finalDivFactor, threePhase, lastEpoch) { }

    /// <summary>One peak rate per parameter group.</summary>
    public OneCycleLR(Optimizer optimizer, double[] maxLr, int totalSteps, double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos,
        bool cycleMomentum = true, double baseMomentum = 0.85, double maxMomentum = 0.95, double divFactor = 25, double finalDivFactor = 1e4,
        bool threePhase = false, int lastEpoch = -1)
        : base(optimizer, lastEpoch)
    {
        ArgumentNullException.ThrowIfNull(maxLr);
        var groups = optimizer.ParamGroups;
        if (maxLr.Length != groups.Count)
            throw new ArgumentException($"OneCycleLR: expected {groups.Count} maxLr value(s), one per parameter group, got {maxLr.Length}.");
        if (maxLr.Any(v => !(v > 0))) throw new ArgumentOutOfRangeException(nameof(maxLr), $"OneCycleLR: maxLr must be positive, got [{string.Join(", ", maxLr)}].");
        if (totalSteps <= 0) throw new ArgumentOutOfRangeException(nameof(totalSteps), $"OneCycleLR: totalSteps must be positive, got {totalSteps}.");
        if (!(pctStart >= 0 && pctStart <= 1)) throw new ArgumentOutOfRangeException(nameof(pctStart), $"OneCycleLR: pctStart must be in [0, 1], got {pctStart}.");
        if (!(divFactor > 0)) throw new ArgumentOutOfRangeException(nameof(divFactor), $"OneCycleLR: divFactor must be positive, got {divFactor}.");
        if (!(finalDivFactor > 0)) throw new ArgumentOutOfRangeException(nameof(finalDivFactor), $"OneCycleLR: finalDivFactor must be positive, got {finalDivFactor}.");
        TotalSteps = totalSteps;
        AnnealStrategy = annealStrategy;
        CycleMomentum = cycleMomentum;
        _phases = threePhase
            ? new[]
            {
                (pctStart * totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (2 * pctStart * totalSteps - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                (totalSteps - 1.0, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            }
            : new[]
            {
                (pctStart * totalSteps - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                (totalSteps - 1.0, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            };

        if (cycleMomentum)
        {
            _momentumKey = groups.All(g => g.Has("beta1")) ? "beta1" : groups.All(g => g.Has("momentum")) ? "momentum" : null;
            if (_momentumKey is null)
                throw new ArgumentException($"OneCycleLR: {optimizer.GetType().Name} has no momentum or beta1 to cycle; pass cycleMomentum: false.");
        }
        for (int i = 0; i < groups.Count; i++)
        {
            var g = groups[i];
            if (lastEpoch == -1)
            {
                g["initial_lr"] = maxLr[i] / divFactor;
                g["max_lr"] = maxLr[i];
                g["min_lr"] = g["initial_lr"] / finalDivFactor;
                if (_momentumKey is not null)
                {
                    g[_momentumKey] = maxMomentum;
                    g["max_momentum"] = maxMomentum;
                    g["base_momentum"] = baseMomentum;
                }
            }
            else
            {
                foreach (var key in _momentumKey is null ? new[] { "max_lr", "min_lr" } : new[] { "max_lr", "min_lr", "max_momentum", "base_momentum" })
                    if (!g.Has(key))
                        throw new ArgumentException($"OneCycleLR: parameter group {i} has no '{key}' to resume from (lastEpoch {lastEpoch}).");
            }
        }
        BaseLearningRates = groups.Select(g => g["initial_lr"]).ToArray();
        InitialStep();
    }

    public int TotalSteps { get; }
    public AnnealStrategy AnnealStrategy { get; }
    public bool CycleMomentum { get; }

    private double Anneal(double start, double end, double pct) => AnnealStrategy == AnnealStrategy.Cos
        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;

    // The phase that holds `step` and the fraction of it done.
    private (int Phase, double Pct) Locate(int step)
    {
        if (step > TotalSteps)
            throw new InvalidOperationException($"OneCycleLR: tried to step {step + 1} times, but totalSteps is {TotalSteps}.");
        double start = 0;
        for (int i = 0; ; i++)
        {
            double end = _phases[i].EndStep;
            if (step <= end || i == _phases.Length - 1) return (i, (step - start) / (end - start));
            start = end;
        }
    }

    protected override double[] ComputeLearningRates(int epoch)
    {
        var (phase, pct) = Locate(epoch);
        var p = _phases[phase];
        return Optimizer.ParamGroups.Select(g => Anneal(g[p.StartLr], g[p.EndLr], pct)).ToArray();
    }

    protected override void OnEpoch(int epoch)
    {
        if (_momentumKey is null) return;
        var (phase, pct) = Locate(epoch);
        var p = _phases[phase];
        foreach (var g in Optimizer.ParamGroups) g[_momentumKey] = Anneal(g[p.StartMomentum], g[p.EndMomentum], pct);
    }
}
