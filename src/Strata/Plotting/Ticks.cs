using System.Globalization;

namespace Strata.Plotting;

/// <summary>"Nice" axis ticks (steps of 1, 2 or 5 × 10ⁿ) and their labels.</summary>
internal static class Ticks
{
    /// <summary>The step for about <paramref name="target"/> intervals over [lo, hi], at least <paramref name="minStep"/>.</summary>
    public static double Step(double lo, double hi, int target = 5, double minStep = 0)
    {
        double raw = (hi - lo) / Math.Max(1, target);
        if (!(raw > 0)) raw = 1;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double fraction = raw / magnitude;
        double step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
        return Math.Max(step, minStep);
    }

    /// <summary>Multiples of <paramref name="step"/> inside [lo, hi] (with a little slack for rounding).</summary>
    public static double[] Values(double lo, double hi, double step)
    {
        var ticks = new List<double>();
        double eps = step * 1e-9;
        for (double k = Math.Ceiling((lo - eps) / step); k * step <= hi + eps; k++)
        {
            double v = k * step;
            ticks.Add(Math.Abs(v) < eps ? 0 : v); // no "-0"
            if (ticks.Count > 1000) break;
        }
        return ticks.ToArray();
    }

    /// <summary>A tick label with just enough decimals for <paramref name="step"/>.</summary>
    public static string Label(double value, double step)
    {
        double magnitude = Math.Max(Math.Abs(value), step);
        if (magnitude >= 1e6 || (step < 1e-4 && value != 0))
            return value.ToString("0.##e+0", CultureInfo.InvariantCulture);
        int decimals = Math.Max(0, (int)Math.Ceiling(-Math.Log10(step) - 1e-9));
        return value.ToString("F" + decimals, CultureInfo.InvariantCulture);
    }
}
