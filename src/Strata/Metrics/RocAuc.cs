namespace Strata.Metrics;

/// <summary>
/// Area under the ROC curve over every sample since the last reset (Keras <c>AUC</c>, but exact: scikit-learn's
/// <c>roc_auc_score</c> on all accumulated scores, ties counting one half, instead of a 200-threshold grid).
/// Binary: [N] or [N, 1] scores (probabilities or logits, the ranking is the same) with 0/1 targets. Multiclass:
/// [N, C] scores with class-index or one-hot targets, one-vs-rest macro average (scikit-learn
/// <c>multi_class="ovr"</c>) over the classes that have both positive and negative samples.
/// </summary>
public sealed class RocAuc : Metric
{
    private readonly ScoreAccumulator _scores;

    /// <param name="name">Name in logs and history.</param>
    public RocAuc(string name = "auc")
    {
        Name = name;
        _scores = new ScoreAccumulator(nameof(RocAuc));
    }

    public override string Name { get; }

    public override void Update(Tensor yPred, Tensor yTrue) => _scores.Add(yPred, yTrue);

    /// <summary>The AUC; NaN while it is undefined (no samples yet, or only one class among the targets).</summary>
    public override double Result() => _scores.OneVsRest(Roc.Auc, needsNegatives: true);

    public override void Reset() => _scores.Reset();
}
