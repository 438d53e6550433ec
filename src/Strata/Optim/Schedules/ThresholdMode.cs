namespace Strata.Optim.Schedules;

/// <summary>How <see cref="ReduceLROnPlateau"/> decides that a value improves on the best one.</summary>
public enum ThresholdMode
{
    /// <summary>Better by a fraction: below best · (1 − threshold) in min mode, above best · (1 + threshold) in max mode.</summary>
    Rel,
    /// <summary>Better by an amount: below best − threshold in min mode, above best + threshold in max mode.</summary>
    Abs,
}
