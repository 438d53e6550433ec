using Strata.Autograd;

namespace Strata.Metrics;

/// <summary>
/// Turns the (yPred, yTrue) tensors a metric receives into plain host arrays, checking shapes and values so that a
/// mistake is reported with the metric's name and the offending shape or value instead of a wrong number.
/// </summary>
internal static class MetricInputs
{
    /// <summary>A host copy of every element, read without recording a graph; the tensor is not retained.</summary>
    public static double[] Read(Tensor t)
    {
        using (GradMode.NoGrad()) return t.ToArray<double>();
    }

    public static string Describe(Tensor t) => $"{t.DType.Name()} tensor of shape {t.Shape}";

    /// <summary>Validates a binary decision threshold given as a probability.</summary>
    public static double CheckThreshold(string metric, double threshold)
    {
        if (!(threshold >= 0 && threshold <= 1))
            throw new ArgumentOutOfRangeException(nameof(threshold), $"{metric}: threshold must be a probability in [0, 1], got {threshold}.");
        return threshold;
    }

    /// <summary>
    /// Reduces a classification batch to class indices. Predictions: [N, C] scores (C ≥ 2) → argmax; [N] or [N, 1]
    /// floating values → binary, positive when above <paramref name="threshold"/> (a probability; with
    /// <paramref name="fromLogits"/> the logit is compared with logit(threshold), i.e. 0 for 0.5); [N] or [N, 1]
    /// integers → class indices as given. Targets: class indices ([N] or [N, 1], integer or integral floats), or
    /// one-hot / probability rows [N, C] (argmax).
    /// </summary>
    public static ClassBatch Classes(string metric, Tensor yPred, Tensor yTrue, double threshold, bool fromLogits, int numClasses = 0)
    {
        int n = SampleCount(metric, yPred, yTrue);
        var p = Read(yPred);
        int columns = yPred.Rank == 2 ? yPred.Size(1) : 1;
        if (!yPred.DType.IsFloating() && columns != 1)
            throw new ArgumentException($"{metric}: integer predictions must be class indices of shape [N] or [N, 1], got a {Describe(yPred)}.");

        int[] pred = new int[n];
        int classes;
        if (columns >= 2)
        {
            classes = columns;
            if (numClasses > 0 && numClasses != columns)
                throw new ArgumentException($"{metric}: configured for {numClasses} classes but yPred has {columns} columns ({Describe(yPred)}).");
            for (int i = 0; i < n; i++) pred[i] = ArgMax(p, i * columns, columns);
        }
        else if (columns == 1 && yPred.DType.IsFloating())
        {
            if (numClasses > 0 && numClasses != 2)
                throw new ArgumentException($"{metric}: configured for {numClasses} classes but yPred holds one binary score per sample ({Describe(yPred)}).");
            classes = 2;
            double cut = fromLogits ? Math.Log(threshold / (1 - threshold)) : threshold;
            for (int i = 0; i < n; i++)
            {
                if (double.IsNaN(p[i])) throw new ArgumentException($"{metric}: yPred[{i}] is NaN.");
                pred[i] = p[i] > cut ? 1 : 0;
            }
        }
        else if (columns == 1)
        {
            classes = 0;
            for (int i = 0; i < n; i++)
            {
                if (p[i] < 0 || (numClasses > 0 && p[i] >= numClasses))
                    throw new ArgumentException($"{metric}: predicted class yPred[{i}] = {p[i]} is not a class index in [0, {(numClasses > 0 ? numClasses.ToString() : "∞")}).");
                pred[i] = (int)p[i];
            }
        }
        else throw new ArgumentException($"{metric}: yPred has no columns ({Describe(yPred)}).");

        bool binary = classes == 2 && columns == 1;
        var labels = Labels(metric, yTrue, n, classes > 0 ? classes : numClasses,
            binary ? $"a binary target, 0 or 1 (yPred is a {Describe(yPred)} of binary scores)" : null);
        return new ClassBatch(labels, pred, classes > 0 ? classes : numClasses);
    }

