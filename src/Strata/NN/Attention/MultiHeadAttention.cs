namespace Strata.NN;

/// <summary>
/// Multi-head scaled dot-product attention (PyTorch <c>nn.MultiheadAttention</c>, batch-first, same parameter names:
/// <c>in_proj_weight</c> [3E, E], <c>in_proj_bias</c>, <c>out_proj.weight</c>, <c>out_proj.bias</c>).
/// softmax(Q·Kᵀ/√d + masks)·V per head, with dropout on the attention weights in training mode. Masks follow PyTorch:
/// <c>keyPaddingMask</c> [N, S] bool, true where a key is padding; <c>attnMask</c> [L, S] bool, true where a query
/// may not attend; <c>isCausal</c> builds the upper-triangular mask. <see cref="Module.Forward(Tensor)"/> is self-attention.
/// </summary>
public sealed class MultiHeadAttention : Module
{
    private readonly Generator? _generator;
    private readonly Dense _outProj;

    public MultiHeadAttention(int embedDim, int numHeads, double dropout = 0, bool useBias = true, bool isCausal = false,
        Generator? generator = null, DType dtype = DType.Float32)
    {
        if (embedDim <= 0 || numHeads <= 0 || embedDim % numHeads != 0)
            throw new ArgumentException($"MultiHeadAttention: embedDim ({embedDim}) must be a positive multiple of numHeads ({numHeads}).");
        if (dropout < 0 || dropout >= 1) throw new ArgumentOutOfRangeException(nameof(dropout), $"MultiHeadAttention: dropout must be in [0, 1), got {dropout}.");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        Dropout = dropout;
        UseBias = useBias;
        IsCausal = isCausal;
        DType = dtype;
        _generator = generator;
        InProjWeight = RegisterParameter("in_proj_weight", new Parameter(Init.GlorotUniform(Tensor.Zeros(new[] { 3 * embedDim, embedDim }, dtype), generator)));
        if (useBias) InProjBias = RegisterParameter("in_proj_bias", new Parameter(Tensor.Zeros(new[] { 3 * embedDim }, dtype)));
        _outProj = (Dense)RegisterModule("out_proj", new Dense(embedDim, embedDim, useBias, generator, dtype));
        if (_outProj.Bias is not null) using (Autograd.GradMode.NoGrad()) _outProj.Bias.Data.Zero_();
        MarkBuilt();
    }

    public int EmbedDim { get; }
    public int NumHeads { get; }
    public double Dropout { get; }
    public bool UseBias { get; }
    public bool IsCausal { get; }
    public DType DType { get; }
    public Parameter InProjWeight { get; }
    public Parameter? InProjBias { get; }

    /// <summary>Head-averaged attention weights [N, L, S] of the last call (detached), as PyTorch's <c>need_weights</c>.</summary>
    public Tensor? LastAttentionWeights { get; private set; }

    public override Tensor Forward(Tensor x) => Attend(x, x, x);

    /// <summary>Self-attention that ignores the keys a Keras-style mask ([N, L] bool, true = real step) marks as padding; the mask passes on.</summary>
    public override Tensor Forward(Tensor x, Tensor? mask)
    {
        if (mask is null) return Attend(x, x, x);
        CheckMask(x, mask);
        return Attend(x, x, x, keyPaddingMask: mask.LogicalNot());
    }

    /// <summary>The output has one vector per query step, so the mask passes on.</summary>
    public override bool SupportsMasking => true;

    /// <summary>Attention of <paramref name="query"/> [N, L, E] over <paramref name="key"/>/<paramref name="value"/> [N, S, E].</summary>
    public Tensor Attend(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null, Tensor? attnMask = null)
    {
        int n = query.Shape[0], l = query.Shape[1], s = key.Shape[1], e = EmbedDim, h = NumHeads, d = e / h;
        foreach (var (t, name) in new[] { (query, "query"), (key, "key"), (value, "value") })
            if (t.Shape.Rank != 3 || t.Shape[0] != n || t.Shape[2] != e)
                throw new ArgumentException($"MultiHeadAttention: {name} must be [N={n}, length, E={e}], got {t.Shape}.");
        if (value.Shape[1] != s) throw new ArgumentException($"MultiHeadAttention: key has {s} steps but value has {value.Shape[1]}.");
        var w = InProjWeight.Data.Chunk(3, 0);
        var b = InProjBias?.Data.Chunk(3, 0);
        Tensor Project(Tensor x, int i, int len)
        {
            var y = x.Matmul(w[i].T);
            if (b is not null) y = y + b[i];
            return y.Reshape(n, len, h, d).Permute(0, 2, 1, 3);       // [N, H, len, d]
        }
        var q = Project(query, 0, l);
        var k = Project(key, 1, s);
        var v = Project(value, 2, s);
        var scores = q.Matmul(k.Transpose(2, 3)) * (1.0 / Math.Sqrt(d));   // [N, H, L, S]
        var mask = CombinedMask(keyPaddingMask, attnMask, n, l, s);
        if (mask is not null) scores = scores.MaskedFill(mask, double.NegativeInfinity);
        var attn = scores.Softmax(-1);
        using (Autograd.GradMode.NoGrad())
        {
            LastAttentionWeights?.Dispose();
            var avg = attn.Detach().Mean(1);
            TensorScope.Current?.Keep(avg);
            LastAttentionWeights = avg;
        }
        if (Dropout > 0) attn = Functional.Dropout(attn, Dropout, IsTraining, _generator);
        var context = attn.Matmul(v).Permute(0, 2, 1, 3).Reshape(n, l, e);
        return _outProj.Invoke(context);
    }

    /// <summary>One bool mask broadcastable to [N, H, L, S] (true = blocked), or null.</summary>
    private Tensor? CombinedMask(Tensor? keyPadding, Tensor? attnMask, int n, int l, int s)
    {
        Tensor? mask = null;
        if (keyPadding is not null)
        {
            if (keyPadding.DType != DType.Bool || keyPadding.Shape.Rank != 2 || keyPadding.Shape[0] != n || keyPadding.Shape[1] != s)
                throw new ArgumentException($"MultiHeadAttention: keyPaddingMask must be bool [N={n}, S={s}] (true = padding), got {keyPadding.DType} {keyPadding.Shape}.");
            mask = keyPadding.Reshape(n, 1, 1, s);
        }
        if (attnMask is not null)
        {
            if (attnMask.DType != DType.Bool || attnMask.Shape.Rank != 2 || attnMask.Shape[0] != l || attnMask.Shape[1] != s)
                throw new ArgumentException($"MultiHeadAttention: attnMask must be bool [L={l}, S={s}] (true = blocked), got {attnMask.DType} {attnMask.Shape}.");
            mask = mask is null ? attnMask : mask.LogicalOr(attnMask);
        }
        if (IsCausal)
        {
            var causal = CausalMask(l, s);
            mask = mask is null ? causal : mask.LogicalOr(causal);
        }
        return mask;
    }

    /// <summary>[L, S] bool, true above the diagonal: step i may attend to steps ≤ i only.</summary>
    public static Tensor CausalMask(int l, int s)
    {
        var rows = Tensor.Arange(l, DType.Int64).Reshape(l, 1);
        var cols = Tensor.Arange(s, DType.Int64).Reshape(1, s);
        return cols.Gt(rows);
    }
}
