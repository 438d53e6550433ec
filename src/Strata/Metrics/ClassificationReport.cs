using System.Text;

namespace Strata.Metrics;

/// <summary>
/// Per-class precision, recall, F1 and support with accuracy and macro / weighted averages (scikit-learn's
/// <c>classification_report</c>); <see cref="ToString()"/> prints the same table. Build one with
/// <see cref="Classification.Report"/>.
/// </summary>
public sealed class ClassificationReport
{
    internal ClassificationReport(IReadOnlyList<ClassReportRow> classes, double accuracy, ClassReportRow macro, ClassReportRow weighted)
    {
        Classes = classes;
        Accuracy = accuracy;
        MacroAverage = macro;
        WeightedAverage = weighted;
    }

    /// <summary>One row per class, in class-index order.</summary>
    public IReadOnlyList<ClassReportRow> Classes { get; }

    /// <summary>Fraction of samples predicted correctly.</summary>
    public double Accuracy { get; }

    /// <summary>Unweighted mean over classes.</summary>
    public ClassReportRow MacroAverage { get; }

    /// <summary>Mean over classes weighted by support.</summary>
    public ClassReportRow WeightedAverage { get; }

    /// <summary>Number of samples.</summary>
    public long Total => MacroAverage.Support;

    /// <summary>The table with two decimals, character for character as scikit-learn prints it.</summary>
    public override string ToString() => ToString(2);

    /// <summary>The table with <paramref name="digits"/> decimals (scikit-learn's <c>digits=</c>).</summary>
    public string ToString(int digits)
    {
        if (digits < 0) throw new ArgumentOutOfRangeException(nameof(digits), $"ClassificationReport: digits must be non-negative, got {digits}.");
        int width = Math.Max(Math.Max("weighted avg".Length, digits), Classes.Count == 0 ? 0 : Classes.Max(c => c.Name.Length));
        var sb = new StringBuilder();
        sb.Append(new string(' ', width)).Append(' ');
        foreach (var h in new[] { "precision", "recall", "f1-score", "support" }) sb.Append(' ').Append(h.PadLeft(9));
        sb.Append("\n\n");
        foreach (var row in Classes) AppendRow(sb, row, width, digits);
        sb.Append('\n');
        sb.Append("accuracy".PadLeft(width)).Append(' ').Append(' ', 20)
          .Append(' ').Append(FixedPoint.Format(Accuracy, digits).PadLeft(9))
          .Append(' ').Append(Total.ToString().PadLeft(9)).Append('\n');
        AppendRow(sb, MacroAverage, width, digits);
        AppendRow(sb, WeightedAverage, width, digits);
        return sb.ToString();
    }

    private static void AppendRow(StringBuilder sb, ClassReportRow row, int width, int digits)
    {
        sb.Append(row.Name.PadLeft(width)).Append(' ');
        foreach (var v in new[] { row.Precision, row.Recall, row.F1Score }) sb.Append(' ').Append(FixedPoint.Format(v, digits).PadLeft(9));
        sb.Append(' ').Append(row.Support.ToString().PadLeft(9)).Append('\n');
    }
}
