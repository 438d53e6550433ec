namespace Strata.Plotting;

/// <summary>An opaque 8-bit RGB colour, and the plots' palette (matplotlib's "tab10" and a few greys).</summary>
internal readonly record struct PlotColor(byte R, byte G, byte B)
{
    public static readonly PlotColor White = new(255, 255, 255);
    public static readonly PlotColor Black = new(0, 0, 0);
    public static readonly PlotColor Text = new(34, 34, 34);
    public static readonly PlotColor Axis = new(68, 68, 68);
    public static readonly PlotColor Grid = new(228, 228, 228);
    public static readonly PlotColor Reference = new(150, 150, 150);

    /// <summary>Series colours in order: blue, orange, green, red, purple, brown, pink, grey, olive, cyan.</summary>
    public static readonly PlotColor[] Series =
    {
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189),
        new(140, 86, 75), new(227, 119, 194), new(127, 127, 127), new(188, 189, 34), new(23, 190, 207),
    };

    /// <summary>Linear mix: t = 0 gives <paramref name="a"/>, 1 gives <paramref name="b"/>.</summary>
    public static PlotColor Lerp(PlotColor a, PlotColor b, double t) => new(
        (byte)Math.Round(a.R + (b.R - a.R) * t), (byte)Math.Round(a.G + (b.G - a.G) * t), (byte)Math.Round(a.B + (b.B - a.B) * t));

    // matplotlib's "Blues" at nine evenly spaced stops.
    private static readonly PlotColor[] BluesStops =
    {
        new(247, 251, 255), new(222, 235, 247), new(198, 219, 239), new(158, 202, 225), new(107, 174, 214),
        new(66, 146, 198), new(33, 113, 181), new(8, 81, 156), new(8, 48, 107),
    };

    /// <summary>The "Blues" colour map at <paramref name="t"/> in [0, 1] (white to dark blue).</summary>
    public static PlotColor Blues(double t)
    {
        t = double.IsNaN(t) ? 0 : Math.Clamp(t, 0, 1);
        double pos = t * (BluesStops.Length - 1);
        int i = Math.Min((int)pos, BluesStops.Length - 2);
        return Lerp(BluesStops[i], BluesStops[i + 1], pos - i);
    }
}
