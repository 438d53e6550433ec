namespace Strata.Metrics;

/// <summary>
/// Precision: of the samples predicted as a class, the fraction that truly are (tp / (tp + fp))
/// (<c>keras.metrics.Precision</c>, scikit-learn <c>precision_score</c>).
/// Binary for [N] / [N, 1] probabilities (or logits) or two classes; multiclass with <c>average</c> otherwise.
/// See <see cref="ClassScoreMetric"/> for the accepted inputs.
/// </summary>
public sealed class Precision : ClassScoreMetric
{
    /// <param name="average">Multiclass averaging; null: the positive class's value for two classes, macro otherwise.</param>
    /// <param name="numClasses">Fixes the class count (otherwise taken from the scores' width or the largest class index).</param>
    /// <param name="threshold">Probability above which a binary prediction is positive.</param>
    /// <param name="fromLogits">Binary predictions are logits (positive above 0 for the default threshold).</param>
    /// <param name="name">Name in logs and history; default "precision", or "precision_macro" etc. when an average is given.</param>
    public Precision(Average? average = null, int? numClasses = null, double threshold = 0.5, bool fromLogits = false, string? name = null)
        : base(ScoreKind.Precision, "precision", average, numClasses, threshold, fromLogits, name)
    {
    }
}
