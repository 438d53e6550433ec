using System.Globalization;
using System.Text;
using Strata.Serialization;

namespace Strata.Training.Callbacks;

/// <summary>
/// Writes one CSV row per epoch: "epoch" then every log entry in sorted order (Keras <c>CSVLogger</c>). The file is
/// rewritten atomically after each epoch, so a crash leaves the rows of every finished epoch.
/// </summary>
public sealed class CsvLogger : Callback
{
    private readonly List<string> _rows = new();
    private string[]? _keys;

    public CsvLogger(string filename, char separator = ',', bool append = false)
    {
        if (string.IsNullOrWhiteSpace(filename)) throw new ArgumentException("CsvLogger: filename is empty.");
        Filename = filename;
        Separator = separator;
        Append = append;
    }

    public string Filename { get; }
    public char Separator { get; }
    public bool Append { get; }

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        _rows.Clear();
        _keys = null;
        if (Append && File.Exists(Filename))
        {
            var lines = File.ReadAllLines(Filename);
            if (lines.Length > 0)
            {
                _keys = lines[0].Split(Separator).Skip(1).ToArray();
                _rows.AddRange(lines.Skip(1));
            }
        }
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        _keys ??= logs.Keys.OrderBy(k => k, StringComparer.Ordinal).ToArray();
        var row = new StringBuilder(epoch.ToString(CultureInfo.InvariantCulture));
        foreach (var k in _keys)
            row.Append(Separator).Append(logs.TryGetValue(k, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "");
        _rows.Add(row.ToString());
        var text = new StringBuilder("epoch");
        foreach (var k in _keys) text.Append(Separator).Append(k);
        text.Append('\n');
        foreach (var r in _rows) text.Append(r).Append('\n');
        var dir = Path.GetDirectoryName(Path.GetFullPath(Filename));
        if (dir is not null) Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(Filename, text.ToString());
    }
}
