namespace Strata.Metrics;

/// <summary>
/// A running (optionally weighted) mean of values (Keras <c>metrics.Mean</c>); <c>Fit</c> uses one per loss.
/// Add a batch's mean loss with <c>Update(loss, batchSize)</c> so that a short last batch weighs less.
/// </summary>
public sealed class Mean : Metric
{
    private double _total;
    private double _weight;

    /// <param name="name">Name in logs and history.</param>
    public Mean(string name = "mean") => Name = name;

    public override string Name { get; }

    /// <summary>Adds one value with a weight (e.g. a batch's mean loss weighted by its sample count).</summary>
    public void Update(double value, double weight = 1)
    {
        if (!(weight >= 0) || double.IsInfinity(weight))
            throw new ArgumentOutOfRangeException(nameof(weight), $"Mean: weight must be finite and non-negative, got {weight}.");
        _total += value * weight;
        _weight += weight;
    }

    /// <summary>Adds every element of <paramref name="values"/> with weight 1.</summary>
    public void Update(Tensor values)
    {
        foreach (var v in MetricInputs.Read(values)) Update(v);
    }

    /// <summary>
    /// Adds the elements of <paramref name="yPred"/> (the values) weighted by <paramref name="yTrue"/> (Keras'
    /// <c>sample_weight</c>): one weight per element, one per sample (first dimension), or a single weight.
    /// </summary>
    public override void Update(Tensor yPred, Tensor yTrue)
    {
        var values = MetricInputs.Read(yPred);
        var weights = MetricInputs.Read(yTrue);
        int perWeight;
        if (weights.Length == values.Length) perWeight = 1;
        else if (weights.Length == 1) perWeight = values.Length;
        else if (yPred.Rank >= 1 && weights.Length == yPred.Size(0)) perWeight = values.Length / weights.Length;
        else
            throw new ArgumentException($"Mean: weights ({MetricInputs.Describe(yTrue)}) must have one value per element, per sample or in all for values ({MetricInputs.Describe(yPred)}).");
        for (int i = 0; i < values.Length; i++) Update(values[i], weights[i / perWeight]);
    }

    /// <summary>The weighted mean; 0 before any value (as Keras).</summary>
    public override double Result() => _weight == 0 ? 0 : _total / _weight;

    public override void Reset() => (_total, _weight) = (0, 0);
}
