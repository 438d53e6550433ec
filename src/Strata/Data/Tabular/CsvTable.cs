namespace Strata.Data.Tabular;

/// <summary>
/// Rows of a CSV file as text fields under named columns, remembering each row's line in the file so later
/// errors (non-numeric value, unknown class) can point at it. Produced by <see cref="CsvReader"/>; turned into
/// tensors by a fitted <see cref="TabularPreprocessor"/>.
/// </summary>
public sealed class CsvTable
{
    private readonly string[] _columns;
    private readonly string[][] _rows;
    private readonly int[] _lines;

    internal CsvTable(string source, string[] columns, string[][] rows, int[] lines)
    {
        Source = source;
        _columns = columns;
        _rows = rows;
        _lines = lines;
    }

    /// <summary>The file (or source name) the rows came from, used in error messages.</summary>
    public string Source { get; }

    /// <summary>Column names from the header row.</summary>
    public IReadOnlyList<string> Columns => _columns;

    public int RowCount => _rows.Length;

    /// <summary>The fields of row <paramref name="row"/> (0-based, header excluded).</summary>
    public IReadOnlyList<string> this[int row] => _rows[row];

    /// <summary>The 1-based line of the file on which row <paramref name="row"/> starts.</summary>
    public int LineOf(int row) => _lines[row];

    internal string Field(int row, int column) => _rows[row][column];

    /// <summary>Index of the column called <paramref name="name"/>; throws naming the file and the columns it has.</summary>
    public int ColumnIndex(string name)
    {
        int i = Array.IndexOf(_columns, name);
        if (i < 0)
            throw new ArgumentException($"{Source}: no column named '{name}'; the columns are {string.Join(", ", _columns.Select(c => $"'{c}'"))}.");
        return i;
    }

    /// <summary>The rows at <paramref name="rows"/>, in that order (line numbers kept).</summary>
    public CsvTable Select(IEnumerable<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var idx = rows.ToArray();
        foreach (var r in idx)
            if ((uint)r >= (uint)_rows.Length) throw new ArgumentOutOfRangeException(nameof(rows), $"{Source}: row {r} is out of range for a table of {_rows.Length} rows.");
        return new CsvTable(Source, _columns, idx.Select(r => _rows[r]).ToArray(), idx.Select(r => _lines[r]).ToArray());
    }

    /// <summary>
    /// A seeded random split of the rows, before any statistics are fitted (so fit the preprocessor on Train only).
    /// The test part has ceil(testFraction · rows) rows; with <paramref name="stratifyColumn"/>, every value of that
    /// column (typically the target) is split in the same proportion.
    /// </summary>
    public (CsvTable Train, CsvTable Test) TrainTestSplit(double testFraction, int seed, string? stratifyColumn = null)
    {
        if (!(testFraction > 0 && testFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(testFraction), $"{Source}: testFraction must be in (0, 1), got {testFraction}.");
        int n = _rows.Length;
        int nTest = (int)Math.Ceiling(testFraction * n - 1e-9);
        if (nTest <= 0 || nTest >= n)
            throw new ArgumentException($"{Source}: testFraction {testFraction} of {n} rows leaves {nTest} test and {n - nTest} train rows; both parts need at least one.");
        var rng = new SeedSequence(SeedSequence.Derive((ulong)(uint)seed, 0xC5F));
        var sizes = new[] { n - nTest, nTest };
        int[][] parts;
        if (stratifyColumn is null)
        {
            var perm = rng.Permutation(n);
            parts = new[] { perm[..sizes[0]], perm[sizes[0]..] };
        }
        else
        {
            int c = ColumnIndex(stratifyColumn);
            var ids = new Dictionary<string, long>();
            var labels = _rows.Select(r => ids.TryGetValue(r[c].Trim(), out var id) ? id : ids[r[c].Trim()] = ids.Count).ToArray();
            parts = DataSplit.Stratified(labels, sizes, ref rng);
        }
        return (Select(parts[0]), Select(parts[1]));
    }
}
