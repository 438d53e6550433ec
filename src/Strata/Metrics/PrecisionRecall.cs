namespace Strata.Metrics;

/// <summary>Precision-recall curve and average precision of a binary scorer, on plain arrays (scikit-learn's <c>precision_recall_curve</c> and <c>average_precision_score</c>).</summary>
public static class PrecisionRecall
{
    /// <summary>
    /// Precision and recall when samples scoring at least <c>Thresholds[i]</c> are called positive, thresholds
    /// increasing (one per distinct score). As scikit-learn, <c>Precision</c> and <c>Recall</c> have one more
    /// element than <c>Thresholds</c>: the final point (precision 1, recall 0) has no threshold.
    /// </summary>
    /// <param name="scores">One score per sample; higher means more likely positive.</param>
    /// <param name="labels">0 or 1 per sample; at least one 1 (recall is undefined otherwise).</param>
    public static (double[] Precision, double[] Recall, double[] Thresholds) Curve(IReadOnlyList<double> scores, IReadOnlyList<int> labels)
    {
        var c = BinaryCurve.Compute("PrecisionRecall.Curve", scores, labels);
        RequirePositives("PrecisionRecall.Curve", c);
        int m = c.Tps.Length;
        var precision = new double[m + 1];
        var recall = new double[m + 1];
        var thresholds = new double[m];
        for (int i = 0; i < m; i++)
        {
            int k = m - 1 - i;
            precision[i] = c.Tps[k] / (c.Tps[k] + c.Fps[k]);
            recall[i] = c.Tps[k] / c.Positives;
            thresholds[i] = c.Thresholds[k];
        }
        precision[m] = 1;
        recall[m] = 0;
        return (precision, recall, thresholds);
    }

    /// <summary>
    /// Average precision: Σ (Rₙ − Rₙ₋₁) Pₙ over thresholds from the highest score down (the step-wise area under
    /// the PR curve, no interpolation; scikit-learn's definition).
    /// </summary>
    /// <param name="scores">One score per sample; higher means more likely positive.</param>
    /// <param name="labels">0 or 1 per sample; at least one 1.</param>
    public static double AveragePrecision(IReadOnlyList<double> scores, IReadOnlyList<int> labels)
    {
        var c = BinaryCurve.Compute("PrecisionRecall.AveragePrecision", scores, labels);
        RequirePositives("PrecisionRecall.AveragePrecision", c);
        double ap = 0, prevRecall = 0;
        for (int i = 0; i < c.Tps.Length; i++)
        {
            double recall = c.Tps[i] / c.Positives;
            ap += (recall - prevRecall) * c.Tps[i] / (c.Tps[i] + c.Fps[i]);
            prevRecall = recall;
        }
        return ap;
    }

    private static void RequirePositives(string op, BinaryCurve c)
    {
        if (c.Positives == 0)
            throw new ArgumentException($"{op}: the labels hold no positive (1) sample; recall is undefined.");
    }
}
