using Strata.NN.Regularizers;

namespace Strata.NN;

/// <summary>
/// 2-d convolution over [N, C, H, W] (Keras <c>Conv2D</c>, PyTorch <c>Conv2d</c>). Weight [filters, inChannels/groups, kh, kw].
/// Initialisation follows PyTorch's default: weight and bias U(−1/√fanIn, 1/√fanIn) (kaiming_uniform with a=√5),
/// fanIn = inChannels/groups·kh·kw. Built lazily from the input's channel dim when <c>inChannels</c> is null.
/// Optional Keras regularizers on the weight (<c>kernelRegularizer</c>) and bias enter <see cref="Module.RegularizationLoss"/>.
/// </summary>
public sealed class Conv2D : Module
{
    private readonly Generator? _generator;

    public Conv2D(int filters, IntPair kernelSize, IntPair? stride = null, IntPair padding = default, IntPair? dilation = null,
                  int groups = 1, bool useBias = true, int? inChannels = null, Generator? generator = null, DType dtype = DType.Float32,
                  Regularizer? kernelRegularizer = null, Regularizer? biasRegularizer = null)
    {
        if (filters <= 0) throw new ArgumentOutOfRangeException(nameof(filters), $"Conv2D: filters must be positive, got {filters}.");
        if (groups <= 0 || filters % groups != 0) throw new ArgumentException($"Conv2D: filters ({filters}) must be divisible by groups ({groups}).");
        Filters = filters; KernelSize = kernelSize; Stride = stride ?? new IntPair(1, 1); Padding = padding;
        Dilation = dilation ?? new IntPair(1, 1); Groups = groups; UseBias = useBias;
        if (KernelSize.H <= 0 || KernelSize.W <= 0 || Stride.H <= 0 || Stride.W <= 0 || Dilation.H <= 0 || Dilation.W <= 0 || Padding.H < 0 || Padding.W < 0)
            throw new ArgumentException($"Conv2D({filters}): kernel size {KernelSize}, stride {Stride} and dilation {Dilation} must be positive and padding {Padding} non-negative.");
        _generator = generator; DType = dtype;
        KernelRegularizer = kernelRegularizer; BiasRegularizer = biasRegularizer;
        if (inChannels is int c) { Create(c); MarkBuilt(); }
    }

    public int Filters { get; }
    public IntPair KernelSize { get; }
    public IntPair Stride { get; }
    public IntPair Padding { get; }
    public IntPair Dilation { get; }
    public int Groups { get; }
    public bool UseBias { get; }
    public int? InChannels { get; private set; }
    public DType DType { get; }
    public Regularizer? KernelRegularizer { get; }
    public Regularizer? BiasRegularizer { get; }
    public Parameter? Weight { get; private set; }
    public Parameter? Bias { get; private set; }

    private void Create(int inChannels)
    {
        if (inChannels <= 0 || inChannels % Groups != 0)
            throw new ArgumentException($"Conv2D({Filters}): input channels ({inChannels}) must be positive and divisible by groups ({Groups}).");
        InChannels = inChannels;
        var w = Tensor.Zeros(new[] { Filters, inChannels / Groups, KernelSize.H, KernelSize.W }, DType);
        Weight = new Parameter(Init.TorchDefaultUniform(w, _generator));
        if (UseBias)
        {
            var b = Tensor.Zeros(new[] { Filters }, DType);
            Bias = new Parameter(Init.TorchDefaultBias(b, Init.Fans(w.Shape).FanIn, _generator));
        }
    }

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank != 4) throw new ArgumentException($"Conv2D({Filters}): expects input [N, C, H, W], got shape {inputShape}.");
        Create(inputShape[1]);
    }

    public override Tensor Forward(Tensor x)
    {
        if (Weight is null) throw new InvalidOperationException($"Conv2D({Filters}): not built; call Invoke(x) or pass inChannels.");
        if (x.Shape.Rank != 4 || x.Shape[1] != InChannels)
            throw new ArgumentException($"Conv2D({Filters}): built for {InChannels} input channels [N, {InChannels}, H, W], got input of shape {x.Shape}.");
        return Functional.Conv2d(x, Weight.Data, Bias?.Data, Stride, Padding, Dilation, Groups);
    }

    /// <summary>
    /// This convolution followed by a 2x2, stride-2 max pooling in one fused kernel, for containers that see the two
    /// layers in a row; null when the backend has no fused kernel for the geometry (the caller then runs the layers).
    /// </summary>
    internal Tensor? TryForwardMaxPool2x2(Tensor x)
    {
        if (Stride != new IntPair(1, 1) || Padding != default || Dilation != new IntPair(1, 1) || Groups != 1) return null;
        EnsureBuilt(x.Shape);
        if (Weight is null || x.Shape.Rank != 4 || x.Shape[1] != InChannels) return null;
        var y = Functional.TryConv2dMaxPool2x2(x, Weight.Data, Bias?.Data);
        if (y != null) NoteOutputShape(new Shape(x.Shape[0], Filters, x.Shape[2] - KernelSize.H + 1, x.Shape[3] - KernelSize.W + 1));
        return y;
    }

    protected override IEnumerable<(Parameter Parameter, Regularizer Regularizer)> RegularizedParameters()
    {
        if (Weight is not null && KernelRegularizer is not null) yield return (Weight, KernelRegularizer);
        if (Bias is not null && BiasRegularizer is not null) yield return (Bias, BiasRegularizer);
    }

    public override string ToString() => $"Conv2D(in={InChannels?.ToString() ?? "?"}, filters={Filters}, kernel=({KernelSize.H}, {KernelSize.W}))";
}
