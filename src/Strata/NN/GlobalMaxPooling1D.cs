namespace Strata.NN;

/// <summary>
/// Maximum over the steps of a sequence (Keras <c>GlobalMaxPooling1D</c>); with a mask, over the real steps only
/// (a sequence with no real step gives zeros).
/// </summary>
public sealed class GlobalMaxPooling1D : GlobalPooling1D
{
    public GlobalMaxPooling1D(string dataFormat = "channels_last", bool keepDims = false) : base(dataFormat, keepDims) { }

    private protected override Tensor Pool(Tensor x, Tensor? mask)
    {
        if (mask is null) return x.Max(StepAxis, KeepDims);
        var blocked = mask.LogicalNot();
        var best = x.MaskedFill(blocked, double.NegativeInfinity).Max(StepAxis, KeepDims);
        // All steps masked: −∞ would poison what follows; such a sequence pools to zeros instead.
        var none = blocked.To(x.DType).Min(StepAxis, KeepDims).Ne(0);
        return best.MaskedFill(none, 0);
    }
}
