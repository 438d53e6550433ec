namespace Strata.Metrics;

/// <summary>
/// A confusion matrix that accumulates batches (rows: true class, columns: predicted class). It grows when class
/// indices arrive without a known class count, and otherwise holds every batch to the first batch's class count.
/// </summary>
internal sealed class ConfusionCounts
{
    private readonly string _metric;
    private readonly int _fixedClasses;
    private int _shapeClasses;
    private long[,] _counts;

    /// <param name="metric">Name used in error messages.</param>
    /// <param name="numClasses">Class count fixed by the user, or 0 to take it from the data.</param>
    public ConfusionCounts(string metric, int numClasses)
    {
        _metric = metric;
        _fixedClasses = numClasses;
        _counts = new long[numClasses, numClasses];
    }

    public int NumClasses => _counts.GetLength(0);

    public long[,] Matrix => _counts;

    public void Add(ClassBatch batch)
    {
        if (batch.NumClasses > 0)
        {
            if (_shapeClasses > 0 && batch.NumClasses != _shapeClasses)
                throw new ArgumentException($"{_metric}: this batch has {batch.NumClasses} classes but earlier batches had {_shapeClasses}; call Reset() between different tasks.");
            _shapeClasses = batch.NumClasses;
        }
        int needed = Math.Max(batch.NumClasses, NumClasses);
        foreach (var c in batch.True) needed = Math.Max(needed, c + 1);
        foreach (var c in batch.Pred) needed = Math.Max(needed, c + 1);
        if (_fixedClasses > 0 && needed > _fixedClasses)
            throw new ArgumentException($"{_metric}: a class index of {needed - 1} is out of range for {_fixedClasses} classes.");
        if (needed > NumClasses) Grow(needed);
        for (int i = 0; i < batch.True.Length; i++) _counts[batch.True[i], batch.Pred[i]]++;
    }

    /// <summary>Makes room for at least <paramref name="classes"/> classes (binary metrics always report two).</summary>
    public void Grow(int classes)
    {
        if (classes <= NumClasses) return;
        var bigger = new long[classes, classes];
        for (int i = 0; i < NumClasses; i++)
            for (int j = 0; j < NumClasses; j++)
                bigger[i, j] = _counts[i, j];
        _counts = bigger;
    }

    public void Reset()
    {
        _shapeClasses = 0;
        _counts = new long[_fixedClasses, _fixedClasses];
    }
}
