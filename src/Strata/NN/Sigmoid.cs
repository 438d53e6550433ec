namespace Strata.NN;

/// <summary>1 / (1 + e⁻ˣ) elementwise.</summary>
public sealed class Sigmoid : Module
{

    /// <summary>Works per step, so a Keras-style mask passes through unchanged.</summary>
    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x) => x.Sigmoid();
}
