namespace Strata.NN;

/// <summary>
/// Adds the fixed sinusoidal position signal of "Attention Is All You Need" to [N, L, dModel] inputs:
/// PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(p / 10000^(2i/d)). Kept as a buffer (saved, not trained).
/// </summary>
public sealed class SinusoidalPositionalEncoding : Module
{
    private readonly Tensor _pe;

    public SinusoidalPositionalEncoding(int dModel, int maxLength = 5000, DType dtype = DType.Float32)
    {
        if (dModel <= 0 || maxLength <= 0) throw new ArgumentException($"SinusoidalPositionalEncoding: dModel ({dModel}) and maxLength ({maxLength}) must be positive.");
        DModel = dModel; MaxLength = maxLength; DType = dtype;
        var pe = new double[maxLength * dModel];
        for (int p = 0; p < maxLength; p++)
            for (int i = 0; i < dModel; i++)
            {
                double angle = p / Math.Pow(10000, (i - i % 2) / (double)dModel);
                pe[p * dModel + i] = i % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
            }
        _pe = RegisterBuffer("pe", Tensor.FromArray(pe, maxLength, dModel).To(dtype));
        MarkBuilt();
    }

    public int DModel { get; }
    public int MaxLength { get; }
    public DType DType { get; }

    /// <summary>Adds a per-position vector, so a Keras-style mask passes through unchanged.</summary>
    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x)
    {
        if (x.Shape.Rank != 3 || x.Shape[-1] != DModel || x.Shape[1] > MaxLength)
            throw new ArgumentException($"SinusoidalPositionalEncoding: expects [N, L ≤ {MaxLength}, {DModel}], got {x.Shape}.");
        return x + _pe.Narrow(0, 0, x.Shape[1]);
    }
}

/// <summary>Adds a learned position embedding (one trained vector per position, as BERT/GPT-2) to [N, L, dModel] inputs.</summary>
public sealed class LearnedPositionalEmbedding : Module
{
    public LearnedPositionalEmbedding(int dModel, int maxLength, Generator? generator = null, DType dtype = DType.Float32)
    {
        if (dModel <= 0 || maxLength <= 0) throw new ArgumentException($"LearnedPositionalEmbedding: dModel ({dModel}) and maxLength ({maxLength}) must be positive.");
        DModel = dModel; MaxLength = maxLength; DType = dtype;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Normal(new[] { maxLength, dModel }, 0, 0.02, generator, dtype)));
        MarkBuilt();
    }

    public int DModel { get; }
    public int MaxLength { get; }
    public DType DType { get; }
    public Parameter Weight { get; }

    /// <summary>Adds a per-position vector, so a Keras-style mask passes through unchanged.</summary>
    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x)
    {
        if (x.Shape.Rank != 3 || x.Shape[-1] != DModel || x.Shape[1] > MaxLength)
            throw new ArgumentException($"LearnedPositionalEmbedding: expects [N, L ≤ {MaxLength}, {DModel}], got {x.Shape}.");
        return x + Weight.Data.Narrow(0, 0, x.Shape[1]);
    }
}
