namespace Strata.Backends;

/// <summary>
/// The kernels one device provides. Ops do shape checks and autograd, then call these; a backend never sees
/// a <see cref="Tensor"/> or a graph node. Each op family adds its kernels in its own file (partial interface).
/// Unless stated otherwise, inputs already have the output's shape (broadcast inputs have stride 0) and
/// outputs are written, not accumulated.
/// </summary>
public partial interface IBackend
{
    Device Device { get; }

    /// <summary>A buffer for <paramref name="count"/> elements, from the pool when one fits. Contents are undefined.</summary>
    DeviceBuffer Allocate(DType dtype, int count);

    void Fill(in TensorDesc y, double value);

    /// <summary>Strided copy between same-shaped layouts, converting between dtypes when they differ.</summary>
    void Copy(in TensorDesc src, in TensorDesc dst);

    /// <summary>Host elements into a contiguous device tensor.</summary>
    void Upload<T>(ReadOnlySpan<T> src, in TensorDesc dst) where T : unmanaged;

    /// <summary>A device tensor (any layout) into host elements in row-major order.</summary>
    void Download<T>(in TensorDesc src, Span<T> dst) where T : unmanaged;

    void Unary(UnaryOp op, in TensorDesc x, in TensorDesc y, double alpha = 0, double beta = 0);

    void Binary(BinaryOp op, in TensorDesc a, in TensorDesc b, in TensorDesc y, double alpha = 0, double beta = 0);

    /// <summary>y = cond ? a : b, elementwise; cond is bool.</summary>
    void Where(in TensorDesc cond, in TensorDesc a, in TensorDesc b, in TensorDesc y);

    /// <summary>Reduces the last <paramref name="reducedRank"/> dimensions of x; y has x's leading dimensions.</summary>
    void Reduce(ReduceOp op, in TensorDesc x, int reducedRank, in TensorDesc y);

    /// <summary>Index (int64) of the max/min along x's last dimension; the first one wins on ties.</summary>
    void ArgReduce(ArgReduceOp op, in TensorDesc x, in TensorDesc y);

    /// <summary>Batched matrix product c[b] = a[b] · b[b] (+ c[b] when accumulate). Shapes [B,M,K], [B,K,N], [B,M,N]; any strides, batch stride 0 allowed for a and b.</summary>
    void Matmul(in TensorDesc a, in TensorDesc b, in TensorDesc c, bool accumulate = false);

    /// <summary>
    /// c[b] = a[b] · b[b] + bias, bias (shape [N], contiguous) added to every row: the linear layer's forward, with the
    /// bias added to each output tile while it is still in cache instead of in a second pass over c.
    /// </summary>
    void MatmulBias(in TensorDesc a, in TensorDesc b, in TensorDesc bias, in TensorDesc c);

    /// <summary>Fills y with counter-based random numbers: element i depends only on (seed, counter + i), never on threads.</summary>
    void Random(RandomKind kind, in TensorDesc y, ulong seed, ulong counter, double a, double b);
}

/// <summary>Distributions for <see cref="IBackend.Random"/>.</summary>
public enum RandomKind
{
    /// <summary>Uniform on [a, b).</summary>
    Uniform,
    /// <summary>Normal with mean a and standard deviation b.</summary>
    Normal,
    /// <summary>1 with probability a, else 0.</summary>
    Bernoulli,
}
