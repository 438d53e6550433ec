namespace Strata.Losses;

/// <summary>Creates losses from Keras string names (<c>model.compile(loss="mse")</c>).</summary>
public static class Losses
{
    private static readonly (Type Type, string[] Names, Func<Loss> Create)[] Table =
    {
        (typeof(MeanSquaredError), new[] { "mean_squared_error", "mse" }, () => new MeanSquaredError()),
        (typeof(MeanAbsoluteError), new[] { "mean_absolute_error", "mae" }, () => new MeanAbsoluteError()),
        (typeof(Huber), new[] { "huber", "huber_loss" }, () => new Huber()),
        (typeof(BinaryCrossEntropy), new[] { "binary_crossentropy", "bce" }, () => new BinaryCrossEntropy()),
        (typeof(CategoricalCrossEntropy), new[] { "categorical_crossentropy", "cce" }, () => new CategoricalCrossEntropy()),
        (typeof(SparseCategoricalCrossEntropy), new[] { "sparse_categorical_crossentropy", "scce" }, () => new SparseCategoricalCrossEntropy()),
        (typeof(KLDivergence), new[] { "kl_divergence", "kld", "kullback_leibler_divergence" }, () => new KLDivergence()),
    };

    /// <summary>The Keras names <see cref="Get"/> accepts (each also as its class name, e.g. "MeanSquaredError").</summary>
    public static IReadOnlyList<string> Names { get; } = Table.SelectMany(e => e.Names).ToArray();

    /// <summary>
    /// A new loss with Keras' defaults (probabilities, not logits; mean reduction) for a Keras name such as "mse",
    /// "mean_squared_error", "mae", "huber", "binary_crossentropy", "categorical_crossentropy",
    /// "sparse_categorical_crossentropy" or "kl_divergence", or a class name ("SparseCategoricalCrossEntropy").
    /// Case and underscores are ignored.
    /// </summary>
    public static Loss Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = Normalize(name);
        foreach (var (type, names, create) in Table)
            if (Normalize(type.Name) == key || names.Any(n => Normalize(n) == key)) return create();
        throw new ArgumentException($"Losses.Get: unknown loss '{name}'; valid names: {string.Join(", ", Names)} (or a class name such as 'MeanSquaredError').", nameof(name));
    }

    private static string Normalize(string s) => s.Replace("_", "").Replace("-", "").Trim().ToLowerInvariant();
}
