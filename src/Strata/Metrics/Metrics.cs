using System.Globalization;

namespace Strata.Metrics;

/// <summary>
/// Metrics by their Keras string names (<c>keras.metrics.get</c>), as in <c>Compile(metrics: ["accuracy"])</c>.
/// The returned metric is named with the string given, so history keys are what the user wrote.
/// </summary>
/// <remarks>
/// Code inside the <c>Strata</c> namespace sees <c>Metrics</c> as this namespace; it can call
/// <see cref="Metric.Get"/>, which is the same factory.
/// </remarks>
public static class Metrics
{
    private static readonly Dictionary<string, Func<string, Metric>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["accuracy"] = n => new Accuracy(name: n),
        ["acc"] = n => new Accuracy(name: n),
        ["binary_accuracy"] = n => new Accuracy(name: n),
        ["categorical_accuracy"] = n => new Accuracy(name: n),
        ["sparse_categorical_accuracy"] = n => new Accuracy(name: n),
        ["top_k_accuracy"] = n => new TopKAccuracy(5, n),
        ["top_k_categorical_accuracy"] = n => new TopKAccuracy(5, n),
        ["sparse_top_k_categorical_accuracy"] = n => new TopKAccuracy(5, n),
        ["precision"] = n => new Precision(name: n),
        ["recall"] = n => new Recall(name: n),
        ["f1"] = n => new F1Score(name: n),
        ["f1_score"] = n => new F1Score(name: n),
        ["auc"] = n => new RocAuc(n),
        ["roc_auc"] = n => new RocAuc(n),
        ["pr_auc"] = n => new PrAuc(n),
        ["average_precision"] = n => new PrAuc(n),
        ["mse"] = n => new MeanSquaredErrorMetric(n),
        ["mean_squared_error"] = n => new MeanSquaredErrorMetric(n),
        ["mae"] = n => new MeanAbsoluteErrorMetric(n),
        ["mean_absolute_error"] = n => new MeanAbsoluteErrorMetric(n),
        ["r2"] = n => new R2Score(n),
        ["r2_score"] = n => new R2Score(n),
        ["mean"] = n => new Mean(n),
    };

    static Metrics()
    {
        foreach (var average in new[] { Average.Macro, Average.Micro, Average.Weighted })
        {
            string suffix = "_" + average.ToString().ToLowerInvariant();
            Factories["precision" + suffix] = n => new Precision(average, name: n);
            Factories["recall" + suffix] = n => new Recall(average, name: n);
            Factories["f1" + suffix] = n => new F1Score(average, name: n);
        }
    }

    /// <summary>Every name <see cref="Get"/> accepts, besides "topK" / "topK_accuracy" for any K ≥ 1 ("top5").</summary>
    public static IReadOnlyCollection<string> Names => Factories.Keys;

    /// <summary>A new metric for a Keras-style name ("accuracy", "acc", "top5", "precision", "f1_macro", "auc", "mse", ...), case-insensitive.</summary>
    /// <exception cref="ArgumentException">The name is unknown; the message lists the valid ones.</exception>
    public static Metric Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Trim();
        if (Factories.TryGetValue(key, out var make)) return make(key.ToLowerInvariant());
        if (TopK(key) is int k) return new TopKAccuracy(k, key.ToLowerInvariant());
        throw new ArgumentException(
            $"Metrics.Get: unknown metric name '{name}'. Valid names: {string.Join(", ", Factories.Keys.Order(StringComparer.Ordinal))}, and topK / topK_accuracy for any K (e.g. top5).",
            nameof(name));
    }

    // "top3", "top10_accuracy": the k is part of the name.
    private static int? TopK(string key)
    {
        var s = key.ToLowerInvariant();
        if (!s.StartsWith("top", StringComparison.Ordinal)) return null;
        s = s[3..];
        if (s.EndsWith("_accuracy", StringComparison.Ordinal)) s = s[..^"_accuracy".Length];
        return int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 1 ? k : null;
    }
}
