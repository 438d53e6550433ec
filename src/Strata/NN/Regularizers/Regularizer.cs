namespace Strata.NN.Regularizers;

/// <summary>
/// A weight penalty (Keras <c>keras.regularizers</c>) attached to a layer's weights through constructor options such as
/// <c>kernelRegularizer</c>; <see cref="Module.RegularizationLoss"/> sums the penalties of a whole model.
/// Subclasses expose every constructor parameter as a property of the same name, so they serialise with the layer.
/// </summary>
public abstract class Regularizer
{
    /// <summary>The penalty for <paramref name="weight"/>: a differentiable scalar of the weight's dtype.</summary>
    public abstract Tensor Penalty(Tensor weight);

    /// <summary>Rejects factors that would make a meaningless penalty.</summary>
    protected static double CheckFactor(string regularizer, string name, double value)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new ArgumentOutOfRangeException(name, $"{regularizer}: the factor {name} must be finite and non-negative, got {value}.");
        return value;
    }

    /// <summary>Rejects non-floating weights, naming the regularizer.</summary>
    protected void CheckWeight(Tensor weight)
    {
        ArgumentNullException.ThrowIfNull(weight);
        if (!weight.DType.IsFloating())
            throw new ArgumentException($"{this}: the weight must be floating-point, got {weight.DType.Name()} of shape {weight.Shape}.", nameof(weight));
    }
}
