namespace Strata.Data.TimeSeries;

/// <summary>
/// Per-column standardisation (scikit-learn <c>StandardScaler</c>): statistics come from <see cref="Fit"/> on the
/// training part only and are then applied to every part, so no information leaks from validation or test data.
/// </summary>
public sealed class StandardScaler
{
    private StandardScaler(double[] mean, double[] scale) { Mean = mean; Scale = scale; }

    /// <summary>Column means of the fitted data.</summary>
    public IReadOnlyList<double> Mean { get; }

    /// <summary>Column standard deviations (population; 1 for a constant column, as scikit-learn).</summary>
    public IReadOnlyList<double> Scale { get; }

    public static StandardScaler Fit(float[,] train)
    {
        int t = train.GetLength(0), f = train.GetLength(1);
        if (t == 0) throw new ArgumentException("StandardScaler.Fit: no rows to fit.");
        var mean = new double[f];
        var scale = new double[f];
        for (int c = 0; c < f; c++)
        {
            double sum = 0;
            for (int i = 0; i < t; i++) sum += train[i, c];
            mean[c] = sum / t;
            double ss = 0;
            for (int i = 0; i < t; i++) { double d = train[i, c] - mean[c]; ss += d * d; }
            double sd = Math.Sqrt(ss / t);
            if (!double.IsFinite(mean[c]) || !double.IsFinite(sd)) throw new ArgumentException($"StandardScaler.Fit: column {c} has non-finite values.");
            scale[c] = sd > 0 ? sd : 1;
        }
        return new StandardScaler(mean, scale);
    }

    public float[,] Transform(float[,] data) => Map(data, (v, c) => (v - Mean[c]) / Scale[c]);

    public float[,] InverseTransform(float[,] data) => Map(data, (v, c) => v * Scale[c] + Mean[c]);

    /// <summary>Undoes the scaling of column <paramref name="column"/> on single values (e.g. forecasts).</summary>
    public float InverseTransform(float value, int column) => (float)(value * Scale[column] + Mean[column]);

    private float[,] Map(float[,] data, Func<double, int, double> f)
    {
        int t = data.GetLength(0), cols = data.GetLength(1);
        if (cols != Mean.Count) throw new ArgumentException($"StandardScaler: fitted on {Mean.Count} column(s), got {cols}.");
        var m = new float[t, cols];
        for (int i = 0; i < t; i++)
            for (int c = 0; c < cols; c++) m[i, c] = (float)f(data[i, c], c);
        return m;
    }
}
