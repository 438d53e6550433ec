namespace Strata.NN;

/// <summary>
/// Gated recurrent unit (PyTorch <c>nn.GRU</c> equations and gate order r, z, n): n = tanh(x_n + r⊙(h·W_hn + b_hn)),
/// h' = (1 − z)⊙n + z⊙h. Keras-style defaults: batch-first, last state unless <c>returnSequences</c>.
/// </summary>
public sealed class GRU : RecurrentLayer
{
    public GRU(int units, int? inputSize = null, int numLayers = 1, bool bidirectional = false, double dropout = 0,
        bool returnSequences = false, bool batchFirst = true, bool useBias = true, Generator? generator = null, DType dtype = DType.Float32)
        : base(units, inputSize, numLayers, bidirectional, dropout, returnSequences, batchFirst, useBias, generator, dtype) { }

    protected override int Gates => 3;

    protected override (Tensor H, Tensor? C) Step(Tensor xProj, Tensor hProj, Tensor h, Tensor? c)
    {
        var x = xProj.Chunk(3, 1);
        var hp = hProj.Chunk(3, 1);
        var r = (x[0] + hp[0]).Sigmoid();
        var z = (x[1] + hp[1]).Sigmoid();
        var n = (x[2] + r * hp[2]).Tanh();
        return (n + z * (h - n), null);
    }
}
