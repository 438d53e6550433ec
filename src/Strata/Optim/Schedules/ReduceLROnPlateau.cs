namespace Strata.Optim.Schedules;

/// <summary>
/// Divides the learning rate when a monitored metric stops improving (PyTorch's <c>ReduceLROnPlateau</c>, Keras'
/// callback of the same name). Call <see cref="Step"/> with the metric once per epoch: after more than
/// <c>patience</c> epochs without improvement every group's rate becomes max(lr · factor, minLr), then
/// <c>cooldown</c> epochs pass before bad epochs count again. Changes smaller than <c>eps</c> are skipped.
/// </summary>
public sealed class ReduceLROnPlateau
{
    private readonly double[] _minLrs;
    private double[] _lastLrs;

    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10, double threshold = 1e-4,
        ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, double minLr = 0, double eps = 1e-8)
        : this(optimizer, Enumerable.Repeat(minLr, optimizer?.ParamGroups.Count ?? 0).ToArray(), mode, factor, patience, threshold, thresholdMode, cooldown, eps) { }

    /// <summary>With one lower bound per parameter group.</summary>
    public ReduceLROnPlateau(Optimizer optimizer, double[] minLrs, PlateauMode mode = PlateauMode.Min, double factor = 0.1, int patience = 10,
        double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, int cooldown = 0, double eps = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(minLrs);
        if (minLrs.Length != optimizer.ParamGroups.Count)
            throw new ArgumentException($"ReduceLROnPlateau: expected {optimizer.ParamGroups.Count} minLr value(s), one per parameter group, got {minLrs.Length}.");
        if (minLrs.Any(v => !(v >= 0))) throw new ArgumentOutOfRangeException(nameof(minLrs), $"ReduceLROnPlateau: minLr must be non-negative, got [{string.Join(", ", minLrs)}].");
        if (!(factor > 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), $"ReduceLROnPlateau: factor must be in (0, 1), got {factor}.");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"ReduceLROnPlateau: patience must be non-negative, got {patience}.");
        if (!(threshold >= 0)) throw new ArgumentOutOfRangeException(nameof(threshold), $"ReduceLROnPlateau: threshold must be non-negative, got {threshold}.");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), $"ReduceLROnPlateau: cooldown must be non-negative, got {cooldown}.");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"ReduceLROnPlateau: eps must be non-negative, got {eps}.");
        Optimizer = optimizer;
        _minLrs = (double[])minLrs.Clone();
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        Eps = eps;
        Best = WorstValue;
        _lastLrs = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
    }

    public Optimizer Optimizer { get; }
    public PlateauMode Mode { get; }
    public double Factor { get; }
    public int Patience { get; }
    public double Threshold { get; }
    public ThresholdMode ThresholdMode { get; }
    public int Cooldown { get; }
    public double Eps { get; }
    public IReadOnlyList<double> MinLearningRates => _minLrs;

    /// <summary>The number of <see cref="Step"/> calls so far.</summary>
    public int LastEpoch { get; private set; }

    /// <summary>The best metric seen (+∞ in min mode, −∞ in max mode before the first step).</summary>
    public double Best { get; private set; }

    /// <summary>Consecutive epochs without improvement (reset by a reduction and during cooldown).</summary>
    public int NumBadEpochs { get; private set; }

    /// <summary>Epochs of cooldown left.</summary>
    public int CooldownCounter { get; private set; }

    public bool InCooldown => CooldownCounter > 0;

    /// <summary>The groups' learning rates after the last <see cref="Step"/> (their rates at construction before it).</summary>
    public IReadOnlyList<double> CurrentLearningRates => _lastLrs;

    /// <summary>A copy of <see cref="CurrentLearningRates"/> (PyTorch's <c>get_last_lr()</c>).</summary>
    public double[] GetLastLr() => (double[])_lastLrs.Clone();

    private double WorstValue => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>Whether <paramref name="value"/> improves on <paramref name="best"/> by more than the threshold.</summary>
    public bool IsBetter(double value, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => value < best * (1 - Threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => value < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => value > best * (1 + Threshold),
        _ => value > best + Threshold,
    };

    /// <summary>Records one epoch's value of the monitored metric and reduces the rates if it has plateaued.</summary>
    public void Step(double metric)
    {
        if (double.IsNaN(metric)) throw new ArgumentException("ReduceLROnPlateau.Step: the metric is NaN.", nameof(metric));
        LastEpoch++;
        if (IsBetter(metric, Best))
        {
            Best = metric;
            NumBadEpochs = 0;
        }
        else NumBadEpochs++;
        if (InCooldown)
        {
            CooldownCounter--;
            NumBadEpochs = 0; // bad epochs during cooldown do not count
        }
        if (NumBadEpochs > Patience)
        {
            var groups = Optimizer.ParamGroups;
            for (int i = 0; i < groups.Count; i++)
            {
                double old = groups[i].LearningRate;
                double lr = Math.Max(old * Factor, _minLrs[i]);
                if (old - lr > Eps) groups[i].LearningRate = lr;
            }
            CooldownCounter = Cooldown;
            NumBadEpochs = 0;
        }
        _lastLrs = Optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
    }

    /// <summary>The state: "last_epoch", "best", "num_bad_epochs", "cooldown_counter" and "last_lr.i" per group.</summary>
    public Dictionary<string, double> StateDict()
    {
        var d = new Dictionary<string, double>
        {
            ["last_epoch"] = LastEpoch, ["best"] = Best, ["num_bad_epochs"] = NumBadEpochs, ["cooldown_counter"] = CooldownCounter,
        };
        for (int i = 0; i < _lastLrs.Length; i++) d[$"last_lr.{i}"] = _lastLrs[i];
        return d;
    }

    /// <summary>Restores a <see cref="StateDict"/>, including the groups' learning rates.</summary>
    public void LoadStateDict(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        double Get(string key) => state.TryGetValue(key, out var v) ? v : throw new ArgumentException($"ReduceLROnPlateau.LoadStateDict: missing '{key}'.");
        int n = Optimizer.ParamGroups.Count;
        var lrs = new double[n];
        for (int i = 0; i < n; i++) lrs[i] = Get($"last_lr.{i}");
        if (state.ContainsKey($"last_lr.{n}"))
            throw new ArgumentException($"ReduceLROnPlateau.LoadStateDict: the state has more parameter groups than the optimizer ({n}).");
        int lastEpoch = (int)Get("last_epoch"), bad = (int)Get("num_bad_epochs"), cool = (int)Get("cooldown_counter");
        double best = Get("best");
        LastEpoch = lastEpoch;
        NumBadEpochs = bad;
        CooldownCounter = cool;
        Best = best;
        _lastLrs = lrs;
        for (int i = 0; i < n; i++) Optimizer.ParamGroups[i].LearningRate = lrs[i];
    }

    public override string ToString() => $"ReduceLROnPlateau(best={Best:G6}, bad_epochs={NumBadEpochs}, lr=[{string.Join(", ", _lastLrs.Select(v => v.ToString("G6")))}])";
}
