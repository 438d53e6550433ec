namespace Strata.NN;

/// <summary>
/// One Transformer decoder block (PyTorch <c>nn.TransformerDecoderLayer</c>, batch-first, same sub-module names:
/// <c>self_attn</c>, <c>multihead_attn</c>, <c>linear1</c>, <c>linear2</c>, <c>norm1..3</c>): masked self-attention over
/// the target, attention over the encoder's memory, then the feed-forward block, each with a residual connection;
/// post-norm by default, pre-norm with <c>normFirst</c>. Self-attention is causal unless <c>causalSelfAttention</c> is off.
/// It needs two inputs, so call <see cref="Decode"/>; <see cref="Forward(Tensor)"/> says so.
/// </summary>
public sealed class TransformerDecoderLayer : Module
{
    private readonly MultiHeadAttention _selfAttn, _crossAttn;
    private readonly Dense _linear1, _linear2;
    private readonly LayerNorm _norm1, _norm2, _norm3;
    private readonly Dropout _dropout, _dropout1, _dropout2, _dropout3;

    public TransformerDecoderLayer(int dModel, int nHead, int dimFeedforward = 2048, double dropout = 0.1, string activation = "relu",
        bool normFirst = false, double layerNormEps = 1e-5, bool causalSelfAttention = true, Generator? generator = null, DType dtype = DType.Float32)
    {
        if (activation is not ("relu" or "gelu")) throw new ArgumentException($"TransformerDecoderLayer: activation must be \"relu\" or \"gelu\", got \"{activation}\".");
        DModel = dModel; NHead = nHead; DimFeedforward = dimFeedforward; Dropout = dropout; Activation = activation;
        NormFirst = normFirst; LayerNormEps = layerNormEps; CausalSelfAttention = causalSelfAttention; DType = dtype;
        _selfAttn = (MultiHeadAttention)RegisterModule("self_attn", new MultiHeadAttention(dModel, nHead, dropout, isCausal: causalSelfAttention, generator: generator, dtype: dtype));
        _crossAttn = (MultiHeadAttention)RegisterModule("multihead_attn", new MultiHeadAttention(dModel, nHead, dropout, generator: generator, dtype: dtype));
        _linear1 = (Dense)RegisterModule("linear1", new Dense(dimFeedforward, dModel, generator: generator, dtype: dtype));
        _dropout = (Dropout)RegisterModule("dropout", new Dropout(dropout, generator));
        _linear2 = (Dense)RegisterModule("linear2", new Dense(dModel, dimFeedforward, generator: generator, dtype: dtype));
        _norm1 = (LayerNorm)RegisterModule("norm1", new LayerNorm(new[] { dModel }, layerNormEps, dtype: dtype));
        _norm2 = (LayerNorm)RegisterModule("norm2", new LayerNorm(new[] { dModel }, layerNormEps, dtype: dtype));
        _norm3 = (LayerNorm)RegisterModule("norm3", new LayerNorm(new[] { dModel }, layerNormEps, dtype: dtype));
        _dropout1 = (Dropout)RegisterModule("dropout1", new Dropout(dropout, generator));
        _dropout2 = (Dropout)RegisterModule("dropout2", new Dropout(dropout, generator));
        _dropout3 = (Dropout)RegisterModule("dropout3", new Dropout(dropout, generator));
        MarkBuilt();
    }

    public int DModel { get; }
    public int NHead { get; }
    public int DimFeedforward { get; }
    public double Dropout { get; }
    public string Activation { get; }
    public bool NormFirst { get; }
    public double LayerNormEps { get; }
    public bool CausalSelfAttention { get; }
    public DType DType { get; }

    public override Tensor Forward(Tensor x) =>
        throw new InvalidOperationException("TransformerDecoderLayer: needs the target and the encoder memory; call Decode(target, memory).");

    /// <summary>
    /// Decodes <paramref name="target"/> [N, L, dModel] attending to <paramref name="memory"/> [N, S, dModel];
    /// padding masks as in <see cref="MultiHeadAttention.Attend"/> (true = padding).
    /// </summary>
    public Tensor Decode(Tensor target, Tensor memory, Tensor? targetKeyPaddingMask = null, Tensor? memoryKeyPaddingMask = null)
    {
        if (target.Shape.Rank != 3 || target.Shape[-1] != DModel) throw new ArgumentException($"TransformerDecoderLayer: target must be [N, L, {DModel}], got {target.Shape}.");
        if (memory.Shape.Rank != 3 || memory.Shape[-1] != DModel) throw new ArgumentException($"TransformerDecoderLayer: memory must be [N, S, {DModel}], got {memory.Shape}.");
        Tensor Sa(Tensor t) => _dropout1.Invoke(_selfAttn.Attend(t, t, t, targetKeyPaddingMask));
        Tensor Ca(Tensor t) => _dropout2.Invoke(_crossAttn.Attend(t, memory, memory, memoryKeyPaddingMask));
        Tensor Ff(Tensor t)
        {
            var hidden = _linear1.Invoke(t);
            hidden = Activation == "gelu" ? hidden.Gelu() : hidden.Relu();
            return _dropout3.Invoke(_linear2.Invoke(_dropout.Invoke(hidden)));
        }
        var x = target;
        if (NormFirst)
        {
            x = x + Sa(_norm1.Invoke(x));
            x = x + Ca(_norm2.Invoke(x));
            return x + Ff(_norm3.Invoke(x));
        }
        x = _norm1.Invoke(x + Sa(x));
        x = _norm2.Invoke(x + Ca(x));
        return _norm3.Invoke(x + Ff(x));
    }
}
