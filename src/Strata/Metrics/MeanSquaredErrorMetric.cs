namespace Strata.Metrics;

/// <summary>
/// Mean of (yPred − yTrue)² over every element seen since the last reset (Keras <c>metrics.MeanSquaredError</c>).
/// Both tensors must have the same shape ([N] and [N, 1] are interchangeable).
/// </summary>
public sealed class MeanSquaredErrorMetric : Metric
{
    private double _sum;
    private long _count;

    /// <param name="name">Name in logs and history.</param>
    public MeanSquaredErrorMetric(string name = "mse") => Name = name;

    public override string Name { get; }

    public override void Update(Tensor yPred, Tensor yTrue)
    {
        MetricInputs.RegressionOutputs(nameof(MeanSquaredErrorMetric), yPred, yTrue);
        var p = MetricInputs.Read(yPred);
        var t = MetricInputs.Read(yTrue);
        for (int i = 0; i < p.Length; i++)
        {
            double d = p[i] - t[i];
            _sum += d * d;
        }
        _count += p.Length;
    }

    /// <summary>The mean squared error; 0 before any sample (as Keras).</summary>
    public override double Result() => _count == 0 ? 0 : _sum / _count;

    public override void Reset() => (_sum, _count) = (0, 0);
}
