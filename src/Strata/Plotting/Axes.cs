namespace Strata.Plotting;

/// <summary>
/// One plotting panel on a <see cref="Canvas"/>: a plot area in pixels, the data range it shows, and drawing in
/// data coordinates (grid, ticks, lines, legend, titles).
/// </summary>
internal sealed class Axes
{
    private readonly Canvas _canvas;
    private readonly List<(double X, double Y)> _drawn = new();

    /// <param name="canvas">Where to draw.</param>
    /// <param name="left">Plot area's left edge in pixels.</param>
    /// <param name="top">Plot area's top edge in pixels.</param>
    /// <param name="width">Plot area's width in pixels.</param>
    /// <param name="height">Plot area's height in pixels.</param>
    public Axes(Canvas canvas, int left, int top, int width, int height)
    {
        _canvas = canvas;
        (Left, Top, Width, Height) = (left, top, width, height);
    }

    public int Left { get; }
    public int Top { get; }
    public int Width { get; }
    public int Height { get; }
    public double XMin { get; private set; }
    public double XMax { get; private set; } = 1;
    public double YMin { get; private set; }
    public double YMax { get; private set; } = 1;

    public void SetLimits(double xMin, double xMax, double yMin, double yMax)
    {
        (XMin, XMax, YMin, YMax) = (xMin, xMax, yMin, yMax);
    }

    public double PixelX(double x) => Left + (x - XMin) / (XMax - XMin) * Width;

    public double PixelY(double y) => Top + Height - (y - YMin) / (YMax - YMin) * Height;

    /// <summary>Grid lines, frame, tick marks and tick labels; returns the widest y tick label in pixels.</summary>
    public int Frame(double xStep, double yStep)
    {
        var xs = Ticks.Values(XMin, XMax, xStep);
        var ys = Ticks.Values(YMin, YMax, yStep);
        foreach (var x in xs) _canvas.FillRect((int)Math.Round(PixelX(x)), Top, 1, Height, PlotColor.Grid);
        foreach (var y in ys) _canvas.FillRect(Left, (int)Math.Round(PixelY(y)), Width, 1, PlotColor.Grid);
        _canvas.StrokeRect(Left - 1, Top - 1, Width + 2, Height + 2, PlotColor.Axis);
        foreach (var x in xs)
        {
            int px = (int)Math.Round(PixelX(x));
            _canvas.FillRect(px, Top + Height + 1, 1, 4, PlotColor.Axis);
            string label = Ticks.Label(x, xStep);
            _canvas.Text(px - BitmapFont.Width(label) / 2, Top + Height + 8, label, PlotColor.Text);
        }
        foreach (var y in ys)
        {
            int py = (int)Math.Round(PixelY(y));
            _canvas.FillRect(Left - 5, py, 4, 1, PlotColor.Axis);
            string label = Ticks.Label(y, yStep);
            _canvas.Text(Left - 8 - BitmapFont.Width(label), py - BitmapFont.CapHeight / 2, label, PlotColor.Text);
        }
        return ys.Length == 0 ? 0 : ys.Max(y => BitmapFont.Width(Ticks.Label(y, yStep)));
    }

    /// <summary>Title centred above the plot area, twice the normal size.</summary>
    public void Title(string text) =>
        _canvas.Text(Left + (Width - BitmapFont.Width(text, 2)) / 2, Top - 2 * BitmapFont.CapHeight - 12, text, PlotColor.Text, 2);

    /// <summary>X axis label centred below the tick labels.</summary>
    public void XLabel(string text) =>
        _canvas.Text(Left + (Width - BitmapFont.Width(text)) / 2, Top + Height + 8 + BitmapFont.Height + 6, text, PlotColor.Text);

    /// <summary>Y axis label turned upright, left of y tick labels <paramref name="tickLabelWidth"/> pixels wide.</summary>
    public void YLabel(string text, int tickLabelWidth) =>
        _canvas.TextVertical(Left - tickLabelWidth - 14 - BitmapFont.Height, Top + (Height - BitmapFont.Width(text)) / 2, text, PlotColor.Text);

