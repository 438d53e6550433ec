namespace Strata.Training.Callbacks;

/// <summary>
/// Sets the learning rate at the start of every epoch to <c>schedule(epoch, currentLr)</c>
/// (Keras <c>LearningRateScheduler</c>). The value is also logged as "learning_rate".
/// </summary>
public sealed class LearningRateScheduler : Callback
{
    private readonly Func<int, double, double> _schedule;
    private readonly TextWriter? _out;

    public LearningRateScheduler(Func<int, double, double> schedule, bool verbose = false, TextWriter? output = null)
    {
        _schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
        if (verbose) _out = output ?? Console.Out;
    }

    public override void OnEpochBegin(int epoch)
    {
        var optimizer = Model!.Optimizer!;
        double lr = _schedule(epoch, optimizer.LearningRate);
        if (!double.IsFinite(lr) || lr < 0)
            throw new InvalidOperationException($"LearningRateScheduler: the schedule returned {lr} for epoch {epoch}; it must be a finite non-negative number.");
        optimizer.LearningRate = lr;
        _out?.WriteLine($"Epoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr:G6}.");
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (logs is IDictionary<string, double> writable) writable["learning_rate"] = Model!.Optimizer!.LearningRate;
    }
}
