namespace Strata.Losses;

/// <summary>
/// Base class of the loss modules (Keras <c>keras.losses.Loss</c>, PyTorch <c>nn.*Loss</c>). A loss maps a
/// prediction and a target to a scalar (or, with <see cref="Strata.Reduction.None"/>, one value per sample) that
/// autograd can differentiate. <c>sampleWeight</c> ([N], one weight per sample) is how <c>Fit(classWeight:)</c>
/// weights samples.
/// </summary>
public abstract class Loss
{
    protected Loss(Reduction reduction) => Reduction = reduction;

    /// <summary>How per-sample values are combined.</summary>
    public Reduction Reduction { get; }

    /// <summary>Short snake_case name used in logs and history ("sparse_categorical_crossentropy").</summary>
    public abstract string Name { get; }

    /// <summary>The loss of <paramref name="yPred"/> against <paramref name="yTrue"/>.</summary>
    public abstract Tensor Forward(Tensor yPred, Tensor yTrue, Tensor? sampleWeight = null);

    /// <summary>Same as <see cref="Forward"/>.</summary>
    public Tensor Call(Tensor yPred, Tensor yTrue, Tensor? sampleWeight = null) => Forward(yPred, yTrue, sampleWeight);
}
