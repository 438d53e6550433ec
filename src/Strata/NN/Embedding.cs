using Strata.NN.Regularizers;

namespace Strata.NN;

/// <summary>
/// Lookup table (Keras <c>Embedding</c>, PyTorch <c>Embedding</c>): int32 or int64 indices of any shape → rows of the weight
/// [numEmbeddings, embeddingDim], output shape indices.shape + [embeddingDim]. Weight initialised N(0, 1) as PyTorch, with
/// the <c>paddingIdx</c> row zeroed; that row receives no gradient. A negative paddingIdx counts from the end, as PyTorch.
/// </summary>
public sealed class Embedding : Module
{
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, Generator? generator = null, DType dtype = DType.Float32,
                     Regularizer? embeddingsRegularizer = null)
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
