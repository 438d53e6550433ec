namespace Strata.NN;

/// <summary>
/// One Transformer encoder block (PyTorch <c>nn.TransformerEncoderLayer</c>, batch-first, same sub-module names:
/// <c>self_attn</c>, <c>linear1</c>, <c>linear2</c>, <c>norm1</c>, <c>norm2</c>). Post-norm (default, as the
/// original Transformer): x = norm1(x + SA(x)); x = norm2(x + FF(x)). Pre-norm (<c>normFirst</c>):
/// x = x + SA(norm1(x)); x = x + FF(norm2(x)). FF = linear2(dropout(act(linear1(x)))), act relu or gelu.
/// </summary>
public sealed class TransformerEncoderLayer : Module
{
    private readonly MultiHeadAttention _selfAttn;
    private readonly Dense _linear1, _linear2;
    private readonly LayerNorm _norm1, _norm2;
    private readonly Dropout _dropout, _dropout1, _dropout2;

    public TransformerEncoderLayer(int dModel, int nHead, int dimFeedforward = 2048, double dropout = 0.1, string activation = "relu",
        bool normFirst = false, double layerNormEps = 1e-5, bool isCausal = false, Generator? generator = null, DType dtype = DType.Float32)
    {
        if (activation is not ("relu" or "gelu")) throw new ArgumentException($"TransformerEncoderLayer: activation must be \"relu\" or \"gelu\", got \"{activation}\".");
        DModel = dModel; NHead = nHead; DimFeedforward = dimFeedforward; Dropout = dropout; Activation = activation;
        NormFirst = normFirst; LayerNormEps = layerNormEps; IsCausal = isCausal; DType = dtype;
        _selfAttn = (MultiHeadAttention)RegisterModule("self_attn", new MultiHeadAttention(dModel, nHead, dropout, isCausal: isCausal, generator: generator, dtype: dtype));
        _linear1 = (Dense)RegisterModule("linear1", new Dense(dimFeedforward, dModel, generator: generator, dtype: dtype));
        _dropout = (Dropout)RegisterModule("dropout", new Dropout(dropout, generator));
        _linear2 = (Dense)RegisterModule("linear2", new Dense(dModel, dimFeedforward, generator: generator, dtype: dtype));
        _norm1 = (LayerNorm)RegisterModule("norm1", new LayerNorm(new[] { dModel }, layerNormEps, dtype: dtype));
        _norm2 = (LayerNorm)RegisterModule("norm2", new LayerNorm(new[] { dModel }, layerNormEps, dtype: dtype));
        _dropout1 = (Dropout)RegisterModule("dropout1", new Dropout(dropout, generator));
        _dropout2 = (Dropout)RegisterModule("dropout2", new Dropout(dropout, generator));
        MarkBuilt();
    }

    public int DModel { get; }
    public int NHead { get; }
    public int DimFeedforward { get; }
    public double Dropout { get; }
    public string Activation { get; }
    public bool NormFirst { get; }
    public double LayerNormEps { get; }
    public bool IsCausal { get; }
    public DType DType { get; }

    public override Tensor Forward(Tensor x) => Encode(x);

    /// <summary>Self-attention ignores the keys a Keras-style mask ([N, L] bool, true = real step) marks as padding; the mask passes on.</summary>
    public override Tensor Forward(Tensor x, Tensor? mask)
    {
        if (mask is null) return Encode(x);
        CheckMask(x, mask);
        return Encode(x, keyPaddingMask: mask.LogicalNot());
    }

    /// <summary>The output has one vector per input step, so the mask passes on.</summary>
    public override bool SupportsMasking => true;

    /// <summary>The block applied to <paramref name="x"/> [N, L, dModel], with optional masks as in <see cref="MultiHeadAttention.Attend"/>.</summary>
    public Tensor Encode(Tensor x, Tensor? keyPaddingMask = null, Tensor? attnMask = null)
    {
        if (x.Shape.Rank != 3 || x.Shape[-1] != DModel)
            throw new ArgumentException($"TransformerEncoderLayer: expects [N, L, {DModel}], got {x.Shape}.");
        Tensor Sa(Tensor t) => _dropout1.Invoke(_selfAttn.Attend(t, t, t, keyPaddingMask, attnMask));
        Tensor Ff(Tensor t)
        {
            var hidden = _linear1.Invoke(t);
            hidden = Activation == "gelu" ? hidden.Gelu() : hidden.Relu();
            return _dropout2.Invoke(_linear2.Invoke(_dropout.Invoke(hidden)));
        }
        if (NormFirst)
        {
            x = x + Sa(_norm1.Invoke(x));
            return x + Ff(_norm2.Invoke(x));
        }
        x = _norm1.Invoke(x + Sa(x));
        return _norm2.Invoke(x + Ff(x));
    }
}
