using Strata.Backends;

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

    internal override RecurrentCell Cell => RecurrentCell.Gru;
}
