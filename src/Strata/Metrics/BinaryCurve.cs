namespace Strata.Metrics;

/// <summary>
/// Cumulative true and false positives at each distinct score, highest first (scikit-learn's
/// <c>_binary_clf_curve</c>): thresholding at <c>Thresholds[i]</c> (score ≥ threshold is positive) gives
/// <c>Tps[i]</c> true and <c>Fps[i]</c> false positives. Tied scores form one point, which is what makes ROC and
/// PR curves exact under ties.
/// </summary>
internal sealed class BinaryCurve
{
    private BinaryCurve(double[] fps, double[] tps, double[] thresholds)
    {
        Fps = fps;
        Tps = tps;
        Thresholds = thresholds;
    }

    public double[] Fps { get; }
    public double[] Tps { get; }
    public double[] Thresholds { get; }

    public double Positives => Tps[^1];
    public double Negatives => Fps[^1];

    public static BinaryCurve Compute(string op, IReadOnlyList<double> scores, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(labels);
        int n = scores.Count;
        if (labels.Count != n)
            throw new ArgumentException($"{op}: {n} scores but {labels.Count} labels; they must pair up.");
        if (n == 0) throw new ArgumentException($"{op}: no samples.");
        var keys = new double[n];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            if (double.IsNaN(scores[i])) throw new ArgumentException($"{op}: score {i} is NaN.");
            if (labels[i] is not (0 or 1)) throw new ArgumentException($"{op}: label {i} is {labels[i]}; labels must be 0 (negative) or 1 (positive).");
            keys[i] = -scores[i];
            order[i] = i;
        }
        Array.Sort(keys, order);

        var fps = new List<double>();
        var tps = new List<double>();
        var thresholds = new List<double>();
        double tp = 0, fp = 0;
        for (int i = 0; i < n; i++)
        {
            if (labels[order[i]] == 1) tp++;
            else fp++;
            if (i == n - 1 || keys[i + 1] != keys[i])
            {
                tps.Add(tp);
                fps.Add(fp);
                thresholds.Add(scores[order[i]]);
            }
        }
        return new BinaryCurve(fps.ToArray(), tps.ToArray(), thresholds.ToArray());
    }
}
