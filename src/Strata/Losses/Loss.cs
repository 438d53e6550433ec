namespace Strata.Losses;

/// <summary>
/// Base class of the loss modules (Keras <c>keras.losses.Loss</c>, PyTorch <c>nn.*Loss</c>). A loss maps a
/// prediction and a target to a scalar (or, with <see cref="Strata.Reduction.None"/>, one value per sample) that
/// autograd can differentiate. <c>sampleWeight</c> ([N], one weight per sample) is how <c>Fit(classWeight:)</c>
/// weights samples.
/// <para>
/// As Keras, each loss first computes one value per sample (the mean over the non-batch dimensions of the
/// per-element losses, for the categorical losses over the dimensions between the batch and the classes), then
/// multiplies by <c>sampleWeight</c> and reduces: <see cref="Strata.Reduction.Mean"/> gives sum(w·l) / N (Keras'
/// "sum over batch size", not a weighted average), <see cref="Strata.Reduction.Sum"/> gives sum(w·l).
/// </para>
/// </summary>
public abstract class Loss
{
    protected Loss(Reduction reduction)
    {
        if (!Enum.IsDefined(reduction)) throw new ArgumentOutOfRangeException(nameof(reduction), $"{GetType().Name}: unknown reduction {reduction}.");
        Reduction = reduction;
    }

    /// <summary>How per-sample values are combined.</summary>
    public Reduction Reduction { get; }

    /// <summary>Short snake_case name used in logs and history ("sparse_categorical_crossentropy").</summary>
    public abstract string Name { get; }

    /// <summary>The loss of <paramref name="yPred"/> against <paramref name="yTrue"/>.</summary>
    public abstract Tensor Forward(Tensor yPred, Tensor yTrue, Tensor? sampleWeight = null);

    /// <summary>Same as <see cref="Forward"/>.</summary>
    public Tensor Call(Tensor yPred, Tensor yTrue, Tensor? sampleWeight = null) => Forward(yPred, yTrue, sampleWeight);

    /// <summary>
    /// Weights the per-sample losses <paramref name="perSample"/> ([N]) by <paramref name="sampleWeight"/> ([N], [N, 1]
    /// or a scalar) and applies <see cref="Reduction"/>. <see cref="Strata.Reduction.Mean"/> divides the weighted sum by
    /// <paramref name="denominator"/>, or by N when it is null.
    /// </summary>
    protected Tensor Reduce(Tensor perSample, Tensor? sampleWeight, double? denominator = null)
    {
        var lossName = GetType().Name;
        if (perSample.Rank != 1)
            throw new ArgumentException($"{lossName}: per-sample losses must have shape [N], got {perSample.Shape}.");
        var weighted = perSample;
        if (sampleWeight is not null)
            weighted = perSample.Mul(LossInputs.SampleWeight(lossName, sampleWeight, perSample.Size(0), perSample.DType));
        return Reduction switch
        {
            Reduction.None => weighted,
            Reduction.Sum => weighted.Sum(),
            _ => denominator is double d ? weighted.Sum().Div(d) : weighted.Mean(),
        };
    }

    public override string ToString() => $"{GetType().Name}(reduction={Reduction})";
}
