namespace Strata.Plotting;

/// <summary>
/// Training history as one panel per metric ("loss", "accuracy", ...), the training values and the "val_"
/// values as two coloured lines over epochs, with a legend; panels three to a row.
/// </summary>
internal static class LearningCurvePlot
{
    public const int PanelWidth = 480, PanelHeight = 360;
    public static readonly PlotColor Train = PlotColor.Series[0], Validation = PlotColor.Series[1];

    public static (Canvas Canvas, IReadOnlyList<(string Metric, Axes Axes)> Panels) Render(IReadOnlyDictionary<string, IReadOnlyList<double>> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var metrics = new List<string>();
        foreach (var (key, values) in history)
        {
            if (values is null) throw new ArgumentException($"Plots.LearningCurves: history[\"{key}\"] is null.", nameof(history));
            if (string.IsNullOrWhiteSpace(key)) throw new ArgumentException("Plots.LearningCurves: history has an empty key.", nameof(history));
            string metric = key.StartsWith("val_", StringComparison.Ordinal) && key.Length > 4 ? key[4..] : key;
            if (values.Count > 0 && !metrics.Contains(metric)) metrics.Add(metric);
        }
        if (metrics.Count == 0)
            throw new ArgumentException("Plots.LearningCurves: the history holds no values to plot.", nameof(history));
        // Keras lists the loss first; keep that order whatever the dictionary's.
        if (metrics.Remove("loss")) metrics.Insert(0, "loss");

        int columns = Math.Min(3, metrics.Count), rows = (metrics.Count + columns - 1) / columns;
        var canvas = new Canvas(columns * PanelWidth, rows * PanelHeight, PlotColor.White);
        var panels = new List<(string, Axes)>();
        for (int p = 0; p < metrics.Count; p++)
        {
            string metric = metrics[p];
            var train = history.TryGetValue(metric, out var t) ? t : Array.Empty<double>();
            var val = history.TryGetValue("val_" + metric, out var v) ? v : Array.Empty<double>();
            var axes = new Axes(canvas, (p % columns) * PanelWidth + 76, (p / columns) * PanelHeight + 42, PanelWidth - 76 - 22, PanelHeight - 42 - 54);
            DrawPanel(axes, metric, train, val);
            panels.Add((metric, axes));
        }
        return (canvas, panels);
    }

    private static void DrawPanel(Axes axes, string metric, IReadOnlyList<double> train, IReadOnlyList<double> val)
    {
        int epochs = Math.Max(train.Count, val.Count);
        var finite = train.Concat(val).Where(double.IsFinite).ToList();
        double lo = finite.Count > 0 ? finite.Min() : 0, hi = finite.Count > 0 ? finite.Max() : 1;
        double pad = hi > lo ? (hi - lo) * 0.06 : Math.Max(Math.Abs(lo) * 0.1, 0.5);
        double xPad = epochs > 1 ? (epochs - 1) * 0.03 : 0.5;
        axes.SetLimits(1 - xPad, Math.Max(epochs, 1) + xPad, lo - pad, hi + pad);
        int labelWidth = axes.Frame(Ticks.Step(1, Math.Max(epochs, 2), 6, minStep: 1), Ticks.Step(lo - pad, hi + pad, 5));
        axes.Title(metric);
        axes.XLabel("epoch");
        axes.YLabel(metric, labelWidth);

        bool markers = epochs <= 40;
        var legend = new List<(string, PlotColor, bool)>();
        if (train.Count > 0)
        {
            axes.Plot(Enumerable.Range(1, train.Count).Select(e => (double)e).ToArray(), train, Train, 2, markers);
            legend.Add(("train", Train, false));
        }
        if (val.Count > 0)
        {
            axes.Plot(Enumerable.Range(1, val.Count).Select(e => (double)e).ToArray(), val, Validation, 2, markers);
            legend.Add(("validation", Validation, false));
        }
        axes.Legend(legend);
    }
}
