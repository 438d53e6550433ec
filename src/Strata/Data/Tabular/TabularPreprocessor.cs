using System.Globalization;

namespace Strata.Data.Tabular;

/// <summary>
/// Turns CSV rows into a float32 feature matrix and a target, with statistics fitted once on training rows
/// (scikit-learn's imputer + one-hot encoder + standard scaler in a column transformer). <see cref="Fit"/> learns,
/// per column, the fill value for missing entries (mean for numeric, most frequent for categorical), the
/// categories to one-hot encode, the mean and standard deviation for standardisation and the target's classes;
/// <see cref="Transform"/> applies exactly those to any rows, so validation and test data never leak into them.
/// </summary>
/// <remarks>
/// Feature order: the table's column order, each categorical column expanded to one feature per category
/// (named <c>column=value</c>, categories sorted). A category not seen in training encodes as all zeros
/// (scikit-learn's <c>handle_unknown="ignore"</c>). Numbers are parsed with the invariant culture.
/// </remarks>
public sealed class TabularPreprocessor
{
    private readonly FeatureColumn[] _columns;
    private readonly string[] _classes;
    private readonly HashSet<string> _missing;
    private readonly Dictionary<string, int> _classIndex;

    private TabularPreprocessor(FeatureColumn[] columns, string? target, TargetKind kind, string[] classes, HashSet<string> missing)
    {
        _columns = columns;
        Target = target;
        TargetKind = kind;
        _classes = classes;
        _missing = missing;
        _classIndex = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        FeatureNames = columns.SelectMany(c => c.IsCategorical ? c.Categories.Select(v => $"{c.Name}={v}") : new[] { c.Name }).ToArray();
    }

    /// <summary>The fitted feature columns, in output order.</summary>
    public IReadOnlyList<FeatureColumn> Columns => _columns;

    /// <summary>Name of every output feature (numeric columns keep their name; one-hot features are <c>column=value</c>).</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    public int FeatureCount => FeatureNames.Count;

    /// <summary>The target column, or null when fitted without one.</summary>
    public string? Target { get; }

    /// <summary>Classification or Regression (resolved from <see cref="TabularOptions.TargetKind"/>).</summary>
    public TargetKind TargetKind { get; }

    /// <summary>The classes seen in training, in label order (empty for regression).</summary>
    public IReadOnlyList<string> Classes => _classes;

    /// <summary>Learns the preprocessing from <paramref name="rows"/> (the training rows only).</summary>
    /// <exception cref="InvalidDataException">A forced-numeric column or regression target holds a non-number, a target is missing,
    /// or a column has no values at all; the message names the file, line and column.</exception>
    public static TabularPreprocessor Fit(CsvTable rows, TabularOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        options ??= new TabularOptions();
        if (rows.RowCount == 0) throw new ArgumentException($"{rows.Source}: cannot fit preprocessing on a table with no rows.");
        var missing = new HashSet<string>(options.MissingValues.Select(m => m.Trim()), StringComparer.Ordinal);
        int target = options.Target is null ? -1 : rows.ColumnIndex(options.Target);
        foreach (var name in options.CategoricalColumns.Concat(options.NumericColumns).Concat(options.IgnoreColumns)) rows.ColumnIndex(name);
        var both = options.CategoricalColumns.Intersect(options.NumericColumns).ToArray();
        if (both.Length > 0) throw new ArgumentException($"{rows.Source}: column '{both[0]}' is listed as both categorical and numeric.");

        var columns = new List<FeatureColumn>();
        for (int c = 0; c < rows.Columns.Count; c++)
        {
            string name = rows.Columns[c];
            if (c == target || options.IgnoreColumns.Contains(name)) continue;
            columns.Add(FitColumn(rows, c, name, options, missing));
        }
        if (columns.Count == 0) throw new ArgumentException($"{rows.Source}: no feature columns are left after removing the target and ignored columns.");

        var kind = TargetKind.Regression;
        var classes = Array.Empty<string>();
        if (target >= 0)
        {
            string tname = rows.Columns[target];
            var values = new string[rows.RowCount];
            for (int r = 0; r < values.Length; r++)
            {
                values[r] = rows.Field(r, target).Trim();
                if (missing.Contains(values[r]))
                    throw new InvalidDataException($"{rows.Source}: line {rows.LineOf(r)}, column '{tname}': the target is missing; drop the row or fill it in.");
            }
            bool numeric = values.All(v => TryNumber(v, out _));
            kind = options.TargetKind switch
            {
                TargetKind.Auto => numeric ? TargetKind.Regression : TargetKind.Classification,
                var k => k,
            };
            if (kind == TargetKind.Regression)
            {
                for (int r = 0; r < values.Length; r++)
                    if (!TryNumber(values[r], out _))
                        throw new InvalidDataException($"{rows.Source}: line {rows.LineOf(r)}, column '{tname}': regression target '{values[r]}' is not a number.");
            }
            else classes = SortValues(values.Distinct(StringComparer.Ordinal));
        }
        return new TabularPreprocessor(columns.ToArray(), options.Target, kind, classes, missing);
    }

