namespace Strata.Metrics;

/// <summary>Classification summaries on plain label arrays (no tensors), as scikit-learn's <c>confusion_matrix</c> and <c>classification_report</c>.</summary>
public static class Classification
{
    /// <summary>Counts [true class, predicted class] over the samples.</summary>
    /// <param name="yTrue">True class index of each sample, in [0, numClasses).</param>
    /// <param name="yPred">Predicted class index of each sample, in [0, numClasses).</param>
    /// <param name="numClasses">Number of classes (the matrix is numClasses × numClasses).</param>
    public static long[,] ConfusionMatrix(IReadOnlyList<int> yTrue, IReadOnlyList<int> yPred, int numClasses)
    {
        if (numClasses < 1)
            throw new ArgumentOutOfRangeException(nameof(numClasses), $"Classification.ConfusionMatrix: numClasses must be positive, got {numClasses}.");
        Check("Classification.ConfusionMatrix", yTrue, yPred, numClasses);
        var m = new long[numClasses, numClasses];
        for (int i = 0; i < yTrue.Count; i++) m[yTrue[i], yPred[i]]++;
        return m;
    }

    /// <summary>
    /// Per-class precision, recall, F1 and support, accuracy, and macro / weighted averages.
    /// </summary>
    /// <param name="yTrue">True class index of each sample.</param>
    /// <param name="yPred">Predicted class index of each sample.</param>
    /// <param name="classNames">Names of classes 0 … n−1 (every class gets a row, seen or not). Without names the
    /// rows are the classes that occur in either array, named by their index (as scikit-learn).</param>
    public static ClassificationReport Report(IReadOnlyList<int> yTrue, IReadOnlyList<int> yPred, IReadOnlyList<string>? classNames = null)
    {
        const string op = "Classification.Report";
        Check(op, yTrue, yPred, classNames?.Count ?? 0);
        if (yTrue.Count == 0) throw new ArgumentException($"{op}: no samples.");
        int[] labels = classNames is not null
            ? Enumerable.Range(0, classNames.Count).ToArray()
            : yTrue.Concat(yPred).Distinct().Order().ToArray();
        var index = new Dictionary<int, int>();
        for (int i = 0; i < labels.Length; i++) index[labels[i]] = i;
        var m = new long[labels.Length, labels.Length];
        for (int i = 0; i < yTrue.Count; i++) m[index[yTrue[i]], index[yPred[i]]]++;

        var s = new ClassScores(m);
        var rows = new ClassReportRow[labels.Length];
        for (int c = 0; c < labels.Length; c++)
            rows[c] = new ClassReportRow(classNames?[c] ?? labels[c].ToString(), s.Precision[c], s.Recall[c], s.F1[c], s.Support[c]);
        ClassReportRow Averaged(string name, Average a) => new(name,
            s.Averaged(s.Precision, a, ScoreKind.Precision), s.Averaged(s.Recall, a, ScoreKind.Recall), s.Averaged(s.F1, a, ScoreKind.F1), s.Total);
        return new ClassificationReport(rows, s.Accuracy, Averaged("macro avg", Average.Macro), Averaged("weighted avg", Average.Weighted));
    }

    private static void Check(string op, IReadOnlyList<int> yTrue, IReadOnlyList<int> yPred, int numClasses)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (yTrue.Count != yPred.Count)
            throw new ArgumentException($"{op}: yTrue has {yTrue.Count} labels but yPred has {yPred.Count}.");
        for (int i = 0; i < yTrue.Count; i++)
        {
            if (yTrue[i] < 0 || (numClasses > 0 && yTrue[i] >= numClasses))
                throw new ArgumentException($"{op}: yTrue[{i}] = {yTrue[i]} is not a class index in [0, {(numClasses > 0 ? numClasses.ToString() : "∞")}).");
            if (yPred[i] < 0 || (numClasses > 0 && yPred[i] >= numClasses))
                throw new ArgumentException($"{op}: yPred[{i}] = {yPred[i]} is not a class index in [0, {(numClasses > 0 ? numClasses.ToString() : "∞")}).");
        }
    }
}
