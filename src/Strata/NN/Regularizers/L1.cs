namespace Strata.NN.Regularizers;

/// <summary>
/// Keras <c>L1</c>: penalty l·Σ|w|. The factor is named <c>l</c> (not Keras' <c>l1</c>) because a C# class cannot have a
/// member with its own name.
/// </summary>
public sealed class L1 : Regularizer
{
    /// <param name="l">The factor (Keras default 0.01).</param>
    public L1(double l = 0.01) => L = CheckFactor("L1", nameof(l), l);

    public double L { get; }

    public override Tensor Penalty(Tensor weight)
    {
        CheckWeight(weight);
        return weight.Abs().Sum().Mul(L);
    }

    public override string ToString() => $"L1(l={L})";
}
