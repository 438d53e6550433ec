using Strata;
using Strata.NN;
using Strata.Training;

/// <summary>
/// The classifier as a Keras-style graph: Embedding (id 0 is padding, masked) → dropout → [bidirectional GRU over
/// the real tokens → max over steps] ⊕ [mean of the word embeddings] → dropout → class logits. The padding mask
/// from the Embedding reaches the GRU and both poolings by itself, so padded batches need no lengths.
/// </summary>
static class FortuneRnn
{
    public static Model Create(int vocabSize, int classes, int embeddingDim, int units, double dropout, Generator generator)
    {
        var ids = Input.Create(new[] { -1 }, DType.Int64, name: "ids");
        var embedded = new Dropout(dropout, generator).Call(new Embedding(vocabSize, embeddingDim, paddingIdx: 0, generator: generator, maskZero: true).Call(ids));
        var sequence = new GRU(units, bidirectional: true, returnSequences: true, generator: generator).Call(embedded);
        var features = new Concatenate(-1).Call(new GlobalMaxPooling1D().Call(sequence), new GlobalAveragePooling1D().Call(embedded));
        var logits = new Dense(classes, generator: generator).Call(new Dropout(dropout, generator).Call(features));
        return new Model(ids, logits);
    }
}
