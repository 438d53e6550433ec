namespace Strata.NN;

/// <summary>Gaussian error linear unit.</summary>
public sealed class GELU : Module
{

    /// <summary>Works per step, so a Keras-style mask passes through unchanged.</summary>
    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x) => x.Gelu();
}
