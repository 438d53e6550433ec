using Strata;
using Strata.NN;

/// <summary>Character embedding → LSTM → per-step logits over the vocabulary.</summary>
sealed class CharLstm : Module
{
    private readonly Embedding _embedding;
    private readonly LSTM _lstm;
    private readonly Dense _head;

    public CharLstm(int vocabSize, int embeddingDim, int hidden, int layers, double dropout, Generator generator)
    {
        _embedding = new Embedding(vocabSize, embeddingDim, generator: generator);
        _lstm = new LSTM(hidden, inputSize: embeddingDim, numLayers: layers, dropout: dropout, returnSequences: true, generator: generator);
        // Sized now, not on first use: the optimizer is made from Parameters() before any forward pass.
        _head = new Dense(vocabSize, inputFeatures: hidden, generator: generator);
    }

    /// <summary>Logits [N, T, V] for ids [N, T], starting from zero state.</summary>
    public override Tensor Forward(Tensor ids) => Step(ids, null).Logits;

    /// <summary>
    /// Logits [N, T, V] and the final LSTM state, starting from <paramref name="state"/> (zeros when null), so long
    /// texts can be scored and generated chunk by chunk with the context carried over.
    /// </summary>
    public (Tensor Logits, (Tensor H, Tensor C) State) Step(Tensor ids, (Tensor H, Tensor C)? state)
    {
        var r = _lstm.Run(_embedding.Invoke(ids), state?.H, state?.C);
        return (_head.Invoke(r.Output), (r.Hidden, r.Cell!));
    }
}
