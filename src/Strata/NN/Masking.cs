namespace Strata.NN;

/// <summary>
/// Keras <c>Masking</c>: marks the time steps of [N, T, features] whose features all equal <see cref="MaskValue"/>
/// as padding, zeroes them, and emits the mask ([N, T] bool, true = real step) for the layers that follow.
/// </summary>
public sealed class Masking : Module
{
    public Masking(double maskValue = 0.0)
    {
        if (double.IsNaN(maskValue)) throw new ArgumentException("Masking: maskValue must not be NaN (NaN never compares equal).");
        MaskValue = maskValue;
    }

    public double MaskValue { get; }

    public override bool SupportsMasking => true;

    public override Tensor Forward(Tensor x) => Forward(x, null);

    public override Tensor Forward(Tensor x, Tensor? mask)
    {
        var own = StepMask(x);
        var keep = mask is null ? own : own.LogicalAnd(mask);
        return x * keep.Unsqueeze(-1).To(x.DType);
    }

    /// <summary>The step mask of the input, combined (AND) with an incoming mask.</summary>
    public override Tensor? ComputeMask(Tensor input, Tensor? mask)
    {
        var own = StepMask(input);
        return mask is null ? own : own.LogicalAnd(mask);
    }

    private Tensor StepMask(Tensor x)
    {
        if (x.Shape.Rank != 3 || !x.DType.IsFloating())
            throw new ArgumentException($"Masking: expects a floating-point input [N, T, features], got {x.DType} {x.Shape}.");
        return x.Ne(MaskValue).To(x.DType).Max(-1).Ne(0);
    }

    public override string ToString() => $"Masking(maskValue={MaskValue})";
}
