using Strata.NN.Regularizers;

namespace Strata.NN;

/// <summary>
/// 1-d convolution over [N, C, L] (Keras <c>Conv1D</c>, PyTorch <c>Conv1d</c>). Weight [filters, inChannels/groups, kernelSize].
/// Initialisation follows PyTorch's default: weight and bias U(−1/√fanIn, 1/√fanIn), fanIn = inChannels/groups·kernelSize.
/// Padding is symmetric and explicit (PyTorch's integer padding; "same"/"valid" strings are not supported, "valid" is 0).
/// Built lazily from the input's channel dim when <c>inChannels</c> is null.
/// </summary>
public sealed class Conv1D : Module
{
    private readonly Generator? _generator;

    public Conv1D(int filters, int kernelSize, int stride = 1, int padding = 0, int dilation = 1, int groups = 1, bool useBias = true,
                  int? inChannels = null, Generator? generator = null, DType dtype = DType.Float32,
                  Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null)
    {
        if (filters <= 0) throw new ArgumentOutOfRangeException(nameof(filters), $"Conv1D: filters must be positive, got {filters}.");
        if (groups <= 0 || filters % groups != 0) throw new ArgumentException($"Conv1D({filters}): filters must be divisible by groups ({groups}).");
        if (kernelSize <= 0 || stride <= 0 || dilation <= 0 || padding < 0)
            throw new ArgumentException($"Conv1D({filters}): kernelSize ({kernelSize}), stride ({stride}) and dilation ({dilation}) must be positive and padding ({padding}) non-negative.");
        if (!dtype.IsFloating()) throw new ArgumentException($"Conv1D({filters}): dtype must be floating-point, got {dtype.Name()}.");
        Filters = filters; KernelSize = kernelSize; Stride = stride; Padding = padding; Dilation = dilation; Groups = groups;
        UseBias = useBias; DType = dtype; KernelRegularizer = kernelRegularizer; BiasRegularizer = biasRegularizer;
        _generator = generator;
        if (inChannels is int c) { Create(c); MarkBuilt(); }
    }

    public int Filters { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }
    public int Dilation { get; }
    public int Groups { get; }
    public bool UseBias { get; }
    public int? InChannels { get; private set; }
    public DType DType { get; }
    public Regularizer? KernelRegularizer { get; }
    public Regularizer? BiasRegularizer { get; }
    public Parameter? Weight { get; private set; }
    public Parameter? Bias { get; private set; }

    private string Label => $"Conv1D({Filters})";

    private void Create(int inChannels)
    {
        if (inChannels <= 0 || inChannels % Groups != 0)
            throw new ArgumentException($"{Label}: input channels ({inChannels}) must be positive and divisible by groups ({Groups}).");
        InChannels = inChannels;
        var w = Tensor.Zeros(new[] { Filters, inChannels / Groups, KernelSize }, DType);
        Weight = new Parameter(Init.TorchDefaultUniform(w, _generator));
        if (UseBias) Bias = new Parameter(Init.TorchDefaultBias(Tensor.Zeros(new[] { Filters }, DType), Init.Fans(w.Shape).FanIn, _generator));
    }

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank != 3) throw new ArgumentException($"{Label}: expects input [N, C, L], got shape {inputShape}.");
        Create(inputShape[1]);
    }

    public override Tensor Forward(Tensor x)
    {
        if (Weight is null) throw new InvalidOperationException($"{Label}: not built; call Invoke(x) or pass inChannels.");
        if (x.Rank != 3 || x.Size(1) != InChannels)
            throw new ArgumentException($"{Label}: built for {InChannels} input channels [N, {InChannels}, L], got input of shape {x.Shape}.");
        if (x.DType != DType)
            throw new ArgumentException($"{Label}: built for {DType.Name()} inputs, got {x.DType.Name()} input of shape {x.Shape}.");
        if (x.Size(2) + 2 * Padding < Dilation * (KernelSize - 1) + 1)
            throw new ArgumentException($"{Label}: input length {x.Size(2)} (padding {Padding}) is shorter than the kernel's extent " +
                $"{Dilation * (KernelSize - 1) + 1} (kernel {KernelSize}, dilation {Dilation}); input shape {x.Shape}.");
        return Functional.Conv1d(x, Weight.Data, Bias?.Data, Stride, Padding, Dilation, Groups);
    }

    protected override IEnumerable<(Parameter Parameter, Regularizer Regularizer)> RegularizedParameters()
    {
        if (Weight is not null && KernelRegularizer is not null) yield return (Weight, KernelRegularizer);
        if (Bias is not null && BiasRegularizer is not null) yield return (Bias, BiasRegularizer);
    }

    public override string ToString() => $"Conv1D(in={InChannels?.ToString() ?? "?"}, filters={Filters}, kernel={KernelSize})";
}
