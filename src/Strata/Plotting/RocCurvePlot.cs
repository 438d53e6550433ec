namespace Strata.Plotting;

/// <summary>ROC curves on the unit square with the chance diagonal, AUCs in the legend.</summary>
internal static class RocCurvePlot
{
    public static (Canvas Canvas, Axes Axes) Render(IReadOnlyList<(string Label, IReadOnlyList<double> Fpr, IReadOnlyList<double> Tpr, double Auc)> curves)
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0) throw new ArgumentException("Plots.RocCurve: give at least one curve.", nameof(curves));
        foreach (var (label, fpr, tpr, _) in curves)
        {
            if (fpr is null || tpr is null) throw new ArgumentException($"Plots.RocCurve: curve '{label}' has no points.", nameof(curves));
            if (fpr.Count != tpr.Count || fpr.Count == 0)
                throw new ArgumentException($"Plots.RocCurve: curve '{label}' has {fpr.Count} false positive rates and {tpr.Count} true positive rates; they must pair up (and not be empty).", nameof(curves));
            for (int i = 0; i < fpr.Count; i++)
                if (!(fpr[i] >= 0 && fpr[i] <= 1 && tpr[i] >= 0 && tpr[i] <= 1))
                    throw new ArgumentException($"Plots.RocCurve: curve '{label}' point {i} = ({fpr[i]}, {tpr[i]}) is outside [0, 1]².", nameof(curves));
        }

        var canvas = new Canvas(520, 526, PlotColor.White);
        var axes = new Axes(canvas, 76, 46, 420, 420);
        axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        int labelWidth = axes.Frame(0.2, 0.2);
        axes.Title("ROC curve");
        axes.XLabel("False positive rate");
        axes.YLabel("True positive rate", labelWidth);
        axes.Plot(new[] { 0.0, 1.0 }, new[] { 0.0, 1.0 }, PlotColor.Reference, 1.5, dashed: true);

        var legend = new List<(string, PlotColor, bool)>();
        for (int i = 0; i < curves.Count; i++)
        {
            var color = PlotColor.Series[i % PlotColor.Series.Length];
            axes.Plot(curves[i].Fpr, curves[i].Tpr, color, 2);
            legend.Add(($"{curves[i].Label} (AUC = {Metrics.FixedPoint.Format(curves[i].Auc, 3)})", color, false));
        }
        legend.Add(("chance (AUC = 0.500)", PlotColor.Reference, true));
        axes.Legend(legend, Corner.LowerRight);
        return (canvas, axes);
    }
}
