namespace Strata.Metrics;

/// <summary>
/// Fraction of samples whose predicted class equals the target (Keras <c>"accuracy"</c>, which picks binary,
/// categorical or sparse-categorical accuracy from the shapes; this does the same):
/// [N, C] scores → argmax, against class indices [N] or one-hot rows [N, C] (argmax);
/// [N] / [N, 1] probabilities → positive above <see cref="Threshold"/> (logits above 0 with <c>fromLogits</c>),
/// against 0/1 targets; integer [N] predictions → compared as class indices. Multi-label targets (several 1s
/// in a row) are not element-wise accuracy here: rows are reduced by argmax like one-hot ones.
/// </summary>
public sealed class Accuracy : Metric
{
    private long _correct;
    private long _total;

    /// <param name="threshold">Probability above which a binary prediction is positive.</param>
    /// <param name="fromLogits">Binary predictions are logits, so the cut is logit(threshold) (0 for 0.5).</param>
    /// <param name="name">Name in logs and history.</param>
    public Accuracy(double threshold = 0.5, bool fromLogits = false, string name = "accuracy")
    {
        Threshold = MetricInputs.CheckThreshold(nameof(Accuracy), threshold);
        FromLogits = fromLogits;
        Name = name;
    }

    public override string Name { get; }

    public double Threshold { get; }

    public bool FromLogits { get; }

    public override void Update(Tensor yPred, Tensor yTrue)
    {
        var batch = MetricInputs.Classes(nameof(Accuracy), yPred, yTrue, Threshold, FromLogits);
        for (int i = 0; i < batch.True.Length; i++)
            if (batch.True[i] == batch.Pred[i]) _correct++;
        _total += batch.True.Length;
    }

    /// <summary>Correct / seen; 0 before any sample (as Keras).</summary>
    public override double Result() => _total == 0 ? 0 : (double)_correct / _total;

    public override void Reset() => (_correct, _total) = (0, 0);
}
