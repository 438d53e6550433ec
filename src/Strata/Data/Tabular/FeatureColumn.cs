namespace Strata.Data.Tabular;

/// <summary>
/// The fitted treatment of one feature column: numeric columns impute <see cref="Fill"/> then map
/// v to (v - <see cref="Center"/>) / <see cref="Scale"/>; categorical ones impute the most frequent category and
/// one-hot encode over <see cref="Categories"/>.
/// </summary>
public sealed record FeatureColumn(string Name, bool IsCategorical, double Fill, double Center, double Scale, IReadOnlyList<string> Categories, string MostFrequent)
{
    /// <summary>Number of output features: 1 for numeric, one per category for categorical.</summary>
    public int Width => IsCategorical ? Categories.Count : 1;
}
