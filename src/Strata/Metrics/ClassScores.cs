namespace Strata.Metrics;

/// <summary>
/// Per-class precision, recall and F1 read off a confusion matrix (rows: true class, columns: predicted class),
/// and their averages. A ratio whose denominator is zero is 0, as scikit-learn's <c>zero_division=0</c> and Keras.
/// </summary>
internal sealed class ClassScores
{
    public ClassScores(long[,] matrix)
    {
        int c = matrix.GetLength(0);
        TruePositives = new long[c];
        Predicted = new long[c];
        Support = new long[c];
        for (int i = 0; i < c; i++)
        {
            TruePositives[i] = matrix[i, i];
            for (int j = 0; j < c; j++)
            {
                Support[i] += matrix[i, j];
                Predicted[j] += matrix[i, j];
            }
        }
        Precision = new double[c];
        Recall = new double[c];
        F1 = new double[c];
        for (int i = 0; i < c; i++)
        {
            Precision[i] = Ratio(TruePositives[i], Predicted[i]);
            Recall[i] = Ratio(TruePositives[i], Support[i]);
            // 2tp / (2tp + fp + fn) equals 2PR / (P + R) and is 0, not NaN, when the class never occurs.
            F1[i] = Ratio(2 * TruePositives[i], Predicted[i] + Support[i]);
        }
    }

    public long[] TruePositives { get; }

    /// <summary>Samples predicted as each class (tp + fp).</summary>
    public long[] Predicted { get; }

    /// <summary>Samples whose true class is each class (tp + fn).</summary>
    public long[] Support { get; }

    public double[] Precision { get; }
    public double[] Recall { get; }
    public double[] F1 { get; }

    public long Total => Support.Sum();

    public double Accuracy => Ratio(TruePositives.Sum(), Total);

    /// <summary>Combines per-class values; micro-averaging needs the totals, so it is chosen by which score.</summary>
    public double Averaged(double[] perClass, Average average, ScoreKind kind)
    {
        switch (average)
        {
            case Average.Micro:
                long tp = TruePositives.Sum(), predicted = Predicted.Sum(), support = Support.Sum();
                return kind switch
                {
                    ScoreKind.Precision => Ratio(tp, predicted),
                    ScoreKind.Recall => Ratio(tp, support),
                    _ => Ratio(2 * tp, predicted + support),
                };
            case Average.Weighted:
                double sum = 0;
                for (int i = 0; i < perClass.Length; i++) sum += perClass[i] * Support[i];
                return Ratio(sum, Total);
            default:
                return perClass.Length == 0 ? 0 : perClass.Average();
        }
    }

    public double[] Of(ScoreKind kind) => kind switch
    {
        ScoreKind.Precision => Precision,
        ScoreKind.Recall => Recall,
        _ => F1,
    };

    private static double Ratio(double num, double den) => den == 0 ? 0 : num / den;
}
