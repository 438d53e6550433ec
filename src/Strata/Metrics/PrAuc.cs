namespace Strata.Metrics;

/// <summary>
/// Average precision (area under the precision-recall curve, scikit-learn's <c>average_precision_score</c>) over
/// every sample since the last reset. Binary: [N] or [N, 1] scores with 0/1 targets. Multiclass: [N, C] scores
/// with class-index or one-hot targets, macro average over the classes that have at least one positive sample.
/// </summary>
public sealed class PrAuc : Metric
{
    private readonly ScoreAccumulator _scores;

    /// <param name="name">Name in logs and history.</param>
    public PrAuc(string name = "pr_auc")
    {
        Name = name;
        _scores = new ScoreAccumulator(nameof(PrAuc));
    }

    public override string Name { get; }

    public override void Update(Tensor yPred, Tensor yTrue) => _scores.Add(yPred, yTrue);

    /// <summary>The average precision; NaN while it is undefined (no samples yet, or no positive target).</summary>
    public override double Result() => _scores.OneVsRest(PrecisionRecall.AveragePrecision, needsNegatives: false);

    public override void Reset() => _scores.Reset();
}
