namespace Strata.NN;

/// <summary>Hyperbolic tangent elementwise.</summary>
public sealed class Tanh : Module
{

    /// <summary>Works per step, so a Keras-style mask passes through unchanged.</summary>
    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x) => x.Tanh();
}
