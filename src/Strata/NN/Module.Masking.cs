namespace Strata.NN;

// Keras-style masking: a layer such as Embedding(maskZero: true) or Masking derives a [N, T] bool mask (true = a
// real step, false = padding) from its input; containers (Sequential, graph models) hand it to each following
// layer's Forward(x, mask) and ask the layer for the mask of its output. Layers that cannot use or pass on a mask
// drop it, as in Keras, so a mask never reaches a layer whose output no longer has a time axis.
public abstract partial class Module
{
    /// <summary>
    /// Whether the layer passes an incoming mask through unchanged (per-step layers: Dense, Dropout, activations,
    /// LayerNorm, TimeDistributed, positional encodings). Such a layer's output steps line up with its input steps.
    /// </summary>
    public virtual bool SupportsMasking => false;

    /// <summary>
    /// The computation with a mask ([N, T] bool, true = real step). The default ignores the mask, which is right for
    /// per-step layers; layers that mix steps (recurrent, attention, pooling over time) override it.
    /// </summary>
    public virtual Tensor Forward(Tensor x, Tensor? mask) => Forward(x);

    /// <summary>
    /// The mask of this layer's output given its input and incoming mask (Keras <c>compute_mask</c>): the incoming
    /// mask when <see cref="SupportsMasking"/>, otherwise none. Mask-producing layers override it.
    /// </summary>
    public virtual Tensor? ComputeMask(Tensor input, Tensor? mask) => SupportsMasking ? mask : null;

    /// <summary>Checks that <paramref name="mask"/> is a bool [N, T] mask for a [N, T, ...] input; names the layer otherwise.</summary>
    protected void CheckMask(Tensor x, Tensor mask, int timeAxis = 1)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.DType != DType.Bool || mask.Shape.Rank != 2 || x.Shape.Rank <= timeAxis
            || mask.Shape[0] != x.Shape[0] || mask.Shape[1] != x.Shape[timeAxis])
            throw new ArgumentException($"{GetType().Name}: the mask must be bool [N, T] matching the input's batch and time dims, got {mask.DType} {mask.Shape} for input {x.Shape}.");
    }
}
