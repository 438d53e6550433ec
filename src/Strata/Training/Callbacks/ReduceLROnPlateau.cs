namespace Strata.Training.Callbacks;

/// <summary>
/// Multiplies the learning rate by <c>factor</c> when the monitored value has not improved for <c>patience</c>
/// epochs (Keras <c>ReduceLROnPlateau</c>), then waits <c>cooldown</c> epochs before counting again.
/// </summary>
public sealed class ReduceLROnPlateau : Callback
{
    private readonly Monitor _monitor;
    private readonly TextWriter? _out;
    private int _wait, _cooldownCounter;

    public ReduceLROnPlateau(string monitor = "val_loss", double factor = 0.1, int patience = 10, MonitorMode mode = MonitorMode.Auto,
        double minDelta = 1e-4, int cooldown = 0, double minLr = 0, bool verbose = false, TextWriter? output = null)
    {
        if (!(factor > 0 && factor < 1)) throw new ArgumentOutOfRangeException(nameof(factor), $"ReduceLROnPlateau: factor must be in (0, 1), got {factor}.");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"ReduceLROnPlateau: patience must be ≥ 0, got {patience}.");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), $"ReduceLROnPlateau: cooldown must be ≥ 0, got {cooldown}.");
        _monitor = new Monitor(monitor, mode, minDelta, nameof(ReduceLROnPlateau));
        Factor = factor;
        Patience = patience;
        Cooldown = cooldown;
        MinLr = minLr;
        if (verbose) _out = output ?? Console.Out;
    }

    public double Factor { get; }
    public int Patience { get; }
    public int Cooldown { get; }
    public double MinLr { get; }

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        _monitor.Reset();
        _wait = 0;
        _cooldownCounter = 0;
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var optimizer = Model!.Optimizer!;
        double current = _monitor.Read(logs);
        if (_cooldownCounter > 0)
        {
            _cooldownCounter--;
            _wait = 0;
        }
        if (_monitor.IsImprovement(current))
        {
            _monitor.Best = current;
            _wait = 0;
        }
        else if (_cooldownCounter <= 0 && ++_wait >= Patience)
        {
            double old = optimizer.LearningRate;
            if (old > MinLr)
            {
                double lr = Math.Max(old * Factor, MinLr);
                optimizer.LearningRate = lr;
                _out?.WriteLine($"Epoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {lr:G6}.");
                _cooldownCounter = Cooldown;
                _wait = 0;
            }
        }
    }
}
