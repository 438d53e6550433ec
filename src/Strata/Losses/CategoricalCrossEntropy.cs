using Strata.Autograd;

namespace Strata.Losses;

/// <summary>
/// Cross-entropy against one-hot or soft targets (Keras <c>CategoricalCrossentropy</c>): −Σ t·log p over the last
/// (class) dimension of yPred [N, C] (or [N, ..., C], averaged per sample over the middle dimensions). For
/// probabilities, each row is rescaled to sum to 1 and clipped to [1e-7, 1 − 1e-7] before the log (as Keras); with
/// <c>fromLogits</c> the fused log-softmax of <see cref="Functional.CrossEntropy"/> is used. <c>labelSmoothing</c>
/// mixes the targets with the uniform distribution: t·(1 − s) + s / C.
/// <para>
/// <c>classWeight</c> ([C]) follows PyTorch's <c>weight=</c>: a row's loss becomes −Σ w_c·t_c·log p_c, and the mean
/// divides by the total class weight of the (unsmoothed) targets, Σ_rows Σ_c w_c·t_c, instead of by N, so a one-hot
/// batch gives exactly PyTorch's weighted cross-entropy. <c>sampleWeight</c> is Keras' instead: it multiplies each
/// sample's loss and does not change the divisor. Reduction.None returns the class-weighted per-sample losses.
/// </para>
/// </summary>
public sealed class CategoricalCrossEntropy : Loss
{
    private readonly double[]? _classWeight;

    public CategoricalCrossEntropy(bool fromLogits = false, double labelSmoothing = 0, Tensor? classWeight = null, Reduction reduction = Reduction.Mean)
        : this(fromLogits, labelSmoothing, LossInputs.ClassWeight(nameof(CategoricalCrossEntropy), classWeight), reduction) { }

    /// <summary>With per-class weights given as an array.</summary>
    public CategoricalCrossEntropy(double[] classWeight, bool fromLogits = false, double labelSmoothing = 0, Reduction reduction = Reduction.Mean)
        : this(fromLogits, labelSmoothing, LossInputs.ClassWeight(nameof(CategoricalCrossEntropy), classWeight), reduction) { }

    private CategoricalCrossEntropy(bool fromLogits, double labelSmoothing, double[]? classWeight, Reduction reduction) : base(reduction)
    {
        LossInputs.CheckLabelSmoothing(nameof(CategoricalCrossEntropy), labelSmoothing);
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
        _classWeight = classWeight;
    }

    public bool FromLogits { get; }
    public double LabelSmoothing { get; }

    /// <summary>The per-class weights, or null.</summary>
    public IReadOnlyList<double>? ClassWeight => _classWeight;

    public override string Name => "categorical_crossentropy";

    public override Tensor Forward(Tensor yPred, Tensor yTrue, Tensor? sampleWeight = null)
    {
        const string loss = nameof(CategoricalCrossEntropy);
        LossInputs.CheckPrediction(loss, yPred, 2, "scores [N, C] (or [N, ..., C])");
        ArgumentNullException.ThrowIfNull(yTrue);
        if (!yTrue.DType.IsFloating() && yTrue.Rank == yPred.Rank - 1)
            throw new ArgumentException($"{loss}: yTrue must be one-hot or probabilities of yPred's shape {yPred.Shape}, got {yTrue.DType.Name()} labels of shape {yTrue.Shape}; use SparseCategoricalCrossEntropy for integer labels.");
        var t = LossInputs.Target(loss, yPred, yTrue, " (targets must be one-hot or probabilities, one entry per class)");
        int n = yPred.Size(0), c = yPred.Size(-1);
        LossInputs.CheckClassCount(loss, _classWeight, c, yPred);
        var rowsP = LossInputs.Rows(yPred);
        var rowsT = LossInputs.Rows(t);
        var w = _classWeight is null ? null : Tensor.FromArray(_classWeight).To(yPred.DType);
        Tensor perRow;
        if (FromLogits) perRow = Functional.CrossEntropy(rowsP, rowsT, w, Reduction.None, labelSmoothing: LabelSmoothing);
        else
        {
            var p = rowsP.Div(rowsP.Sum(-1, keepDim: true)).Clamp(LossInputs.Epsilon, 1 - LossInputs.Epsilon);
            var ts = LabelSmoothing > 0 ? rowsT.Mul(1 - LabelSmoothing).Add(LabelSmoothing / c) : rowsT;
            var term = ts.Mul(p.Log());
            if (w is not null) term = term.Mul(w);
            perRow = term.Sum(-1).Neg();
        }
        double? denominator = null;
        if (w is not null && n > 0)
        {
            using (GradMode.NoGrad())
                denominator = rowsT.Mul(w).Sum().Item() / (rowsP.Size(0) / n);
        }
        return Reduce(LossInputs.RowsToSamples(perRow, n), sampleWeight, denominator);
    }
}
