namespace Strata.NN;

/// <summary>x for x > 0, alpha·(eˣ − 1) otherwise.</summary>
public sealed class ELU : Module
{
    public ELU(double alpha = 1.0) => Alpha = alpha;

    public double Alpha { get; }

    /// <summary>Works per step, so a Keras-style mask passes through unchanged.</summary>
    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x) => x.Elu(Alpha);
}
