namespace Strata.NN;

/// <summary>1 / (1 + e⁻ˣ) elementwise.</summary>
public sealed class Sigmoid : Module
{

    public override Tensor Forward(Tensor x) => x.Sigmoid();
}
