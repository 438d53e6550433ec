namespace Strata.Metrics;

/// <summary>
/// Keeps every score and label seen since the last reset, so that ranking metrics (ROC AUC, average precision)
/// are exact over the whole epoch rather than approximated from per-batch summaries or a fixed threshold grid.
/// </summary>
internal sealed class ScoreAccumulator
{
    private readonly string _metric;
    private readonly List<double> _scores = new();
    private readonly List<int> _labels = new();
    private int _columns;

    public ScoreAccumulator(string metric) => _metric = metric;

    public int Count => _labels.Count;

    public void Add(Tensor yPred, Tensor yTrue)
    {
        var (scores, columns, labels) = MetricInputs.Scores(_metric, yPred, yTrue);
        if (labels.Length == 0) return;
        if (_columns != 0 && columns != _columns)
            throw new ArgumentException($"{_metric}: this batch has {columns} score column(s) but earlier batches had {_columns}; call Reset() between different tasks.");
        _columns = columns;
        _scores.AddRange(scores);
        _labels.AddRange(labels);
    }

    /// <summary>
    /// The binary score, or for C classes the one-vs-rest macro average over the classes that have both positive
    /// and negative samples (the others have no defined value); NaN when no class does.
    /// </summary>
    public double OneVsRest(Func<IReadOnlyList<double>, IReadOnlyList<int>, double> binary, bool needsNegatives)
    {
        int n = _labels.Count;
        if (n == 0) return double.NaN;
        if (_columns == 1)
            return Defined(_labels, needsNegatives) ? binary(_scores, _labels) : double.NaN;
        double sum = 0;
        int defined = 0;
        var column = new double[n];
        var isClass = new int[n];
        for (int c = 0; c < _columns; c++)
        {
            for (int i = 0; i < n; i++)
            {
                column[i] = _scores[i * _columns + c];
                isClass[i] = _labels[i] == c ? 1 : 0;
            }
            if (!Defined(isClass, needsNegatives)) continue;
            sum += binary(column, isClass);
            defined++;
        }
        return defined == 0 ? double.NaN : sum / defined;
    }

    private static bool Defined(IReadOnlyList<int> labels, bool needsNegatives)
    {
        bool pos = false, neg = false;
        foreach (var l in labels)
        {
            if (l == 1) pos = true;
            else neg = true;
        }
        return pos && (neg || !needsNegatives);
    }

    public void Reset()
    {
        _scores.Clear();
        _labels.Clear();
        _columns = 0;
    }
}
