using Strata.NN.Regularizers;

namespace Strata.NN;

/// <summary>
/// Fully-connected layer (Keras <c>Dense</c>, PyTorch <c>Linear</c>): y = x·Wᵀ + b with W in PyTorch layout [units, inFeatures].
/// Weight is Glorot-uniform and bias zero (Keras defaults). Built lazily from the input's last dim when <c>inputFeatures</c> is null.
/// Optional Keras regularizers on the weight (<c>kernelRegularizer</c>) and bias enter <see cref="Module.RegularizationLoss"/>.
/// </summary>
public sealed class Dense : Module
{
    private readonly Generator? _generator;

    public Dense(int units, int? inputFeatures = null, bool useBias = true, Generator? generator = null, DType dtype = DType.Float32,
                 Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null)
    {
        if (units <= 0) throw new ArgumentOutOfRangeException(nameof(units), $"Dense: units must be positive, got {units}.");
        Units = units;
        UseBias = useBias;
        _generator = generator;
        DType = dtype;
        KernelRegularizer = kernelRegularizer;
        BiasRegularizer = biasRegularizer;
        if (inputFeatures is int f) { Create(f); MarkBuilt(); }
    }

    public int Units { get; }
    public bool UseBias { get; }
    public int? InputFeatures { get; private set; }
    public DType DType { get; }
    public Regularizer? KernelRegularizer { get; }
    public Regularizer? BiasRegularizer { get; }
    public Parameter? Weight { get; private set; }
    public Parameter? Bias { get; private set; }

    private void Create(int inFeatures)
    {
        if (inFeatures <= 0) throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Dense: input features must be positive, got {inFeatures}.");
        InputFeatures = inFeatures;
        Weight = new Parameter(Init.GlorotUniform(Tensor.Zeros(new[] { Units, inFeatures }, DType), _generator));
        if (UseBias) Bias = new Parameter(Tensor.Zeros(new[] { Units }, DType));
    }

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 1) throw new ArgumentException($"Dense({Units}): needs an input with at least 1 dim, got shape {inputShape}.");
        Create(inputShape[-1]);
    }

    /// <summary>Works per step, so a Keras-style mask passes through unchanged.</summary>
    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x)
    {
        if (Weight is null) throw new InvalidOperationException($"Dense({Units}): not built; call Invoke(x) or pass inputFeatures.");
        if (x.Shape.Rank < 1 || x.Shape[-1] != InputFeatures)
            throw new ArgumentException($"Dense({Units}): built for {InputFeatures} input features, got input of shape {x.Shape} ({(x.Shape.Rank < 1 ? 0 : x.Shape[-1])} features).");
        return Functional.Linear(x, Weight.Data, Bias?.Data);
    }

    protected override IEnumerable<(Parameter Parameter, Regularizer Regularizer)> RegularizedParameters()
    {
        if (Weight is not null && KernelRegularizer is not null) yield return (Weight, KernelRegularizer);
        if (Bias is not null && BiasRegularizer is not null) yield return (Bias, BiasRegularizer);
    }

    public override string ToString() => $"Dense(in={InputFeatures?.ToString() ?? "?"}, units={Units}, bias={UseBias})";
}
