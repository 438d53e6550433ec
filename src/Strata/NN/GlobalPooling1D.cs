namespace Strata.NN;

/// <summary>
/// Shared part of the 1-D global poolings (Keras <c>GlobalAveragePooling1D</c> / <c>GlobalMaxPooling1D</c>): reduce the
/// steps axis of [N, steps, features] (<c>"channels_last"</c>, Keras' default and the layout of recurrent and attention
/// layers) or [N, features, steps] (<c>"channels_first"</c>, the layout of <see cref="Conv1D"/>) to [N, features].
/// A Keras-style mask ([N, steps] bool, true = real step) restricts the reduction to real steps.
/// </summary>
public abstract class GlobalPooling1D : Module
{
    private protected GlobalPooling1D(string dataFormat, bool keepDims)
    {
        if (dataFormat is not ("channels_last" or "channels_first"))
            throw new ArgumentException($"{GetType().Name}: dataFormat must be \"channels_last\" or \"channels_first\", got \"{dataFormat}\".");
        DataFormat = dataFormat;
        KeepDims = keepDims;
    }

    /// <summary>"channels_last" ([N, steps, features]) or "channels_first" ([N, features, steps]).</summary>
    public string DataFormat { get; }

    /// <summary>Keep the reduced axis with length 1 (Keras <c>keepdims</c>).</summary>
    public bool KeepDims { get; }

    private protected int StepAxis => DataFormat == "channels_last" ? 1 : 2;

    public override Tensor Forward(Tensor x) => Forward(x, null);

    public override Tensor Forward(Tensor x, Tensor? mask)
    {
        if (x.Shape.Rank != 3)
            throw new ArgumentException($"{GetType().Name}: expects input {(StepAxis == 1 ? "[N, steps, features]" : "[N, features, steps]")}, got shape {x.Shape}.");
        if (mask is null) return Pool(x, null);
        CheckMask(x, mask, StepAxis);
        // The mask broadcast over features: [N, steps, 1] or [N, 1, steps].
        return Pool(x, mask.Unsqueeze(StepAxis == 1 ? 2 : 1));
    }

    /// <summary>Reduces over <see cref="StepAxis"/>; <paramref name="mask"/> is null or bool broadcastable to x.</summary>
    private protected abstract Tensor Pool(Tensor x, Tensor? mask);

    /// <summary>The steps axis is gone, and with it the mask.</summary>
    public override Tensor? ComputeMask(Tensor input, Tensor? mask) => null;
}
