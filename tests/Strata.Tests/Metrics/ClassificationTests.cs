using Strata.Metrics;
using Xunit;

namespace Strata.Tests.Metrics;

public class ClassificationTests
{
    private static readonly int[] True = { 0, 0, 1, 1, 2, 2, 2 };
    private static readonly int[] Pred = { 0, 1, 1, 1, 2, 0, 2 };

    [Fact]
    public void ConfusionMatrixRowsAreTrueClasses()
    {
        Assert.Equal(new long[,] { { 1, 1, 0, 0 }, { 0, 2, 0, 0 }, { 1, 0, 2, 0 }, { 0, 0, 0, 0 } },
            Classification.ConfusionMatrix(True, Pred, 4));
        var ex = Assert.Throws<ArgumentException>(() => Classification.ConfusionMatrix(True, Pred, 2));
        Assert.Contains("yTrue[4] = 2", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Classification.ConfusionMatrix(True, Pred[..3], 3));
        Assert.Contains("7 labels", ex.Message);
    }

    [Fact]
    public void ReportValuesAndTable()
    {
        // Hand values as in ClassScoreMetricTests: precision [1/2, 2/3, 1], recall [1/2, 1, 2/3], F1 [1/2, 4/5, 4/5].
        var r = Classification.Report(True, Pred, new[] { "a", "b", "c" });
        Assert.Equal(new[] { "a", "b", "c" }, r.Classes.Select(c => c.Name));
        Assert.Equal(2.0 / 3, r.Classes[1].Precision, 15);
        Assert.Equal(2.0 / 3, r.Classes[2].Recall, 15);
        Assert.Equal(new long[] { 2, 2, 3 }, r.Classes.Select(c => c.Support));
        Assert.Equal(5.0 / 7, r.Accuracy, 15);
        Assert.Equal(0.7, r.MacroAverage.F1Score, 15);
        Assert.Equal(16.0 / 21, r.WeightedAverage.Precision, 15);
        Assert.Equal(7, r.Total);
        const string expected =
            "              precision    recall  f1-score   support\n\n" +
            "           a       0.50      0.50      0.50         2\n" +
            "           b       0.67      1.00      0.80         2\n" +
            "           c       1.00      0.67      0.80         3\n\n" +
            "    accuracy                           0.71         7\n" +
            "   macro avg       0.72      0.72      0.70         7\n" +
            "weighted avg       0.76      0.71      0.71         7\n";
        Assert.Equal(expected, r.ToString());
    }

    [Fact]
    public void ReportWithoutNamesUsesLabelsPresent()
    {
        var r = Classification.Report(new[] { 5, 1, 5 }, new[] { 5, 5, 5 });
        Assert.Equal(new[] { "1", "5" }, r.Classes.Select(c => c.Name));
        Assert.Equal(0, r.Classes[0].Precision); // never predicted: 0, not NaN
        Assert.Equal(2.0 / 3, r.Classes[1].Precision, 15);
        Assert.Throws<ArgumentException>(() => Classification.Report(new[] { 0, 3 }, new[] { 0, 1 }, new[] { "x", "y" }));
    }

    [Theory]
    [InlineData(0.125, 2, "0.12")] // exact binary tie → even (Python), .NET's "F2" gives 0.13
    [InlineData(0.375, 2, "0.38")]
    [InlineData(0.875, 2, "0.88")]
    [InlineData(0.285, 2, "0.28")] // stored just below 0.285
    [InlineData(0.675, 2, "0.68")] // stored just above 0.675
    [InlineData(1.0, 2, "1.00")]
    [InlineData(2.5, 0, "2")]
    [InlineData(1.0 / 3, 3, "0.333")]
    [InlineData(-0.001, 2, "-0.00")]
    [InlineData(123.456, 1, "123.5")]
    public void FixedPointMatchesPython(double v, int digits, string expected) => Assert.Equal(expected, FixedPoint.Format(v, digits));
}