    /// <summary>
    /// Target class indices: [N] or [N, 1] integers (or floats holding integers), or [N, C] one-hot / probability
    /// rows reduced by argmax. <paramref name="numClasses"/> (0 = unknown) bounds the indices;
    /// <paramref name="expected"/> says what a valid target is in the error message (default: a class index in range).
    /// </summary>
    public static int[] Labels(string metric, Tensor yTrue, int n, int numClasses, string? expected = null)
    {
        var t = Read(yTrue);
        int columns = yTrue.Rank == 2 ? yTrue.Size(1) : 1;
        var labels = new int[n];
        if (columns >= 2)
        {
            if (numClasses > 0 && columns != numClasses)
                throw new ArgumentException($"{metric}: yTrue has {columns} columns ({Describe(yTrue)}) but there are {numClasses} classes.");
            for (int i = 0; i < n; i++) labels[i] = ArgMax(t, i * columns, columns);
            return labels;
        }
        for (int i = 0; i < n; i++)
        {
            double v = t[i];
            if (v != Math.Floor(v) || v < 0 || (numClasses > 0 && v >= numClasses) || v > int.MaxValue)
                throw new ArgumentException($"{metric}: yTrue[{i}] = {v} is not {expected ?? $"a class index in [0, {(numClasses > 0 ? numClasses.ToString() : "∞")})"} ({Describe(yTrue)}).");
            labels[i] = (int)v;
        }
        return labels;
    }

    /// <summary>
    /// Scores for ranking metrics (ROC/PR AUC): [N] or [N, 1] → one binary score per sample with 0/1 targets;
    /// [N, C] → one score per class with class-index or one-hot targets.
    /// </summary>
    public static (double[] Scores, int Columns, int[] Labels) Scores(string metric, Tensor yPred, Tensor yTrue)
    {
        int n = SampleCount(metric, yPred, yTrue);
        if (!yPred.DType.IsFloating())
            throw new ArgumentException($"{metric}: yPred must hold floating-point scores, got a {Describe(yPred)}.");
        int columns = yPred.Rank == 2 ? yPred.Size(1) : 1;
        if (columns == 0) throw new ArgumentException($"{metric}: yPred has no columns ({Describe(yPred)}).");
        var scores = Read(yPred);
        for (int i = 0; i < scores.Length; i++)
            if (double.IsNaN(scores[i])) throw new ArgumentException($"{metric}: yPred holds NaN at flat index {i} ({Describe(yPred)}).");
        var labels = Labels(metric, yTrue, n, columns == 1 ? 2 : columns,
            columns == 1 ? $"a binary target, 0 or 1 (yPred is a {Describe(yPred)} of binary scores)" : null);
        return (scores, columns, labels);
    }

    /// <summary>Checks a regression pair and returns the number of outputs per sample (the product of the trailing dims).</summary>
    public static int RegressionOutputs(string metric, Tensor yPred, Tensor yTrue)
    {
        // [N] and [N, 1] hold the same values; Keras squeezes the trailing 1 instead of broadcasting to [N, N].
        var a = StripTrailingOnes(yPred.Shape.ToArray());
        var b = StripTrailingOnes(yTrue.Shape.ToArray());
        if (!a.AsSpan().SequenceEqual(b))
            throw new ArgumentException($"{metric}: yPred ({Describe(yPred)}) and yTrue ({Describe(yTrue)}) must have the same shape.");
        if (yPred.Rank == 0) return 1;
        long outputs = yPred.Numel / Math.Max(1, yPred.Size(0));
        return (int)Math.Max(1, outputs);
    }

    private static int[] StripTrailingOnes(int[] shape)
    {
        int r = shape.Length;
        while (r > 1 && shape[r - 1] == 1) r--;
        return shape[..r];
    }

    private static int SampleCount(string metric, Tensor yPred, Tensor yTrue)
    {
        if (yPred.Rank is < 1 or > 2)
            throw new ArgumentException($"{metric}: yPred must be [N] or [N, 1] (binary) or [N, C] (class scores), got a {Describe(yPred)}.");
        if (yTrue.Rank is < 1 or > 2)
            throw new ArgumentException($"{metric}: yTrue must be [N] / [N, 1] class indices or [N, C] one-hot rows, got a {Describe(yTrue)}.");
        if (yPred.Size(0) != yTrue.Size(0))
            throw new ArgumentException($"{metric}: yPred has {yPred.Size(0)} samples ({Describe(yPred)}) but yTrue has {yTrue.Size(0)} ({Describe(yTrue)}).");
        return yPred.Size(0);
    }

    /// <summary>Index of the first largest value in a row; NaN entries are skipped (numpy would pick them).</summary>
    public static int ArgMax(double[] values, int start, int count)
    {
        int best = 0;
        double bestValue = double.NegativeInfinity;
        bool found = false;
        for (int j = 0; j < count; j++)
        {
            double v = values[start + j];
            if (!found || v > bestValue)
            {
                if (double.IsNaN(v)) continue;
                best = j;
                bestValue = v;
                found = true;
            }
        }
        return best;
    }
}
