namespace Strata.Metrics;

/// <summary>One line of a <see cref="ClassificationReport"/>: a class, or an average over classes.</summary>
/// <param name="Name">Class name, or "macro avg" / "weighted avg".</param>
/// <param name="Precision">tp / (tp + fp); 0 when nothing was predicted as the class.</param>
/// <param name="Recall">tp / (tp + fn); 0 when the class has no samples.</param>
/// <param name="F1Score">Harmonic mean of precision and recall.</param>
/// <param name="Support">Number of samples whose true class this is (for averages: all samples).</param>
public sealed record ClassReportRow(string Name, double Precision, double Recall, double F1Score, long Support);
