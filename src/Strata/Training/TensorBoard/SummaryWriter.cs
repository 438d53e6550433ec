using System.Diagnostics;

namespace Strata.Training.TensorBoard;

/// <summary>
/// Writes scalars for TensorBoard (PyTorch's <c>torch.utils.tensorboard.SummaryWriter</c>): one event file
/// <c>events.out.tfevents.&lt;unix time&gt;.&lt;host&gt;.strata</c> per writer in <see cref="LogDir"/>, made of
/// TFRecord-framed <c>Event</c> protobufs. Point <c>tensorboard --logdir</c> at the parent folder to see the runs.
/// Events are buffered and reach the file every <c>maxQueue</c> events, after <c>flushSeconds</c>, on
/// <see cref="Flush"/> and on <see cref="Dispose"/>. Thread-safe.
/// </summary>
public sealed class SummaryWriter : IDisposable
{
    private readonly object _lock = new();
    private readonly FileStream _stream;
    private readonly int _maxQueue;
    private readonly long _flushTicks;
    private readonly Dictionary<string, SummaryWriter> _children = new(StringComparer.Ordinal);
    private readonly string _suffix;
    private int _pending;
    private long _lastFlush;
    private bool _disposed;

    /// <summary>Creates <paramref name="logDir"/> if needed and starts a new event file in it.</summary>
    /// <param name="logDir">Folder of this run.</param>
    /// <param name="filenameSuffix">Appended to the event file's name.</param>
    /// <param name="maxQueue">Events buffered before they are written to the file.</param>
    /// <param name="flushSeconds">Longest time an event stays buffered (checked when an event is added).</param>
    public SummaryWriter(string logDir, string filenameSuffix = "", int maxQueue = 10, double flushSeconds = 120)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDir);
        ArgumentNullException.ThrowIfNull(filenameSuffix);
        if (maxQueue < 1) throw new ArgumentOutOfRangeException(nameof(maxQueue), $"SummaryWriter: maxQueue must be at least 1, got {maxQueue}.");
        if (!(flushSeconds >= 0)) throw new ArgumentOutOfRangeException(nameof(flushSeconds), $"SummaryWriter: flushSeconds must be non-negative, got {flushSeconds}.");
        LogDir = logDir;
        _suffix = filenameSuffix;
        _maxQueue = maxQueue;
        _flushTicks = (long)(flushSeconds * Stopwatch.Frequency);
        Directory.CreateDirectory(logDir);
        (_stream, FilePath) = CreateEventFile(logDir, filenameSuffix);
        // TensorBoard identifies an event file by this first record, so it goes to disk at once.
        TfRecordWriter.Write(_stream, EventEncoder.FileVersionEvent(UnixNow()));
        _stream.Flush();
        _lastFlush = Stopwatch.GetTimestamp();
    }

    /// <summary>The folder this writer writes to.</summary>
    public string LogDir { get; }

    /// <summary>Full path of the event file.</summary>
    public string FilePath { get; }

    /// <summary>Records <paramref name="value"/> (stored as float32, as TensorBoard does) for <paramref name="tag"/> at <paramref name="step"/>.</summary>
    /// <param name="tag">Chart name; "/" groups charts ("loss/train").</param>
    /// <param name="value">The value.</param>
    /// <param name="step">The x-axis position (global step or epoch).</param>
    /// <param name="wallTime">Seconds since the Unix epoch; now when null.</param>
    public void AddScalar(string tag, double value, long step, double? wallTime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        var record = EventEncoder.ScalarEvent(wallTime ?? UnixNow(), step, tag, (float)value);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            TfRecordWriter.Write(_stream, record);
            _pending++;
            if (_pending >= _maxQueue || Stopwatch.GetTimestamp() - _lastFlush >= _flushTicks) FlushLocked();
        }
    }

    /// <summary>
    /// Records several scalars on one chart, as PyTorch's <c>add_scalars</c>: each key goes to its own run folder
    /// <c>LogDir/&lt;mainTag&gt;_&lt;key&gt;</c> under the tag <paramref name="mainTag"/>.
    /// </summary>
    public void AddScalars(string mainTag, IReadOnlyDictionary<string, double> tagScalarDict, long step, double? wallTime = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(mainTag);
        ArgumentNullException.ThrowIfNull(tagScalarDict);
        double time = wallTime ?? UnixNow();
        foreach (var (key, value) in tagScalarDict)
        {
            if (string.IsNullOrEmpty(key)) throw new ArgumentException($"SummaryWriter.AddScalars('{mainTag}'): keys must not be empty.", nameof(tagScalarDict));
            string dir = Path.Combine(LogDir, mainTag.Replace('/', '_') + "_" + key);
            SummaryWriter child;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (!_children.TryGetValue(dir, out child!))
                {
                    child = new SummaryWriter(dir, _suffix, _maxQueue, (double)_flushTicks / Stopwatch.Frequency);
                    _children[dir] = child;
                }
            }
            child.AddScalar(mainTag, value, step, time);
        }
    }

    /// <summary>Writes buffered events to the file (and those of the <see cref="AddScalars"/> runs).</summary>
    public void Flush()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            FlushLocked();
            foreach (var c in _children.Values) c.Flush();
        }
    }

    /// <summary>Flushes and closes the event files.</summary>
    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            foreach (var c in _children.Values) c.Dispose();
            _stream.Dispose();
        }
    }

    private void FlushLocked()
    {
        _stream.Flush();
        _pending = 0;
        _lastFlush = Stopwatch.GetTimestamp();
    }

    private static double UnixNow() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private static (FileStream, string) CreateEventFile(string logDir, string suffix)
    {
        string host = string.Concat(Environment.MachineName.Select(c => Path.GetInvalidFileNameChars().Contains(c) ? '_' : c));
        string stem = $"events.out.tfevents.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{host}.strata{suffix}";
        // Two writers started in the same second in one folder would otherwise share a name; TensorBoard reads any file containing "tfevents".
        for (int n = 0; ; n++)
        {
            string path = Path.GetFullPath(Path.Combine(logDir, n == 0 ? stem : $"{stem}.{n}"));
            try
            {
                return (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, 1 << 16), path);
            }
            catch (IOException) when (File.Exists(path) && n < 1000)
            {
            }
        }
    }
}
