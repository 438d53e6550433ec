namespace Strata.NN;

/// <summary>max(0, x) elementwise.</summary>
public sealed class ReLU : Module
{

    /// <summary>Works per step, so a Keras-style mask passes through unchanged.</summary>
    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x) => x.Relu();
}
