namespace Strata.Optim.Schedules;

/// <summary>
/// Cosine annealing from each group's base rate down to <c>etaMin</c> over <c>tMax</c> epochs (PyTorch's
/// <c>CosineAnnealingLR</c>): lr = etaMin + (base − etaMin)(1 + cos(π·epoch / tMax)) / 2. Past tMax the cosine
/// continues, so the rate climbs back to the base rate at 2·tMax, as in PyTorch.
/// </summary>
public sealed class CosineAnnealingLR : LRScheduler
{
    public CosineAnnealingLR(Optimizer optimizer, int tMax, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (tMax <= 0) throw new ArgumentOutOfRangeException(nameof(tMax), $"CosineAnnealingLR: tMax must be positive, got {tMax}.");
        if (!(etaMin >= 0)) throw new ArgumentOutOfRangeException(nameof(etaMin), $"CosineAnnealingLR: etaMin must be non-negative, got {etaMin}.");
        TMax = tMax;
        EtaMin = etaMin;
        InitialStep();
    }

    public int TMax { get; }
    public double EtaMin { get; }

    protected override double[] ComputeLearningRates(int epoch) =>
        BaseLearningRates.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2).ToArray();
}
