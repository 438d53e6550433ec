namespace Strata.Training.Callbacks;

/// <summary>
/// Stops training when the monitored value has not improved for <c>patience</c> epochs (Keras <c>EarlyStopping</c>).
/// With <c>restoreBestWeights</c> the model ends with the weights of its best epoch.
/// </summary>
public sealed class EarlyStopping : Callback, IStopReason
{
    private readonly Monitor _monitor;
    private WeightSnapshot? _best;
    private int _wait;

    public EarlyStopping(string monitor = "val_loss", double minDelta = 0, int patience = 0, MonitorMode mode = MonitorMode.Auto,
        double? baseline = null, bool restoreBestWeights = false, int startFromEpoch = 0)
    {
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"EarlyStopping: patience must be ≥ 0, got {patience}.");
        _monitor = new Monitor(monitor, mode, minDelta, nameof(EarlyStopping));
        Patience = patience;
        Baseline = baseline;
        RestoreBestWeights = restoreBestWeights;
        StartFromEpoch = startFromEpoch;
    }

    public string MonitorName => _monitor.Name;
    public int Patience { get; }
    public double? Baseline { get; }
    public bool RestoreBestWeights { get; }
    public int StartFromEpoch { get; }

    /// <summary>The epoch (0-based) training stopped at, or −1.</summary>
    public int StoppedEpoch { get; private set; } = -1;

    /// <summary>The epoch with the best monitored value, or −1.</summary>
    public int BestEpoch { get; private set; } = -1;

    public double BestValue => _monitor.Best;

    public string? StopReason { get; private set; }

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        _wait = 0;
        StoppedEpoch = -1;
        BestEpoch = -1;
        StopReason = null;
        _monitor.Reset();
        if (Baseline is double b) _monitor.Best = b;
        _best?.Dispose();
        _best = null;
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (epoch < StartFromEpoch) return;
        double value = _monitor.Read(logs);
        _wait++;
        if (_monitor.IsImprovement(value))
        {
            _monitor.Best = value;
            BestEpoch = epoch;
            _wait = 0;
            if (RestoreBestWeights)
            {
                _best?.Dispose();
                _best = new WeightSnapshot(Model!);
            }
            return;
        }
        if (_wait >= Patience && epoch > 0)
        {
            StoppedEpoch = epoch;
            Model!.StopTraining = true;
            StopReason = $"EarlyStopping: {_monitor.Name} did not improve for {_wait} epoch(s); best {_monitor.Best:G6} at epoch {BestEpoch + 1}.";
            if (RestoreBestWeights && _best is not null) _best.Restore();
        }
    }

    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        _best?.Dispose();
        _best = null;
    }
}
