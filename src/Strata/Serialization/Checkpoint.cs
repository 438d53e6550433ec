using Strata.NN;
using Strata.Optim;

namespace Strata.Serialization;

/// <summary>
/// A checkpoint read by <see cref="CheckpointFile.Load"/>. Owns its tensors (outside every scope) and disposes
/// them in <see cref="Dispose"/>; restoring copies them into the model and optimizer.
/// </summary>
public sealed class Checkpoint : IDisposable
{
    internal Checkpoint(string path, OrderedDictionary<string, Tensor> model, OrderedDictionary<string, Tensor> optimizer,
        IReadOnlyDictionary<string, string> metadata, string? optimizerType, double? learningRate)
    {
        Path = path;
        ModelTensors = model;
        OptimizerTensors = optimizer;
        Metadata = metadata;
        OptimizerType = optimizerType;
        LearningRate = learningRate;
    }

    public string Path { get; }

    /// <summary>The model's tensors by their module names ("0.weight"), in file order.</summary>
    public OrderedDictionary<string, Tensor> ModelTensors { get; }

    /// <summary>The optimizer's state with the "optimizer." prefix removed, keyed as <see cref="Optimizer.StateDict"/> ("0.exp_avg").</summary>
    public OrderedDictionary<string, Tensor> OptimizerTensors { get; }

    /// <summary>The metadata given to <see cref="CheckpointFile.Save(string, IEnumerable{KeyValuePair{string, Tensor}}, Optimizer?, IReadOnlyDictionary{string, string}?)"/> (without the optimizer's keys).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Class name of the saved optimizer, or null if none was saved.</summary>
    public string? OptimizerType { get; }

    /// <summary>The saved optimizer's learning rate, or null if none was saved.</summary>
    public double? LearningRate { get; }

    /// <summary>Copies the weights into <paramref name="model"/>; see <see cref="ModelWeights.Load(Module, string, bool)"/>.</summary>
    public WeightsLoadResult RestoreModel(Module model, bool strict = true) => ModelWeights.Load(model, ModelTensors, strict);

    /// <summary>Replaces <paramref name="optimizer"/>'s state and learning rate with the saved ones.</summary>
    /// <exception cref="InvalidOperationException">The checkpoint holds no optimizer, or one of another type.</exception>
    public void RestoreOptimizer(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (OptimizerType is null)
            throw new InvalidOperationException($"Checkpoint: '{Path}' holds no optimizer state.");
        if (OptimizerType != optimizer.GetType().Name)
            throw new InvalidOperationException($"Checkpoint: '{Path}' holds the state of a {OptimizerType}, not of a {optimizer.GetType().Name}.");
        OptimizerState.FromTensors(optimizer, OptimizerTensors, prefix: "");
        // Files from before parameter groups carry only one rate; newer ones restore every group's rate with the state.
        if (LearningRate is double lr && !OptimizerTensors.Keys.Any(k => k.StartsWith("param_groups.", StringComparison.Ordinal)))
            optimizer.LearningRate = lr;
    }

    public void Dispose()
    {
        foreach (var t in ModelTensors.Values) t.Dispose();
        foreach (var t in OptimizerTensors.Values) t.Dispose();
        ModelTensors.Clear();
        OptimizerTensors.Clear();
    }
}
