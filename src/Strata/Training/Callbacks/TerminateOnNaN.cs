namespace Strata.Training.Callbacks;

/// <summary>Stops training as soon as the loss becomes NaN or infinite, naming the epoch and batch (Keras <c>TerminateOnNaN</c>).</summary>
public sealed class TerminateOnNaN : Callback, IStopReason
{
    private readonly TextWriter _out;
    private int _epoch;

    public TerminateOnNaN(TextWriter? output = null) => _out = output ?? Console.Out;

    public string? StopReason { get; private set; }

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs) => StopReason = null;

    public override void OnEpochBegin(int epoch) => _epoch = epoch;

    public override void OnBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (!logs.TryGetValue("loss", out var loss) || double.IsFinite(loss)) return;
        StopReason = $"TerminateOnNaN: the loss became {loss} at epoch {_epoch + 1}, batch {batch + 1}; training stopped.";
        _out.WriteLine();
        _out.WriteLine(StopReason);
        Model!.StopTraining = true;
    }
}
