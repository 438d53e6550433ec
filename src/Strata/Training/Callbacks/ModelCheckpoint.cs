using System.Globalization;
using System.Text.RegularExpressions;

namespace Strata.Training.Callbacks;

/// <summary>
/// Saves the model after every epoch, or only when the monitored value improves (Keras <c>ModelCheckpoint</c>).
/// <c>filepath</c> may hold placeholders: <c>{epoch}</c> / <c>{epoch:02d}</c> (1-based, as Keras) and any log entry,
/// e.g. <c>{val_loss:.4f}</c>. Files are written atomically, so an interrupted save never leaves a torn file.
/// Whole-model files include the optimizer state and the epoch, so training can resume from them.
/// </summary>
public sealed partial class ModelCheckpoint : Callback
{
    private readonly Monitor _monitor;

    public ModelCheckpoint(string filepath, string monitor = "val_loss", bool saveBestOnly = false, bool saveWeightsOnly = false,
        MonitorMode mode = MonitorMode.Auto, bool includeOptimizer = true, TextWriter? verboseOutput = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filepath);
        Filepath = filepath;
        SaveBestOnly = saveBestOnly;
        SaveWeightsOnly = saveWeightsOnly;
        IncludeOptimizer = includeOptimizer;
        Output = verboseOutput;
        _monitor = new Monitor(monitor, mode, 0, nameof(ModelCheckpoint));
    }

    public string Filepath { get; }
    public bool SaveBestOnly { get; }
    public bool SaveWeightsOnly { get; }
    public bool IncludeOptimizer { get; }
    private TextWriter? Output { get; }

    /// <summary>The path written last, or null.</summary>
    public string? LastSaved { get; private set; }

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs) => _monitor.Reset();

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (SaveBestOnly)
        {
            double value = _monitor.Read(logs);
            if (!_monitor.IsImprovement(value)) return;
            Output?.WriteLine($"Epoch {epoch + 1}: {_monitor.Name} improved from {_monitor.Best:G6} to {value:G6}, saving the model.");
            _monitor.Best = value;
        }
        var path = FormatPath(Filepath, epoch, logs);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        if (SaveWeightsOnly) Model!.SaveWeights(path);
        else Model!.Save(path, IncludeOptimizer);
        LastSaved = path;
    }

    [GeneratedRegex(@"\{(\w+)(?::([^}]*))?\}")]
    private static partial Regex Placeholder();

    internal static string FormatPath(string pattern, int epoch, IReadOnlyDictionary<string, double> logs) =>
        Placeholder().Replace(pattern, m =>
        {
            string name = m.Groups[1].Value, spec = m.Groups[2].Value;
            if (name == "epoch")
            {
                int e = epoch + 1;
                var d = Regex.Match(spec, @"^0?(\d+)d$");
                return d.Success ? e.ToString("D" + d.Groups[1].Value, CultureInfo.InvariantCulture) : e.ToString(CultureInfo.InvariantCulture);
            }
            if (!logs.TryGetValue(name, out var v))
                throw new InvalidOperationException($"ModelCheckpoint: the path placeholder '{{{name}}}' is not a log entry (available: epoch, {string.Join(", ", logs.Keys)}).");
            var f = Regex.Match(spec, @"^\.(\d+)f$");
            return f.Success ? v.ToString("F" + f.Groups[1].Value, CultureInfo.InvariantCulture) : v.ToString(CultureInfo.InvariantCulture);
        });
}
