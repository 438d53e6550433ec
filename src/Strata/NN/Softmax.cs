namespace Strata.NN;

/// <summary>Softmax along a dim (default the last).</summary>
public sealed class Softmax : Module
{
    public Softmax(int dim = -1) => Dim = dim;

    public int Dim { get; }

    /// <summary>Works per step, so a Keras-style mask passes through unchanged.</summary>
    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x) => x.Softmax(Dim);
}
