namespace Strata.NN;

/// <summary>
/// Mean over the steps of a sequence (Keras <c>GlobalAveragePooling1D</c>); with a mask, the mean of the real steps
/// only (a sequence with no real step gives zeros).
/// </summary>
public sealed class GlobalAveragePooling1D : GlobalPooling1D
{
    public GlobalAveragePooling1D(string dataFormat = "channels_last", bool keepDims = false) : base(dataFormat, keepDims) { }

    private protected override Tensor Pool(Tensor x, Tensor? mask)
    {
        if (mask is null) return x.Mean(StepAxis, KeepDims);
        var m = mask.To(x.DType);
        var count = m.Sum(StepAxis, KeepDims).Clamp(min: 1);
        return (x * m).Sum(StepAxis, KeepDims) / count;
    }
}
