namespace Strata.Data.Tabular;

/// <summary>How a <see cref="TabularPreprocessor"/> reads a <see cref="CsvTable"/>: which column is the target and how to treat the others.</summary>
public sealed class TabularOptions
{
    /// <summary>Name of the target column; null for features only (<see cref="TabularPreprocessor.TransformFeatures"/>).</summary>
    public string? Target { get; init; }

    /// <summary>Whether the target is a class or a number; <see cref="TargetKind.Auto"/> decides from the values.</summary>
    public TargetKind TargetKind { get; init; } = TargetKind.Auto;

    /// <summary>Columns to one-hot encode even when their values look numeric (e.g. zip codes). Others are detected: numeric when every value parses as a number.</summary>
    public IReadOnlyCollection<string> CategoricalColumns { get; init; } = Array.Empty<string>();

    /// <summary>Columns that must be numeric: a value that does not parse is an error instead of making the column categorical.</summary>
    public IReadOnlyCollection<string> NumericColumns { get; init; } = Array.Empty<string>();

    /// <summary>Columns left out of the features (identifiers, leaks).</summary>
    public IReadOnlyCollection<string> IgnoreColumns { get; init; } = Array.Empty<string>();

    /// <summary>Scale numeric features to zero mean and unit variance with the training statistics (scikit-learn <c>StandardScaler</c>). Default true.</summary>
    public bool Standardize { get; init; } = true;

    /// <summary>Field values (after trimming spaces) that mean "missing". Default: empty, "NA" and "?".</summary>
    public IReadOnlyCollection<string> MissingValues { get; init; } = new[] { "", "NA", "?" };
}
