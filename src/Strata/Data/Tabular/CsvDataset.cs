namespace Strata.Data.Tabular;

/// <summary>
/// Tabular data after preprocessing: float32 features [N, F] and int64 class labels [N] (classification) or
/// float32 targets [N, 1] (regression), with the <see cref="TabularPreprocessor"/> that produced them, so new rows
/// (a test file, inference inputs) can be encoded the same way.
/// </summary>
public sealed class CsvDataset : Dataset
{
    private readonly TensorDataset _data;

    internal CsvDataset(TensorDataset data, TabularPreprocessor preprocessor)
    {
        _data = data;
        Preprocessor = preprocessor;
    }

    /// <summary>
    /// Reads <paramref name="path"/>, splits its rows (seeded; stratified by the target for classification when asked),
    /// fits the preprocessing on the training rows only and encodes both parts with it.
    /// </summary>
    public static (CsvDataset Train, CsvDataset Test) Load(string path, TabularOptions options, double testFraction, int seed, bool stratify = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Target is null) throw new ArgumentException($"CsvDataset: {path}: TabularOptions.Target must name the target column.");
        var table = CsvReader.Read(path);
        var (trainRows, testRows) = table.TrainTestSplit(testFraction, seed, stratify ? options.Target : null);
        var pre = TabularPreprocessor.Fit(trainRows, options);
        var train = pre.Transform(trainRows);
        try { return (train, pre.Transform(testRows)); }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads <paramref name="path"/> and fits the preprocessing on all of its rows. Use it for a file that is all
    /// training data; to hold rows out, use the splitting overload or fit on a training <see cref="CsvTable"/> yourself.
    /// </summary>
    public static CsvDataset Load(string path, TabularOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Target is null) throw new ArgumentException($"CsvDataset: {path}: TabularOptions.Target must name the target column.");
        var table = CsvReader.Read(path);
        return TabularPreprocessor.Fit(table, options).Transform(table);
    }

    /// <summary>The fitted preprocessing behind this dataset.</summary>
    public TabularPreprocessor Preprocessor { get; }

    public IReadOnlyList<string> FeatureNames => Preprocessor.FeatureNames;

    /// <summary>Class names by label (empty for regression).</summary>
    public IReadOnlyList<string> Classes => Preprocessor.Classes;

    /// <summary>Features [N, F] (owned by the dataset).</summary>
    public Tensor X => _data.X;

    /// <summary>Labels [N] or targets [N, 1] (owned by the dataset).</summary>
    public Tensor Y => _data.Y;

    public override int Count => _data.Count;
    public override Shape SampleShape => _data.SampleShape;
    public override Shape LabelShape => _data.LabelShape;
    public override DType SampleDType => _data.SampleDType;
    public override DType LabelDType => _data.LabelDType;

    protected override void GetBatchCore(ReadOnlySpan<int> indices, Tensor x, Tensor y) => _data.GetBatch(indices, x, y);

    public override long[] GetLabels() => _data.GetLabels();

    protected override void Dispose(bool disposing) => _data.Dispose();
}
