namespace Strata.Metrics;

/// <summary>
/// Shared machinery of <see cref="Precision"/>, <see cref="Recall"/> and <see cref="F1Score"/>: a confusion matrix
/// accumulated over batches, read as per-class scores and combined by <see cref="Average"/>.
/// </summary>
/// <remarks>
/// Inputs (see each metric): [N] or [N, 1] probabilities (or logits with <c>fromLogits</c>) are binary decisions at
/// <see cref="Threshold"/>; [N, C] scores are reduced by argmax; integer [N] predictions are class indices. Targets
/// are class indices or one-hot rows. With <c>average: null</c> the result is the positive class's score when there
/// are two classes (scikit-learn's <c>average="binary"</c>) and the macro average otherwise.
/// </remarks>
public abstract class ClassScoreMetric : Metric
{
    private readonly ConfusionCounts _counts;
    private readonly ScoreKind _kind;

    private protected ClassScoreMetric(ScoreKind kind, string baseName, Average? average, int? numClasses, double threshold, bool fromLogits, string? name)
    {
        if (numClasses is < 2)
            throw new ArgumentOutOfRangeException(nameof(numClasses), $"{GetType().Name}: numClasses must be at least 2, got {numClasses}.");
        _kind = kind;
        Average = average;
        NumClasses = numClasses;
        Threshold = MetricInputs.CheckThreshold(GetType().Name, threshold);
        FromLogits = fromLogits;
        Name = name ?? (average is { } a ? $"{baseName}_{a.ToString().ToLowerInvariant()}" : baseName);
        _counts = new ConfusionCounts(GetType().Name, numClasses ?? 0);
    }

    public override string Name { get; }

    /// <summary>How per-class values are combined; null means binary when there are two classes, else macro.</summary>
    public Average? Average { get; }

    /// <summary>The class count given at construction, if any (otherwise it comes from the data).</summary>
    public int? NumClasses { get; }

    /// <summary>Probability above which a binary prediction counts as positive.</summary>
    public double Threshold { get; }

    /// <summary>Binary predictions are logits: a logit is positive above logit(<see cref="Threshold"/>), 0 for 0.5.</summary>
    public bool FromLogits { get; }

    public override void Update(Tensor yPred, Tensor yTrue)
    {
        var batch = MetricInputs.Classes(GetType().Name, yPred, yTrue, Threshold, FromLogits, NumClasses ?? 0);
        _counts.Add(batch);
        // Class-index inputs that only ever showed class 0 are still a binary problem with an empty positive class.
        _counts.Grow(2);
    }

    /// <summary>The score of each class (index = class) over everything seen since the last reset.</summary>
    public double[] PerClass() => (double[])new ClassScores(_counts.Matrix).Of(_kind).Clone();

    public override double Result()
    {
        var scores = new ClassScores(_counts.Matrix);
        var perClass = scores.Of(_kind);
        if (Average is null && perClass.Length == 2) return perClass[1];
        return scores.Averaged(perClass, Average ?? Strata.Metrics.Average.Macro, _kind);
    }

    public override void Reset() => _counts.Reset();
}
