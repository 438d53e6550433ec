namespace Strata.Metrics;

/// <summary>Receiver operating characteristic of a binary scorer, on plain arrays (scikit-learn's <c>roc_curve</c> and <c>roc_auc_score</c>).</summary>
public static class Roc
{
    /// <summary>
    /// The ROC curve: false and true positive rates when samples scoring at least <c>Thresholds[i]</c> are called
    /// positive, thresholds decreasing. The curve starts at (0, 0) with threshold +∞ (current scikit-learn; versions
    /// before 1.3 used max score + 1). Tied scores give one point.
    /// </summary>
    /// <param name="scores">One score per sample; higher means more likely positive.</param>
    /// <param name="labels">0 (negative) or 1 (positive) per sample; both must occur.</param>
    /// <param name="dropIntermediate">Drop points collinear with their neighbours (scikit-learn's default); they do not change the curve's shape or area.</param>
    public static (double[] Fpr, double[] Tpr, double[] Thresholds) Curve(IReadOnlyList<double> scores, IReadOnlyList<int> labels, bool dropIntermediate = true)
    {
        var c = BinaryCurve.Compute("Roc.Curve", scores, labels);
        RequireBothClasses("Roc.Curve", c);
        var keep = new List<int>();
        int m = c.Fps.Length;
        for (int i = 0; i < m; i++)
        {
            bool corner = i == 0 || i == m - 1 ||
                c.Fps[i - 1] - 2 * c.Fps[i] + c.Fps[i + 1] != 0 || c.Tps[i - 1] - 2 * c.Tps[i] + c.Tps[i + 1] != 0;
            if (!dropIntermediate || m <= 2 || corner) keep.Add(i);
        }
        var fpr = new double[keep.Count + 1];
        var tpr = new double[keep.Count + 1];
        var thresholds = new double[keep.Count + 1];
        thresholds[0] = double.PositiveInfinity;
        for (int k = 0; k < keep.Count; k++)
        {
            fpr[k + 1] = c.Fps[keep[k]] / c.Negatives;
            tpr[k + 1] = c.Tps[keep[k]] / c.Positives;
            thresholds[k + 1] = c.Thresholds[keep[k]];
        }
        return (fpr, tpr, thresholds);
    }

    /// <summary>
    /// Area under the ROC curve by the trapezoidal rule over every distinct score; equals the probability that a
    /// random positive outscores a random negative, ties counting one half.
    /// </summary>
    /// <param name="scores">One score per sample; higher means more likely positive.</param>
    /// <param name="labels">0 or 1 per sample; both must occur (the AUC is undefined otherwise).</param>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<int> labels)
    {
        var c = BinaryCurve.Compute("Roc.Auc", scores, labels);
        RequireBothClasses("Roc.Auc", c);
        double area = 0, prevFp = 0, prevTp = 0;
        for (int i = 0; i < c.Fps.Length; i++)
        {
            area += (c.Fps[i] - prevFp) * (c.Tps[i] + prevTp) / 2;
            prevFp = c.Fps[i];
            prevTp = c.Tps[i];
        }
        return area / (c.Positives * c.Negatives);
    }

    private static void RequireBothClasses(string op, BinaryCurve c)
    {
        if (c.Positives == 0 || c.Negatives == 0)
            throw new ArgumentException($"{op}: the labels hold only class {(c.Positives == 0 ? 0 : 1)}; ROC needs both positive and negative samples.");
    }
}
