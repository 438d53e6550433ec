using Strata.Metrics;
using Xunit;

namespace Strata.Tests.Metrics;

public class MetricsFactoryTests
{
    [Theory]
    [InlineData("accuracy", typeof(Accuracy))]
    [InlineData("ACC", typeof(Accuracy))]
    [InlineData("sparse_categorical_accuracy", typeof(Accuracy))]
    [InlineData("top_k_accuracy", typeof(TopKAccuracy))]
    [InlineData("top5", typeof(TopKAccuracy))]
    [InlineData("precision", typeof(Precision))]
    [InlineData("recall_weighted", typeof(Recall))]
    [InlineData("f1", typeof(F1Score))]
    [InlineData("f1_macro", typeof(F1Score))]
    [InlineData("auc", typeof(RocAuc))]
    [InlineData("pr_auc", typeof(PrAuc))]
    [InlineData("mse", typeof(MeanSquaredErrorMetric))]
    [InlineData("mean_absolute_error", typeof(MeanAbsoluteErrorMetric))]
    [InlineData("r2", typeof(R2Score))]
    [InlineData("mean", typeof(Mean))]
    public void KnownNames(string name, Type type)
    {
        var m = Strata.Metrics.Metrics.Get(name);
        Assert.IsType(type, m);
        Assert.Equal(name.ToLowerInvariant(), m.Name); // history keys are what the user asked for
    }

    [Fact]
    public void TopKTakesKFromTheNameAndAveragesFromTheSuffix()
    {
        Assert.Equal(5, ((TopKAccuracy)Strata.Metrics.Metrics.Get("top_k_categorical_accuracy")).K);
        Assert.Equal(3, ((TopKAccuracy)Strata.Metrics.Metrics.Get("top3")).K);
        Assert.Equal(10, ((TopKAccuracy)Metric.Get("top10_accuracy")).K);
        Assert.Equal(Average.Weighted, ((Recall)Metric.Get("recall_weighted")).Average);
        Assert.Null(((F1Score)Metric.Get("f1")).Average);
    }

    [Fact]
    public void UnknownNameListsValidOnes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Metric.Get("acuracy"));
        Assert.Contains("'acuracy'", ex.Message);
        Assert.Contains("accuracy", ex.Message);
        Assert.Contains("f1_macro", ex.Message);
        Assert.Contains("mse", ex.Message);
        Assert.Throws<ArgumentException>(() => Metric.Get("top0"));
    }
}
