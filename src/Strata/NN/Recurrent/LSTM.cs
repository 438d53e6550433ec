using Strata.Backends;

namespace Strata.NN;

/// <summary>
/// Long short-term memory (PyTorch <c>nn.LSTM</c> equations and gate order i, f, g, o; Keras-style defaults:
/// batch-first, last state unless <c>returnSequences</c>): c' = f⊙c + i⊙g, h' = o⊙tanh(c').
/// </summary>
public sealed class LSTM : RecurrentLayer
{
    public LSTM(int units, int? inputSize = null, int numLayers = 1, bool bidirectional = false, double dropout = 0,
        bool returnSequences = false, bool batchFirst = true, bool useBias = true, Generator? generator = null, DType dtype = DType.Float32)
        : base(units, inputSize, numLayers, bidirectional, dropout, returnSequences, batchFirst, useBias, generator, dtype) { }

    protected override int Gates => 4;
    protected override bool HasCell => true;

    internal override RecurrentCell Cell => RecurrentCell.Lstm;
}
