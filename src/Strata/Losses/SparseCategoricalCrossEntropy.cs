namespace Strata.Losses;

/// <summary>
/// Cross-entropy against integer class labels (Keras <c>SparseCategoricalCrossentropy</c>, PyTorch
/// <c>CrossEntropyLoss</c> with class indices): yPred is [N, C] (or [N, ..., C], classes last, averaged per sample
/// over the middle dimensions) and yTrue int32/int64 labels [N] (or yPred's shape without the class dimension; a
/// trailing dimension of 1 is accepted). For probabilities, each row is rescaled to sum to 1 and clipped to
/// [1e-7, 1 − 1e-7] before the log (as Keras 3); with <c>fromLogits</c> the fused log-softmax cross-entropy is used.
/// <para>
/// Labels equal to <c>ignoreIndex</c> contribute 0 and are left out of the mean (PyTorch's <c>ignore_index</c>; a
/// batch where every label is ignored gives NaN, as PyTorch). <c>classWeight</c> ([C]) follows PyTorch's
/// <c>weight=</c>: a label y's loss is multiplied by w_y and the mean divides by Σ w_y over the kept labels instead of
/// by N. <c>sampleWeight</c> is Keras' instead: it multiplies each sample's loss and does not change the divisor.
/// </para>
/// </summary>
public sealed class SparseCategoricalCrossEntropy : Loss
{
    private readonly double[]? _classWeight;

    public SparseCategoricalCrossEntropy(bool fromLogits = false, int? ignoreIndex = null, Tensor? classWeight = null, Reduction reduction = Reduction.Mean)
        : this(fromLogits, ignoreIndex, LossInputs.ClassWeight(nameof(SparseCategoricalCrossEntropy), classWeight), reduction) { }

    /// <summary>With per-class weights given as an array.</summary>
    public SparseCategoricalCrossEntropy(double[] classWeight, bool fromLogits = false, int? ignoreIndex = null, Reduction reduction = Reduction.Mean)
        : this(fromLogits, ignoreIndex, LossInputs.ClassWeight(nameof(SparseCategoricalCrossEntropy), classWeight), reduction) { }

    private SparseCategoricalCrossEntropy(bool fromLogits, int? ignoreIndex, double[]? classWeight, Reduction reduction) : base(reduction)
    {
        FromLogits = fromLogits;
        IgnoreIndex = ignoreIndex;
        _classWeight = classWeight;
    }

    public bool FromLogits { get; }

    /// <summary>The label value that is skipped, or null when every label must be a class index.</summary>
    public int? IgnoreIndex { get; }

    /// <summary>The per-class weights, or null.</summary>
    public IReadOnlyList<double>? ClassWeight => _classWeight;

    public override string Name => "sparse_categorical_crossentropy";

    public override Tensor Forward(Tensor yPred, Tensor yTrue, Tensor? sampleWeight = null)
    {
        const string loss = nameof(SparseCategoricalCrossEntropy);
        LossInputs.CheckPrediction(loss, yPred, 2, "scores [N, C] (or [N, ..., C])");
        ArgumentNullException.ThrowIfNull(yTrue);
        var predShape = yPred.Shape.ToArray();
        var expected = predShape[..^1];
        var labelShape = yTrue.Shape.ToArray();
        bool shapeOk = labelShape.AsSpan().SequenceEqual(expected) || (labelShape.Length == predShape.Length && labelShape[^1] == 1 && labelShape[..^1].AsSpan().SequenceEqual(expected));
        if (yTrue.DType is not (DType.Int32 or DType.Int64) || !shapeOk)
            throw new ArgumentException($"{loss}: yTrue must be int labels [{string.Join(", ", expected)}] for yPred {yPred.Shape}, got {yTrue.DType.Name()} of shape {yTrue.Shape}" +
                (yTrue.DType.IsFloating() && yTrue.Shape == yPred.Shape ? "; use CategoricalCrossEntropy for one-hot targets." : "."));
        int n = yPred.Size(0), c = yPred.Size(-1);
        LossInputs.CheckClassCount(loss, _classWeight, c, yPred);

        // Labels are checked on the host, which also gives the divisor of the weighted mean.
        var labels = yTrue.ToArray<long>();
        double kept = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            long y = labels[i];
            if (IgnoreIndex is int ig && y == ig) continue;
            if (y < 0 || y >= c)
                throw new ArgumentOutOfRangeException(nameof(yTrue), $"{loss}: label {y} at position {i} is out of range for {c} classes (valid: 0..{c - 1}{(IgnoreIndex is int k ? $", or ignoreIndex {k}" : "")}).");
            kept += _classWeight?[y] ?? 1;
        }
        var target = Tensor.FromArray(labels, labels.Length);
        var rowsP = LossInputs.Rows(yPred);
        var w = _classWeight is null ? null : Tensor.FromArray(_classWeight).To(yPred.DType);
        int ignore = IgnoreIndex ?? -100; // never a label here when IgnoreIndex is null: every label was range-checked
        var perRow = FromLogits
            ? Functional.CrossEntropy(rowsP, target, w, Reduction.None, ignore)
            : Functional.NllLoss(rowsP.Div(rowsP.Sum(-1, keepDim: true)).Clamp(LossInputs.Epsilon, 1 - LossInputs.Epsilon).Log(), target, w, Reduction.None, ignore);
        double? denominator = (_classWeight is not null || IgnoreIndex is not null) && n > 0 ? kept / (labels.Length / n) : null;
        return Reduce(LossInputs.RowsToSamples(perRow, n), sampleWeight, denominator);
    }
}
