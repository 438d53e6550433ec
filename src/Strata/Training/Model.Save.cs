using System.Globalization;
using Strata.NN;
using Strata.Serialization;

namespace Strata.Training;

public partial class Model
{
    /// <summary>Metadata keys of the whole-model file.</summary>
    public static class FileKeys
    {
        public const string Format = "format";
        public const string FormatValue = "strata.model";
        public const string Architecture = "strata.architecture";
        public const string Epoch = "strata.epoch";
        public const string GeneratorSeed = "strata.generator.seed";
        public const string GeneratorOffset = "strata.generator.offset";
        public const string Tokenizer = "strata.tokenizer";
        public const string ClassNames = "strata.class_names";
    }

    private Serialization.Checkpoint? _pendingOptimizerState;

    /// <summary>
    /// Saves the whole model in one safetensors file (Keras <c>model.save</c>): the weights under their PyTorch names
    /// (so any safetensors reader loads them), the architecture as JSON, the epoch, and the <see cref="Tokenizer"/> and
    /// <see cref="ClassNames"/> when set in the metadata, and, when
    /// <paramref name="includeOptimizer"/> is set and the model has an optimizer, its state under "optimizer.*"
    /// together with the default generator's state, so <c>Fit(initialEpoch: model.Epoch)</c> after <see cref="Load"/>
    /// continues exactly where this run stopped. The write is atomic.
    /// </summary>
    public void Save(string path, bool includeOptimizer = true)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!IsBuilt) throw new InvalidOperationException($"{GetType().Name}.Save: the model is not built yet; call Build(sampleShape) or run it once first.");
        var metadata = new Dictionary<string, string>
        {
            [FileKeys.Format] = FileKeys.FormatValue,
            [FileKeys.Architecture] = ModelJson.ToJson(this),
            [FileKeys.Epoch] = Epoch.ToString(CultureInfo.InvariantCulture),
            [FileKeys.GeneratorSeed] = Generator.Default.Seed.ToString(CultureInfo.InvariantCulture),
            [FileKeys.GeneratorOffset] = Generator.Default.Offset.ToString(CultureInfo.InvariantCulture),
        };
        WriteVocabulary(metadata);
        CheckpointFile.Save(path, StateDict(), includeOptimizer ? Optimizer : null, metadata);
    }

    /// <summary>
    /// Loads a model written by <see cref="Save"/>: rebuilds the architecture from its JSON (only Strata layer types
    /// are created; nothing in the file is executed), loads the weights (names, shapes and dtypes are checked) and
    /// the epoch. The model comes back uncompiled; optimizer state in the file is applied to the optimizer that the
    /// next <see cref="Compile(Optim.Optimizer, Losses.Loss, Metrics.Metric[])"/> / <c>Fit</c> creates.
    /// With <paramref name="restoreRandomState"/> the default generator continues from the saved state (for an
    /// exact resume of a run that uses dropout).
    /// </summary>
    public static Model Load(string path, bool restoreRandomState = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var checkpoint = CheckpointFile.Load(path);
        try
        {
            var md = checkpoint.Metadata;
            if (!md.TryGetValue(FileKeys.Architecture, out var json))
                throw new InvalidDataException($"{path}: not a Strata model file (no '{FileKeys.Architecture}' metadata); to load bare weights use LoadWeights.");
            var module = ModelJson.FromJson(json);
            if (module is not Model model)
                throw new InvalidDataException($"{path}: the architecture is a {module.GetType().Name}, not a Model.");
            if (!model.IsBuilt)
                throw new InvalidDataException($"{path}: the architecture does not record the input shape, so its lazy layers cannot be built before loading weights.");
            checkpoint.RestoreModel(model);
            model.ReadVocabulary(md, path);
            if (md.TryGetValue(FileKeys.Epoch, out var e) && int.TryParse(e, NumberStyles.Integer, CultureInfo.InvariantCulture, out int epoch) && epoch >= 0)
                model.Epoch = epoch;
            if (restoreRandomState && md.TryGetValue(FileKeys.GeneratorSeed, out var s) && md.TryGetValue(FileKeys.GeneratorOffset, out var o))
            {
                Generator.Default.Reset(ulong.Parse(s, CultureInfo.InvariantCulture));
                Generator.Default.Offset = long.Parse(o, CultureInfo.InvariantCulture);
            }
            if (checkpoint.OptimizerTensors.Count > 0)
            {
                model._pendingOptimizerState = checkpoint;
                return model;
            }
            checkpoint.Dispose();
            return model;
        }
        catch
        {
            checkpoint.Dispose();
            throw;
        }
    }

    /// <summary>Saves only the weights (parameters and buffers) as safetensors (Keras <c>save_weights</c>).</summary>
    public void SaveWeights(string path) => ModelWeights.Save(this, path);

    /// <summary>Loads weights saved by <see cref="SaveWeights"/> or any safetensors file with matching names and shapes.</summary>
    public void LoadWeights(string path, bool strict = true) => ModelWeights.Load(this, path, strict);

    /// <summary>Applies optimizer state loaded from a model file to <paramref name="optimizer"/>, once.</summary>
    private void ApplyPendingOptimizerState(Optim.Optimizer optimizer)
    {
        if (_pendingOptimizerState is null) return;
        using var checkpoint = _pendingOptimizerState;
        _pendingOptimizerState = null;
        checkpoint.RestoreOptimizer(optimizer);
    }
}
