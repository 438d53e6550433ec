namespace Strata.Data.Tabular;

/// <summary>What a tabular target column holds.</summary>
public enum TargetKind
{
    /// <summary>Classification when any target value is not a number, else regression (pass <see cref="Classification"/> for integer-coded classes).</summary>
    Auto,
    /// <summary>Class names or codes, turned into int64 class indices over the sorted classes seen in training.</summary>
    Classification,
    /// <summary>Numbers, turned into float32 targets of shape [N, 1].</summary>
    Regression,
}
