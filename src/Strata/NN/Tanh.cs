namespace Strata.NN;

/// <summary>Hyperbolic tangent elementwise.</summary>
public sealed class Tanh : Module
{

    public override Tensor Forward(Tensor x) => x.Tanh();
}
