using Strata.Backends;

namespace Strata.NN;

/// <summary>
/// Elman recurrent layer (Keras <c>SimpleRNN</c>, PyTorch <c>nn.RNN</c>): h' = act(x·W_ihᵀ + b_ih + h·W_hhᵀ + b_hh)
/// with act tanh (default) or relu.
/// </summary>
public sealed class SimpleRNN : RecurrentLayer
{
    public SimpleRNN(int units, int? inputSize = null, int numLayers = 1, bool bidirectional = false, double dropout = 0,
        bool returnSequences = false, bool batchFirst = true, bool useBias = true, string nonlinearity = "tanh",
        Generator? generator = null, DType dtype = DType.Float32)
        : base(units, inputSize, numLayers, bidirectional, dropout, returnSequences, batchFirst, useBias, generator, dtype)
    {
        if (nonlinearity is not ("tanh" or "relu"))
            throw new ArgumentException($"SimpleRNN: nonlinearity must be \"tanh\" or \"relu\", got \"{nonlinearity}\".");
        Nonlinearity = nonlinearity;
    }

    public string Nonlinearity { get; }

    protected override int Gates => 1;

    internal override RecurrentCell Cell => Nonlinearity == "relu" ? RecurrentCell.RnnRelu : RecurrentCell.RnnTanh;
}
