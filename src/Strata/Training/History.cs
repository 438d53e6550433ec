using System.Collections;
using Strata.Training.Callbacks;

namespace Strata.Training;

/// <summary>
/// The values of every loss and metric per epoch (Keras <c>History</c>): <c>history["loss"]</c>,
/// <c>history["val_accuracy"]</c>. Returned by <c>Fit</c>; it is itself a callback that <c>Fit</c> always runs.
/// </summary>
public sealed class History : Callback, IReadOnlyDictionary<string, IReadOnlyList<double>>
{
    private readonly Dictionary<string, List<double>> _values = new();

    /// <summary>The epoch numbers recorded (0-based), in order.</summary>
    public List<int> Epochs { get; } = new();

    /// <summary>Why training stopped early (set by EarlyStopping or TerminateOnNaN), or null.</summary>
    public string? StopReason { get; internal set; }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        Epochs.Add(epoch);
        foreach (var (k, v) in logs)
        {
            if (!_values.TryGetValue(k, out var list)) _values[k] = list = new List<double>();
            list.Add(v);
        }
    }

    public IReadOnlyList<double> this[string key] =>
        _values.TryGetValue(key, out var v)
            ? v
            : throw new KeyNotFoundException($"History: no values named '{key}'; recorded: {string.Join(", ", _values.Keys)}.");

    public IEnumerable<string> Keys => _values.Keys;
    public IEnumerable<IReadOnlyList<double>> Values => _values.Values;
    public int Count => _values.Count;
    public bool ContainsKey(string key) => _values.ContainsKey(key);

    public bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out IReadOnlyList<double> value)
    {
        var ok = _values.TryGetValue(key, out var list);
        value = list;
        return ok;
    }

    public IEnumerator<KeyValuePair<string, IReadOnlyList<double>>> GetEnumerator() =>
        _values.Select(kv => new KeyValuePair<string, IReadOnlyList<double>>(kv.Key, kv.Value)).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
