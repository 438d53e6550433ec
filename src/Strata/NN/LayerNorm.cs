namespace Strata.NN;

/// <summary>
/// Layer normalisation over the trailing dims <see cref="NormalizedShape"/> (PyTorch <c>LayerNorm</c>, Keras
/// <c>LayerNormalization</c>): (x − mean) / √(var + eps) with the biased variance, then an elementwise affine weight (ones)
/// and bias (zeros) of that shape when <c>elementwiseAffine</c>. With <c>normalizedShape</c> null the layer normalises the
/// last dim (Keras' default axis=-1) and is built from the first input.
/// </summary>
public sealed class LayerNorm : Module
{
    private int[]? _normalizedShape;

    public LayerNorm(int[]? normalizedShape = null, double eps = 1e-5, bool elementwiseAffine = true, DType dtype = DType.Float32)
    {
        if (!(eps > 0) || !double.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), $"LayerNorm: eps must be positive and finite, got {eps}.");
        if (!dtype.IsFloating()) throw new ArgumentException($"LayerNorm: dtype must be floating-point, got {dtype.Name()}.");
        Eps = eps; ElementwiseAffine = elementwiseAffine; DType = dtype;
        if (normalizedShape is not null) { Create(normalizedShape); MarkBuilt(); }
    }

    /// <summary>The normalised trailing shape (a copy); null until a lazy layer is built.</summary>
    public int[]? NormalizedShape => (int[]?)_normalizedShape?.Clone();
    public double Eps { get; }
    public bool ElementwiseAffine { get; }
    public DType DType { get; }
    public Parameter? Weight { get; private set; }
    public Parameter? Bias { get; private set; }

    private string Label => $"LayerNorm({(_normalizedShape is null ? "?" : "[" + string.Join(", ", _normalizedShape) + "]")})";

    private void Create(int[] normalizedShape)
    {
        if (normalizedShape.Length == 0 || normalizedShape.Any(d => d <= 0))
            throw new ArgumentException($"LayerNorm: normalizedShape must be non-empty with positive dims, got [{string.Join(", ", normalizedShape)}].", nameof(normalizedShape));
        _normalizedShape = (int[])normalizedShape.Clone();
        if (!ElementwiseAffine) return;
        Weight = new Parameter(Tensor.Ones(_normalizedShape, DType));
        Bias = new Parameter(Tensor.Zeros(_normalizedShape, DType));
    }

    protected override void Build(Shape inputShape)
    {
        if (inputShape.Rank < 1) throw new ArgumentException($"{Label}: expects an input with at least 1 dim, got a scalar.");
        Create(new[] { inputShape[-1] });
    }

    /// <summary>Works per step, so a Keras-style mask passes through unchanged.</summary>
    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x)
    {
        var ns = _normalizedShape ?? throw new InvalidOperationException($"{Label}: not built; call Invoke(x) or pass normalizedShape.");
        bool match = x.Rank >= ns.Length;
        for (int i = 0; match && i < ns.Length; i++) match = x.Size(x.Rank - ns.Length + i) == ns[i];
        if (!match)
            throw new ArgumentException($"{Label}: the input's trailing dims must be [{string.Join(", ", ns)}], got input of shape {x.Shape}.");
        if (x.DType != DType)
            throw new ArgumentException($"{Label}: built for {DType.Name()} inputs, got {x.DType.Name()} input of shape {x.Shape}.");
        return Functional.LayerNorm(x, ns, Weight?.Data, Bias?.Data, Eps);
    }

    public override string ToString() => Label;
}
