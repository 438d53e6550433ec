namespace Strata.NN;

/// <summary>Gaussian error linear unit.</summary>
public sealed class GELU : Module
{

    public override Tensor Forward(Tensor x) => x.Gelu();
}
