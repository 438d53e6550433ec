namespace Strata.Metrics;

/// <summary>
/// How a multiclass precision, recall or F1 score combines its per-class values (scikit-learn's
/// <c>average=</c>, Keras' <c>F1Score(average=)</c>).
/// </summary>
public enum Average
{
    /// <summary>Unweighted mean of the per-class values: every class counts the same.</summary>
    Macro,

    /// <summary>Computed from the total true positives, false positives and false negatives over all classes.</summary>
    Micro,

    /// <summary>Mean of the per-class values weighted by each class's support (number of true samples).</summary>
    Weighted,

    /// <summary>Per-class values (read them with <c>PerClass()</c>); <c>Result()</c> reports their macro mean.</summary>
    None,
}
