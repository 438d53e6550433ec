namespace Strata.NN.Regularizers;

/// <summary>Keras <c>L1L2</c>: penalty l1·Σ|w| + l2·Σw²; both factors default to 0 as in Keras.</summary>
public sealed class L1L2 : Regularizer
{
    public L1L2(double l1 = 0.0, double l2 = 0.0)
    {
        L1 = CheckFactor("L1L2", nameof(l1), l1);
        L2 = CheckFactor("L1L2", nameof(l2), l2);
    }

    public double L1 { get; }

    public double L2 { get; }

    public override Tensor Penalty(Tensor weight)
    {
        CheckWeight(weight);
        var l1 = weight.Abs().Sum().Mul(L1);
        var l2 = weight.Square().Sum().Mul(L2);
        return l1.Add(l2);
    }

    public override string ToString() => $"L1L2(l1={L1}, l2={L2})";
}
