using Strata.NN.Regularizers;

namespace Strata.NN;

/// <summary>
/// Transposed 2-d convolution over [N, C, H, W] (Keras <c>Conv2DTranspose</c>, PyTorch <c>ConvTranspose2d</c>), the
/// gradient of a convolution w.r.t. its input: OH = (H−1)·strideH − 2·padH + dilH·(kH−1) + outputPadH + 1.
/// Weight in PyTorch layout [inChannels, filters/groups, kh, kw]; initialised as PyTorch, U(−1/√fanIn, 1/√fanIn) for weight
/// and bias with fanIn = filters/groups·kh·kw (PyTorch computes it from the weight's second dim).
/// Built lazily from the input's channel dim when <c>inChannels</c> is null.
/// </summary>
public sealed class Conv2DTranspose : Module
{
    private readonly Generator? _generator;

    public Conv2DTranspose(int filters, IntPair kernelSize, IntPair? stride = null, IntPair padding = default, IntPair outputPadding = default,
                           IntPair? dilation = null, int groups = 1, bool useBias = true, int? inChannels = null, Generator? generator = null,
                           DType dtype = DType.Float32, Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null)
    {
        if (filters <= 0) throw new ArgumentOutOfRangeException(nameof(filters), $"Conv2DTranspose: filters must be positive, got {filters}.");
        Filters = filters; KernelSize = kernelSize; Stride = stride ?? new IntPair(1, 1); Padding = padding; OutputPadding = outputPadding;
        Dilation = dilation ?? new IntPair(1, 1); Groups = groups; UseBias = useBias; DType = dtype;
        KernelRegularizer = kernelRegularizer; BiasRegularizer = biasRegularizer;
        if (groups <= 0 || filters % groups != 0) throw new ArgumentException($"{Label}: filters must be divisible by groups ({groups}).");
        if (KernelSize.H <= 0 || KernelSize.W <= 0 || Stride.H <= 0 || Stride.W <= 0 || Dilation.H <= 0 || Dilation.W <= 0 || Padding.H < 0 || Padding.W < 0)
            throw new ArgumentException($"{Label}: kernel size {KernelSize}, stride {Stride} and dilation {Dilation} must be positive and padding {Padding} non-negative.");
        if (OutputPadding.H < 0 || OutputPadding.W < 0 || OutputPadding.H >= Math.Max(Stride.H, Dilation.H) || OutputPadding.W >= Math.Max(Stride.W, Dilation.W))
            throw new ArgumentException($"{Label}: output padding {OutputPadding} must be non-negative and smaller than the stride {Stride} or the dilation {Dilation}.");
        if (!dtype.IsFloating()) throw new ArgumentException($"{Label}: dtype must be floating-point, got {dtype.Name()}.");
        _generator = generator;
        if (inChannels is int c) { Create(c); MarkBuilt(); }
    }

    public int Filters { get; }
    public IntPair KernelSize { get; }
    public IntPair Stride { get; }
    public IntPair Padding { get; }
    public IntPair OutputPadding { get; }
    public IntPair Dilation { get; }
    public int Groups { get; }
    public bool UseBias { get; }
    public int? InChannels { get; private set; }
    public DType DType { get; }
    public Regularizer? KernelRegularizer { get; }
    public Regularizer? BiasRegularizer { get; }
    public Parameter? Weight { get; private set; }
    public Parameter? Bias { get; private set; }

    private string Label => $"Conv2DTranspose({Filters})";

    private void Create(int inChannels)
    {
        if (inChannels <= 0 || inChannels % Groups != 0)
            throw new ArgumentException($"{Label}: input channels ({inChannels}) must be positive and divisible by groups ({Groups}).");
        InChannels = inChannels;
        var w = Tensor.Zeros(new[] { inChannels, Filters / Groups, KernelSize.H, KernelSize.W }, DType);
        Weight = new Parameter(Init.TorchDefaultUniform(w, _generator));
        if (UseBias) Bias = new Parameter(Init.TorchDefaultBias(Tensor.Zeros(new[] { Filters }, DType), Init.Fans(w.Shape).FanIn, _generator));
    }

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank != 4) throw new ArgumentException($"{Label}: expects input [N, C, H, W], got shape {inputShape}.");
        Create(inputShape[1]);
    }

    public override Tensor Forward(Tensor x)
    {
        if (Weight is null) throw new InvalidOperationException($"{Label}: not built; call Invoke(x) or pass inChannels.");
        if (x.Rank != 4 || x.Size(1) != InChannels)
            throw new ArgumentException($"{Label}: built for {InChannels} input channels [N, {InChannels}, H, W], got input of shape {x.Shape}.");
        if (x.DType != DType)
            throw new ArgumentException($"{Label}: built for {DType.Name()} inputs, got {x.DType.Name()} input of shape {x.Shape}.");
        int oh = (x.Size(2) - 1) * Stride.H - 2 * Padding.H + Dilation.H * (KernelSize.H - 1) + OutputPadding.H + 1;
        int ow = (x.Size(3) - 1) * Stride.W - 2 * Padding.W + Dilation.W * (KernelSize.W - 1) + OutputPadding.W + 1;
        if (oh <= 0 || ow <= 0)
            throw new ArgumentException($"{Label}: padding {Padding} leaves no output ([{oh}, {ow}]) for input of shape {x.Shape}.");
        return Functional.ConvTranspose2d(x, Weight.Data, Bias?.Data, Stride, Padding, OutputPadding, Dilation, Groups);
    }

    protected override IEnumerable<(Parameter Parameter, Regularizer Regularizer)> RegularizedParameters()
    {
        if (Weight is not null && KernelRegularizer is not null) yield return (Weight, KernelRegularizer);
        if (Bias is not null && BiasRegularizer is not null) yield return (Bias, BiasRegularizer);
    }

    public override string ToString() => $"Conv2DTranspose(in={InChannels?.ToString() ?? "?"}, filters={Filters}, kernel=({KernelSize.H}, {KernelSize.W}))";
}
