using Strata.Autograd;
using Strata.Losses;
using Strata.Metrics;
using Strata.NN;
using Strata.Optim;

namespace Strata.Training;

public partial class Model
{
    private Func<IEnumerable<Parameter>, Optimizer>? _optimizerFactory;

    /// <summary>The optimizer (created at the start of <c>Fit</c> when <c>Compile</c> was given a factory).</summary>
    public Optimizer? Optimizer { get; private set; }

    /// <summary>The training loss set by <c>Compile</c>.</summary>
    public Loss? Loss { get; private set; }

    /// <summary>The metrics reported by <c>Fit</c> and <c>Evaluate</c>, in order.</summary>
    public IReadOnlyList<Metric> Metrics { get; private set; } = Array.Empty<Metric>();

    /// <summary>Set by a callback to end <c>Fit</c> after the current batch (Keras <c>model.stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    /// <summary>The epoch after the last completed one; saved in checkpoints so training resumes from it.</summary>
    public int Epoch { get; internal set; }

    /// <summary>Whether <c>Compile</c> has been called.</summary>
    public bool IsCompiled => Loss is not null;

    /// <summary>Configures training with an optimizer over this (built) model's parameters.</summary>
    public void Compile(Optimizer optimizer, Loss loss, params Metric[] metrics)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        SetTrainingConfig(loss, metrics);
        _optimizerFactory = null;
        Optimizer = optimizer;
        ApplyPendingOptimizerState(optimizer);
    }

    /// <summary>
    /// Configures training with an optimizer created from the parameters when they exist: lazily-built layers
    /// get their weights on the first batch, so the optimizer is made at the start of <c>Fit</c> (Keras builds its
    /// optimizer the same way). Example: <c>model.Compile(p =&gt; new Adam(p, lr: 1e-3), new SparseCategoricalCrossEntropy(), new Accuracy())</c>.
    /// </summary>
    public void Compile(Func<IEnumerable<Parameter>, Optimizer> optimizer, Loss loss, params Metric[] metrics)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        SetTrainingConfig(loss, metrics);
        _optimizerFactory = optimizer;
        Optimizer = null;
    }

    /// <summary>
    /// Configures training by names, as Keras' <c>model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
    /// metrics=["accuracy"])</c>; see <see cref="Optimizers.Get"/>, <see cref="Losses.Losses.Get"/> and <see cref="Metric.Get"/>.
    /// </summary>
    public void Compile(string optimizer, string loss, IEnumerable<string>? metrics = null, double? learningRate = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var lossObject = Losses.Losses.Get(loss);
        var metricObjects = (metrics ?? Array.Empty<string>()).Select(Metric.Get).ToArray();
        if (!Optimizers.Names.Contains(optimizer.Trim().ToLowerInvariant()))
            throw new ArgumentException($"Compile: unknown optimizer '{optimizer}'; known: {string.Join(", ", Optimizers.Names)}.");
        Compile(p => Optimizers.Get(optimizer, p, learningRate), lossObject, metricObjects);
    }

    private void SetTrainingConfig(Loss loss, Metric[] metrics)
    {
        ArgumentNullException.ThrowIfNull(loss);
        var names = new HashSet<string>();
        foreach (var m in metrics)
            if (!names.Add(m.Name))
                throw new ArgumentException($"Compile: two metrics are named '{m.Name}'; names must be unique because they key the logs.");
        Loss = loss;
        Metrics = metrics.ToArray();
    }

    /// <summary>
    /// Builds every lazy layer by running one zero sample of shape <paramref name="sampleShape"/> (no batch dim)
    /// through the model without recording a graph (Keras <c>model.build</c>).
    /// </summary>
    public Model Build(params int[] sampleShape) => Build(sampleShape, DType.Float32);

    /// <summary>As <see cref="Build(int[])"/> with an input of dtype <paramref name="inputDType"/> (e.g. int64 token ids for a model that starts with an Embedding).</summary>
    public Model Build(int[] sampleShape, DType inputDType)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        var shape = new int[sampleShape.Length + 1];
        shape[0] = 1;
        sampleShape.CopyTo(shape, 1);
        BuildFor(shape, inputDType);
        return this;
    }

    internal void BuildFor(int[] batchShape, DType dtype)
    {
        bool training = IsTraining;
        Eval();
        try
        {
            using var scope = Tensor.Scope();
            using var _ = GradMode.NoGrad();
            var x = Tensor.Zeros(batchShape, dtype);
            Invoke(x);
        }
        finally { Train(training); }
    }

    internal Optimizer EnsureOptimizer()
    {
        if (Optimizer is not null) return Optimizer;
        if (_optimizerFactory is null) throw new InvalidOperationException($"{GetType().Name}: call Compile before Fit.");
        Optimizer = _optimizerFactory(Parameters());
        ApplyPendingOptimizerState(Optimizer);
        return Optimizer;
    }

    internal void RequireCompiled(string op)
    {
        if (Loss is null) throw new InvalidOperationException($"{GetType().Name}.{op}: the model is not compiled; call Compile(optimizer, loss, metrics) first.");
    }
}
