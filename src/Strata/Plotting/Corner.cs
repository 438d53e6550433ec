namespace Strata.Plotting;

/// <summary>A corner of a plot area (legend placement).</summary>
internal enum Corner
{
    UpperRight,
    UpperLeft,
    LowerRight,
    LowerLeft,
}