    private static FeatureColumn FitColumn(CsvTable rows, int c, string name, TabularOptions options, HashSet<string> missing)
    {
        var present = new List<(string Value, int Row)>(rows.RowCount);
        for (int r = 0; r < rows.RowCount; r++)
        {
            var v = rows.Field(r, c).Trim();
            if (!missing.Contains(v)) present.Add((v, r));
        }
        if (present.Count == 0)
            throw new InvalidDataException($"{rows.Source}: column '{name}' has no values in the {rows.RowCount} training rows; list it in IgnoreColumns.");
        bool categorical = options.CategoricalColumns.Contains(name);
        if (!categorical)
        {
            bool forced = options.NumericColumns.Contains(name);
            foreach (var (v, r) in present)
                if (!TryNumber(v, out _))
                {
                    if (forced)
                        throw new InvalidDataException($"{rows.Source}: line {rows.LineOf(r)}, column '{name}': '{v}' is not a number, but the column is numeric.");
                    categorical = true;
                    break;
                }
        }
        if (categorical)
        {
            var counts = present.GroupBy(p => p.Value, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
            var categories = SortValues(counts.Keys);
            int best = counts.Values.Max();
            var mode = categories.First(k => counts[k] == best); // ties: the first category in sorted order
            return new FeatureColumn(name, true, 0, 0, 1, categories, mode);
        }
        var numbers = present.Select(p => Number(p.Value)).ToArray();
        double mean = numbers.Average();
        // Standardisation statistics are those of the imputed column (imputer, then scaler): imputed entries sit at the mean.
        double ss = numbers.Sum(v => (v - mean) * (v - mean));
        double std = Math.Sqrt(ss / rows.RowCount);
        bool scale = options.Standardize;
        return new FeatureColumn(name, false, mean, scale ? mean : 0, scale && std > 0 ? std : 1, Array.Empty<string>(), "");
    }

    /// <summary>Features as float32 [rows, <see cref="FeatureCount"/>] (the caller's scope owns the tensor).</summary>
    /// <exception cref="InvalidDataException">A numeric column holds a non-number; the message names the file, line and column.</exception>
    public Tensor TransformFeatures(CsvTable rows)
    {
        var x = Features(rows);
        TensorScope.Register(x); // like any new tensor, it belongs to the caller's scope
        return x;
    }

    /// <summary>Features and target as a dataset: x float32 [N, F]; y int64 [N] class indices or float32 [N, 1] targets.</summary>
    /// <exception cref="InvalidOperationException">The preprocessor was fitted without a target.</exception>
    /// <exception cref="InvalidDataException">A non-number in a numeric column, a missing target, or a class not seen in
    /// training; the message names the file, line and column.</exception>
    public CsvDataset Transform(CsvTable rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (Target is null)
            throw new InvalidOperationException("TabularPreprocessor: fitted without a target column; use TransformFeatures, or fit with TabularOptions.Target.");
        var x = Features(rows);
        try
        {
            var y = Targets(rows);
            return new CsvDataset(TensorDataset.Adopt(x, y), this);
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    /// <summary>A scope-free float32 [N, F] tensor.</summary>
    private Tensor Features(CsvTable rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var at = _columns.Select(c => rows.ColumnIndex(c.Name)).ToArray();
        int f = FeatureCount;
        var x = HostTensor.Allocate("TabularPreprocessor", new[] { rows.RowCount, f }, DType.Float32);
        try
        {
            var xs = HostTensor.Elements<float>(x, "TabularPreprocessor");
            xs.Clear();
            for (int r = 0; r < rows.RowCount; r++)
            {
                var row = xs.Slice(r * f, f);
                int o = 0;
                for (int j = 0; j < _columns.Length; j++)
                {
                    var col = _columns[j];
                    var v = rows.Field(r, at[j]).Trim();
                    bool isMissing = _missing.Contains(v);
                    if (col.IsCategorical)
                    {
                        // A category unseen in training stays all zeros.
                        int k = IndexOf(col.Categories, isMissing ? col.MostFrequent : v);
                        if (k >= 0) row[o + k] = 1;
                    }
                    else
                    {
                        double d;
                        if (isMissing) d = col.Fill;
                        else if (!TryNumber(v, out d))
                            throw new InvalidDataException($"{rows.Source}: line {rows.LineOf(r)}, column '{col.Name}': '{v}' is not a number, but the column is numeric.");
                        row[o] = (float)((d - col.Center) / col.Scale);
                    }
                    o += col.Width;
                }
            }
            return x;
        }
        catch
        {
            x.Dispose();
            throw;
        }
    }

    private Tensor Targets(CsvTable rows)
    {
        int t = rows.ColumnIndex(Target!);
        bool classify = TargetKind == TargetKind.Classification;
        var y = HostTensor.Allocate("TabularPreprocessor", classify ? new[] { rows.RowCount } : new[] { rows.RowCount, 1 }, classify ? DType.Int64 : DType.Float32);
        try
        {
            var labels = classify ? HostTensor.Elements<long>(y, "TabularPreprocessor") : default;
            var values = classify ? default : HostTensor.Elements<float>(y, "TabularPreprocessor");
            for (int r = 0; r < rows.RowCount; r++)
            {
                var v = rows.Field(r, t).Trim();
                string where = $"{rows.Source}: line {rows.LineOf(r)}, column '{Target}'";
                if (_missing.Contains(v)) throw new InvalidDataException($"{where}: the target is missing.");
                if (classify)
                {
                    if (!_classIndex.TryGetValue(v, out int k))
                        throw new InvalidDataException($"{where}: unknown target class '{v}'; the classes seen in training are {string.Join(", ", _classes.Select(c => $"'{c}'"))}.");
                    labels[r] = k;
                }
                else
                {
                    if (!TryNumber(v, out double d)) throw new InvalidDataException($"{where}: regression target '{v}' is not a number.");
                    values[r] = (float)d;
                }
            }
            return y;
        }
        catch
        {
            y.Dispose();
            throw;
        }
    }

    private static int IndexOf(IReadOnlyList<string> categories, string value)
    {
        for (int i = 0; i < categories.Count; i++) if (string.Equals(categories[i], value, StringComparison.Ordinal)) return i;
        return -1;
    }

    private static bool TryNumber(string s, out double value) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    private static double Number(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    /// <summary>Numeric order when every value is a number (so class "10" follows "9"), else ordinal string order.</summary>
    private static string[] SortValues(IEnumerable<string> values)
    {
        var list = values.ToArray();
        if (list.All(v => TryNumber(v, out _))) return list.OrderBy(Number).ThenBy(v => v, StringComparer.Ordinal).ToArray();
        return list.OrderBy(v => v, StringComparer.Ordinal).ToArray();
    }
}
