using Strata.Data.TimeSeries;
using Xunit;

namespace Strata.Tests.Data;

public class TimeSeriesTests
{
    [Fact]
    public void WindowsCutInputsAndHorizonTargets()
    {
        // Two features: value t and 10·t; target column 0.
        var series = new float[7, 2];
        for (int t = 0; t < 7; t++) { series[t, 0] = t; series[t, 1] = 10 * t; }
        using var ds = Windows.Create(series, inputWidth: 3, horizon: 2, stride: 2);
        // starts 0 and 2 (start 4 would need steps up to 8).
        Assert.Equal(2, ds.Count);
        Assert.Equal(new[] { 3, 2 }, ds.SampleShape.ToArray());
        Assert.Equal(new float[] { 0, 0, 1, 10, 2, 20, 2, 20, 3, 30, 4, 40 }, ds.X.ToArray<float>());
        Assert.Equal(new float[] { 3, 4, 5, 6 }, ds.Y.ToArray<float>());
        Assert.Throws<ArgumentException>(() => Windows.Create(series, 6, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Windows.Create(series, 2, 1, targetColumn: 2));
    }

    [Fact]
    public void ScalerUsesTrainingStatisticsOnly()
    {
        var train = Windows.Column(new float[] { 1, 2, 3, 4 });           // mean 2.5, population sd √1.25
        var test = Windows.Column(new float[] { 10 });
        var scaler = StandardScaler.Fit(train);
        Assert.Equal(2.5, scaler.Mean[0], 12);
        Assert.Equal(Math.Sqrt(1.25), scaler.Scale[0], 12);
        Assert.Equal((float)((10 - 2.5) / Math.Sqrt(1.25)), scaler.Transform(test)[0, 0], 5);
        Assert.Equal(10f, scaler.InverseTransform(scaler.Transform(test))[0, 0], 4);
        Assert.Equal(1.0, StandardScaler.Fit(Windows.Column(new float[] { 5, 5 })).Scale[0]);
    }

    [Fact]
    public void ForecastErrorsAndNaiveBaselinesByHand()
    {
        double[] actual = { 2, 4, 5 }, predicted = { 1, 4, 7 };
        Assert.Equal(1.0, Forecast.Mae(actual, predicted), 12);                 // (1 + 0 + 2) / 3
        Assert.Equal(Math.Sqrt(5.0 / 3), Forecast.Rmse(actual, predicted), 12);  // √((1 + 0 + 4) / 3)
        Assert.Equal(100 * (0.5 + 0 + 0.4) / 3, Forecast.Mape(actual, predicted), 12);
        double[] series = { 1, 2, 3, 10, 20, 30, 11 };
        Assert.Equal(new double[] { 10, 20, 30 }, Forecast.NaiveLast(series, 4, 3));
        Assert.Equal(new double[] { 2, 3, 10 }, Forecast.SeasonalNaive(series, 4, 3, season: 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Forecast.SeasonalNaive(series, 1, 3, season: 3));
        Assert.Throws<ArgumentException>(() => Forecast.Mape(new double[] { 0 }, new double[] { 1 }));
    }
}
