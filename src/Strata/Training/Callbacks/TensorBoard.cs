using Strata.Training.TensorBoard;

namespace Strata.Training.Callbacks;

/// <summary>
/// Writes TensorBoard event files as Keras does: <c>logDir/train</c> and <c>logDir/validation</c>, one scalar per
/// epoch named "epoch_&lt;name&gt;" for the loss and every metric (validation values drop their "val_" prefix so
/// TensorBoard overlays train and validation curves), plus "epoch_learning_rate". View with
/// <c>tensorboard --logdir DIR</c>.
/// </summary>
public sealed class TensorBoard : Callback, IDisposable
{
    private SummaryWriter? _train, _validation;

    public TensorBoard(string logDir = "logs")
    {
        if (string.IsNullOrWhiteSpace(logDir)) throw new ArgumentException("TensorBoard: logDir is empty.");
        LogDir = logDir;
    }

    public string LogDir { get; }

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        Dispose();
        _train = new SummaryWriter(Path.Combine(LogDir, "train"));
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        foreach (var (k, v) in logs)
        {
            if (k.StartsWith("val_", StringComparison.Ordinal))
            {
                _validation ??= new SummaryWriter(Path.Combine(LogDir, "validation"));
                _validation.AddScalar("epoch_" + k[4..], v, epoch);
            }
            else _train!.AddScalar("epoch_" + k, v, epoch);
        }
        if (Model?.Optimizer is { } opt && !logs.ContainsKey("learning_rate"))
            _train!.AddScalar("epoch_learning_rate", opt.LearningRate, epoch);
        _train!.Flush();
        _validation?.Flush();
    }

    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => Dispose();

    public void Dispose()
    {
        _train?.Dispose();
        _validation?.Dispose();
        _train = _validation = null;
    }
}
