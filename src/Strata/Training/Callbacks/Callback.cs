namespace Strata.Training.Callbacks;

/// <summary>
/// Hooks into <c>Model.Fit</c>
/// (Keras <c>keras.callbacks.Callback</c>). Epochs and batches are numbered from 0. <c>logs</c> maps names such as
/// "loss", "accuracy", "val_loss" to values; the dictionary is reused by the loop, so copy what you keep.
/// </summary>
public abstract class Callback
{
    /// <summary>The model being trained; set by <c>Fit</c> before <see cref="OnTrainBegin"/>.</summary>
    public Model? Model { get; internal set; }

    /// <summary>The run's fit parameters (epochs, steps per epoch, samples), set by <c>Fit</c>.</summary>
    public FitParams? Params { get; internal set; }

    public virtual void OnTrainBegin(IReadOnlyDictionary<string, double> logs) { }
    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double> logs) { }
    public virtual void OnEpochBegin(int epoch) { }
    /// <summary>Called after validation, with train and validation values of the epoch.</summary>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { }
    public virtual void OnBatchBegin(int batch) { }
    /// <summary>Called after each optimizer step with the running means of the epoch so far.</summary>
    public virtual void OnBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { }
}

/// <summary>What a <c>Fit</c> call is doing, for callbacks (Keras <c>callback.params</c>).</summary>
public sealed record FitParams(int Epochs, int InitialEpoch, int StepsPerEpoch, int Samples, int BatchSize, bool HasValidation, IReadOnlyList<string> MetricNames);
