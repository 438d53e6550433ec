namespace Strata.Metrics;

/// <summary>
/// Fraction of samples whose target class is among the <see cref="K"/> highest scores (Keras
/// <c>TopKCategoricalAccuracy</c> / <c>SparseTopKCategoricalAccuracy</c>). Predictions are [N, C] scores; targets
/// are class indices [N] or one-hot rows [N, C]. Ties at the k-th place count in favour of the target, as
/// TensorFlow's <c>in_top_k</c>: the target is in the top k when fewer than k classes score strictly higher.
/// </summary>
public sealed class TopKAccuracy : Metric
{
    private long _correct;
    private long _total;

    /// <param name="k">How many of the best-scored classes may contain the target.</param>
    /// <param name="name">Name in logs and history; default "top{k}_accuracy".</param>
    public TopKAccuracy(int k = 5, string? name = null)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), $"TopKAccuracy: k must be at least 1, got {k}.");
        K = k;
        Name = name ?? $"top{k}_accuracy";
    }

    public override string Name { get; }

    public int K { get; }

    public override void Update(Tensor yPred, Tensor yTrue)
    {
        if (yPred.Rank != 2 || !yPred.DType.IsFloating())
            throw new ArgumentException($"TopKAccuracy: yPred must be [N, C] floating-point class scores, got a {MetricInputs.Describe(yPred)}.");
        var (scores, columns, labels) = MetricInputs.Scores(nameof(TopKAccuracy), yPred, yTrue);
        for (int i = 0; i < labels.Length; i++)
        {
            double target = scores[i * columns + labels[i]];
            int higher = 0;
            for (int j = 0; j < columns; j++)
                if (scores[i * columns + j] > target) higher++;
            if (higher < K) _correct++;
        }
        _total += labels.Length;
    }

    /// <summary>Hits / seen; 0 before any sample (as Keras).</summary>
    public override double Result() => _total == 0 ? 0 : (double)_correct / _total;

    public override void Reset() => (_correct, _total) = (0, 0);
}
