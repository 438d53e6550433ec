namespace Strata.Losses;

/// <summary>
/// Binary cross-entropy (Keras <c>BinaryCrossentropy</c>): −[t·log p + (1 − t)·log(1 − p)] per element, averaged
/// per sample over the non-batch dimensions. Probabilities are clipped to [1e-7, 1 − 1e-7] first (Keras' epsilon),
/// so a saturated prediction gives a large finite loss and a zero gradient. With <c>fromLogits</c> yPred holds logits
/// and the fused, overflow-free <see cref="Functional.BinaryCrossEntropyWithLogits"/> is used instead.
/// <c>labelSmoothing</c> moves the targets towards ½: t·(1 − s) + s/2.
/// </summary>
public sealed class BinaryCrossEntropy : Loss
{
    public BinaryCrossEntropy(bool fromLogits = false, double labelSmoothing = 0, Reduction reduction = Reduction.Mean) : base(reduction)
    {
        LossInputs.CheckLabelSmoothing(nameof(BinaryCrossEntropy), labelSmoothing);
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
    }

    public bool FromLogits { get; }
    public double LabelSmoothing { get; }

    public override string Name => "binary_crossentropy";

    public override Tensor Forward(Tensor yPred, Tensor yTrue, Tensor? sampleWeight = null)
    {
        LossInputs.CheckPrediction(nameof(BinaryCrossEntropy), yPred, 1, "[N, ...]");
        var t = LossInputs.Target(nameof(BinaryCrossEntropy), yPred, yTrue);
        if (LabelSmoothing > 0) t = t.Mul(1 - LabelSmoothing).Add(0.5 * LabelSmoothing);
        Tensor elementwise;
        if (FromLogits) elementwise = Functional.BinaryCrossEntropyWithLogits(yPred, t, reduction: Reduction.None);
        else
        {
            var p = yPred.Clamp(LossInputs.Epsilon, 1 - LossInputs.Epsilon);
            var positive = t.Mul(p.Log());
            var negative = t.Affine(-1, 1).Mul(p.Affine(-1, 1).Log());
            elementwise = positive.Add(negative).Neg();
        }
        return Reduce(LossInputs.MeanPerSample(elementwise), sampleWeight);
    }
}
