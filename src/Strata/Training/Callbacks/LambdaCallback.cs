namespace Strata.Training.Callbacks;

/// <summary>A callback made of delegates, for small hooks without a class (Keras <c>LambdaCallback</c>).</summary>
public sealed class LambdaCallback : Callback
{
    private readonly Action<int>? _onEpochBegin, _onBatchBegin;
    private readonly Action<int, IReadOnlyDictionary<string, double>>? _onEpochEnd, _onBatchEnd;
    private readonly Action<IReadOnlyDictionary<string, double>>? _onTrainBegin, _onTrainEnd;

    public LambdaCallback(Action<int>? onEpochBegin = null, Action<int, IReadOnlyDictionary<string, double>>? onEpochEnd = null,
        Action<int>? onBatchBegin = null, Action<int, IReadOnlyDictionary<string, double>>? onBatchEnd = null,
        Action<IReadOnlyDictionary<string, double>>? onTrainBegin = null, Action<IReadOnlyDictionary<string, double>>? onTrainEnd = null)
    {
        _onEpochBegin = onEpochBegin; _onEpochEnd = onEpochEnd;
        _onBatchBegin = onBatchBegin; _onBatchEnd = onBatchEnd;
        _onTrainBegin = onTrainBegin; _onTrainEnd = onTrainEnd;
    }

    public override void OnEpochBegin(int epoch) => _onEpochBegin?.Invoke(epoch);
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => _onEpochEnd?.Invoke(epoch, logs);
    public override void OnBatchBegin(int batch) => _onBatchBegin?.Invoke(batch);
    public override void OnBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) => _onBatchEnd?.Invoke(batch, logs);
    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs) => _onTrainBegin?.Invoke(logs);
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => _onTrainEnd?.Invoke(logs);
}
