namespace Strata.NN;

/// <summary>x for x ≥ 0, negativeSlope·x otherwise.</summary>
public sealed class LeakyReLU : Module
{
    public LeakyReLU(double negativeSlope = 0.01) => NegativeSlope = negativeSlope;

    public double NegativeSlope { get; }

    /// <summary>Works per step, so a Keras-style mask passes through unchanged.</summary>
    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x) => x.LeakyRelu(NegativeSlope);
}
