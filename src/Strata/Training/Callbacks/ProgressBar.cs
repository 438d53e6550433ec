using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Strata.Training.Callbacks;

/// <summary>
/// Keras-style progress output: per-batch loss and metrics, ETA and samples/s. On a terminal the bar redraws in place
/// (at most 10 times a second); when the output is redirected (CI, a log file) it prints plain lines instead, about
/// ten per epoch. <c>verbose: 2</c> prints one line per epoch. <c>Fit(verbose: 1)</c> adds one automatically.
/// </summary>
public sealed class ProgressBar : Callback
{
    private const int Width = 30;
    private readonly TextWriter _out;
    private readonly bool _interactive;
    private readonly int _verbose;
    private readonly Stopwatch _epochClock = new();
    private long _lastDrawTicks;
    private int _nextPlainLine;
    private int _lastWidth;

    /// <param name="verbose">1: bar (or plain lines when not a terminal); 2: one line per epoch.</param>
    /// <param name="output">Where to write; the console by default.</param>
    /// <param name="interactive">Redraw in place; by default, when the console output is not redirected.</param>
    public ProgressBar(int verbose = 1, TextWriter? output = null, bool? interactive = null)
    {
        if (verbose is < 1 or > 2) throw new ArgumentOutOfRangeException(nameof(verbose), $"ProgressBar: verbose must be 1 or 2, got {verbose}.");
        _verbose = verbose;
        _out = output ?? Console.Out;
        _interactive = interactive ?? (output is null && !Console.IsOutputRedirected);
    }

    public override void OnEpochBegin(int epoch)
    {
        if (_verbose == 1) _out.WriteLine($"Epoch {epoch + 1}/{Params?.Epochs}");
        _epochClock.Restart();
        _lastDrawTicks = 0;
        _nextPlainLine = 1;
        _lastWidth = 0;
    }

    public override void OnBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        if (_verbose != 1 || Params is null) return;
        int done = batch + 1, total = Params.StepsPerEpoch;
        double elapsed = _epochClock.Elapsed.TotalSeconds;
        if (_interactive)
        {
            long now = _epochClock.ElapsedTicks;
            if (done < total && now - _lastDrawTicks < Stopwatch.Frequency / 10) return;
            _lastDrawTicks = now;
            var line = $"{Counter(done, total)} {Bar(done, total)} - ETA: {Eta(elapsed, done, total)}{Values(logs)} - {Rate(elapsed, done)}";
            _out.Write('\r' + line.PadRight(_lastWidth));
            _lastWidth = line.Length;
            _out.Flush();
        }
        else if (done * 10 >= _nextPlainLine * total && done < total)
        {
            while (_nextPlainLine * total <= done * 10) _nextPlainLine++;
            _out.WriteLine($"{Counter(done, total)} - ETA: {Eta(elapsed, done, total)}{Values(logs)} - {Rate(elapsed, done)}");
        }
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (Params is null) return;
        double elapsed = _epochClock.Elapsed.TotalSeconds;
        int steps = Params.StepsPerEpoch;
        double perStep = elapsed / Math.Max(1, steps) * 1000;
        var timing = string.Create(CultureInfo.InvariantCulture, $"{elapsed:F0}s {perStep:F0}ms/step");
        var samplesPerSec = elapsed > 0 ? Params.Samples / elapsed : 0;
        var rate = string.Create(CultureInfo.InvariantCulture, $"{samplesPerSec:F0} samples/s");
        string line = _verbose == 1
            ? $"{Counter(steps, steps)} {Bar(steps, steps)} - {timing}{Values(logs)} - {rate}"
            : $"Epoch {epoch + 1}/{Params.Epochs} - {timing}{Values(logs)} - {rate}";
        if (_interactive && _verbose == 1) _out.Write('\r' + line.PadRight(_lastWidth) + Environment.NewLine);
        else _out.WriteLine(line);
        _out.Flush();
    }

    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => _out.Flush();

    private static string Counter(int done, int total)
    {
        var t = total.ToString(CultureInfo.InvariantCulture);
        return done.ToString(CultureInfo.InvariantCulture).PadLeft(t.Length) + "/" + t;
    }

    private static string Bar(int done, int total)
    {
        int filled = total <= 0 ? Width : (int)((long)done * Width / total);
        if (filled >= Width) return "[" + new string('=', Width) + "]";
        return "[" + new string('=', filled) + ">" + new string('.', Width - filled - 1) + "]";
    }

    private static string Eta(double elapsed, int done, int total)
    {
        double eta = done == 0 ? 0 : elapsed / done * (total - done);
        return eta >= 3600 ? $"{(int)eta / 3600}:{(int)eta % 3600 / 60:D2}:{(int)eta % 60:D2}"
             : eta >= 60 ? $"{(int)eta / 60}:{(int)eta % 60:D2}"
             : $"{(int)Math.Ceiling(eta)}s";
    }

    private string Rate(double elapsed, int done)
    {
        double samples = Math.Min((long)done * (Params?.BatchSize ?? 0), Params?.Samples ?? 0);
        return string.Create(CultureInfo.InvariantCulture, $"{(elapsed > 0 ? samples / elapsed : 0):F0} samples/s");
    }

    private static string Values(IReadOnlyDictionary<string, double> logs)
    {
        var sb = new StringBuilder();
        foreach (var (k, v) in logs)
            sb.Append(" - ").Append(k).Append(": ").Append(Format(v));
        return sb.ToString();
    }

    private static string Format(double v) =>
        double.IsNaN(v) ? "nan" : Math.Abs(v) is >= 1e-3 and < 1e4 or 0 ? v.ToString("F4", CultureInfo.InvariantCulture) : v.ToString("E3", CultureInfo.InvariantCulture);
}
