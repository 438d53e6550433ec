namespace Strata.NN;

/// <summary>Softmax along a dim (default the last).</summary>
public sealed class Softmax : Module
{
    public Softmax(int dim = -1) => Dim = dim;

    public int Dim { get; }

    public override Tensor Forward(Tensor x) => x.Softmax(Dim);
}
