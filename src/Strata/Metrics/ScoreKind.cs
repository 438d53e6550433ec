namespace Strata.Metrics;

/// <summary>Which per-class score a metric reports.</summary>
internal enum ScoreKind
{
    Precision,
    Recall,
    F1,
}
