using Strata.NN.Regularizers;

namespace Strata.NN;

/// <summary>
/// Lookup table (Keras <c>Embedding</c>, PyTorch <c>Embedding</c>): int32 or int64 indices of any shape → rows of the weight
/// [numEmbeddings, embeddingDim], output shape indices.shape + [embeddingDim]. Weight initialised N(0, 1) as PyTorch, with
/// the <c>paddingIdx</c> row zeroed; that row receives no gradient. A negative paddingIdx counts from the end, as PyTorch.
/// With <c>maskZero</c> (Keras) it also emits a mask of the non-zero indices for the layers that follow.
/// </summary>
public sealed class Embedding : Module
{
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, Generator? generator = null, DType dtype = DType.Float32,
                     Regularizer? embeddingsRegularizer = null, bool maskZero = false)
    {
        if (numEmbeddings <= 0 || embeddingDim <= 0)
            throw new ArgumentOutOfRangeException(nameof(numEmbeddings), $"Embedding({numEmbeddings}, {embeddingDim}): numEmbeddings and embeddingDim must be positive.");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        if (paddingIdx is int p)
        {
            if (p < -numEmbeddings || p >= numEmbeddings)
                throw new ArgumentOutOfRangeException(nameof(paddingIdx), $"{Label}: paddingIdx {p} is out of range for {numEmbeddings} embeddings.");
            PaddingIdx = p < 0 ? p + numEmbeddings : p;
        }
        if (!dtype.IsFloating()) throw new ArgumentException($"{Label}: dtype must be floating-point, got {dtype.Name()}.");
        DType = dtype;
        EmbeddingsRegularizer = embeddingsRegularizer;
        MaskZero = maskZero;
        var w = Tensor.Normal(new[] { numEmbeddings, embeddingDim }, 0, 1, generator, dtype);
        if (PaddingIdx is int pad)
            using (Autograd.GradMode.NoGrad())
            using (var row = w.Select(0, pad))
                row.Fill_(0);
        Weight = new Parameter(w);
        MarkBuilt();
    }

    public int NumEmbeddings { get; }
    public int EmbeddingDim { get; }
    /// <summary>The padding row (normalised to be non-negative), or null.</summary>
    public int? PaddingIdx { get; }
    public DType DType { get; }
    public Regularizer? EmbeddingsRegularizer { get; }
    public Parameter Weight { get; }

    /// <summary>
    /// Keras <c>mask_zero</c>: index 0 is padding, and the layer emits a mask (true where the index is not 0) that
    /// following layers honour (recurrent layers skip masked steps, attention ignores masked keys, 1-D global pooling
    /// averages real steps only). Reserve index 0 for padding, so the vocabulary needs one extra row.
    /// </summary>
    public bool MaskZero { get; }

    /// <summary>With <see cref="MaskZero"/>: indices ≠ 0 (bool, the indices' shape); otherwise no mask.</summary>
    public override Tensor? ComputeMask(Tensor input, Tensor? mask) => MaskZero ? input.Ne(0) : null;

    private string Label => $"Embedding({NumEmbeddings}, {EmbeddingDim})";

    public override Tensor Forward(Tensor x)
    {
        if (x.DType is not (DType.Int64 or DType.Int32))
            throw new ArgumentException($"{Label}: indices must be int32 or int64, got {x.DType.Name()} of shape {x.Shape}.");
        var indices = x.To(DType.Int64);
        try
        {
            return Functional.Embedding(indices, Weight.Data, PaddingIdx);
        }
        catch (IndexOutOfRangeException e)
        {
            throw new IndexOutOfRangeException($"{Label}: {e.Message}", e);
        }
    }

    protected override IEnumerable<(Parameter Parameter, Regularizer Regularizer)> RegularizedParameters()
    {
        if (EmbeddingsRegularizer is not null) yield return (Weight, EmbeddingsRegularizer);
    }

    public override string ToString() => Label;
}
