namespace Strata.NN;

/// <summary>Inverted dropout: zeroes with probability p and scales by 1/(1−p) in training mode; identity in eval mode.</summary>
public sealed class Dropout : Module
{
    private readonly Generator? _generator;

    public Dropout(double p = 0.5, Generator? generator = null)
    {
        if (p < 0 || p > 1) throw new ArgumentOutOfRangeException(nameof(p), $"Dropout: p must be in [0, 1], got {p}.");
        P = p; _generator = generator;
    }

    public double P { get; }

    /// <summary>Works per step, so a Keras-style mask passes through unchanged.</summary>
    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x) => Functional.Dropout(x, P, IsTraining, _generator);
}
