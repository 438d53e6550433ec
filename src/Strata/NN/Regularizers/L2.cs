namespace Strata.NN.Regularizers;

/// <summary>
/// Keras <c>L2</c>: penalty l·Σw² (no ½ factor, unlike weight decay). The factor is named <c>l</c> (not Keras' <c>l2</c>)
/// because a C# class cannot have a member with its own name.
/// </summary>
public sealed class L2 : Regularizer
{
    /// <param name="l">The factor (Keras default 0.01).</param>
    public L2(double l = 0.01) => L = CheckFactor("L2", nameof(l), l);

    public double L { get; }

    public override Tensor Penalty(Tensor weight)
    {
        CheckWeight(weight);
        return weight.Square().Sum().Mul(L);
    }

    public override string ToString() => $"L2(l={L})";
}
