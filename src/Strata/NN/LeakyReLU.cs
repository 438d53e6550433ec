namespace Strata.NN;

/// <summary>x for x ≥ 0, negativeSlope·x otherwise.</summary>
public sealed class LeakyReLU : Module
{
    public LeakyReLU(double negativeSlope = 0.01) => NegativeSlope = negativeSlope;

    public double NegativeSlope { get; }

    public override Tensor Forward(Tensor x) => x.LeakyRelu(NegativeSlope);
}