    /// <summary>A line through (xs[i], ys[i]); points with a non-finite value are skipped, breaking the line.</summary>
    public void Plot(IReadOnlyList<double> xs, IReadOnlyList<double> ys, PlotColor color, double width = 2, bool markers = false, bool dashed = false)
    {
        var run = new List<(double X, double Y)>();
        void Flush()
        {
            if (run.Count > 0)
            {
                if (dashed)
                    for (int i = 1; i < run.Count; i++) _canvas.DashedLine(run[i - 1].X, run[i - 1].Y, run[i].X, run[i].Y, color, width);
                else _canvas.Polyline(run, color, width);
            }
            run.Clear();
        }
        for (int i = 0; i < xs.Count; i++)
        {
            if (!double.IsFinite(xs[i]) || !double.IsFinite(ys[i]))
            {
                Flush();
                continue;
            }
            var p = (PixelX(xs[i]), PixelY(ys[i]));
            run.Add(p);
            _drawn.Add(p);
            if (markers) _canvas.Dot(p.Item1, p.Item2, width + 1, color);
        }
        Flush();
        // Sample along long segments too, so the legend avoids lines as well as their end points.
        for (int i = 1; i < xs.Count; i++)
            for (int k = 1; k < 8; k++)
                if (double.IsFinite(xs[i - 1] + ys[i - 1] + xs[i] + ys[i]))
                    _drawn.Add((PixelX(xs[i - 1] + (xs[i] - xs[i - 1]) * k / 8.0), PixelY(ys[i - 1] + (ys[i] - ys[i - 1]) * k / 8.0)));
    }

    /// <summary>
    /// A boxed legend in whichever corner of the plot area covers the fewest drawn points (matplotlib's
    /// <c>loc="best"</c>, simplified); <paramref name="preferred"/> wins ties.
    /// </summary>
    public (int X, int Y, int Width, int Height) Legend(IReadOnlyList<(string Label, PlotColor Color, bool Dashed)> entries, Corner preferred = Corner.UpperRight)
    {
        const int pad = 6, sample = 22, rowHeight = BitmapFont.Height + 5;
        int w = pad * 2 + sample + 6 + entries.Max(e => BitmapFont.Width(e.Label));
        int h = pad * 2 + entries.Count * rowHeight - 5;
        var corners = new[] { preferred }.Concat(Enum.GetValues<Corner>().Where(c => c != preferred));
        (int X, int Y) Place(Corner c) => (
            c is Corner.UpperLeft or Corner.LowerLeft ? Left + 8 : Left + Width - w - 8,
            c is Corner.UpperLeft or Corner.UpperRight ? Top + 8 : Top + Height - h - 8);
        var best = corners.MinBy(c =>
        {
            var (x, y) = Place(c);
            return _drawn.Count(p => p.X >= x - 2 && p.X <= x + w + 2 && p.Y >= y - 2 && p.Y <= y + h + 2);
        });
        var (lx, ly) = Place(best);
        _canvas.FillRect(lx, ly, w, h, PlotColor.White);
        _canvas.StrokeRect(lx, ly, w, h, PlotColor.Grid);
        for (int i = 0; i < entries.Count; i++)
        {
            int rowY = ly + pad + i * rowHeight;
            double midY = rowY + BitmapFont.CapHeight / 2.0;
            if (entries[i].Dashed) _canvas.DashedLine(lx + pad, midY, lx + pad + sample, midY, entries[i].Color, 2, 5, 3);
            else _canvas.Line(lx + pad, midY, lx + pad + sample, midY, entries[i].Color, 2.5);
            _canvas.Text(lx + pad + sample + 6, rowY, entries[i].Label, PlotColor.Text);
        }
        return (lx, ly, w, h);
    }
}
