namespace Strata.Metrics;

/// <summary>
/// Accumulates a confusion matrix over batches (rows: true class, columns: predicted class, as scikit-learn's
/// <c>confusion_matrix</c>). Accepts the same inputs as <see cref="Accuracy"/>. <see cref="Result"/> is the
/// accuracy read off the matrix (its trace over its total), so the metric can sit in a metrics list;
/// <see cref="Matrix"/> gives the counts.
/// </summary>
public sealed class ConfusionMatrixMetric : Metric
{
    private readonly ConfusionCounts _counts;

    /// <param name="numClasses">Number of classes (the matrix is numClasses × numClasses).</param>
    /// <param name="threshold">Probability above which a binary prediction is positive (numClasses = 2).</param>
    /// <param name="fromLogits">Binary predictions are logits.</param>
    /// <param name="name">Name in logs and history.</param>
    public ConfusionMatrixMetric(int numClasses, double threshold = 0.5, bool fromLogits = false, string name = "confusion_matrix")
    {
        if (numClasses < 2)
            throw new ArgumentOutOfRangeException(nameof(numClasses), $"ConfusionMatrixMetric: numClasses must be at least 2, got {numClasses}.");
        NumClasses = numClasses;
        Threshold = MetricInputs.CheckThreshold(nameof(ConfusionMatrixMetric), threshold);
        FromLogits = fromLogits;
        Name = name;
        _counts = new ConfusionCounts(nameof(ConfusionMatrixMetric), numClasses);
    }

    public override string Name { get; }

    public int NumClasses { get; }

    public double Threshold { get; }

    public bool FromLogits { get; }

    /// <summary>A copy of the counts: [true class, predicted class].</summary>
    public long[,] Matrix => (long[,])_counts.Matrix.Clone();

    public override void Update(Tensor yPred, Tensor yTrue) =>
        _counts.Add(MetricInputs.Classes(nameof(ConfusionMatrixMetric), yPred, yTrue, Threshold, FromLogits, NumClasses));

    /// <summary>Accuracy: the diagonal's share of all counts (0 before any sample).</summary>
    public override double Result() => new ClassScores(_counts.Matrix).Accuracy;

    public override void Reset() => _counts.Reset();
}
