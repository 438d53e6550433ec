using System.Globalization;
using Strata.NN;
using Strata.Optim;

namespace Strata.Serialization;

/// <summary>
/// A training checkpoint in ONE safetensors file: the model's weights under their plain PyTorch names ("0.weight"),
/// the optimizer's state under "optimizer." ("optimizer.0.exp_avg", "optimizer.0.step"), and string metadata
/// (architecture JSON, epoch, ...). Because the weights are unprefixed, any safetensors reader gets them by the
/// names the model uses; the optimizer's type and learning rate are kept in the metadata keys
/// <see cref="OptimizerTypeKey"/> and <see cref="LearningRateKey"/>.
/// </summary>
public static class CheckpointFile
{
    /// <summary>Metadata key holding the optimizer's class name.</summary>
    public const string OptimizerTypeKey = "optimizer.type";

    /// <summary>Metadata key holding the optimizer's learning rate (round-trip invariant text).</summary>
    public const string LearningRateKey = "optimizer.lr";

    /// <summary>Writes model tensors, the optimizer's state (if any) and <paramref name="metadata"/> to <paramref name="path"/>, atomically.</summary>
    /// <exception cref="ArgumentException">A model tensor name starts with "optimizer.", or the metadata uses a reserved key.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> modelTensors, Optimizer? optimizer, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(modelTensors);
        var model = modelTensors.ToList();
        foreach (var (name, _) in model)
            if (name.StartsWith(OptimizerState.DefaultPrefix, StringComparison.Ordinal))
                throw new ArgumentException($"CheckpointFile.Save: '{path}': model tensor '{name}' starts with '{OptimizerState.DefaultPrefix}', which is reserved for the optimizer's state; rename the sub-module.", nameof(modelTensors));
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null)
            foreach (var (k, v) in metadata)
            {
                if (k is OptimizerTypeKey or LearningRateKey)
                    throw new ArgumentException($"CheckpointFile.Save: '{path}': metadata key '{k}' is reserved for the optimizer.", nameof(metadata));
                meta[k] = v;
            }
        var optimizerTensors = new List<KeyValuePair<string, Tensor>>();
        try
        {
            if (optimizer is not null)
            {
                optimizerTensors = OptimizerState.ToTensors(optimizer);
                meta[OptimizerTypeKey] = optimizer.GetType().Name;
                meta[LearningRateKey] = optimizer.LearningRate.ToString("R", CultureInfo.InvariantCulture);
            }
            SafeTensors.Save(path, model.Concat(optimizerTensors), meta);
        }
        finally
        {
            foreach (var (_, t) in optimizerTensors) t.Dispose();
        }
    }

    /// <summary>Saves <paramref name="model"/>'s weights (as <see cref="ModelWeights"/> names them) with the optimizer's state.</summary>
    public static void Save(string path, Module model, Optimizer? optimizer, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Save(path, ModelWeights.Entries(model), optimizer, metadata);
    }

    /// <summary>Reads a checkpoint written by <see cref="Save(string, IEnumerable{KeyValuePair{string, Tensor}}, Optimizer?, IReadOnlyDictionary{string, string}?)"/>.</summary>
    /// <exception cref="InvalidDataException">The file is malformed, or its optimizer metadata is.</exception>
    public static Checkpoint Load(string path)
    {
        var file = SafeTensors.Load(path);
        var model = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        var optimizer = new OrderedDictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, t) in file.Tensors)
        {
            if (name.StartsWith(OptimizerState.DefaultPrefix, StringComparison.Ordinal)) optimizer.Add(name[OptimizerState.DefaultPrefix.Length..], t);
            else model.Add(name, t);
        }
        file.Tensors.Clear(); // ownership moves to the checkpoint
        var metadata = new Dictionary<string, string>(file.Metadata, StringComparer.Ordinal);
        metadata.Remove(OptimizerTypeKey, out var type);
        double? lr = null;
        if (metadata.Remove(LearningRateKey, out var lrText))
        {
            if (!double.TryParse(lrText, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
            {
                foreach (var t in model.Values.Concat(optimizer.Values)) t.Dispose();
                throw new InvalidDataException($"CheckpointFile.Load: '{path}': metadata '{LearningRateKey}' is '{lrText}', not a number.");
            }
            lr = v;
        }
        return new Checkpoint(path, model, optimizer, metadata, type, lr);
    }
}
