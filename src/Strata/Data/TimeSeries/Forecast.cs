namespace Strata.Data.TimeSeries;

/// <summary>Forecasting error measures and the naive baselines a forecaster must beat.</summary>
public static class Forecast
{
    public static double Mae(IReadOnlyList<double> actual, IReadOnlyList<double> predicted) =>
        Pairs(actual, predicted, "Mae").Average(p => Math.Abs(p.A - p.P));

    public static double Rmse(IReadOnlyList<double> actual, IReadOnlyList<double> predicted) =>
        Math.Sqrt(Pairs(actual, predicted, "Rmse").Average(p => (p.A - p.P) * (p.A - p.P)));

    /// <summary>Mean absolute percentage error in percent; steps whose actual value is 0 are an error (undefined).</summary>
    public static double Mape(IReadOnlyList<double> actual, IReadOnlyList<double> predicted) =>
        100 * Pairs(actual, predicted, "Mape").Average(p => p.A != 0
            ? Math.Abs((p.A - p.P) / p.A)
            : throw new ArgumentException("Forecast.Mape: an actual value is 0, where the percentage error is undefined."));

    /// <summary>For each target step t (t ≥ 1), the naive forecast series[t − 1] (the last value seen).</summary>
    public static double[] NaiveLast(IReadOnlyList<double> series, int from, int count) =>
        Shifted(series, from, count, 1, "NaiveLast");

    /// <summary>For each target step t (t ≥ season), the seasonal naive forecast series[t − season].</summary>
    public static double[] SeasonalNaive(IReadOnlyList<double> series, int from, int count, int season) =>
        Shifted(series, from, count, season, "SeasonalNaive");

    private static double[] Shifted(IReadOnlyList<double> series, int from, int count, int lag, string op)
    {
        if (lag <= 0) throw new ArgumentOutOfRangeException(nameof(lag), $"Forecast.{op}: the lag must be positive, got {lag}.");
        if (from - lag < 0 || from + count > series.Count)
            throw new ArgumentOutOfRangeException(nameof(from), $"Forecast.{op}: steps [{from}, {from + count}) with lag {lag} are outside the {series.Count}-step series.");
        var f = new double[count];
        for (int i = 0; i < count; i++) f[i] = series[from + i - lag];
        return f;
    }

    private static IEnumerable<(double A, double P)> Pairs(IReadOnlyList<double> actual, IReadOnlyList<double> predicted, string op)
    {
        if (actual.Count != predicted.Count) throw new ArgumentException($"Forecast.{op}: {actual.Count} actual values but {predicted.Count} predictions.");
        if (actual.Count == 0) throw new ArgumentException($"Forecast.{op}: no values.");
        return actual.Zip(predicted, (a, p) => (a, p));
    }
}
