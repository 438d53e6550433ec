namespace Strata.Metrics;

/// <summary>
/// F1 score: the harmonic mean of precision and recall (2tp / (2tp + fp + fn)), per class then averaged (<c>keras.metrics.F1Score</c>, scikit-learn <c>f1_score</c>).
/// Binary for [N] / [N, 1] probabilities (or logits) or two classes; multiclass with <c>average</c> otherwise.
/// See <see cref="ClassScoreMetric"/> for the accepted inputs.
/// </summary>
public sealed class F1Score : ClassScoreMetric
{
    /// <param name="average">Multiclass averaging; null: the positive class's value for two classes, macro otherwise.</param>
    /// <param name="numClasses">Fixes the class count (otherwise taken from the scores' width or the largest class index).</param>
    /// <param name="threshold">Probability above which a binary prediction is positive.</param>
    /// <param name="fromLogits">Binary predictions are logits (positive above 0 for the default threshold).</param>
    /// <param name="name">Name in logs and history; default "f1", or "f1_macro" etc. when an average is given.</param>
    public F1Score(Average? average = null, int? numClasses = null, double threshold = 0.5, bool fromLogits = false, string? name = null)
        : base(ScoreKind.F1, "f1", average, numClasses, threshold, fromLogits, name)
    {
    }
}
