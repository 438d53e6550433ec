namespace Strata.Metrics;

/// <summary>
/// Coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² over every sample since the last reset
/// (Keras <c>R2Score</c>, scikit-learn <c>r2_score</c>). With several outputs per sample ([N, K]) each output gets
/// its own R² and the result is their plain mean (<c>"uniform_average"</c>). An output whose targets are all equal
/// scores 1 if predicted exactly and 0 otherwise (scikit-learn's <c>force_finite</c>).
/// </summary>
public sealed class R2Score : Metric
{
    // Per output: sample count, running target mean and sum of squared deviations from it (merged per batch with
    // Chan's formula, which stays accurate where Σy² − (Σy)²/n would cancel), and the residual sum of squares.
    private long _n;
    private double[] _mean = Array.Empty<double>();
    private double[] _m2 = Array.Empty<double>();
    private double[] _residual = Array.Empty<double>();

    /// <param name="name">Name in logs and history.</param>
    public R2Score(string name = "r2") => Name = name;

    public override string Name { get; }

    public override void Update(Tensor yPred, Tensor yTrue)
    {
        int k = MetricInputs.RegressionOutputs(nameof(R2Score), yPred, yTrue);
        var p = MetricInputs.Read(yPred);
        var t = MetricInputs.Read(yTrue);
        if (t.Length == 0) return;
        if (_n > 0 && k != _mean.Length)
            throw new ArgumentException($"R2Score: this batch has {k} outputs per sample but earlier batches had {_mean.Length}.");
        if (_n == 0) (_mean, _m2, _residual) = (new double[k], new double[k], new double[k]);
        int nb = t.Length / k;
        for (int j = 0; j < k; j++)
        {
            double mean = 0;
            for (int i = 0; i < nb; i++) mean += t[i * k + j];
            mean /= nb;
            double m2 = 0, res = 0;
            for (int i = 0; i < nb; i++)
            {
                double dev = t[i * k + j] - mean, err = t[i * k + j] - p[i * k + j];
                m2 += dev * dev;
                res += err * err;
            }
            double total = _n + nb, delta = mean - _mean[j];
            _m2[j] += m2 + delta * delta * _n * nb / total;
            _mean[j] += delta * nb / total;
            _residual[j] += res;
        }
        _n += nb;
    }

    /// <summary>R² (mean over outputs); NaN with fewer than two samples, where it is undefined.</summary>
    public override double Result()
    {
        if (_n < 2) return double.NaN;
        double sum = 0;
        for (int j = 0; j < _m2.Length; j++)
            sum += _m2[j] == 0 ? (_residual[j] == 0 ? 1 : 0) : 1 - _residual[j] / _m2[j];
        return sum / _m2.Length;
    }

    public override void Reset()
    {
        _n = 0;
        _mean = _m2 = _residual = Array.Empty<double>();
    }
}
