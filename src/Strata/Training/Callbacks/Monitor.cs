namespace Strata.Training.Callbacks;

/// <summary>Whether a monitored quantity should fall or rise (Keras <c>mode</c>).</summary>
public enum MonitorMode
{
    /// <summary>Max for accuracy-like names (acc, auc, precision, recall, f1, r2), min otherwise.</summary>
    Auto,
    Min,
    Max,
}

/// <summary>Tracks the best value of one log entry for the callbacks that monitor one.</summary>
internal sealed class Monitor
{
    private static readonly string[] MaxNames = { "acc", "auc", "precision", "recall", "f1", "r2" };

    public Monitor(string name, MonitorMode mode, double minDelta, string owner)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException($"{owner}: monitor must name a log entry such as \"val_loss\".");
        Name = name;
        Owner = owner;
        MinDelta = Math.Abs(minDelta);
        Maximize = mode switch
        {
            MonitorMode.Max => true,
            MonitorMode.Min => false,
            _ => MaxNames.Any(n => name.Contains(n, StringComparison.OrdinalIgnoreCase)) && !name.Contains("loss", StringComparison.OrdinalIgnoreCase),
        };
        Reset();
    }

    public string Name { get; }
    public string Owner { get; }
    public double MinDelta { get; }
    public bool Maximize { get; }
    public double Best { get; set; }

    public void Reset() => Best = Maximize ? double.NegativeInfinity : double.PositiveInfinity;

    /// <summary>The monitored value in <paramref name="logs"/>; a clear error when the entry is missing.</summary>
    public double Read(IReadOnlyDictionary<string, double> logs) =>
        logs.TryGetValue(Name, out var v)
            ? v
            : throw new InvalidOperationException($"{Owner}: monitor '{Name}' is not in the logs (available: {string.Join(", ", logs.Keys)}). Pass validation data to monitor a val_ entry.");

    /// <summary>Whether <paramref name="value"/> beats the best by more than the minimum delta.</summary>
    public bool IsImprovement(double value) =>
        !double.IsNaN(value) && (Maximize ? value - MinDelta > Best : value + MinDelta < Best);
}
