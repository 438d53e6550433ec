namespace Strata.Optim.Schedules;

/// <summary>
/// Cosine annealing with warm restarts, SGDR (PyTorch's <c>CosineAnnealingWarmRestarts</c>): the rate follows a cosine
/// from the base rate to <c>etaMin</c> over a period of <c>t0</c> epochs, then restarts at the base rate with the
/// period multiplied by <c>tMult</c>. lr = etaMin + (base − etaMin)(1 + cos(π·Tcur / Ti)) / 2. Step per epoch, or per
/// batch with the periods counted in batches.
/// </summary>
public sealed class CosineAnnealingWarmRestarts : LRScheduler
{
    public CosineAnnealingWarmRestarts(Optimizer optimizer, int t0, int tMult = 1, double etaMin = 0, int lastEpoch = -1) : base(optimizer, lastEpoch)
    {
        if (t0 <= 0) throw new ArgumentOutOfRangeException(nameof(t0), $"CosineAnnealingWarmRestarts: t0 must be positive, got {t0}.");
        if (tMult < 1) throw new ArgumentOutOfRangeException(nameof(tMult), $"CosineAnnealingWarmRestarts: tMult must be an integer >= 1, got {tMult}.");
        if (!(etaMin >= 0)) throw new ArgumentOutOfRangeException(nameof(etaMin), $"CosineAnnealingWarmRestarts: etaMin must be non-negative, got {etaMin}.");
        T0 = t0;
        TMult = tMult;
        EtaMin = etaMin;
        InitialStep();
    }

    public int T0 { get; }
    public int TMult { get; }
    public double EtaMin { get; }

    /// <summary>The position in the current period and that period's length at <paramref name="epoch"/>.</summary>
    public (long TCur, long TI) PeriodAt(int epoch)
    {
        long tCur = epoch, tI = T0;
        while (tCur >= tI)
        {
            tCur -= tI;
            tI *= TMult;
        }
        return (tCur, tI);
    }

    protected override double[] ComputeLearningRates(int epoch)
    {
        var (tCur, tI) = PeriodAt(epoch);
        return BaseLearningRates.Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * tCur / tI)) / 2).ToArray();
    }
}
