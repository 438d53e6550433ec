using Strata;
using Strata.Data.Text;
using Strata.NN;
using Strata.Training;

/// <summary>
/// Embedding → bidirectional GRU over the real tokens of each text → [max-pool of the GRU outputs, mean of the
/// word embeddings] → dropout → class logits. Input is [N, T] token ids padded at the end with
/// <see cref="Tokenizer.PadId"/>; each text's length is read from the padding, so the GRU never sees pad steps.
/// </summary>
sealed class FortuneRnn : Model
{
    private readonly Embedding _embedding;
    private readonly Dropout _embeddingDropout;
    private readonly GRU _gru;
    private readonly Dropout _dropout;
    private readonly Dense _head;

    public FortuneRnn(int vocabSize, int classes, int embeddingDim, int units, double dropout, Generator generator)
    {
        _embedding = new Embedding(vocabSize, embeddingDim, paddingIdx: Tokenizer.PadId, generator: generator);
        _embeddingDropout = new Dropout(dropout, generator);
        _gru = new GRU(units, inputSize: embeddingDim, bidirectional: true, returnSequences: true, generator: generator);
        _dropout = new Dropout(dropout, generator);
        _head = new Dense(classes, inputFeatures: 2 * units + embeddingDim, generator: generator);
    }

    public override Tensor Forward(Tensor ids)
    {
        if (ids.Shape.Rank != 2) throw new ArgumentException($"FortuneRnn: expects token ids [N, T], got shape {ids.Shape}.");
        int n = ids.Shape[0], steps = ids.Shape[1];
        var host = ids.To(DType.Int64).ToArray<long>();
        var lengths = new long[n];
        var mask = new float[n * steps];
        for (int i = 0; i < n; i++)
        {
            for (int t = 0; t < steps; t++)
                if (host[i * steps + t] != Tokenizer.PadId) { lengths[i] = t + 1; mask[i * steps + t] = 1; }
            // An all-padding row (empty text) still needs one step for the GRU.
            lengths[i] = Math.Max(1, lengths[i]);
        }
        var m = Tensor.FromArray(mask, n, steps, 1);
        var count = m.Sum(1).Clamp(min: 1);
        var embedded = _embeddingDropout.Invoke(_embedding.Invoke(ids));
        var outputs = _gru.Run(embedded, lengths: Tensor.FromArray(lengths, n)).Output;
        // Padded steps output zeros; pushing them far down keeps them out of the max.
        var pooled = (outputs + (m - 1) * 1e4).Max(1);
        var meanEmbedding = embedded.Sum(1) / count;
        return _head.Invoke(_dropout.Invoke(Tensor.Concat(new[] { pooled, meanEmbedding }, 1)));
    }
}
